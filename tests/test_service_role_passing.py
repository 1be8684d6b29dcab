"""The developer guard rails and the developer permissions boundary exempt a declared service role
from their tag Deny for iam:PassRole to its service only, and nothing else: the same policies
built without exemptions deny it (the control), and every other tagged role stays denied."""

from __future__ import annotations

import pytest
from iam_baseline.analysis.engine.evaluator import Outcome, evaluate
from iam_baseline.analysis.engine.policy import Policy, PolicyKind
from iam_baseline.analysis.engine.request import Request, RequestPrincipal

from template_tools import ACCOUNT, iam_arn, resource_at, statements, synth_unit_stack

SERVICE_ROLE = iam_arn("role/service/AppInstance")
OTHER_TAGGED_ROLE = iam_arn("role/service/Other")


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[bool, dict[str, list[dict]]]:
    """exempted? -> {"boundary": statements, "guardrails": statements of DeveloperProtection}."""
    from iam_baseline.identity import DeveloperGuardrailsPolicy, DeveloperPermissionsBoundary
    from iam_baseline.identity.protection import PassableServiceRole

    passable = (PassableServiceRole("/service/", "AppInstance", "ec2.amazonaws.com"),)

    def build(stack):
        for exempt in (True, False):
            roles = passable if exempt else ()
            boundary = DeveloperPermissionsBoundary(
                stack, f"Boundary{exempt}", managed_policy_name=f"Boundary{exempt}", path="/baseline/",
                workload_role_path="/workload/", passable_service_roles=roles,
            )
            DeveloperGuardrailsPolicy(
                stack, f"Rails{exempt}", boundary_arn=boundary.arn, path="/baseline/", workload_role_path="/workload/",
                passable_service_roles=roles, managed_policy_name=f"Rails{exempt}", protection_policy_name=f"Protection{exempt}",
            )

    template = synth_unit_stack(build, tmp_path_factory.mktemp("passing.out"))
    return {
        exempt: {
            "boundary": statements(resource_at(template, f"Boundary{exempt}/Resource/Resource")["Properties"]["PolicyDocument"]),
            "guardrails": statements(resource_at(template, f"Rails{exempt}/Protection/Resource")["Properties"]["PolicyDocument"]),
        }
        for exempt in (True, False)
    }


def _allowed(documents, exempt: bool, *, bounded: bool, resource: str, service: str) -> bool:
    """A role (bounded by the boundary, or carrying the guard rails' protection) with iam:PassRole
    on '*' passes the tagged ``resource`` to ``service``."""
    doc = documents[exempt]
    wide = Policy.from_document("wide", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]})
    identity = [wide] if bounded else [wide, Policy.from_document("protection", {"Statement": doc["guardrails"]})]
    boundary = Policy.from_document("boundary", {"Statement": doc["boundary"]}, PolicyKind.BOUNDARY) if bounded else None
    principal = RequestPrincipal(f"arn:aws:sts::{ACCOUNT}:assumed-role/App/s", ACCOUNT, "role_session", iam_arn("role/workload/App"))
    request = Request(
        principal=principal,
        action="iam:PassRole",
        resource=resource,
        context={"iam:PassedToService": service, "aws:ResourceTag/iam-baseline:protected": "true"},
    )
    return evaluate(request, identity=identity, boundary=boundary).outcome is Outcome.ALLOWED


@pytest.mark.parametrize("bounded", [True, False], ids=["boundary", "guardrails"])
@pytest.mark.parametrize(
    ("resource", "service", "exempt_allows"),
    [
        (SERVICE_ROLE, "ec2.amazonaws.com", True),
        (SERVICE_ROLE, "lambda.amazonaws.com", False),
        (OTHER_TAGGED_ROLE, "ec2.amazonaws.com", False),
    ],
    ids=["its-service", "another-service", "another-tagged-role"],
)
def test_only_the_declared_role_to_its_service_is_exempted(documents, bounded, resource, service, exempt_allows):
    assert _allowed(documents, True, bounded=bounded, resource=resource, service=service) is exempt_allows
    # The control: the same policies without the exemption deny every one of these.
    assert _allowed(documents, False, bounded=bounded, resource=resource, service=service) is False
