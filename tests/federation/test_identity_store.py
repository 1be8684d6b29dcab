"""The Identity Center directory in the template: groups, memberships, users (custom
resource) and what its function may do; assignments reach declared principals by reference."""

from __future__ import annotations

import json

from template_tools import resources

STORE = "d-0123456789"


def _logical_id(template: dict, type_: str, predicate) -> str:
    (logical_id,) = [k for k, r in resources(template, type_).items() if predicate(r["Properties"])]
    return logical_id


def _user_ids(template: dict) -> dict[str, str]:
    users = resources(template, "Custom::IdentityStoreUser")
    return {json.loads(r["Properties"]["User"])["UserName"]: k for k, r in users.items()}


def _group_ids(template: dict) -> dict[str, str]:
    return {r["Properties"]["DisplayName"]: k for k, r in resources(template, "AWS::IdentityStore::Group").items()}


def test_groups_are_native_resources(identity_center_template):
    groups = {r["Properties"]["DisplayName"]: r["Properties"] for r in resources(identity_center_template, "AWS::IdentityStore::Group").values()}
    assert groups == {
        "Platform Admins": {
            "IdentityStoreId": STORE,
            "DisplayName": "Platform Admins",
            "Description": "Administrators of the workload accounts (Admin permission set).",
        },
        "Developers": {
            "IdentityStoreId": STORE,
            "DisplayName": "Developers",
            "Description": "Application developers (Developer permission set).",
        },
    }


def test_one_membership_per_member_by_reference(identity_center_template):
    users, groups = _user_ids(identity_center_template), _group_ids(identity_center_template)
    memberships = sorted(
        (
            r["Properties"]["GroupId"]["Fn::GetAtt"][0],
            r["Properties"]["MemberId"]["UserId"]["Ref"],
            r["Properties"]["IdentityStoreId"],
        )
        for r in resources(identity_center_template, "AWS::IdentityStore::GroupMembership").values()
    )
    assert memberships == sorted([
        (groups["Platform Admins"], users["alice.admin"], STORE),
        (groups["Developers"], users["bob.dev"], STORE),
        (groups["Developers"], users["carol.dev"], STORE),
    ])
    for r in resources(identity_center_template, "AWS::IdentityStore::GroupMembership").values():
        assert r["Properties"]["GroupId"]["Fn::GetAtt"][1] == "GroupId"


def test_users_are_custom_resources_with_every_attribute(identity_center_template):
    users = resources(identity_center_template, "Custom::IdentityStoreUser")
    by_name = {json.loads(r["Properties"]["User"])["UserName"]: r["Properties"] for r in users.values()}
    assert json.loads(by_name["carol.dev"]["User"]) == {
        "UserName": "carol.dev",
        "DisplayName": "Carol Developer",
        "GivenName": "Carol",
        "FamilyName": "Developer",
        "Email": "carol.dev@example.com",
        "Department": "Payments",
    }
    assert json.loads(by_name["alice.admin"]["User"])["Title"] == "Platform lead"
    functions = resources(identity_center_template, "AWS::Lambda::Function")
    handler = _logical_id(identity_center_template, "AWS::Lambda::Function", lambda p: "Identity Center users" in p.get("Description", ""))
    for props in by_name.values():
        assert props["IdentityStoreId"] == STORE
        assert props["ServiceToken"] == {"Fn::GetAtt": [handler, "Arn"]}
    code = functions[handler]["Properties"]["Code"]["ZipFile"]
    assert "def handler(event, context):" in code and "cfnresponse" in code


def test_user_function_may_only_manage_users_of_this_store(identity_center_template):
    handler = _logical_id(identity_center_template, "AWS::Lambda::Function", lambda p: "Identity Center users" in p.get("Description", ""))
    role = resources(identity_center_template, "AWS::IAM::Role")[
        resources(identity_center_template, "AWS::Lambda::Function")[handler]["Properties"]["Role"]["Fn::GetAtt"][0]
    ]["Properties"]
    assert "Policies" not in role
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}}
    ]
    (policy_ref,) = role["ManagedPolicyArns"]
    policy = resources(identity_center_template, "AWS::IAM::ManagedPolicy")[policy_ref["Ref"]]["Properties"]
    statements = policy["PolicyDocument"]["Statement"]
    assert statements[0] == {
        "Action": ["identitystore:CreateUser", "identitystore:DeleteUser", "identitystore:DescribeUser", "identitystore:UpdateUser"],
        "Effect": "Allow",
        "Resource": [
            {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":identitystore::", {"Ref": "AWS::AccountId"}, f":identitystore/{STORE}"]]},
            {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":identitystore:::user/*"]]},
        ],
    }
    # Nothing else on the Identity Store (no group, membership or lookup action): logs only.
    assert {a for s in statements[1:] for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])} == {
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    }


def test_assignments_reference_declared_groups(identity_center_template):
    groups = _group_ids(identity_center_template)
    assignments = [r["Properties"] for r in resources(identity_center_template, "AWS::SSO::Assignment").values()]
    by_set = {a["PermissionSetArn"]["Fn::GetAtt"][0]: a["PrincipalId"] for a in assignments}
    admin = next(v for k, v in by_set.items() if k.startswith("PermissionSetAdmin"))
    developer = next(v for k, v in by_set.items() if k.startswith("PermissionSetDeveloper"))
    assert admin == {"Fn::GetAtt": [groups["Platform Admins"], "GroupId"]}
    assert developer == {"Fn::GetAtt": [groups["Developers"], "GroupId"]}


def test_a_user_assignment_references_the_user(stack):
    """A USER assignment naming a declared user gets the custom resource's Ref, not a lookup."""
    from aws_cdk.assertions import Template

    from iam_baseline.config.identity_store import IdentityStoreConfig
    from iam_baseline.federation.identity_store import IdentityStoreDirectory

    store = IdentityStoreConfig.model_validate_json(json.dumps({
        "users": [{"user_name": "dan", "display_name": "Dan", "given_name": "Dan", "family_name": "X", "email": "dan@example.com"}],
        "groups": [{"name": "Empty"}],
    }))
    directory = IdentityStoreDirectory(stack, "IdentityStore", identity_store_id=STORE, identity_store=store)
    template = Template.from_stack(stack).to_json()
    (user_id,) = resources(template, "Custom::IdentityStoreUser")
    assert stack.resolve(directory.principal_id("USER", "dan")) == {"Ref": user_id}
    assert directory.principal_id("USER", "erin") is None and directory.principal_id("GROUP", "dan") is None
    assert resources(template, "AWS::IdentityStore::GroupMembership") == {}


def test_names_differing_in_punctuation_get_distinct_ids():
    from iam_baseline.federation.identity_store import name_id

    assert name_id("alice.b") != name_id("alice-b")
    assert name_id("alice.b").startswith("AliceB") and name_id("alice.b") == name_id("alice.b")
