"""Service roles: one service principal (confused-deputy keys where the service sets them), an
instance profile for EC2, iam:PassRole only for the named personas and only to the service, and
INV-SERVICE-ROLE-PASS with its negative controls (PassRole on *, PassRole without
iam:PassedToService)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from organization_helpers import hub_data, hub_error, resources_of

MANAGEMENT = "account 111111111111"


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (lambda r: r.update(admin=True), "service_roles[0].admin", "refused: every principal that may pass a service role acts as it"),
        (lambda r: r.update(service="s3.amazonaws.com"), "service_roles[0].service", "ec2.amazonaws.com"),
        (lambda r: r.update(passed_by=["auditor"]), "service_roles[0].passed_by[0]", "'auditor' is not a persona with an MFA role"),
        (lambda r: r.update(targets={"ous": ["root"]}), "service_roles[0].targets", "created in the config's own account"),
        (lambda r: r.update(name="Developer"), "service_roles[0].name", "duplicate role name 'Developer'"),
        (lambda r: r.update(path="/baseline/svc/"), "service_roles[0].path", "overlaps iam_path '/baseline/'"),
        (lambda r: r.update(path="/"), "service_roles[0].path", "overlaps iam_path"),
    ],
)
def test_a_service_role_outside_its_fences_is_refused(change, where, message):
    data = hub_data()
    change(data["service_roles"][0])
    error = hub_error(data)
    assert f"{where} (line" in error and message in error, error


def test_the_ecs_trust_carries_the_confused_deputy_keys_and_ec2_none():
    from iam_baseline.config.service_roles import ServiceRoleConfig

    ecs = ServiceRoleConfig(name="Task", reason="r", service="ecs-tasks.amazonaws.com", aws_managed_policies=("SecurityAudit",))
    assert ecs.trust_conditions("aws", "111111111111") == {
        "StringEquals": {"aws:SourceAccount": "111111111111"},
        "ArnLike": {"aws:SourceArn": "arn:aws:ecs:*:111111111111:*"},
    }
    ec2 = ecs.model_copy(update={"service": "ec2.amazonaws.com"})
    assert ec2.trust_conditions("aws", "111111111111") == {} and ec2.has_instance_profile


def test_the_instance_profile_and_the_narrow_pass_role_grant(hub_synth):
    _, outdir, scopes = hub_synth
    scope = next(s for s in scopes if s.label == MANAGEMENT)
    template = next(s.template for s in scope.stacks if "ReportsInstance" in str(s.template))
    (profile,) = resources_of(template, "AWS::IAM::InstanceProfile").values()
    assert profile["Properties"]["InstanceProfileName"] == "ReportsInstance"
    role = next(r for r in resources_of(template, "AWS::IAM::Role").values() if r["Properties"].get("RoleName") == "ReportsInstance")
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "ec2.amazonaws.com"} and "Condition" not in trust
    grant = next(p for p in resources_of(template, "AWS::IAM::ManagedPolicy").values()
                 if p["Properties"].get("Description", "").startswith("Pass ReportsInstance"))
    (statement,) = grant["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Condition"] == {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}
    assert len(grant["Properties"]["Roles"]) == 1  # the Developer role only


def _principal(scope, ref):
    return next(p for p in scope.model.principals.values() if p.ref == ref)


def test_the_invariant_is_proven_on_the_example(hub_synth):
    from iam_baseline.analysis.checks.invariants import service_roles
    from iam_baseline.analysis.checks.invariants.base import Proven

    config, _, scopes = hub_synth
    scope = next(s for s in scopes if s.label == MANAGEMENT)
    findings = service_roles.check(scope, config)
    assert {f.subject for f in findings} >= {"role:Developer -> role:ReportsInstance", "role:ReadOnly -> role:ReportsInstance"}
    assert "role:Admin -> role:ReportsInstance" not in {f.subject for f in findings}  # admin-equivalent by design
    assert all(isinstance(f.verdict, Proven) for f in findings), [f for f in findings if not isinstance(f.verdict, Proven)]


@pytest.mark.parametrize(
    ("ref", "statement"),
    [
        ("role:ReadOnly", {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}),
        ("role:Developer", {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111111111111:role/service/ReportsInstance"}),
    ],
    ids=["pass-role-on-star", "pass-role-without-passed-to-service"],
)
def test_a_wider_pass_role_grant_gives_a_counterexample(hub_synth, ref, statement):
    from iam_baseline.analysis.checks.invariants import service_roles
    from iam_baseline.analysis.checks.invariants.base import Counterexample
    from iam_baseline.analysis.engine.evaluator import Policy, PolicyKind

    config, _, scopes = hub_synth
    scope = next(s for s in scopes if s.label == MANAGEMENT)
    principal = _principal(scope, ref)
    extra = Policy.from_document("mutant", {"Version": "2012-10-17", "Statement": [statement]}, PolicyKind.IDENTITY)
    mutated = replace(principal, policies=[*principal.policies, extra])
    scope.model.principals[next(k for k, v in scope.model.principals.items() if v is principal)] = mutated
    try:
        role = _principal(scope, "role:ReportsInstance")
        verdict = service_roles.check_pass(scope, config, config.service_roles[0], role, mutated)
    finally:
        scope.model.principals[next(k for k, v in scope.model.principals.items() if v is mutated)] = principal
    assert isinstance(verdict, Counterexample), verdict
    assert verdict.request.action == "iam:PassRole" and verdict.request.resource.endswith(":role/service/ReportsInstance")
    if ref == "role:Developer":  # a passer, but to another service
        assert verdict.request.context.get("iam:passedtoservice") != "ec2.amazonaws.com"
