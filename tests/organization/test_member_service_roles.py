"""Service roles in member accounts: ``service_roles[].targets`` deploys the role through the
StackSet groups (like machine roles), ``passed_by`` names the personas' roles of that account,
the confused-deputy keys name that account, and nothing moves for accounts the role does not
reach. Built on the hub-and-spoke fixture with one targeted ECS task role."""

from __future__ import annotations

import copy
import json
import shutil

import pytest
import yaml
from organization_helpers import member_plan, without_organization, HUB, hub_data, hub_error, parse_hub

#: An ECS task role in the production workload accounts that only the developers there may pass.
BUILD_TASK = {
    "name": "BuildTask",
    "reason": "The build tasks read their configuration.",
    "service": "ecs-tasks.amazonaws.com",
    "aws_managed_policies": ["SecurityAudit"],
    "passed_by": ["developer"],
    "targets": {"ous": ["Workloads/Prod"]},
}
PROD = ("333300000001", "333300000002")


def _with_task(data=None) -> dict:
    data = data or hub_data()
    data["service_roles"].append(copy.deepcopy(BUILD_TASK))
    return data


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (lambda r: r["targets"].update(ous=["Workloads/Prd"]), "service_roles[1].targets.ous[0]",
         "unknown OU 'Workloads/Prd'; nearest: 'Workloads/Prod'"),
        (lambda r: r["targets"].update(exclude=["orders-prd"]), "service_roles[1].targets.exclude[0]", "nearest: 'orders-prod'"),
        (lambda r: r.update(targets={"ous": []}), "service_roles[1].targets", "targets names no account"),
    ],
)
def test_bad_targets_are_refused_with_the_nearest_name(change, where, message):
    data = _with_task()
    change(data["service_roles"][1])
    error = hub_error(data)
    assert f"{where} (line" in error and message in error, error


def test_targets_need_an_organization():
    data = _with_task()
    without_organization(data)
    error = hub_error(data)
    assert "service_roles[1].targets (line" in error and "targets need the organization section" in error, error


def test_a_targeted_service_role_moves_only_the_accounts_it_reaches():
    before = member_plan(hub_data())
    after = member_plan(_with_task())
    assert after.keys() == before.keys()
    assert sorted(a for a in before if before[a] != after[a]) == list(PROD)
    for account in PROD:
        assert after[account][0] != before[account][0] and "BuildTask" in after[account][1]
    # A group without service roles keeps its key (the digest reads only its items).
    assert {before[a][0] for a in before if a not in PROD} == {after[a][0] for a in after if a not in PROD}


def test_an_unrelated_change_to_the_service_role_moves_no_other_account():
    data = _with_task()
    before = member_plan(data)
    data["service_roles"][1]["targets"] = {"accounts": ["payments-prod", "orders-prod", "payments-dev"]}
    after = member_plan(data)
    assert sorted(a for a in before if before[a] != after[a]) == ["444400000001"]  # payments-dev only


@pytest.fixture(scope="module")
def task_synth(synthesized_config, tmp_path_factory):
    """(config, scopes) of the hub fixture with BuildTask, synthesized once."""
    from iam_baseline.analysis.model.accounts import load_scopes
    from iam_baseline.config import load_config

    folder = tmp_path_factory.mktemp("hub-task")
    shutil.copytree(HUB.parent / "saml", folder / "saml")
    path = folder / "hub-task.yaml"
    path.write_text(yaml.safe_dump(_with_task(), sort_keys=False))
    config = load_config(path)
    return config, load_scopes(synthesized_config(path), config)


def _member_scope(scopes, account):
    return next(s for s in scopes if account in (s.member_accounts or ()))


def _principal(scope, ref):
    return next(p for p in scope.model.principals.values() if p.ref == ref)


def test_the_role_exists_in_the_targeted_accounts_only(task_synth):
    _, scopes = task_synth
    holders = {s.label for s in scopes if any(p.ref == "role:BuildTask" for p in s.model.principals.values())}
    assert holders and all(set(s.member_accounts or ()) <= set(PROD) for s in scopes if s.label in holders)
    management = next(s for s in scopes if s.label == "account 111111111111")
    assert "role:BuildTask" not in {p.ref for p in management.model.principals.values()}


