"""Machine roles: the config's fences, their trust in the templates, the StackSet groups that carry
them (stable when targets change), and INV-MACHINE-ROLE-PRINCIPAL with its negative controls."""

from __future__ import annotations

import copy
import json

import pytest
from organization_helpers import hub_data, hub_error, parse_hub, resources_of

SCANNER, COLLECTOR = 0, 1


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (lambda r: r[SCANNER].update(admin=True), "machine_roles[0].admin", "refused: a machine role cannot answer an MFA prompt"),
        (lambda r: r[SCANNER].update(aws_managed_policies=["AdministratorAccess"]), "machine_roles[0].aws_managed_policies[0]", "AdministratorAccess allows '*' on '*' (admin-equivalent), refused for machine and service roles"),
        (lambda r: r[SCANNER].pop("third_party"), "machine_roles[0]", "give exactly one of automation"),
        (lambda r: r[SCANNER].update(automation=r[COLLECTOR]["automation"]), "machine_roles[0]", "give exactly one of automation"),
        (lambda r: r[SCANNER].pop("reason"), "machine_roles[0].reason", "required key is missing"),
        (lambda r: r[SCANNER]["third_party"].update(external_id="x"), "machine_roles[0].third_party.external_id", "at least 2 characters"),
        (lambda r: r[SCANNER]["third_party"].update(account_id="333300000001"), "machine_roles[0].third_party.account_id", "is declared in this config"),
        (lambda r: r[COLLECTOR]["automation"].update(role_arn="arn:aws:iam::999900000001:role/x"), "machine_roles[1].automation.role_arn", "account 999900000001 is not declared"),
        (lambda r: r[COLLECTOR]["automation"].update(role_arn="arn:aws:iam::222200000001:root"), "machine_roles[1].automation.role_arn", "[got: \"arn:aws:iam::222200000001:root\"]"),
        (lambda r: r[COLLECTOR]["targets"].update(ous=["Workload"]), "machine_roles[1].targets.ous[0]", "unknown OU 'Workload'; nearest: 'Workloads'"),
        (lambda r: r[SCANNER]["targets"].update(exclude=["sandbox-alic"]), "machine_roles[0].targets.exclude[0]", "nearest: 'sandbox-alice'"),
        (lambda r: r[COLLECTOR].update(name="Admin"), "machine_roles[1].name", "duplicate role name 'Admin'"),
        (lambda r: r[COLLECTOR].update(max_session_duration_seconds=7200), "machine_roles[1].max_session_duration_seconds",
         "7200 seconds cannot be used: the automation role's session assuming this role is role chaining, which AWS limits to 3600"),
    ],
)
def test_a_machine_role_outside_its_fences_is_refused(change, where, message):
    data = hub_data()
    change(data["machine_roles"])
    error = hub_error(data)
    assert f"{where} (line" in error and message in error, error


def test_targets_need_an_organization():
    data = hub_data()
    del data["organization"]
    assert "machine_roles[0].targets (line" in hub_error(data) and "targets need the organization section" in hub_error(data)


def _plan(data):
    from iam_baseline.config.member_config import member_baseline_config
    from iam_baseline.config.stackset_groups import stackset_groups

    config = parse_hub(data)
    plan = {}
    for group in stackset_groups(config):
        member = member_baseline_config(config, group.variant, group.machine_roles).model_dump(mode="json")
        for account in group.accounts:
            plan[account] = (group.key, json.dumps(member, sort_keys=True))
    return plan


def test_an_account_added_to_a_role_moves_alone_and_no_other_stack_changes():
    data = hub_data()
    before = _plan(data)
    data["machine_roles"][COLLECTOR]["targets"]["accounts"] = ["audit"]
    after = _plan(data)
    assert after.keys() == before.keys()
    changed = sorted(a for a in before if before[a] != after[a])
    assert changed == ["222200000003"]  # audit, and only audit, moves to a new group
    assert after["222200000003"][0] != before["222200000003"][0] and "MetricsCollector" in after["222200000003"][1]
    # Config order and the other accounts' membership do not rename groups either.
    data["machine_roles"].reverse()
    assert _plan(data) == after


def _label(config, account: str) -> str:
    """The scope label of the StackSet group that deploys to ``account`` (keys hold the items' digest);
    the identity account's is its own stack's, ``account <id>``."""
    from iam_baseline.config.stackset_groups import group_of_account
    from iam_baseline.naming import construct_id

    group = group_of_account(config)[account]
    return f"account {account}" if group.identity else f"StackSet member {construct_id(group.key)}"


PAYMENTS_PROD, AUDIT, IDENTITY = "333300000001", "222200000003", "666600000001"


def _role(scopes, label, name):
    """The first scope of a StackSet group (a group split by OU levels is labelled "<group> in <OU>")."""
    scope = next(s for s in scopes if s.label == label or s.label.startswith(f"{label} in "))
    return scope, next(p for p in scope.model.principals.values() if p.kind == "role" and p.name == name)


