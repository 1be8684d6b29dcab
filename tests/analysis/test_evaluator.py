"""The evaluator on AWS's documented rules and examples, and on edge cases (no CDK)."""

from __future__ import annotations

import pytest

from iam_baseline.analysis.engine.conditions import PolicyError
from iam_baseline.analysis.engine.evaluator import Outcome, evaluate, evaluate_assume_role
from iam_baseline.analysis.engine.policy import Policy, PolicyKind
from iam_baseline.analysis.engine.request import Request, RequestPrincipal

ACCOUNT = "111122223333"
BOB = RequestPrincipal(f"arn:aws:iam::{ACCOUNT}:user/bob", ACCOUNT, "user")
SESSION = RequestPrincipal(
    f"arn:aws:sts::{ACCOUNT}:assumed-role/app/s", ACCOUNT, "role_session", f"arn:aws:iam::{ACCOUNT}:role/app"
)


def policy(*statements, kind=PolicyKind.IDENTITY, name="p", version="2012-10-17"):
    return Policy.from_document(name, {"Version": version, "Statement": list(statements)}, kind)


def allow(action="*", resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action="*", resource="*", **extra):
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def req(action="s3:GetObject", resource="arn:aws:s3:::b/k", principal=BOB, **context):
    return Request(principal, action, resource, context)


def test_implicit_deny_without_any_allow():
    decision = evaluate(req(), identity=[policy(allow("ec2:*"))])
    assert decision.outcome is Outcome.IMPLICIT_DENY
    assert decision.reason == "no identity-based policy allows it"


def test_explicit_deny_wins_and_names_the_statement():
    decision = evaluate(req(), identity=[policy(allow(), deny("s3:Get*", Sid="NoReads"), name="mine")])
    assert decision.outcome is Outcome.EXPLICIT_DENY
    assert [(r.policy, r.sid, r.effect) for r in decision.deciding] == [("mine", "NoReads", "Deny")]


def test_allow_carries_its_statement():
    decision = evaluate(req(), identity=[policy(allow("s3:GetObject", Sid="Reads"))])
    assert decision.allowed and decision.deciding[0].sid == "Reads"


def test_boundary_intersects_identity_allow():
    # IAM User Guide, "Permissions boundaries": identity allows iam:CreateUser, boundary allows s3/ec2.
    identity = [policy(allow("iam:CreateUser"), allow("s3:*"))]
    boundary = policy(allow(["s3:*", "cloudwatch:*", "ec2:*"]), kind=PolicyKind.BOUNDARY, name="b")
    assert evaluate(req(), identity=identity, boundary=boundary).allowed
    denied = evaluate(req("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/x"), identity=identity, boundary=boundary)
    assert denied.outcome is Outcome.IMPLICIT_DENY and "permissions boundary b" in denied.reason
    # The boundary alone grants nothing.
    assert not evaluate(req("ec2:RunInstances", "*"), identity=identity, boundary=boundary).allowed


def test_session_policy_intersects():
    session = [policy(allow("s3:ListBucket"), kind=PolicyKind.SESSION)]
    decision = evaluate(req(principal=SESSION), identity=[policy(allow("s3:*"))], session=session)
    assert decision.outcome is Outcome.IMPLICIT_DENY and decision.reason == "no session policy allows it"


def test_scp_every_level_must_allow():
    identity = [policy(allow())]
    root = [policy(allow(), kind=PolicyKind.SCP)]
    ou = [policy(allow("ec2:*"), kind=PolicyKind.SCP)]
    assert evaluate(req(), identity=identity, scps=[root]).allowed
    decision = evaluate(req(), identity=identity, scps=[root, ou])
    assert decision.outcome is Outcome.IMPLICIT_DENY and "level 1" in decision.reason