def test_the_member_trust_names_the_member_account_for_the_confused_deputy_keys(task_synth):
    _, scopes = task_synth
    scope = _member_scope(scopes, PROD[0])
    statements = _principal(scope, "role:BuildTask").trust.document["Statement"]
    (trust,) = statements if isinstance(statements, list) else [statements]
    assert trust["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
    account = scope.model.account
    assert trust["Condition"] == {
        "StringEquals": {"aws:SourceAccount": account},
        "ArnLike": {"aws:SourceArn": f"arn:aws:ecs:*:{account}:*"},
    }


def _decide(scope, ref, service):
    from iam_baseline.analysis.engine.evaluator import Outcome, evaluate
    from iam_baseline.analysis.engine.request import Request
    from iam_baseline.analysis.model.subjects import subject_for
    from iam_baseline.config.access_matrix import RequestContextConfig

    subject = subject_for(scope.model, _principal(scope, ref), RequestContextConfig())
    role = _principal(scope, "role:BuildTask")
    context = {"iam:PassedToService": service, "aws:ResourceTag/iam-baseline:protected": "true",
               "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60"}
    request = Request(principal=subject.principal, action="iam:PassRole", resource=role.arn, context=context)
    return evaluate(request, identity=subject.identity, boundary=subject.boundary, scps=scope.scps).outcome is Outcome.ALLOWED


@pytest.mark.parametrize(
    ("ref", "service", "allowed"),
    [
        ("role:Developer", "ecs-tasks.amazonaws.com", True),  # the member's Developer role, SCPs included
        ("role:Developer", "ec2.amazonaws.com", False),
        ("role:ReadOnly", "ecs-tasks.amazonaws.com", False),
    ],
)
def test_the_members_developer_passes_it_to_its_service_only(task_synth, ref, service, allowed):
    _, scopes = task_synth
    assert _decide(_member_scope(scopes, PROD[0]), ref, service) is allowed


def test_the_invariant_and_the_graph_hold_in_the_member_account(task_synth):
    from iam_baseline.analysis import graph
    from iam_baseline.analysis.checks.invariants import service_roles
    from iam_baseline.analysis.checks.invariants.base import Proven

    config, scopes = task_synth
    scope = _member_scope(scopes, PROD[0])
    findings = service_roles.check(scope, scope.config)
    assert "role:Developer -> role:BuildTask" in {f.subject for f in findings}
    assert all(isinstance(f.verdict, Proven) for f in findings), [f for f in findings if not isinstance(f.verdict, Proven)]
    built = graph.build_graph(scopes, config)
    sources = {
        (built.nodes[e.source].ref, built.nodes[e.source].scope)
        for e in built.edges
        if e.family is graph.Family.PASS_ROLE and built.nodes[e.target].ref == "role:BuildTask"
    }
    refs = {ref for ref, _ in sources}
    assert "role:Developer" in refs and "role:ReadOnly" not in refs


def _spared(policies) -> set[tuple[str, str]]:
    """``(role path + name, service)`` whose passing the documents of ``policies`` spare from the
    tag Deny: the roles ``DenyProtectedRolePassing`` leaves out, each with the one service its
    ``DenyPassingElsewhere<Service>`` statement lets it go to."""
    spared: set[tuple[str, str]] = set()
    left_out: set[str] = set()
    for policy in policies:
        statements = policy.document["Statement"]
        for statement in statements if isinstance(statements, list) else [statements]:
            sid = statement.get("Sid") or ""
            if sid != "DenyProtectedRolePassing" and not sid.startswith("DenyPassingElsewhere"):
                continue
            listed = statement.get("NotResource" if sid == "DenyProtectedRolePassing" else "Resource", [])
            roles = {arn.split(":role", 1)[1] for arn in ([listed] if isinstance(listed, str) else listed)}
            if sid == "DenyProtectedRolePassing":
                left_out |= roles
            elif sid.startswith("DenyPassingElsewhere"):
                spared |= {(role, statement["Condition"]["StringNotEquals"]["iam:PassedToService"]) for role in roles}
    assert left_out == {role for role, _ in spared}, (left_out, spared)
    return spared


def test_the_guard_rails_and_the_scp_spare_the_same_roles_to_the_same_services(task_synth):
    """One rule (config.service_roles.pass_role_exemption) writes both: the member Developer's
    DeveloperProtection policy and the ProtectDetection SCP spare exactly the same passing."""
    from iam_baseline.analysis.model.subjects import subject_for
    from iam_baseline.config.access_matrix import RequestContextConfig

    _, scopes = task_synth
    by_guard_rails: dict[str, set[tuple[str, str]]] = {}
    by_scp: set[tuple[str, str]] = set()
    for scope in scopes:
        developer = next((p for p in scope.model.principals.values() if p.ref == "role:Developer"), None)
        if not scope.member_accounts or developer is None:
            continue
        by_guard_rails[scope.label] = _spared(subject_for(scope.model, developer, RequestContextConfig()).identity)
        by_scp |= _spared(policy for level in scope.scps for policy in level)
    expected = {("/service/BuildTask", "ecs-tasks.amazonaws.com")}
    assert by_scp == expected
    assert set().union(*by_guard_rails.values()) == expected
    # Negative control: a member account without BuildTask spares nothing in its guard rails.
    assert any(not spared for spared in by_guard_rails.values())
