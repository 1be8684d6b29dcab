"""The graph rule ``cdk-deploy-role`` on the hub example asks what AWS asks: only bootstrapped
environments have CDK roles (member accounts have none), and a deploy role admits its own
account and the ``--trust`` accounts (the management account), both halves across accounts.

The verifier's mutant widens carol.auditor's ``ReadOnly-MemberRoles`` to ``arn:aws:iam::*:role/*``.
It used to fail with "carol.auditor assumes the CDK deploy role of every member account", a
request AWS refuses. No such request exists: each bootstrapped deploy role refuses her (shown
below), so ``make check`` passes. The negative control drops the ProtectBaseline seal on the
identity account's CDK roles: the check then fails with the one request AWS would allow, her
own account's deploy role.
"""

from __future__ import annotations

import json

import pytest

from iam_baseline.analysis.check import main
from iam_baseline.analysis.engine.evaluator import Outcome
from iam_baseline.analysis.engine.request import Request
from iam_baseline.analysis.graph import build_graph
from iam_baseline.analysis.graph.build import decide_request
from iam_baseline.analysis.model.accounts import load_scopes
from iam_baseline.analysis.model.bootstrap import Bootstrap

from analysis.test_mutation import materialize
from organization_helpers import HUB

IDENTITY, MANAGEMENT, DELEGATED = "666600000001", "111111111111", "222200000001"
CAROL = f"arn:aws:iam::{IDENTITY}:user/baseline/carol.auditor"
TEMPLATE = "IdentityAccount.template.json"
GUARDRAILS = "OrganizationGuardrails.template.json"


def deploy_role(account: str) -> str:
    return f"arn:aws:iam::{account}:role/cdk-hnb659fds-deploy-role-{account}-eu-west-1"


def _widened(source) -> dict[str, dict]:
    """The identity account's template with ReadOnly-MemberRoles allowing sts:AssumeRole on every role."""
    template = json.loads((source / TEMPLATE).read_text())
    (policy,) = [r for r in template["Resources"].values()
                 if r["Type"] == "AWS::IAM::ManagedPolicy" and r["Properties"].get("ManagedPolicyName") == "ReadOnly-MemberRoles"]
    policy["Properties"]["PolicyDocument"]["Statement"][0]["Resource"] = ["arn:aws:iam::*:role/*"]
    return {TEMPLATE: template}


def _without_seal(source) -> dict[str, dict]:
    template = json.loads((source / GUARDRAILS).read_text())
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Organizations::Policy":
            content = resource["Properties"]["Content"]
            content["Statement"] = [s for s in content["Statement"] if s.get("Sid") != "DenyIdentityDeployRoles"]
    return {GUARDRAILS: template}


def _check(out, capsys) -> tuple[int, list[str]]:
    code = main(["--out", str(out), "--config", str(HUB)])
    return code, [line for line in capsys.readouterr().out.splitlines() if line.startswith("FAIL ")]


@pytest.fixture(scope="module")
def widened(hub_synth, tmp_path_factory):
    config, out, _ = hub_synth
    return config, materialize(out, tmp_path_factory.mktemp("widened") / "out", _widened(out))


def test_only_the_bootstrapped_environments_have_cdk_roles_trusting_as_bootstrapped(widened):
    config, out = widened
    scopes = load_scopes(out, config)
    assert scopes[0].bootstraps == (Bootstrap(MANAGEMENT, "eu-west-1"), Bootstrap(DELEGATED, "eu-west-1", (MANAGEMENT,)),
                                    Bootstrap(IDENTITY, "eu-west-1", (MANAGEMENT,)))
    graph = build_graph(scopes, config)
    deploy = sorted(n.arn for n in graph.nodes.values() if "/bootstrap:deploy:" in n.id)
    assert deploy == [deploy_role(MANAGEMENT), deploy_role(DELEGATED), deploy_role(IDENTITY)]


def test_the_widened_read_only_policy_reaches_no_deploy_role_and_the_check_passes(widened, capsys):
    """Why no request exists: the management account's deploy role trusts only itself, the
    delegated administrator's itself and the management account, and the identity account's
    own (which trusts carol's account) is sealed by ProtectBaseline."""
    config, out = widened
    graph = build_graph(load_scopes(out, config), config)
    carol = graph.nodes[graph.world.by_arn[CAROL]]
    subject = graph.world.subject_of[carol.id]

    def decided(account: str):
        return decide_request(graph.world, carol, Request(subject.principal, "sts:AssumeRole", deploy_role(account),
                                                          dict(subject.context)))

    for account in (MANAGEMENT, DELEGATED):
        decision = decided(account)
        assert (decision.outcome, decision.reason) == (Outcome.IMPLICIT_DENY, "the trust policy does not allow this principal")
    sealed = decided(IDENTITY)
    assert sealed.outcome is Outcome.EXPLICIT_DENY
    assert [str(r) for r in sealed.deciding] == ["service control policy IamBaseline-Guardrails statement "
                                                 "DenyIdentityDeployRoles (Deny)"]
    assert not [e for e in graph.edges_from(carol.id) if e.rule == "cdk-deploy-role"]
    code, failures = _check(out, capsys)
    assert (code, failures) == (0, [])


def test_without_the_seal_the_check_fails_with_her_own_accounts_deploy_role(widened, tmp_path, capsys):
    """The negative control: the same mutant without DenyIdentityDeployRoles. The counterexample
    is the one request AWS allows: carol assumes the deploy role of her own account (its trust
    names that account, her policy allows it), which passes CloudFormation the cfn-exec role."""
    config, out = widened
    code, failures = _check(materialize(out, tmp_path / "unsealed", _without_seal(out)), capsys)
    assert code != 0
    (line,) = [f for f in failures if f.startswith("FAIL INV-ONLY-ADMINS-ADMIN") and "user:carol.auditor:" in f]
    assert ("user:carol.auditor -[cdk-deploy-role]-> CDK deploy role (hnb659fds) of 666600000001 "
            "-[cdk-deploy-passes-execution-role]-> CDK cfn-exec role (hnb659fds) of 666600000001") in line
    assert f"principal {CAROL} (user, account {IDENTITY} (identity)), action sts:AssumeRole, resource {deploy_role(IDENTITY)}" in line
    assert "statement BootstrapAccounts (Allow)" in line and "ReadOnly-MemberRoles" in line
    carol_lines = " ".join(f for f in failures if "carol.auditor" in f)
    for account in (MANAGEMENT, DELEGATED, "333300000001", "444400000002"):
        assert f"deploy-role-{account}" not in carol_lines
