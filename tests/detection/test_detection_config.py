"""Config validation of detection, break-glass and the account alias: exact error lines."""

from __future__ import annotations

import re

import pytest
import yaml
from template_tools import CONFIG_FOLDER, default_config_data

from iam_baseline.config import ConfigError, parse_config

# Without the access matrix: the changes below rename principals it names.
DEFAULT = {key: value for key, value in default_config_data().items() if key != "access_matrix"}


def problems(**changes) -> list[str]:
    """The problem lines of the default config with top-level ``changes`` applied (YAML line
    numbers left out: the dumped YAML is not the file a user edits)."""
    data = {**DEFAULT, **changes}
    with pytest.raises(ConfigError) as caught:
        parse_config(yaml.safe_dump(data), "test.yaml", folder=CONFIG_FOLDER)
    return [re.sub(r" \(line \d+, column \d+\)", "", str(p).strip()) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("ab", "account alias must be 3-63 characters long, got 2"),
        ("a" * 64, "account alias must be 3-63 characters long, got 64"),
        *(
            (
                bad,
                "account alias may contain only lowercase letters, digits and single hyphens, and must start and "
                "end with a letter or digit (IAM CreateAccountAlias), e.g. 'acme-production'",
            )
            for bad in ("Acme-Prod", "acme_prod", "-acme", "acme-", "acme--prod", "acme.prod")
        ),
    ],
)
def test_invalid_account_alias(alias, message):
    assert problems(account_alias=alias) == [f'- account_alias: {message} [got: "{alias}"]']


@pytest.mark.parametrize("alias", ["abc", "acme-production", "a1-b2-c3", "a" * 63, "123"])
def test_valid_account_alias(alias):
    assert parse_config(yaml.safe_dump({**DEFAULT, "account_alias": alias}), folder=CONFIG_FOLDER).account_alias == alias


def test_alias_construct_refuses_a_bad_alias_too():
    from aws_cdk import Stack

    from iam_baseline.detection import AccountAlias

    with pytest.raises(ValueError, match="3-63 characters long, got 2"):
        AccountAlias(Stack(), "Alias", alias="ab")


def test_break_glass_needs_detection():
    assert problems(detection=None) == [
        "- break_glass: break_glass needs detection: every break-glass use must raise an alert on the alert topic"
    ]


def test_break_glass_user_names_must_not_collide_with_users():
    bg = {**DEFAULT["break_glass"], "users": ["alice.admin"]}
    assert problems(break_glass=bg) == [
        "- break_glass.users[0]: break_glass.users ['alice.admin'] are also declared in users; use distinct IAM user "
        'names [got: "alice.admin"]'
    ]


def test_break_glass_users_mode_needs_users():
    assert problems(break_glass={"mode": "users"}) == [
        "- break_glass.users: mode 'users' needs at least one name in users: the people who hold a break-glass login"
    ]


def test_break_glass_role_mode_needs_principals_and_valid_arns():
    assert problems(break_glass={"mode": "role"}) == [
        "- break_glass.trusted_principals: mode 'role' needs at least one ARN in trusted_principals: who may assume the role"
    ]
    (line,) = problems(break_glass={"mode": "role", "trusted_principals": ["arn:aws:iam::12345:user/x"]})
    assert line.startswith("- break_glass.trusted_principals[0]: not allowed")
    assert line.endswith('[got: "arn:aws:iam::12345:user/x"]')


def test_break_glass_role_name_must_not_be_a_persona_role():
    assert problems(break_glass={"mode": "role", "role_name": "Admin", "trusted_principals": [
        "arn:aws:iam::444455556666:user/alice"]}) == [
        "- break_glass.role_name: break_glass.role_name 'Admin' is already a baseline role name [got: \"Admin\"]"
    ]  # fmt: skip


def test_break_glass_users_need_the_first_password_change():
    assert problems(mfa={"allow_password_change_without_mfa": False}, users=[]) == [
        "- break_glass.users: break_glass users start with a temporary password that must be changed at first sign-in, "
        "but mfa.allow_password_change_without_mfa is false, so the force-MFA policy would lock them out"
    ]


def test_alert_settings_are_validated():
    alerts = {"emails": ["not-an-address"], "https_endpoint": "http://hooks.example.com", "alarm_period_seconds": 90}
    found = problems(detection={"alerts": alerts})
    assert [line.split(":")[0] for line in found] == [
        "- detection.alerts.emails[0]",
        "- detection.alerts.https_endpoint",
        "- detection.alerts.alarm_period_seconds",
    ]
    assert "not an e-mail address: expected name@domain.tld" in found[0]
    assert "the endpoint must be an https:// URL" in found[1]
    assert "multiple of 60" in found[2]


def test_unused_access_age_range():
    (line,) = problems(detection={"access_analyzer": {"unused_access": {"unused_access_age_days": 366}}})
    assert line.startswith("- detection.access_analyzer.unused_access.unused_access_age_days")
    assert "less than or equal to 365" in line


def test_archive_filter_needs_a_comparison():
    rules = [{"name": "R", "filters": [{"property": "resourceType"}]}]
    line = problems(detection={"access_analyzer": {"external_access": {"archive_rules": rules}}})[0]
    assert line.startswith("- detection.access_analyzer.external_access.archive_rules[0].filters[0]")
    assert "filter on 'resourceType' needs at least one of eq, neq, contains, exists" in line


def test_analyzer_names_must_differ():
    same = {"external_access": {"name": "one"}, "unused_access": {"name": "one"}}
    assert problems(detection={"access_analyzer": same}) == [
        "- detection.access_analyzer.unused_access.name: both analyzers are named 'one'; analyzer names are unique "
        'per region [got: "one"]'
    ]


def test_detection_is_optional():
    config = parse_config(yaml.safe_dump({**DEFAULT, "detection": None, "break_glass": None}), folder=CONFIG_FOLDER)
    assert config.detection is None and config.break_glass is None
