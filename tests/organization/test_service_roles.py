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
        (lambda r: r.update(passed_by=["developr"]), "service_roles[0].passed_by[0]", "nearest: 'developer'"),
        (lambda r: r.update(targets={"ous": []}), "service_roles[0].targets", "targets names no account"),
        (lambda r: r.update(name="Developer"), "service_roles[0].name", "duplicate role name 'Developer'"),
        (lambda r: r.update(path="/baseline/svc/"), "service_roles[0].path", "overlaps iam_path '/baseline/'"),
        (lambda r: r.update(path="/"), "service_roles[0].path", "overlaps iam_path"),
        (
            lambda r: r.update(passed_by=["bounded"]),
            "service_roles[0].passed_by[0]",
            "persona 'bounded' carries the developer permissions boundary, which lets a role pass a service role only "
            "when a persona that creates workload roles (developer) passes it too",
        ),
    ],
)
def test_a_service_role_outside_its_fences_is_refused(change, where, message):
    data = hub_data()
    data.setdefault("personas", {})["bounded"] = {
        "name": "Bounded", "aws_managed_policies": ["ReadOnlyAccess"], "permissions_boundary": "developer"
    }
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
    from iam_baseline.analysis.engine.policy import Policy, PolicyKind

    config, _, scopes = hub_synth
    scope = next(s for s in scopes if s.label == MANAGEMENT)
    principal = _principal(scope, ref)
    extra = Policy.from_document("mutant", {"Version": "2012-10-17", "Statement": [statement]}, PolicyKind.IDENTITY)
    # The developer guard rails deny passing the role to another service on their own: the
    # mutant drops that Deny too, so only the invariant stands between the grant and the role.
    kept = [replace(p, statements=tuple(s for s in p.statements if not (s.sid or "").startswith("DenyPassingElsewhere")))
            for p in principal.policies]
    mutated = replace(principal, policies=[*kept, extra])
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


def _decide(scope, ref, service, resource="arn:aws:iam::111111111111:role/service/ReportsInstance", extra=(), tagged=True):
    """The concrete evaluator's decision on ``ref`` passing ``resource`` (tagged protected or
    not) to ``service``, with ``extra`` Allow statements added to its identity-based policies."""
    from iam_baseline.analysis.engine.evaluator import Outcome, evaluate
    from iam_baseline.analysis.engine.policy import Policy, PolicyKind
    from iam_baseline.analysis.engine.request import Request
    from iam_baseline.analysis.model.subjects import subject_for
    from iam_baseline.config.access_matrix import RequestContextConfig

    subject = subject_for(scope.model, _principal(scope, ref), RequestContextConfig())
    context = {"iam:PassedToService": service, "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60"}
    if tagged:
        context["aws:ResourceTag/iam-baseline:protected"] = "true"
    request = Request(principal=subject.principal, action="iam:PassRole", resource=resource, context=context)
    identity = list(subject.identity)
    if extra:
        identity.append(Policy.from_document("extra", {"Version": "2012-10-17", "Statement": list(extra)}, PolicyKind.IDENTITY))
    return evaluate(request, identity=identity, boundary=subject.boundary, scps=scope.scps).outcome is Outcome.ALLOWED


@pytest.mark.parametrize(
    ("ref", "service", "allowed"),
    [
        ("role:Developer", "ec2.amazonaws.com", True),  # passed_by: [developer], to its service
        ("role:Developer", "lambda.amazonaws.com", False),  # never to another service
        ("role:ReadOnly", "ec2.amazonaws.com", False),
        ("role:Support", "ec2.amazonaws.com", False),
    ],
)
def test_only_the_named_persona_passes_the_tagged_service_role_and_only_to_its_service(hub_synth, ref, service, allowed):
    _, _, scopes = hub_synth
    scope = next(s for s in scopes if s.label == MANAGEMENT)
    assert _decide(scope, ref, service) is allowed


@pytest.mark.parametrize("tagged", [True, False])
def test_the_exemption_spares_no_other_tagged_role(hub_synth, tagged):
    """Even with iam:PassRole on '*' added, the developer passes no other protected role to EC2
    (the guard rails' tag Deny still covers it); the same role untagged is the control."""
    _, _, scopes = hub_synth
    scope = next(s for s in scopes if s.label == MANAGEMENT)
    wide = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
    other = "arn:aws:iam::111111111111:role/service/Other"
    assert _decide(scope, "role:Developer", "ec2.amazonaws.com", other, extra=[wide], tagged=tagged) is not tagged


@pytest.mark.parametrize("service", ["ec2.amazonaws.com", "lambda.amazonaws.com"])
def test_without_a_bounded_passer_the_boundary_exempts_nothing(hub_synth, service):
    """Every role developers create carries the developer boundary; ReportsInstance carries it
    too and stands for one here. passed_by names no bounded persona, so even with iam:PassRole on
    '*' a bounded role passes the service role to no service (tests/test_service_role_passing.py
    shows the boundary's exemption where a bounded persona passes it)."""
    _, _, scopes = hub_synth
    scope = next(s for s in scopes if s.label == MANAGEMENT)
    assert _principal(scope, "role:ReportsInstance").boundary is not None
    wide = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
    assert _decide(scope, "role:ReportsInstance", service, extra=[wide]) is False


def test_only_roles_a_developer_passes_are_exempted():
    from iam_baseline.config.service_roles import boundary_passable_roles, developer_passable_roles
    from organization_helpers import parse_hub

    data = hub_data()
    data["personas"] = {"bounded": {"name": "Bounded", "aws_managed_policies": ["ReadOnlyAccess"], "permissions_boundary": "developer"}}
    data["service_roles"].append({**data["service_roles"][0], "name": "AdminOnly", "passed_by": ["admin"]})
    data["service_roles"].append({**data["service_roles"][0], "name": "Shared", "passed_by": ["developer", "bounded"]})
    config = parse_hub(data)
    assert [r.name for r in developer_passable_roles(config)] == ["ReportsInstance", "Shared"]
    assert [r.name for r in boundary_passable_roles(config)] == ["Shared"]
