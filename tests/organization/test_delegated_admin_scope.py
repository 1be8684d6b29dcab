"""A permission set assigned to the delegated administrator: that account has stacks of its own
and, as a member of the Security OU, the StackSet member template too, so the customer managed
policies the permission set references (``DeveloperGuardrails``) exist there, as deployed in
that account. The example organization's assembly, with one more assignment in a shard."""

from __future__ import annotations

import json
import shutil

import pytest
from organization_helpers import resources_of

ADMIN = "222200000001"  # the example's delegated administrator, in the Security OU


def _with_developer_in_admin(org_synth, tmp_path, reference_name: str | None = None):
    """A copy of the example assembly where one shard also assigns Developer in ``ADMIN``
    (copied from a Developer assignment of another account); ``reference_name`` renames the
    Developer permission set's customer managed policy reference."""
    out = tmp_path / "org.out"
    shutil.copytree(org_synth[0].directory, out)
    for path in sorted(out.glob("IdentityCenterAssignments*.template.json")):
        template = json.loads(path.read_text())
        developer = next(
            (
                (logical_id, resource)
                for logical_id, resource in resources_of(template, "AWS::SSO::Assignment").items()
                if resource["Properties"]["PermissionSetArn"]["Fn::ImportValue"].endswith("-PermissionSet-Developer")
            ),
            None,
        )
        if developer is not None:
            resource = json.loads(json.dumps(developer[1]))
            resource["Properties"]["TargetId"] = ADMIN
            template["Resources"][f"{developer[0]}DelegatedAdmin"] = resource
            path.write_text(json.dumps(template))
            break
    else:
        pytest.fail("no shard assigns Developer")
    if reference_name is not None:
        center = out / "IdentityCenter.template.json"
        template = json.loads(center.read_text())
        for resource in resources_of(template, "AWS::SSO::PermissionSet").values():
            for reference in resource["Properties"].get("CustomerManagedPolicyReferences", []):
                if reference["Name"] == "DeveloperGuardrails":
                    reference["Name"] = reference_name
        center.write_text(json.dumps(template))
    return out


def test_the_delegated_admins_permission_set_finds_the_member_templates_policy(org_synth, org_config, tmp_path):
    from iam_baseline.analysis.engine.evaluator import Outcome, evaluate
    from iam_baseline.analysis.engine.request import Request, RequestPrincipal
    from iam_baseline.analysis.model.accounts import load_scopes

    scopes = load_scopes(_with_developer_in_admin(org_synth, tmp_path), org_config)
    admin = next(s for s in scopes if s.label == f"account {ADMIN}")
    developer = admin.model.by_ref("permission_set:Developer")
    guardrails = next(p for p in developer.policies if p.name.endswith("DeveloperGuardrails"))
    text = json.dumps(guardrails.document)
    # Resolved as CloudFormation deploys the member template in that account, not in the
    # member scope's placeholder account.
    assert f"arn:aws:iam::{ADMIN}:role/workload/*" in text and "000000000000" not in text
    (boundary,) = {
        s["Condition"]["StringEquals"]["iam:PermissionsBoundary"]
        for s in guardrails.document["Statement"]
        if "iam:PermissionsBoundary" in s.get("Condition", {}).get("StringEquals", {})
    }
    assert boundary.startswith(f"arn:aws:iam::{ADMIN}:policy/")
    session = RequestPrincipal(f"arn:aws:sts::{ADMIN}:assumed-role/AWSReservedSSO_Developer_0/dev", ADMIN, "role_session",
                               f"arn:aws:iam::{ADMIN}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developer_0")

    def create_role(**context):
        request = Request(session, "iam:CreateRole", f"arn:aws:iam::{ADMIN}:role/workload/app", context)
        return evaluate(request, identity=admin.model.identity_policies(developer), boundary=developer.boundary).outcome

    assert create_role(**{"iam:PermissionsBoundary": boundary}) is Outcome.ALLOWED
    assert create_role() is not Outcome.ALLOWED  # without the boundary: refused
    # The member scope still holds its own copy of the permission set.
    security = next(s for s in scopes if s.variant is not None and s.model.account != ADMIN and "Security" in s.label)
    assert security.model.by_ref("permission_set:Developer")


def test_a_policy_in_none_of_the_accounts_templates_is_still_unknown(org_synth, org_config, tmp_path):
    from iam_baseline.analysis.model.accounts import load_scopes
    from iam_baseline.analysis.model.templates import UnknownPolicy

    with pytest.raises(UnknownPolicy, match="policy/baseline/NotDeployedAnywhere is not defined in the assembly"):
        load_scopes(_with_developer_in_admin(org_synth, tmp_path, "NotDeployedAnywhere"), org_config)
