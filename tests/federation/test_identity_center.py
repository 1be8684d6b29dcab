"""IAM Identity Center: permission sets per persona, their limits, name resolution, assignments."""

from __future__ import annotations

import json

import pytest
from federation_helpers import config_error, parse_federation, template_of
from template_tools import resources

CENTER = """
identity_center:
  instance_arn: arn:aws:sso:::instance/ssoins-0123456789abcdef
  identity_store_id: d-0123456789
  account_id: "444455556666"
  region: eu-west-1
  permission_sets:
    - name: Custom
{permission_set}
"""


def _center_error(permission_set: str) -> str:
    return config_error(CENTER.format(permission_set=permission_set))


def _by_name(template: dict, type_: str, key: str = "Name") -> dict[str, dict]:
    return {r["Properties"][key]: r["Properties"] for r in resources(template, type_).values()}


def _managed(name: str) -> dict:
    return {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":iam::aws:policy/{name}"]]}


def test_default_app_has_a_permission_set_per_persona(identity_center_template):
    sets = _by_name(identity_center_template, "AWS::SSO::PermissionSet")
    assert {name: p["ManagedPolicies"] for name, p in sets.items()} == {
        "Admin": [_managed("AdministratorAccess")],
        "Developer": [_managed("PowerUserAccess")],
        "ReadOnly": [_managed("job-function/ViewOnlyAccess")],
        "Support": [_managed("AWSSupportAccess")],
    }
    # The developer guard rails are the baseline's own policies, present in every member account.
    assert sets["Developer"]["CustomerManagedPolicyReferences"] == [
        {"Name": "DeveloperGuardrails", "Path": "/baseline/"},
        {"Name": "DeveloperProtection", "Path": "/baseline/"},
    ]
    assert sets["Developer"]["SessionDuration"] == "PT8H"
    assert sets["ReadOnly"]["RelayStateType"] == "https://console.aws.amazon.com/console/home"


def test_permission_sets_match_the_baseline_roles(baseline_template, identity_center_template):
    roles = {r["Properties"].get("RoleName"): r["Properties"] for r in resources(baseline_template, "AWS::IAM::Role").values()}
    sets = _by_name(identity_center_template, "AWS::SSO::PermissionSet")
    for name in ("Admin", "ReadOnly", "Support"):
        assert sets[name]["ManagedPolicies"] == roles[name]["ManagedPolicyArns"]


def test_existing_names_are_resolved_at_deploy_time(identity_center_template):
    """Only a group listed in identity_store.existing_groups is looked up; declared ones are referenced."""
    lookups = resources(identity_center_template, "Custom::IdentityStorePrincipalLookup")
    calls = {logical_id: json.loads(r["Properties"]["Create"]) for logical_id, r in lookups.items()}
    ((lookup_id, call),) = calls.items()
    assert call == {
        "service": "IdentityStore",
        "action": "getGroupId",
        "parameters": {
            "IdentityStoreId": "d-0123456789",
            "AlternateIdentifier": {"UniqueAttribute": {"AttributePath": "displayName", "AttributeValue": "Support Engineers"}},
        },
        "outputPaths": ["GroupId"],
        "physicalResourceId": {"responsePath": "GroupId"},
    }
    assert json.loads(lookups[lookup_id]["Properties"]["Update"]) == call
    assignments = [r["Properties"] for r in resources(identity_center_template, "AWS::SSO::Assignment").values()]
    support = next(a for a in assignments if "Support" in a["PermissionSetArn"]["Fn::GetAtt"][0])
    assert support == {
        "InstanceArn": "arn:aws:sso:::instance/ssoins-0123456789abcdef",
        "PermissionSetArn": {"Fn::GetAtt": [support["PermissionSetArn"]["Fn::GetAtt"][0], "PermissionSetArn"]},
        "PrincipalId": {"Fn::GetAtt": [lookup_id, "GroupId"]},
        "PrincipalType": "GROUP",
        "TargetId": "111122223333",
        "TargetType": "AWS_ACCOUNT",
    }
    # A principal given by id needs no lookup.
    assert "9a6702d5-e061-70f1-5c8b-1f6d2e3c4b5a" in [a["PrincipalId"] for a in assignments]


def test_lookup_function_may_only_get_ids(identity_center_template):
    policies = resources(identity_center_template, "AWS::IAM::Policy")
    actions = {s["Action"] for p in policies.values() for s in p["Properties"]["PolicyDocument"]["Statement"]}
    assert actions == {"identitystore:GetGroupId"}


