"""The account password policy custom resource: every field on create and update, delete
that tolerates a policy already gone, a fixed physical id, a function that may call only the
two password-policy actions, and ranges validated before synthesis."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from iam_baseline.config import PasswordPolicyConfig
from template_tools import CIS_PASSWORD_POLICY_PARAMETERS, resolve, resources, statements, synth_unit_stack

CUSTOM = PasswordPolicyConfig(
    minimum_length=20,
    require_symbols=False,
    require_numbers=True,
    require_uppercase=False,
    require_lowercase=True,
    allow_users_to_change_password=False,
    reuse_prevention=5,
    max_age_days=None,  # never expire: the API disables the rule when the field is left out
    hard_expiry=True,
)


@pytest.fixture(scope="module")
def custom_template(tmp_path_factory) -> dict:
    from iam_baseline.identity import AccountPasswordPolicy

    return synth_unit_stack(
        lambda stack: AccountPasswordPolicy(stack, "PasswordPolicy", policy=CUSTOM),
        tmp_path_factory.mktemp("password-policy"),
    )


def _calls(template: dict) -> dict[str, dict]:
    (resource,) = resources(template, "Custom::AccountPasswordPolicy").values()
    props = resource["Properties"]
    assert props["InstallLatestAwsSdk"] is False  # no download from npm during a deployment
    return {phase: json.loads(props[phase]) for phase in ("Create", "Update", "Delete")}


def test_create_and_update_send_every_field_with_the_configured_values(custom_template):
    calls = _calls(custom_template)
    expected = {
        "service": "IAM",
        "action": "updateAccountPasswordPolicy",
        "parameters": {
            "MinimumPasswordLength": 20,
            "RequireSymbols": False,
            "RequireNumbers": True,
            "RequireUppercaseCharacters": False,
            "RequireLowercaseCharacters": True,
            "AllowUsersToChangePassword": False,
            "HardExpiry": True,
            "PasswordReusePrevention": 5,
        },
        "physicalResourceId": {"id": "AccountPasswordPolicy"},
    }
    assert calls["Create"] == expected
    assert calls["Update"] == expected  # no partial update: an omitted field would reset


def test_default_config_sends_cis_values(baseline_template):
    calls = _calls(baseline_template)
    assert calls["Create"]["parameters"] == CIS_PASSWORD_POLICY_PARAMETERS
    assert calls["Update"] == calls["Create"]


def test_delete_removes_the_policy_and_ignores_no_such_entity(custom_template):
    assert _calls(custom_template)["Delete"] == {
        "service": "IAM",
        "action": "deleteAccountPasswordPolicy",
        "ignoreErrorCodesMatching": "NoSuchEntity",
    }


def test_function_role_may_call_only_the_two_password_policy_actions(custom_template):
    (function,) = resources(custom_template, "AWS::Lambda::Function").values()
    role_ref = function["Properties"]["Role"]["Fn::GetAtt"][0]
    role = custom_template["Resources"][role_ref]["Properties"]
    assert resolve(role["ManagedPolicyArns"]) == [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"  # its own logs only
    ]
    assert "Policies" not in role
    attached = [p for p in resources(custom_template, "AWS::IAM::Policy").values()
                if {"Ref": role_ref} in p["Properties"]["Roles"]]
    assert len(attached) == 1
    assert statements(attached[0]["Properties"]["PolicyDocument"]) == [
        {
            "Effect": "Allow",
            "Action": ["iam:DeleteAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy"],
            "Resource": "*",  # the account password policy has no ARN
        }
    ]
    assert list(resources(custom_template, "AWS::IAM::ManagedPolicy")) == []


def test_update_parameters_leave_out_disabled_rules():
    from iam_baseline.identity import update_parameters

    params = update_parameters(PasswordPolicyConfig(reuse_prevention=None, max_age_days=None))
    assert "PasswordReusePrevention" not in params and "MaxPasswordAge" not in params
    assert params["MinimumPasswordLength"] == 14


@pytest.mark.parametrize(
    ("field", "accepted", "refused"),
    [
        ("minimum_length", (6, 128), (0, 5, 129)),
        ("reuse_prevention", (1, 24), (0, 25)),
        ("max_age_days", (1, 1095), (0, 1096)),
    ],
)
def test_ranges_are_validated(field, accepted, refused):
    for value in accepted:
        assert getattr(PasswordPolicyConfig(**{field: value}), field) == value
    for value in refused:
        with pytest.raises(ValidationError, match=field):
            PasswordPolicyConfig(**{field: value})


def test_defaults_meet_cis():
    policy = PasswordPolicyConfig()
    assert policy.minimum_length >= 14 and policy.reuse_prevention == 24
    assert policy.require_symbols and policy.require_numbers and policy.require_uppercase and policy.require_lowercase
