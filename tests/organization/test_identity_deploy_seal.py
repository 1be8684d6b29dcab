"""INV-ORG-BASELINE-CHANGES-DECLARED over the identity account's ``cdk deploy`` (its stack, its
CDK deploy and execution roles), on the shared hub-and-spoke synth: proven with the
ProtectBaseline seal, a counterexample naming the chain of the analysis graph without it."""

from __future__ import annotations

import json

import pytest

from iam_baseline.analysis.checks.invariants import org_baseline_changes
from iam_baseline.analysis.checks.invariants.catalog import run_invariants
from iam_baseline.analysis.model.accounts import load_scopes

from analysis.test_mutation import materialize

GUARDRAILS = "OrganizationGuardrails.template.json"
IDENTITY = "666600000001"
SEAL = ("DenyIdentityDeployRoles", "DenyIdentityExecRolePassing", "DenyIdentityStackChanges")


def _deploy_findings(config, out) -> list:
    results, _ = run_invariants(load_scopes(out, config), config, (org_baseline_changes.INVARIANT,))
    return [r for r in results if "its cdk deploy" in r.message]


def _without(source, target, sids) -> object:
    """A copy of the assembly whose guard rail SCPs lack the statements ``sids``."""
    template = json.loads((source / GUARDRAILS).read_text())
    dropped = 0
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Organizations::Policy":
            statements = resource["Properties"]["Content"]["Statement"]
            kept = [s for s in statements if s.get("Sid") not in sids]
            dropped += len(statements) - len(kept)
            resource["Properties"]["Content"]["Statement"] = kept
    assert dropped == len(sids)
    return materialize(source, target, {GUARDRAILS: template})


def test_the_seal_is_proven_in_the_identity_account_only(hub_synth):
    config, out, _ = hub_synth
    (finding,) = _deploy_findings(config, out)
    assert finding.passed, finding.message
    assert f"member account {IDENTITY}: its cdk deploy (cdk-hnb659fds-cfn-exec-role-{IDENTITY}-eu-west-1)" in finding.message
    for sid in SEAL:
        assert f"statement {sid} denies every such request" in finding.message


@pytest.mark.parametrize(("dropped", "chain"), [
    # Without the seal on the roles: an administrator of the identity account assumes the deploy
    # role, which hands CloudFormation the execution role.
    (SEAL[:2], ("-[cdk-deploy-role]-> CDK deploy role (hnb659fds) of 666600000001 "
                "-[cdk-deploy-passes-execution-role]-> CDK cfn-exec role (hnb659fds) of 666600000001")),
    # Without the seal on the stack: a change set runs with the stack's service role.
    (SEAL[2:], ("role:FederatedAdmin -[execute-change-set]-> CDK cfn-exec role (hnb659fds) of 666600000001",)),
    (SEAL, ("-[", "CDK cfn-exec role (hnb659fds) of 666600000001")),
])
def test_without_the_seal_make_check_fails_naming_the_chain(hub_synth, tmp_path, dropped, chain):
    config, out, _ = hub_synth
    (finding,) = _deploy_findings(config, _without(out, tmp_path / "mutant", dropped))
    assert not finding.passed
    assert "counterexample (an undeclared principal changes the baseline through the spared CDK execution role" \
        in finding.message
    for part in chain if isinstance(chain, tuple) else (chain,):
        assert part in finding.message, finding.message
    assert f"principal arn:aws:sts::{IDENTITY}:assumed-role/" in finding.message