def test_action_is_case_insensitive_resource_is_case_sensitive():
    identity = [policy(allow("S3:getOBJECT", "arn:aws:s3:::b/k"))]
    assert evaluate(req(), identity=identity).allowed
    assert not evaluate(req(resource="arn:aws:s3:::b/K"), identity=identity).allowed


def test_wildcard_does_not_span_arn_segments():
    identity = [policy(allow("s3:GetObject", "arn:aws:s3:*"))]
    # "*" here is the service segment's remainder only; the region, account and resource
    # segments are padded with "*" as IAM does for a short ARN.
    assert evaluate(req(), identity=identity).allowed
    identity = [policy(allow("iam:GetRole", "arn:aws:iam::*:role/app"))]
    assert evaluate(req("iam:GetRole", f"arn:aws:iam::{ACCOUNT}:role/app"), identity=identity).allowed
    assert not evaluate(req("iam:GetRole", f"arn:aws:iam::{ACCOUNT}:role/path/app"), identity=identity).allowed


def test_not_action_and_not_resource():
    identity = [policy({"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::secret/*"})]
    assert evaluate(req(), identity=identity).allowed
    assert not evaluate(req("iam:ListRoles", "*"), identity=identity).allowed
    assert not evaluate(req(resource="arn:aws:s3:::secret/k"), identity=identity).allowed


def test_policy_variable_username_and_missing_variable():
    home = [policy(allow("s3:GetObject", "arn:aws:s3:::b/home/${aws:username}/*"))]
    assert evaluate(req(resource="arn:aws:s3:::b/home/bob/x", **{"aws:username": "bob"}), identity=home).allowed
    assert not evaluate(req(resource="arn:aws:s3:::b/home/alice/x", **{"aws:username": "bob"}), identity=home).allowed
    # A role session has no aws:username: the statement matches nothing.
    assert not evaluate(req(resource="arn:aws:s3:::b/home/bob/x"), identity=home).allowed


def test_policy_variable_default_and_special_characters():
    tagged = [policy(allow("s3:GetObject", "arn:aws:s3:::b/${aws:PrincipalTag/team, 'none'}/*"))]
    assert evaluate(req(resource="arn:aws:s3:::b/none/x"), identity=tagged).allowed
    assert evaluate(req(resource="arn:aws:s3:::b/red/x", **{"aws:PrincipalTag/team": "red"}), identity=tagged).allowed
    literal = [policy(allow("s3:GetObject", "arn:aws:s3:::b/${*}"))]
    assert evaluate(req(resource="arn:aws:s3:::b/*"), identity=literal).allowed
    assert not evaluate(req(resource="arn:aws:s3:::b/k"), identity=literal).allowed


def test_variables_are_literal_in_version_2008():
    old = [policy(allow("s3:GetObject", "arn:aws:s3:::b/${aws:username}"), version="2008-10-17")]
    assert not evaluate(req(resource="arn:aws:s3:::b/bob", **{"aws:username": "bob"}), identity=old).allowed
    assert evaluate(req(resource="arn:aws:s3:::b/${aws:username}", **{"aws:username": "bob"}), identity=old).allowed


FORCE_MFA = policy(
    allow(),
    {
        "Sid": "DenyAllExceptListedIfNoMFA",
        "Effect": "Deny",
        "NotAction": ["iam:EnableMFADevice", "iam:ListMFADevices", "sts:GetSessionToken"],
        "Resource": "*",
        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    },
)


@pytest.mark.parametrize(
    ("context", "allowed"),
    [({"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60"}, True),
     ({"aws:MultiFactorAuthPresent": "false"}, False), ({}, False)],
    ids=["mfa", "console-without-mfa", "long-term-keys"],
)
def test_force_mfa_deny_covers_absent_key(context, allowed):
    # IAM User Guide, "AWS global condition context keys" > aws:MultiFactorAuthPresent.
    assert evaluate(req(**context), identity=[FORCE_MFA]).allowed is allowed


