"""Differential test of the two engines on generated policies (Hypothesis, bounded and fast).

1. A question pinned to one concrete request (its principal, action, resource and exact
   context) has a counterexample exactly when the concrete evaluator allows that request.
2. On a wide question, a counterexample is replayed by ``find_allowed`` itself (an
   ``EngineDisagreement`` fails the test); a proof is checked against concrete requests that
   the concrete evaluator must all deny.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from iam_baseline.analysis.engine.context_rules import context_problem
from iam_baseline.analysis.engine.evaluator import evaluate
from iam_baseline.analysis.engine.policy import Policy, PolicyKind
from iam_baseline.analysis.engine.request import Request, RequestPrincipal
from iam_baseline.analysis.engine.space import ABSENT, ActionSpace, RequestSpace, ResourceSpace, exactly
from iam_baseline.analysis.engine.symbolic import Counterexample, NotProven, Proven, find_allowed

A = "111122223333"
BOB = RequestPrincipal(f"arn:aws:iam::{A}:user/bob", A, "user")
REQUESTS = (
    ("s3:GetObject", "arn:aws:s3:::app/data.csv"),
    ("s3:ListAllMyBuckets", "*"),
    ("iam:CreateUser", f"arn:aws:iam::{A}:user/eve"),
    ("iam:ChangePassword", f"arn:aws:iam::{A}:user/bob"),
    ("ec2:StartInstances", f"arn:aws:ec2:eu-west-1:{A}:instance/i-1"),
)
ACTIONS = ("*", "s3:*", "s3:Get*", "S3:getobject", "iam:*", "iam:C*", "ec2:Start*", "s3:ListAllMyBuckets")
RESOURCES = ("*", "arn:aws:s3:::app/*", "arn:aws:s3:::*", f"arn:aws:iam::{A}:user/*", "arn:aws:iam::*:user/${aws:username}",
             "arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:*:instance/*", "arn:aws:ec2:eu-*1:instance/*",
             "arn:aws:s3:::app/${aws:PrincipalTag/team, 'data'}.csv",
             # Exact entries: looked up in a set, one z3 membership per reach (test_exact_lookup.py).
             "arn:aws:s3:::app/data.csv", f"arn:aws:iam::{A}:user/eve", f"arn:aws:iam::{A}:user/Eve")
CONDITIONS = (
    {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    {"StringEquals": {"aws:PrincipalTag/team": "ops"}},
    {"StringNotEquals": {"aws:PrincipalTag/team": ["ops", "dev"]}},
    {"StringLike": {"aws:PrincipalTag/team": "o*"}},
    {"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "OPS"}},
    {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
    {"NumericGreaterThanEquals": {"aws:MultiFactorAuthAge": "120.5"}},
    {"Null": {"aws:SourceIp": "true"}},
    {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}},
    {"NotIpAddressIfExists": {"aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"]}},
    {"ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}},
    {"ForAllValues:StringLike": {"aws:TagKeys": ["a*", "b"]}},
    {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/*"}},
    {"ArnNotEquals": {"aws:PrincipalArn": f"arn:aws:iam::{A}:user/bob"}},
    {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
    {"StringEquals": {"aws:username": "${aws:PrincipalTag/team}"}},
    {"ArnEquals": {"aws:PrincipalArn": [f"arn:aws:iam::{A}:role/x", BOB.arn.upper(), "arn:aws:iam::999999999999:root"]}},
    {"ArnLike": {"aws:PrincipalArn": [BOB.arn, "arn:aws:iam::*:role/*", f"arn:aws:iam::{A}:user"]}},
    {"StringNotLike": {"aws:PrincipalArn": [BOB.arn, f"arn:aws:iam::{A}:role/x"]}},
)
CONTEXT_VALUES = {
    "aws:MultiFactorAuthPresent": (None, "true", "false"),
    "aws:MultiFactorAuthAge": (None, "60", "3600", "7200.25"),
    "aws:PrincipalTag/team": (None, "ops", "dev", "OPS", "data"),
    "aws:SourceIp": (None, "192.0.2.7", "203.0.113.9", "2001:db8::1"),
    "aws:TagKeys": (None, ["a"], ["a", "b"], ["c"], ["ab", "b"]),
    "aws:PrincipalArn": (None, BOB.arn, f"arn:aws:iam::{A}:role/x"),
    "aws:username": (None, "bob", "ops"),
    "aws:CurrentTime": (None, "2026-01-01T12:00:00Z", "2031-01-01T00:00:00Z"),
}
PRINCIPALS = ({"AWS": BOB.arn}, {"AWS": A}, {"AWS": "*"}, {"AWS": f"arn:aws:iam::{A}:role/x"})


@st.composite
def statements(draw, resource_based: bool = False, effects=("Allow", "Allow", "Allow", "Deny")):
    statement = {"Effect": draw(st.sampled_from(effects))}
    actions = draw(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=2, unique=True))
    statement["NotAction" if draw(st.integers(0, 5)) == 5 else "Action"] = actions
    resources = draw(st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2, unique=True))
    statement["NotResource" if draw(st.integers(0, 5)) == 5 else "Resource"] = resources
    if draw(st.integers(0, 2)) == 2:
        condition: dict = {}
        for block in draw(st.lists(st.sampled_from(CONDITIONS), min_size=1, max_size=2)):
            for op, entries in block.items():
                condition.setdefault(op, {}).update(entries)
        statement["Condition"] = condition
    if resource_based:
        principals = draw(st.sampled_from(PRINCIPALS))
        if statement["Effect"] == "Deny" and draw(st.integers(0, 3)) == 3:
            statement["NotPrincipal"] = principals
        else:
            statement["Principal"] = principals
    return statement


def _policy(name, statements, kind, version="2012-10-17"):
    return Policy.from_document(name, {"Version": version, "Statement": statements}, kind)


@st.composite
def policy_sets(draw):
    version = draw(st.sampled_from(("2012-10-17", "2012-10-17", "2008-10-17")))
    out = {"identity": [_policy("identity", draw(st.lists(statements(), min_size=1, max_size=4)),
                                PolicyKind.IDENTITY, version)]}
    if draw(st.integers(0, 3)) == 3:
        out["boundary"] = _policy("boundary", draw(st.lists(statements(effects=("Allow",)), min_size=1, max_size=2)),
                                  PolicyKind.BOUNDARY)
    if draw(st.integers(0, 2)) == 2:
        out["resource_policy"] = _policy("resource", draw(st.lists(statements(resource_based=True), min_size=1,
                                                                   max_size=2)), PolicyKind.RESOURCE)
    if draw(st.integers(0, 4)) == 4:
        out["scps"] = [[_policy("scp", draw(st.lists(statements(), min_size=1, max_size=2)), PolicyKind.SCP)]]
    return out


@st.composite
def contexts(draw):
    context = {}
    for key, values in CONTEXT_VALUES.items():
        value = draw(st.sampled_from(values))
        if value is not None:
            context[key] = value
    # Only contexts AWS sends (engine/context_rules.py): the MFA age exactly when MFA is present.
    if context.get("aws:MultiFactorAuthPresent") != "true":
        context.pop("aws:MultiFactorAuthAge", None)
    else:
        context.setdefault("aws:MultiFactorAuthAge", "60")
    return context


def _pinned(action: str, resource: str, context: dict) -> RequestSpace:
    pins = {key: exactly(context.get(key)) if key in context else ABSENT for key in CONTEXT_VALUES}
    return RequestSpace(principals=(BOB,), actions=ActionSpace(include=(action,)),
                        resources=ResourceSpace(include=(resource,)), context=pins)


# No shrinking: a failure prints the generated example as it is, within the suite's time.
SETTINGS = settings(max_examples=90, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(policy_sets(), st.sampled_from(REQUESTS), contexts())
def test_a_pinned_question_agrees_with_the_concrete_evaluator(policies, request_shape, context):
    action, resource = request_shape
    decision = evaluate(Request(BOB, action, resource, context), **policies)
    verdict = find_allowed(_pinned(action, resource, context), **policies)
    if isinstance(verdict, NotProven):
        assert verdict.reason.startswith("not modelled"), verdict.reason
        return
    assert isinstance(verdict, Counterexample) == decision.allowed, (verdict, decision.explain())


@settings(SETTINGS, max_examples=25)
@given(policy_sets())
def test_a_proof_over_a_wide_question_holds_on_concrete_requests(policies):
    space = RequestSpace(principals=(BOB,), actions=ActionSpace(include=tuple(a for a, _ in REQUESTS)))
    # A counterexample is replayed inside find_allowed (an EngineDisagreement fails the test).
    verdict = find_allowed(space, **policies, timeout_ms=1000)
    if not isinstance(verdict, Proven):
        assert not isinstance(verdict, NotProven) or "not modelled" in verdict.reason or "unknown" in verdict.reason
        return
    samples = [dict(zip(CONTEXT_VALUES, values)) for values in itertools.islice(
        itertools.product(*CONTEXT_VALUES.values()), 0, None, 499)]
    for action, resource in REQUESTS:
        for sample in samples:
            context = {k: v for k, v in sample.items() if v is not None}
            if context_problem({k.lower(): v for k, v in context.items()}):
                continue  # a context AWS never sends (engine/context_rules.py)
            decision = evaluate(Request(BOB, action, resource, context), **policies)
            assert not decision.allowed, (action, resource, context, decision.explain())
