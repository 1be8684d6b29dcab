"""IAM Identity Center in the proof: people reach accounts through groups and permission sets;
a person reaching an admin permission set must be an admin principal; every assignment's
principal exists. Each check has a negative control (a mutated config or template)."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from iam_baseline.analysis.check import run_checks
from iam_baseline.analysis.model.identity_center import (
    Origin,
    PrincipalKind,
    identity_center_of,
    load_identity_center,
)
from iam_baseline.analysis.model.templates import StackTemplate, load_account

ACCOUNT = "111122223333"


@pytest.fixture(scope="module")
def assembly(default_assembly, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("idc") / "cdk.out"
    shutil.copytree(default_assembly.directory, target)
    return target


@pytest.fixture(scope="module")
def account_model(assembly):
    return load_account(assembly, account=ACCOUNT)


def _run(account_model, config, center, admin_principals=None):
    if admin_principals is not None:
        matrix = config.access_matrix.model_copy(update={"admin_principals": tuple(admin_principals)})
        config = config.model_copy(update={"access_matrix": matrix})
    return run_checks(account_model, config, center=center)


def _failed(run, check: str) -> list[str]:
    return [r.message for r in run.results if r.check == check and not r.passed]


def test_people_reach_accounts_through_groups(assembly):
    center = load_identity_center(assembly)
    assert center.users == {"alice.admin", "bob.dev", "carol.dev"}
    assert center.groups == {"Platform Admins": {"alice.admin"}, "Developers": {"bob.dev", "carol.dev"}}
    reach = [(r.person, r.account, r.permission_set, r.via.ref if r.via else None) for r in center.reach()]
    assert reach == [
        ("alice.admin", ACCOUNT, "Admin", "identity_center_group:Platform Admins"),
        ("bob.dev", ACCOUNT, "Developer", "identity_center_group:Developers"),
        ("carol.dev", ACCOUNT, "Developer", "identity_center_group:Developers"),
    ]
    origins = {(a.principal.name, a.principal.origin) for a in center.assignments}
    assert ("Support Engineers", Origin.EXISTING) in origins
    assert ("9a6702d5-e061-70f1-5c8b-1f6d2e3c4b5a", Origin.BY_ID) in origins
    assert center.dangling == []


def test_default_config_passes_and_the_report_names_people(assembly, account_model, default_config):
    run = _run(account_model, default_config, load_identity_center(assembly))
    checks = [r for r in run.results if r.check.startswith("identity-center-")]
    assert checks and all(r.passed for r in checks)
    assert [(r.subject, r.summary) for r in checks if r.check == "identity-center-admin"] == [
        ("identity_center_user:alice.admin", "Admin in 111122223333 through identity_center_group:Platform Admins")
    ]
    assert [(reach.person, admin) for reach, admin in run.people] == [
        ("alice.admin", True), ("bob.dev", False), ("carol.dev", False)
    ]
    from iam_baseline.analysis.outputs.report import markdown

    report = markdown(run)
    assert "| alice.admin | 111122223333 | Admin | Platform Admins | **yes** |" in report
    assert "| carol.dev | 111122223333 | Developer | Developers | no |" in report
    assert "- `identity_center_user:alice.admin` (Admin in 111122223333 through Platform Admins)" in report


def test_a_person_reaching_admin_must_be_listed(assembly, account_model, default_config):
    center = load_identity_center(assembly)
    listed = [p for p in default_config.access_matrix.admin_principals if not p.startswith("identity_center_")]
    run = _run(account_model, default_config, center, listed)
    assert _failed(run, "identity-center-admin") == [
        "identity_center_user:alice.admin reaches admin permission set Admin in account 111122223333 through "
        "identity_center_group:Platform Admins but neither the user nor that group is listed in "
        "access_matrix.admin_principals"
    ]
    # Listing the person instead of the group also holds; persona:admin does not count.
    assert not _failed(_run(account_model, default_config, center, [*listed, "identity_center_user:alice.admin"]), "identity-center-admin")


def test_a_developer_added_to_the_admin_group_fails(assembly, account_model, default_config):
    center = load_identity_center(assembly)
    center.groups["Platform Admins"].add("bob.dev")
    try:
        failed = _failed(_run(account_model, default_config, center, ["identity_center_user:alice.admin"]), "identity-center-admin")
    finally:
        center.groups["Platform Admins"].discard("bob.dev")
    assert failed == [
        "identity_center_user:bob.dev reaches admin permission set Admin in account 111122223333 through "
        "identity_center_group:Platform Admins but neither the user nor that group is listed in "
        "access_matrix.admin_principals"
    ]


def _identity_center_stack(assembly) -> StackTemplate:
    path = assembly / "IdentityCenter.template.json"
    return StackTemplate("IdentityCenter", "IamBaselineIdentityCenter", "444455556666", "eu-west-1", json.loads(path.read_text()), path)


def test_an_assignment_to_a_missing_or_wrong_principal_fails(assembly, account_model, default_config):
    stack = _identity_center_stack(assembly)
    template = copy.deepcopy(stack.template)
    resources = template["Resources"]
    assignments = [k for k, r in resources.items() if r["Type"] == "AWS::SSO::Assignment"]
    group = next(k for k, r in resources.items() if r["Type"] == "AWS::IdentityStore::Group")
    resources[assignments[0]]["Properties"]["PrincipalId"] = {"Ref": "NoSuchUser"}
    resources[assignments[1]]["Properties"].update(PrincipalType="USER", PrincipalId={"Fn::GetAtt": [group, "GroupId"]})
    membership = next(k for k, r in resources.items() if r["Type"] == "AWS::IdentityStore::GroupMembership")
    resources[membership]["Properties"]["MemberId"]["UserId"] = {"Ref": "Gone"}
    center = identity_center_of([StackTemplate(**{**stack.__dict__, "template": template})])
    failed = _failed(_run(account_model, default_config, center), "identity-center-principal")
    assert len(failed) == 3
    assert f"IamBaselineIdentityCenter/{assignments[0]}: the principal reference {{\"Ref\": \"NoSuchUser\"}} refers to 'NoSuchUser', which no stack of the assembly defines" in failed
    assert any(f"refers to AWS::IdentityStore::Group {group} (GroupId), which is not a user" in m for m in failed)
    assert any("'Gone', which no stack of the assembly defines" in m for m in failed)


def test_a_user_assignment_and_an_import_are_followed():
    """Hand-built stacks: a shard imports a declared user's id exported by the Identity Center stack."""
    user = {"Type": "Custom::IdentityStoreUser", "Properties": {"User": json.dumps({"UserName": "dan"})}}
    permission_set = {"Type": "AWS::SSO::PermissionSet", "Properties": {"Name": "Admin"}}
    center_stack = {
        "Resources": {"Dan": user, "Ps": permission_set},
        "Outputs": {
            "DanId": {"Value": {"Ref": "Dan"}, "Export": {"Name": "Ic-User-dan"}},
            "PsArn": {"Value": {"Fn::GetAtt": ["Ps", "PermissionSetArn"]}, "Export": {"Name": "Ic-PermissionSet-Admin"}},
        },
    }
    shard = {"Resources": {"A": {"Type": "AWS::SSO::Assignment", "Properties": {
        "PrincipalType": "USER", "PrincipalId": {"Fn::ImportValue": "Ic-User-dan"},
        "PermissionSetArn": {"Fn::ImportValue": "Ic-PermissionSet-Admin"}, "TargetId": "222233334444",
    }}}}
    stacks = [StackTemplate(n, n, "444455556666", "eu-west-1", t, Path(n)) for n, t in (("Ic", center_stack), ("Shard", shard))]
    center = identity_center_of(stacks)
    ((reach),) = center.reach()
    assert (reach.person, reach.account, reach.permission_set, reach.via) == ("dan", "222233334444", "Admin", None)
    assert center.assignments[0].principal.kind is PrincipalKind.USER and center.dangling == []