def test_the_trust_names_one_principal_in_one_statement_with_its_fence(hub_synth):
    config, outdir, scopes = hub_synth
    scope, scanner = _role(scopes, _label(config, PAYMENTS_PROD), "CspmScanner")
    template = next(s.template for s in scope.stacks)
    role = next(r for r in resources_of(template, "AWS::IAM::Role").values() if r["Properties"].get("RoleName") == "CspmScanner")
    statements = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert len(statements) == 1 and statements[0]["Condition"] == {"StringEquals": {"sts:ExternalId": "example-org-7f3c2a91"}}
    assert role["Properties"]["PermissionsBoundary"] == {"Ref": next(k for k in template["Resources"] if k.startswith("DeveloperBoundary"))}
    _, collector = _role(scopes, _label(config, PAYMENTS_PROD), "MetricsCollector")
    (statement,) = collector.trust.document["Statement"]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::222200000001:root"}  # the account: valid before the role exists
    assert statement["Condition"] == {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::222200000001:role/tooling/MetricsCollector"}}


def test_stacksets_filter_accounts_by_group(hub_synth):
    _, outdir, _ = hub_synth
    rollout = json.loads((outdir / "OrganizationRollout.template.json").read_text())
    targets = {
        r["Properties"]["StackSetName"]: r["Properties"]["StackInstancesGroup"][0]["DeploymentTargets"]
        for r in resources_of(rollout, "AWS::CloudFormation::StackSet").values()
    }
    workload_accounts = ["333300000001", "333300000002", "444400000001", "444400000002"]
    assert targets["IamBaseline-workloads"] == {
        "AccountFilterType": "DIFFERENCE", "Accounts": workload_accounts, "OrganizationalUnitIds": ["ou-a1b2-w0rk1oad"]
    }
    combined = [v for k, v in targets.items() if k.startswith("IamBaseline-workloads-")]
    assert combined == [{"AccountFilterType": "INTERSECTION", "Accounts": workload_accounts, "OrganizationalUnitIds": ["ou-a1b2-w0rk1oad"]}]
    # The sandbox's account has no machine role but persona roles (reach): a group of its own.
    assert targets["IamBaseline-sandbox"] == {
        "AccountFilterType": "DIFFERENCE", "Accounts": ["555500000001"], "OrganizationalUnitIds": ["ou-a1b2-5andb0x1"]
    }
    assert [v for k, v in targets.items() if k.startswith("IamBaseline-sandbox-")] == [
        {"AccountFilterType": "INTERSECTION", "Accounts": ["555500000001"], "OrganizationalUnitIds": ["ou-a1b2-5andb0x1"]}
    ]


def _with_trust(role, document):
    from dataclasses import replace

    from iam_baseline.analysis.engine.policy import Policy, PolicyKind

    return replace(role, trust=Policy.from_document(f"trust:{role.name}", document, PolicyKind.TRUST))


def test_the_invariant_is_proven_on_the_example(hub_synth):
    from iam_baseline.analysis.checks.invariants import machine_roles
    from iam_baseline.analysis.checks.invariants.base import Proven

    config, _, scopes = hub_synth
    findings = [(s.label, f) for s in scopes for f in machine_roles.check(s, s.config or config)]
    assert all(isinstance(f.verdict, Proven) for _, f in findings), findings
    # Every machine role of every StackSet group, once per scope the group's OU levels split it into.
    assert {(label.split(" in ")[0], f.subject.split(" ")[0]) for label, f in findings} == {
        (_label(config, AUDIT), "role:CspmScanner"),
        (_label(config, IDENTITY), "role:CspmScanner"),
        (_label(config, PAYMENTS_PROD), "role:CspmScanner"),
        (_label(config, PAYMENTS_PROD), "role:MetricsCollector"),
    }


@pytest.mark.parametrize(
    ("name", "mutate", "caller_account", "why"),
    [
        ("CspmScanner", lambda s: s.pop("Condition"), "999988887777", "dropped external id"),
        ("CspmScanner", lambda s: s.update(Principal={"AWS": "*"}), None, "any account with the external id"),
        ("MetricsCollector", lambda s: s.pop("Condition"), "222200000001", "any principal of the automation account"),
    ],
)
def test_a_broken_machine_trust_gives_a_counterexample(hub_synth, name, mutate, caller_account, why):
    from iam_baseline.analysis.checks.invariants import machine_roles
    from iam_baseline.analysis.checks.invariants.base import Counterexample

    config, _, scopes = hub_synth
    scope, role = _role(scopes, _label(config, PAYMENTS_PROD), name)
    document = copy.deepcopy(role.trust.document)
    mutate(document["Statement"][0])
    machine = next(m for m in scope.config.machine_roles if m.name == name)
    verdict = machine_roles.check_role(machine, _with_trust(role, document))
    assert isinstance(verdict, Counterexample), (why, verdict)
    assert verdict.decision.allowed
    if caller_account is not None:
        assert verdict.request.principal.account == caller_account
    assert verdict.request.principal.role_arn != machine.principal_arn


def test_a_catalogue_policy_beyond_the_usual_read_only_ones_gets_its_own_acknowledgment():
    from iam_baseline.compliance.config_acknowledgments import persona_acknowledgments
    from iam_baseline.compliance.registry import MACHINE_ROLE_POLICY_NAMES

    data = hub_data()
    data["machine_roles"][0]["aws_managed_policies"] = ["SecurityAudit", "AWSSupportAccess"]
    made = persona_acknowledgments(parse_hub(data))
    assert [(a.rule, a.path) for a in made if "Machine-" in a.path] == [
        ("AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSSupportAccess]", "Machine-CspmScanner/Resource/Resource")
    ]
    assert "SecurityAudit" in MACHINE_ROLE_POLICY_NAMES  # acknowledged once for every config

