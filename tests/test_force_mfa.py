"""The force-MFA self-service policy: AWS's documented "manage own credentials, MFA
required" policy, narrowed to passwords and MFA devices, attached to every human group."""

from __future__ import annotations

import pytest

from template_tools import (
    applies_to,
    as_list,
    iam_arn,
    resource_at,
    resources,
    statement,
    statements,
    synth_unit_stack,
)

#: What a user without MFA may still do: sign in, enrol a device, trade an MFA code for an
#: MFA session (sts:GetSessionToken). AWS's documented list, nothing more.
EXEMPT_WITHOUT_PASSWORD_CHANGE = [
    "iam:CreateVirtualMFADevice",
    "iam:EnableMFADevice",
    "iam:GetMFADevice",
    "iam:GetUser",
    "iam:ListMFADevices",
    "iam:ListVirtualMFADevices",
    "iam:ResyncMFADevice",
    "sts:GetSessionToken",
]
EXEMPT_WITH_PASSWORD_CHANGE = sorted(
    EXEMPT_WITHOUT_PASSWORD_CHANGE + ["iam:ChangePassword", "iam:GetAccountPasswordPolicy"]
)
OWN_USER = [iam_arn("user/${aws:username}"), iam_arn("user/*/${aws:username}")]


@pytest.fixture(scope="module", params=[False, True], ids=["password-change-needs-mfa", "password-change-allowed"])
def force_mfa(request, tmp_path_factory):
    """(option, policy document) of a ForceMfaPolicy synthesized alone in a bare stack."""
    from iam_baseline.identity import ForceMfaPolicy

    template = synth_unit_stack(
        lambda stack: ForceMfaPolicy(
            stack, "ForceMfa", path="/people/", allow_password_change_without_mfa=request.param
        ),
        tmp_path_factory.mktemp("force-mfa"),
    )
    (policy,) = resources(template, "AWS::IAM::ManagedPolicy").values()
    assert policy["Properties"]["ManagedPolicyName"] == "ForceMFA"
    assert policy["Properties"]["Path"] == "/people/"
    return request.param, policy["Properties"]["PolicyDocument"]


def test_deny_statement_is_exact(force_mfa):
    allow_password_change, document = force_mfa
    exempt = EXEMPT_WITH_PASSWORD_CHANGE if allow_password_change else EXEMPT_WITHOUT_PASSWORD_CHANGE
    assert statement(document, "DenyAllExceptListedIfNoMFA") == {
        "Sid": "DenyAllExceptListedIfNoMFA",
        "Effect": "Deny",
        "NotAction": exempt,
        "Resource": "*",
        # IfExists: the key is absent on requests signed with long-term access keys; they are denied too.
        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    }


def test_deny_is_the_only_deny_and_has_no_other_exemption(force_mfa):
    _, document = force_mfa
    denies = [s for s in statements(document) if s["Effect"] == "Deny"]
    assert [s["Sid"] for s in denies] == ["DenyAllExceptListedIfNoMFA"]
    deny = denies[0]
    for action in ("iam:CreateAccessKey", "iam:DeactivateMFADevice", "s3:GetObject", "sts:AssumeRole"):
        assert applies_to(deny, action, "*"), f"{action} must be denied without MFA"


def test_password_change_without_mfa_is_an_explicit_option(force_mfa):
    allow_password_change, document = force_mfa
    deny = statement(document, "DenyAllExceptListedIfNoMFA")
    assert applies_to(deny, "iam:ChangePassword", OWN_USER[0]) is not allow_password_change


def test_virtual_mfa_devices_on_mfa_wildcard(force_mfa):
    """Device names are free since 2022 and a user may hold several: mfa/*, not mfa/${aws:username}."""
    _, document = force_mfa
    assert statement(document, "AllowCreateOwnVirtualMFADevice") == {
        "Sid": "AllowCreateOwnVirtualMFADevice",
        "Effect": "Allow",
        "Action": "iam:CreateVirtualMFADevice",
        "Resource": iam_arn("mfa/*"),
    }


def test_own_user_resources_cover_users_with_and_without_path(force_mfa):
    _, document = force_mfa
    mfa = statement(document, "AllowManageOwnUserMFA")
    password = statement(document, "AllowManageOwnPassword")
    assert mfa["Resource"] == OWN_USER
    assert password["Resource"] == OWN_USER
    assert mfa["Action"] == [
        "iam:DeactivateMFADevice",
        "iam:EnableMFADevice",
        "iam:GetMFADevice",
        "iam:ListMFADevices",
        "iam:ResyncMFADevice",
    ]
    assert password["Action"] == ["iam:ChangePassword", "iam:GetLoginProfile", "iam:GetUser"]
    # alice under /baseline/ and bob at the root both reach their own user, nobody else's.
    for stmt, action in ((mfa, "iam:EnableMFADevice"), (password, "iam:ChangePassword")):
        assert applies_to(stmt, action, iam_arn("user/baseline/alice"), username="alice")
        assert applies_to(stmt, action, iam_arn("user/bob"), username="bob")
        assert applies_to(stmt, action, iam_arn("user/a/b/carol"), username="carol")
        assert not applies_to(stmt, action, iam_arn("user/baseline/bob"), username="alice")
        assert not applies_to(stmt, action, iam_arn("user/bob"), username="alice")


def test_no_allow_touches_access_keys_or_other_users(force_mfa):
    _, document = force_mfa
    allows = [s for s in statements(document) if s["Effect"] == "Allow"]
    for stmt in allows:
        assert "NotAction" not in stmt
        for action in as_list(stmt["Action"]):
            assert "AccessKey" not in action and "*" not in action
        for resource in as_list(stmt["Resource"]):
            assert resource == "*" or resource in OWN_USER + [iam_arn("mfa/*")]
    wide = [s for s in allows if s["Resource"] == "*"]
    assert [s["Action"] for s in wide] == [["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"]]


# --- in the default baseline -------------------------------------------------------------


def test_default_baseline_lets_new_users_change_their_temporary_password(baseline_template, default_config):
    assert default_config.users, "the default config declares users"
    deny = statement(resource_at(baseline_template, "ForceMfa/Resource/Resource")["Properties"]["PolicyDocument"],
                     "DenyAllExceptListedIfNoMFA")
    assert deny["NotAction"] == EXEMPT_WITH_PASSWORD_CHANGE


def test_attached_to_every_human_group(baseline_template):
    force_mfa_id = next(
        k for k, v in resources(baseline_template, "AWS::IAM::ManagedPolicy").items()
        if v["Properties"]["ManagedPolicyName"] == "ForceMFA"
    )
    groups = resources(baseline_template, "AWS::IAM::Group")
    # The persona groups and the break-glass users' group.
    assert sorted(g["Properties"]["GroupName"] for g in groups.values()) == [
        "Admins", "BreakGlass", "Developers", "ReadOnly"
    ]
    for group in groups.values():
        assert {"Ref": force_mfa_id} in group["Properties"]["ManagedPolicyArns"]