def test_user_lookup_and_a_full_permission_set(stack):
    from iam_baseline.config.federation import AssignmentConfig, PermissionSetConfig
    from iam_baseline.federation.identity_center import AccountAssignments, IdentityStorePrincipalLookup, PermissionSet

    ps = PermissionSetConfig.model_validate_json(
        json.dumps({
            "name": "Auditor",
            "description": "Audit",
            "session_duration": "PT1H30M",
            "aws_managed_policies": ["SecurityAudit"],
            "customer_managed_policies": [{"name": "AuditExtras", "path": "/audit/"}],
            "inline_policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]},
            "permissions_boundary": {"customer_managed_policy": {"name": "Boundary"}},
            "tags": {"team": "audit"},
        })
    )
    permission_set = PermissionSet(stack, "Auditor", instance_arn="arn:aws:sso:::instance/ssoins-0123456789abcdef", permission_set=ps)
    lookup = IdentityStorePrincipalLookup(stack, "Lookup", identity_store_id="d-0123456789", principal_type="USER", name="carol@example.com")
    AccountAssignments(
        stack,
        "Assign",
        instance_arn="arn:aws:sso:::instance/ssoins-0123456789abcdef",
        assignment=AssignmentConfig(permission_set="Auditor", principal_type="USER", principal_name="carol@example.com", account_ids=("111122223333", "222233334444")),
        permission_set_arn=permission_set.arn,
        principal_id=lookup.principal_id,
    )
    template = template_of(stack)
    props = _by_name(template, "AWS::SSO::PermissionSet")["Auditor"]
    assert props["SessionDuration"] == "PT1H30M"
    assert props["CustomerManagedPolicyReferences"] == [{"Name": "AuditExtras", "Path": "/audit/"}]
    assert props["InlinePolicy"] == ps.inline_policy
    assert props["PermissionsBoundary"] == {"CustomerManagedPolicyReference": {"Name": "Boundary", "Path": "/"}}
    assert props["Tags"] == [{"Key": "team", "Value": "audit"}]
    (lookup_resource,) = resources(template, "Custom::IdentityStorePrincipalLookup").items()
    call = json.loads(lookup_resource[1]["Properties"]["Create"])
    assert call["action"] == "getUserId"
    assert call["parameters"]["AlternateIdentifier"] == {"UniqueAttribute": {"AttributePath": "userName", "AttributeValue": "carol@example.com"}}
    assignments = resources(template, "AWS::SSO::Assignment").values()
    assert sorted(a["Properties"]["TargetId"] for a in assignments) == ["111122223333", "222233334444"]
    assert {json.dumps(a["Properties"]["PrincipalId"]) for a in assignments} == {
        json.dumps({"Fn::GetAtt": [lookup_resource[0], "UserId"]})
    }


@pytest.mark.parametrize("duration", ["12h", "43200", "PT13H", "PT30M", "P1D", "pt1h"])
def test_bad_session_duration(duration):
    message = _center_error(f"      session_duration: '{duration}'")
    assert (
        f"federation.identity_center.permission_sets[0].session_duration (line 11, column 9): session duration '{duration}' is "
        "not an ISO-8601 duration from PT1H to PT12H (e.g. PT1H, PT8H, PT1H30M); IAM Identity Center refuses "
        "other forms"
    ) in message


def test_session_duration_as_a_number():
    assert "session duration 43200 is not an ISO-8601 duration from PT1H to PT12H" in _center_error("      session_duration: 43200")


def test_oversized_inline_policy():
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-" + "x" * 200 + "/*"}
    document = {"Version": "2012-10-17", "Statement": [statement] * 40}
    length = len(json.dumps(document, separators=(",", ":")))
    message = _center_error(f"      inline_policy: {json.dumps(document)}")
    assert (
        f"federation.identity_center.permission_sets[0].inline_policy (line 11, column 9): the inline policy is {length} characters "
        f"(whitespace excluded), {length - 10240} over the quota of 10240; move statements to a customer managed policy"
    ) in message


def test_assignment_needs_exactly_one_principal_form():
    message = config_error(
        CENTER.format(permission_set="      persona: admin")
        + """  assignments:
    - permission_set: Custom
      principal_type: GROUP
      principal_id: 9a6702d5-e061-70f1-5c8b-1f6d2e3c4b5a
      principal_name: Admins
      account_ids: ["111122223333"]
"""
    )
    assert "federation.identity_center.assignments[0] (line 13, column 9): give exactly one of principal_id, principal_name" in message


def test_unknown_permission_set_in_assignment():
    config = CENTER.format(permission_set="      persona: admin") + """  assignments:
    - permission_set: Missing
      principal_type: USER
      principal_name: alice
      account_ids: ["111122223333"]
"""
    assert "assignments[0]: unknown permission set 'Missing'; declared: ['Custom']" in config_error(config)
    assert parse_federation(config.replace("Missing", "Custom")).federation.identity_center.assignments
