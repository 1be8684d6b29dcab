"""The symbolic encoder, feature by feature: each rule has a question it proves and one where it
finds a counterexample (replayed on the concrete evaluator by find_allowed itself)."""

from __future__ import annotations

import pytest

from iam_baseline.analysis.engine.policy import Policy, PolicyKind

from iam_baseline.analysis.engine.request import RequestPrincipal
from iam_baseline.analysis.engine.space import (
    ABSENT,
    ActionSpace,
    PrincipalKind,
    PrincipalSpace,
    RequestSpace,
    ResourceSpace,
    equals,
    exactly,
)
from iam_baseline.analysis.engine.symbolic import Counterexample, NotProven, Proven, find_allowed
from iam_baseline.analysis.model.actions import UnknownAction

ACCOUNT = "111122223333"
OTHER = "444455556666"
BOB_ARN = f"arn:aws:iam::{ACCOUNT}:user/bob"
BOB = RequestPrincipal(BOB_ARN, ACCOUNT, "user")
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/Admin"


def policy(*statements, kind=PolicyKind.IDENTITY, version="2012-10-17", name="p") -> Policy:
    return Policy.from_document(name, {"Version": version, "Statement": list(statements)}, kind)


def allow(action, resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra):
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def space(actions=("*",), resources=("*",), principals=(BOB,), exclude=(), res_exclude=(), **context):
    return RequestSpace(
        principals=principals,
        actions=ActionSpace(include=tuple(actions), exclude=tuple(exclude)),
        resources=ResourceSpace(include=tuple(resources), exclude=tuple(res_exclude)),
        context={k.replace("__", ":"): v for k, v in context.items()},
    )


def test_nothing_survives_pruning_is_proven_without_the_solver():
    verdict = find_allowed(space(actions=["iam:*"]), identity=[policy(allow("s3:GetObject"))])
    assert isinstance(verdict, Proven) and "pruned" in verdict.reason


def test_action_names_are_case_insensitive():
    verdict = find_allowed(space(actions=["s3:GetObject"]), identity=[policy(allow("S3:getobject"))])
    assert isinstance(verdict, Counterexample) and verdict.request.action == "s3:GetObject"
    assert isinstance(find_allowed(space(actions=["s3:GetObject"]), identity=[policy(allow("s3:PutObject"))]), Proven)


def test_not_action_covers_everything_it_does_not_list():
    identity = [policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})]
    assert isinstance(find_allowed(space(actions=["iam:*"]), identity=identity), Proven)
    assert isinstance(find_allowed(space(actions=["s3:GetObject"]), identity=identity), Counterexample)


def test_resource_wildcards_and_the_catalog_resource_types():
    identity = [policy(allow("s3:GetObject", "arn:aws:s3:::app/*"))]
    found = find_allowed(space(actions=["s3:GetObject"], resources=["arn:aws:s3:::app/reports/*"]), identity=identity)
    assert isinstance(found, Counterexample) and found.request.resource.startswith("arn:aws:s3:::app/reports/")
    assert isinstance(find_allowed(space(actions=["s3:GetObject"], res_exclude=["arn:aws:s3:::app/*"]),
                                   identity=identity), Proven)
    # An action without resource types takes only "*": an ARN Resource never allows it.
    listing = [policy(allow("s3:ListAllMyBuckets", "arn:aws:s3:::app"))]
    assert isinstance(find_allowed(space(actions=["s3:ListAllMyBuckets"]), identity=listing), Proven)
    star = find_allowed(space(actions=["s3:ListAllMyBuckets"]), identity=[policy(allow("s3:ListAllMyBuckets"))])
    assert isinstance(star, Counterexample) and star.request.resource == "*"


def test_explicit_deny_overrides_allow():
    identity = [policy(allow("*"), deny("iam:*"))]
    assert isinstance(find_allowed(space(actions=["iam:*"]), identity=identity), Proven)
    assert isinstance(find_allowed(space(actions=["iam:*", "s3:GetObject"]), identity=identity), Counterexample)


def test_bool_against_bool_if_exists_on_an_absent_mfa_key():
    no_mfa = {"aws:MultiFactorAuthPresent": equals("false", absent_ok=True)}
    strict = [policy(allow("iam:CreateUser", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))]
    loose = [policy(allow("iam:CreateUser", Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}))]
    assert isinstance(find_allowed(space(actions=["iam:CreateUser"], **no_mfa), identity=strict), Proven)
    found = find_allowed(space(actions=["iam:CreateUser"], **no_mfa), identity=loose)
    assert isinstance(found, Counterexample) and "aws:multifactorauthpresent" not in found.request.context


def test_negated_operator_is_true_on_an_absent_key():
    identity = [policy(allow("s3:GetObject"), deny("*", Condition={"StringNotEquals": {"aws:PrincipalTag/team": "ops"}}))]
    found = find_allowed(space(actions=["s3:GetObject"], **{"aws:PrincipalTag/team": equals("ops")}), identity=identity)
    assert isinstance(found, Counterexample)
    assert isinstance(find_allowed(space(actions=["s3:GetObject"], **{"aws:PrincipalTag/team": ABSENT}),
                                   identity=identity), Proven)


