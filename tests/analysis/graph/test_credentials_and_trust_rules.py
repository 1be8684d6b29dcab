"""Credentials and role trust: each rule with its minimal enabling policy reaches an
administrator; without the enabling action, or with a condition that cannot be met, it does not."""

from __future__ import annotations

from iam_baseline.analysis.model.templates import CredentialSecret

from .small import A, ADMIN, allow, chain_from, escalates_by, graph_of, role, rules_of, scope, trust, trust_account, user

BOSS = f"arn:aws:iam::{A}:user/boss"


def test_create_access_key_for_an_admin_user():
    boss = user("boss", *ADMIN)
    assert escalates_by(graph_of(scope(A, user("u", allow("iam:CreateAccessKey", BOSS)), boss)), "user:u", "create-access-key")
    assert chain_from(graph_of(scope(A, user("u", allow("iam:CreateAccessKey", f"arn:aws:iam::{A}:user/u")), boss)),
                      "user:u") is None


def test_a_user_outside_the_assembly_is_assumed_an_administrator():
    """create-login-profile on any user: the stand-in user may be an administrator."""
    found = chain_from(graph_of(scope(A, user("u", allow("iam:CreateLoginProfile")))), "user:u")
    assert found is not None and found.target.endswith("stand-in:user/another-user")
    assert rules_of(found) == ["create-login-profile"]
    assert chain_from(graph_of(scope(A, user("u", allow("iam:GetLoginProfile")))), "user:u") is None


def test_update_login_profile_and_reading_the_initial_password():
    boss = user("boss", *ADMIN)
    assert escalates_by(graph_of(scope(A, user("u", allow("iam:UpdateLoginProfile", BOSS)), boss)), "user:u",
                        "update-login-profile")
    secret = f"arn:aws:secretsmanager:eu-west-1:{A}:secret:boss-password-XXXXXX"
    for statements, expected in (((allow("secretsmanager:GetSecretValue", secret),), True),
                                 ((allow("secretsmanager:DescribeSecret", secret),), False)):
        small = scope(A, user("u", *statements), boss)
        small.model.credential_secrets.append(CredentialSecret(secret, BOSS, None))
        assert escalates_by(graph_of(small), "user:u", "read-console-password") is expected


def test_update_assume_role_policy_of_an_admin_role():
    target = role("Target", *ADMIN, trust=trust_account("999988887777"))
    arn = f"arn:aws:iam::{A}:role/Target"
    assert escalates_by(graph_of(scope(A, user("u", allow("iam:UpdateAssumeRolePolicy", arn)), target)), "user:u",
                        "update-assume-role-policy")
    assert chain_from(graph_of(scope(A, user("u", allow("iam:GetRole", arn)), target)), "user:u") is None


def test_assume_role_with_mfa_and_token_issue_time_conditions():
    """The search sets MFA (present, 60 s old) and a fresh aws:TokenIssueTime: a grant on them is
    reachable; one requiring a session issued before 2000 cannot be met and is not."""
    arn = f"arn:aws:iam::{A}:role/Target"
    mfa = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    target = role("Target", *ADMIN, trust=trust({"AWS": f"arn:aws:iam::{A}:root"}, mfa))
    fresh = {"DateGreaterThan": {"aws:TokenIssueTime": "2025-01-01T00:00:00Z"}}
    stale = {"DateLessThan": {"aws:TokenIssueTime": "2000-01-01T00:00:00Z"}}
    assert escalates_by(graph_of(scope(A, user("u", allow("sts:AssumeRole", arn, fresh)), target)), "user:u", "assume-role")
    assert chain_from(graph_of(scope(A, user("u", allow("sts:AssumeRole", arn, stale)), target)), "user:u") is None