def test_bool_allow_does_not_match_absent_key():
    gated = [policy(allow(Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))]
    assert not evaluate(req(), identity=gated).allowed
    assert evaluate(req(**{"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60"}), identity=gated).allowed


@pytest.mark.parametrize(
    ("operator", "value", "context", "expected"),
    [
        ("StringNotEquals", "x", {}, True),  # negated operator, absent key: true
        ("StringEquals", "x", {}, False),
        ("StringEqualsIfExists", "x", {}, True),
        ("StringEqualsIgnoreCase", "ABC", {"k": "abc"}, True),
        ("StringLike", "a*c?", {"k": "abbbcd"}, True),
        ("StringNotLike", "a*", {"k": "abc"}, False),
        ("NumericLessThan", "3600", {"k": "3599"}, True),
        ("NumericLessThan", "3600", {"k": "3600"}, False),
        ("NumericGreaterThanEquals", "1.5", {"k": "1.50"}, True),
        ("NumericEquals", "1", {"k": "not-a-number"}, False),
        ("DateLessThan", "2030-01-01T00:00:00Z", {"k": "2026-01-01T12:00:00Z"}, True),
        ("DateGreaterThan", "2030-01-01T00:00:00Z", {"k": "1767268800"}, False),
        ("Bool", "true", {"k": "TRUE"}, True),
        ("BinaryEquals", "QmluYXJ5", {"k": "QmluYXJ5"}, True),
        ("IpAddress", "203.0.113.0/24", {"k": "203.0.113.9"}, True),
        ("NotIpAddress", "203.0.113.0/24", {"k": "198.51.100.1"}, True),
        ("IpAddress", "2001:db8::/32", {"k": "2001:db8::1"}, True),
        ("ArnLike", "arn:aws:iam::*:role/app-*", {"k": "arn:aws:iam::1:role/app-x"}, True),
        ("ArnEquals", "arn:aws:iam::*:role/app", {"k": "arn:aws:iam::1:role/app"}, True),
        ("ArnNotLike", "arn:aws:iam::*:role/app-*", {}, True),
        ("Null", "true", {}, True),
        ("Null", "false", {}, False),
        ("Null", "true", {"k": []}, True),
        ("ForAnyValue:StringEquals", "a", {}, False),
        ("ForAllValues:StringEquals", "a", {}, True),
        ("ForAllValues:StringEquals", "a", {"k": ["a", "b"]}, False),
        ("ForAnyValue:StringEquals", "a", {"k": ["a", "b"]}, True),
        ("ForAnyValue:StringNotEquals", "a", {"k": ["a", "b"]}, True),
        ("ForAllValues:StringNotEquals", "a", {"k": ["b", "c"]}, True),
        ("StringEquals", "${aws:username}", {"k": "bob", "aws:username": "bob"}, True),
    ],
)
def test_condition_operators(operator, value, context, expected):
    statement = allow(Condition={operator: {"k": value}})
    assert evaluate(req(**context), identity=[policy(statement)]).allowed is expected


def test_condition_keys_are_case_insensitive():
    gated = [policy(allow(Condition={"StringEquals": {"AWS:RequestedRegion": "eu-west-1"}}))]
    assert evaluate(req(**{"aws:requestedregion": "eu-west-1"}), identity=gated).allowed


@pytest.mark.parametrize(
    "block",
    [{"StringEqualz": {"k": "v"}}, {"NullIfExists": {"k": "true"}}, {"ForSomeValues:StringEquals": {"k": "v"}}],
)
def test_unknown_operators_are_errors(block):
    with pytest.raises(PolicyError):
        policy(allow(Condition=block))


def test_malformed_statements_are_errors():
    with pytest.raises(PolicyError, match="exactly one of Action and NotAction"):
        policy({"Effect": "Allow", "Resource": "*"})
    with pytest.raises(PolicyError, match="Effect must be Allow or Deny"):
        policy({"Effect": "allow", "Action": "*", "Resource": "*"})