def test_null_and_set_operators_over_bounded_multivalued_keys():
    identity = [policy(allow("ec2:CreateTags", Condition={
        "ForAllValues:StringEquals": {"aws:TagKeys": ["env", "cost"]}, "Null": {"aws:TagKeys": "false"}}))]
    found = find_allowed(space(actions=["ec2:CreateTags"]), identity=identity)
    assert isinstance(found, Counterexample) and found.request.context["aws:tagkeys"]
    assert isinstance(find_allowed(space(actions=["ec2:CreateTags"], **{"aws:TagKeys": equals("owner")}),
                                   identity=identity), Proven)
    any_owner = [policy(allow("ec2:CreateTags"), deny("ec2:CreateTags", Condition={
        "ForAnyValue:StringEquals": {"aws:TagKeys": ["owner"]}}))]
    assert isinstance(find_allowed(space(actions=["ec2:CreateTags"], **{"aws:TagKeys": exactly(["env", "owner"])}),
                                  identity=any_owner), Proven)
    assert isinstance(find_allowed(space(actions=["ec2:CreateTags"], **{"aws:TagKeys": exactly(["env", "cost"])}),
                                  identity=any_owner), Counterexample)


def test_numeric_date_and_ip_operators():
    identity = [policy(
        allow("iam:CreateUser", Condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
                                           "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}),
        deny("*", Condition={"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24"]}}),
    )]
    found = find_allowed(space(actions=["iam:CreateUser"]), identity=identity)
    assert isinstance(found, Counterexample)
    assert float(found.request.context["aws:multifactorauthage"]) < 3600
    assert found.request.context["aws:sourceip"].startswith("192.0.2.")
    outside = {"aws:SourceIp": equals("203.0.113.5")}
    assert isinstance(find_allowed(space(actions=["iam:CreateUser"], **outside), identity=identity), Proven)
    old = {"aws:MultiFactorAuthAge": equals("7200")}
    assert isinstance(find_allowed(space(actions=["iam:CreateUser"], **old), identity=identity), Proven)


def test_policy_variables_and_version_2008_10_17():
    own = allow("iam:ChangePassword", "arn:aws:iam::*:user/${aws:username}")
    mine = {"aws:username": equals("bob")}
    assert isinstance(find_allowed(space(actions=["iam:ChangePassword"], res_exclude=["arn:aws:iam::*:user/bob"], **mine),
                                   identity=[policy(own)]), Proven)
    found = find_allowed(space(actions=["iam:ChangePassword"], **mine), identity=[policy(own)])
    assert isinstance(found, Counterexample) and found.request.resource.endswith(":user/bob")
    # Without the 2012-10-17 version, ${aws:username} is literal text.
    old = find_allowed(space(actions=["iam:ChangePassword"], **mine), identity=[policy(own, version="2008-10-17")])
    assert isinstance(old, Counterexample) and old.request.resource.endswith("user/${aws:username}")


def test_caller_keys_follow_the_symbolic_caller():
    own = allow("iam:ChangePassword", "arn:aws:iam::*:user/${aws:username}")
    users = PrincipalSpace(kinds=frozenset({PrincipalKind.USER}), accounts=frozenset({ACCOUNT}))
    found = find_allowed(space(actions=["iam:ChangePassword"], principals=users), identity=[policy(own)])
    assert isinstance(found, Counterexample)
    assert found.request.resource.rsplit("/", 1)[-1] == found.request.principal.arn.rsplit("/", 1)[-1]


def test_trust_policy_principal_ranks_and_other_accounts():
    trust = policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole",
                    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}, kind=PolicyKind.TRUST)
    caller_policy = [policy(allow("sts:AssumeRole"))]
    anyone = RequestSpace(principals=PrincipalSpace(), actions=ActionSpace(include=("sts:AssumeRole",)),
                          resources=ResourceSpace(include=(ROLE_ARN,)))
    found = find_allowed(anyone, identity=caller_policy, resource_policy=trust, resource_policy_required=True)
    assert isinstance(found, Counterexample) and found.request.principal.account == ACCOUNT
    assert found.request.context["aws:multifactorauthpresent"].lower() == "true"
    no_mfa = RequestSpace(principals=PrincipalSpace(), actions=anyone.actions, resources=anyone.resources,
                          context={"aws:MultiFactorAuthPresent": equals("false", absent_ok=True)})
    assert isinstance(find_allowed(no_mfa, identity=caller_policy, resource_policy=trust,
                                   resource_policy_required=True), Proven)
    everyone = policy({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}, kind=PolicyKind.TRUST)
    wide = find_allowed(no_mfa, resource_policy=everyone, resource_policy_required=True)
    assert isinstance(wide, Counterexample)


