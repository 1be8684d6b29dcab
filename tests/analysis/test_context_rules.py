"""AWS sends aws:MultiFactorAuthAge exactly when aws:MultiFactorAuthPresent is true
(engine/context_rules.py): the concrete evaluator refuses any other context, the symbolic
encoder never builds one, so Bool and BoolIfExists next to an age bound are equivalent."""

from __future__ import annotations

import pytest

from iam_baseline.analysis.engine.context_rules import ImpossibleContext
from iam_baseline.analysis.engine.evaluator import evaluate
from iam_baseline.analysis.engine.policy import Policy
from iam_baseline.analysis.engine.request import Request, RequestPrincipal
from iam_baseline.analysis.engine.space import ActionSpace, RequestSpace
from iam_baseline.analysis.engine.symbolic import Counterexample, Proven, find_allowed

BOB = RequestPrincipal("arn:aws:iam::111122223333:user/bob", "111122223333", "user")


def _policy(condition: dict) -> Policy:
    return Policy.from_document("p", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:CreateUser", "Resource": "*", "Condition": condition}]})


@pytest.mark.parametrize("context", [
    {"aws:MultiFactorAuthAge": "60"},
    {"aws:MultiFactorAuthPresent": "false", "aws:MultiFactorAuthAge": "60"},
    {"aws:MultiFactorAuthPresent": "true"},
    {"aws:MultiFactorAuthPresent": "yes"},
    {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "recent"},
])
def test_the_evaluator_refuses_a_context_aws_never_sends(context):
    with pytest.raises(ImpossibleContext, match="aws:multifactorauth"):
        evaluate(Request(BOB, "iam:CreateUser", "*", context), identity=[_policy({})])


@pytest.mark.parametrize("context", [{}, {"aws:MultiFactorAuthPresent": "false"},
                                      {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60"}])
def test_the_contexts_aws_sends_are_evaluated(context):
    assert evaluate(Request(BOB, "iam:CreateUser", "*", context), identity=[_policy({})]).allowed


WITHOUT_RECENT_MFA = RequestSpace(principals=(BOB,), actions=ActionSpace(include=("iam:CreateUser",)),
                                  context={})


def _ask(condition: dict):
    # Any request allowed by the condition but not by "MFA present and at most 3600 s old"?
    deny_declared = Policy.from_document("declared", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {
            "Bool": {"aws:MultiFactorAuthPresent": "true"},
            "NumericLessThanEquals": {"aws:MultiFactorAuthAge": "3600"}}}]})
    return find_allowed(WITHOUT_RECENT_MFA, identity=[_policy(condition), deny_declared])


def test_bool_if_exists_with_an_age_bound_is_equivalent_to_bool():
    age = {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}
    assert isinstance(_ask({"Bool": {"aws:MultiFactorAuthPresent": "true"}, **age}), Proven)
    assert isinstance(_ask({"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}, **age}), Proven)


def test_negative_control_bool_if_exists_alone_admits_long_term_keys():
    found = _ask({"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}})
    assert isinstance(found, Counterexample)


def test_an_age_bound_if_exists_admits_a_request_without_mfa():
    found = _ask({"NumericLessThanIfExists": {"aws:MultiFactorAuthAge": "3600"}})
    assert isinstance(found, Counterexample)
    assert found.request.context.get("aws:multifactorauthpresent") != "true"
    assert "aws:multifactorauthage" not in found.request.context