ROLE = f"arn:aws:iam::{ACCOUNT}:role/target"


def trust(principal, **extra):
    statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra}
    return policy(statement, kind=PolicyKind.TRUST, name="trust")


def test_trust_naming_the_account_needs_the_identity_policy():
    request = req("sts:AssumeRole", ROLE)
    account_trust = trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    assert not evaluate_assume_role(request, trust_policy=account_trust).allowed
    assert evaluate_assume_role(request, trust_policy=account_trust, identity=[policy(allow("sts:AssumeRole"))]).allowed


def test_trust_naming_the_user_suffices_within_the_account():
    decision = evaluate_assume_role(req("sts:AssumeRole", ROLE), trust_policy=trust({"AWS": BOB.arn}))
    assert decision.allowed and decision.deciding[0].kind is PolicyKind.TRUST


def test_trust_must_allow_even_when_identity_allows():
    other = trust({"AWS": "arn:aws:iam::444455556666:root"})
    decision = evaluate_assume_role(req("sts:AssumeRole", ROLE), trust_policy=other, identity=[policy(allow())])
    assert decision.outcome is Outcome.IMPLICIT_DENY and "trust policy" in decision.reason


def test_trust_conditions_use_the_request_context():
    mfa_trust = trust(
        {"AWS": ACCOUNT},
        Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
    )
    identity = [policy(allow("sts:AssumeRole"))]
    fresh = req("sts:AssumeRole", ROLE, **{"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60"})
    stale = req("sts:AssumeRole", ROLE, **{"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "7200"})
    assert evaluate_assume_role(fresh, trust_policy=mfa_trust, identity=identity).allowed
    assert not evaluate_assume_role(stale, trust_policy=mfa_trust, identity=identity).allowed
    assert not evaluate_assume_role(req("sts:AssumeRole", ROLE), trust_policy=mfa_trust, identity=identity).allowed


def test_service_and_federated_principals():
    lambda_trust = trust({"Service": "lambda.amazonaws.com"})
    service = RequestPrincipal("lambda.amazonaws.com", "", "service")
    assert evaluate_assume_role(req("sts:AssumeRole", ROLE, principal=service), trust_policy=lambda_trust).allowed
    assert not evaluate_assume_role(req("sts:AssumeRole", ROLE), trust_policy=lambda_trust).allowed
    provider = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    oidc_trust = policy(
        {
            "Effect": "Allow",
            "Principal": {"Federated": provider},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}},
        },
        kind=PolicyKind.TRUST,
    )
    federated = RequestPrincipal(provider, ACCOUNT, "federated")
    ok = req("sts:AssumeRoleWithWebIdentity", ROLE, federated, **{"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"})
    bad = req("sts:AssumeRoleWithWebIdentity", ROLE, federated, **{"token.actions.githubusercontent.com:aud": "other"})
    assert evaluate_assume_role(ok, trust_policy=oidc_trust).allowed
    assert not evaluate_assume_role(bad, trust_policy=oidc_trust).allowed


def test_resource_policy_naming_the_role_is_limited_by_the_boundary():
    # "Permissions boundaries for IAM entities" > resource-based policies.
    boundary = policy(allow("ec2:*"), kind=PolicyKind.BOUNDARY)
    by_role = policy({"Effect": "Allow", "Principal": {"AWS": SESSION.role_arn}, "Action": "s3:GetObject", "Resource": "*"},
                     kind=PolicyKind.RESOURCE)
    by_session = policy({"Effect": "Allow", "Principal": {"AWS": SESSION.arn}, "Action": "s3:GetObject", "Resource": "*"},
                        kind=PolicyKind.RESOURCE)
    request = req(principal=SESSION)
    assert not evaluate(request, boundary=boundary, resource_policy=by_role).allowed
    assert evaluate(request, boundary=boundary, resource_policy=by_session).allowed
    assert evaluate(request, resource_policy=by_role).allowed