def test_resource_policy_naming_the_principal_needs_no_identity_policy():
    bucket = "arn:aws:s3:::app/data.csv"
    direct = policy({"Effect": "Allow", "Principal": {"AWS": BOB_ARN}, "Action": "s3:GetObject", "Resource": "*"},
                    kind=PolicyKind.RESOURCE)
    by_account = policy({"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "s3:GetObject", "Resource": "*"},
                        kind=PolicyKind.RESOURCE)
    ask = space(actions=["s3:GetObject"], resources=[bucket])
    assert isinstance(find_allowed(ask, resource_policy=direct), Counterexample)
    assert isinstance(find_allowed(ask, resource_policy=by_account), Proven)


def test_scp_levels_boundary_and_session_policies():
    identity = [policy(allow("*"))]
    ask = space(actions=["s3:GetObject", "iam:CreateUser"])
    scps = [[policy(allow("*"), kind=PolicyKind.SCP)], [policy(allow("s3:*"), kind=PolicyKind.SCP)]]
    found = find_allowed(ask, identity=identity, scps=scps)
    assert isinstance(found, Counterexample) and found.request.action.startswith("s3:")
    assert isinstance(find_allowed(space(actions=["iam:*"]), identity=identity, scps=scps), Proven)
    boundary = policy(allow("s3:GetObject"), kind=PolicyKind.BOUNDARY)
    assert isinstance(find_allowed(space(actions=["iam:*"]), identity=identity, boundary=boundary), Proven)
    session = [policy(allow("iam:CreateUser"), kind=PolicyKind.SESSION)]
    assert isinstance(find_allowed(space(actions=["s3:GetObject"]), identity=identity, session=session), Proven)
    assert isinstance(find_allowed(space(actions=["iam:CreateUser"]), identity=identity, session=session),
                      Counterexample)


def test_not_principal_deny_needs_the_account_and_the_user():
    """IAM User Guide, "AWS JSON policy elements: NotPrincipal": naming only the user still
    denies it (its account is checked first); naming the account and the user spares it."""
    bucket = "arn:aws:s3:::app/data.csv"

    def bucket_policy(*names):
        return policy({"Effect": "Deny", "NotPrincipal": {"AWS": list(names)}, "Action": "s3:*", "Resource": "*"},
                      {"Effect": "Allow", "Principal": {"AWS": BOB_ARN}, "Action": "s3:GetObject", "Resource": "*"},
                      kind=PolicyKind.RESOURCE)

    ask = space(actions=["s3:GetObject"], resources=[bucket])
    assert isinstance(find_allowed(ask, resource_policy=bucket_policy(BOB_ARN)), Proven)
    both = bucket_policy(BOB_ARN, f"arn:aws:iam::{ACCOUNT}:root")
    assert isinstance(find_allowed(ask, resource_policy=both), Counterexample)
    # With a permissions boundary, a Deny with NotPrincipal always applies.
    boundary = policy(allow("*"), kind=PolicyKind.BOUNDARY)
    assert isinstance(find_allowed(ask, identity=[policy(allow("*"))], boundary=boundary, resource_policy=both), Proven)


def test_resource_star_at_the_end_of_a_segment_matches_across_colons():
    """IAM User Guide, "IAM JSON policy elements: Resource": "If the * wildcard is the last
    character of a resource ARN segment, it can expand to match beyond the colon boundaries"."""
    identity = [policy(allow("logs:PutLogEvents", "arn:aws:logs:eu-west-1:*:log-group:app"))]
    found = find_allowed(space(actions=["logs:PutLogEvents"]), identity=identity)
    assert isinstance(found, Counterexample)
    mid = [policy(allow("logs:PutLogEvents", "arn:aws:logs:eu-west-1:1*1:log-group:app"))]
    ask = space(actions=["logs:PutLogEvents"], resources=["arn:aws:logs:eu-west-1:1:1:log-group:app*"])
    assert isinstance(find_allowed(ask, identity=mid), Proven)


def test_unknown_actions_are_refused_with_the_nearest_names():
    with pytest.raises(UnknownAction, match="iam:PassRole"):
        find_allowed(space(actions=["iam:PassRoles"]), identity=[policy(allow("*"))])
    with pytest.raises(UnknownAction, match="nearest"):
        find_allowed(space(), identity=[policy(allow("s3:GetObjekt"))])


def test_open_world_reaches_actions_the_catalog_does_not_list():
    identity = [policy(allow("newsvc:*"))]
    ask = RequestSpace(principals=(BOB,), actions=ActionSpace(include=("newsvc:*",), open_world=True))
    found = find_allowed(ask, identity=identity)
    assert isinstance(found, Counterexample) and found.request.action.startswith("newsvc:")
    denied = [policy(allow("*"), deny("newsvc:*"))]
    assert isinstance(find_allowed(ask, identity=denied), Proven)


def test_a_tiny_timeout_is_not_proven_never_a_pass():
    identity = [policy(
        allow("s3:GetObject", "arn:aws:s3:::*/${aws:username}/*"),
        deny("s3:GetObject", "arn:aws:s3:::*/admin*/*", Condition={"StringNotLike": {"aws:userid": "AIDA*:*x?y*"}}),
    )]
    users = PrincipalSpace(kinds=frozenset({PrincipalKind.USER}))
    verdict = find_allowed(space(actions=["s3:GetObject"], principals=users, res_exclude=["arn:aws:s3:::*/bob/*"]),
                           identity=identity, timeout_ms=1)
    assert isinstance(verdict, NotProven) and "unknown" in verdict.reason
