"""The trust-shape check (checks/trust_shape.py): a trust statement relying on MFA carries
``Bool aws:MultiFactorAuthPresent = true`` and an age bound within mfa.max_age_seconds;
every weaker shape is refused naming the promise (small policies built by hand)."""

from __future__ import annotations

import copy

import pytest

from iam_baseline.analysis.checks.trust_shape import PROMISE, policy_problems, trust_shape_results
from iam_baseline.analysis.engine.policy import Policy, PolicyKind
from iam_baseline.analysis.model.accounts import AccountScope
from iam_baseline.analysis.model.templates import AccountModel, Principal
from iam_baseline.config import load_config
from template_tools import DEFAULT_CONFIG_FILE

ACCOUNT = "111122223333"
GOOD = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"},
                      "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}


def _trust(*statements: dict) -> Policy:
    return Policy.from_document("trust:Admin", {"Version": "2012-10-17", "Statement": list(statements)}, PolicyKind.TRUST)


def test_the_promised_shape_passes():
    assert policy_problems(_trust(GOOD), 3600) == []
    ok = copy.deepcopy(GOOD)
    ok["Condition"]["NumericLessThanEquals"] = ok["Condition"].pop("NumericLessThan")
    assert policy_problems(_trust(ok), 3600) == []


def test_statements_without_mfa_keys_are_not_judged_here():
    service = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}
    assert policy_problems(_trust(service), 3600) == []


@pytest.mark.parametrize(("change", "expected"), [
    (("Bool", None), "BoolIfExists"),
    (("NumericLessThan", None), "aws:MultiFactorAuthAge needs NumericLessThan"),
    (("NumericLessThan", {"aws:MultiFactorAuthAge": "86400"}), "exceeds mfa.max_age_seconds 3600"),
])
def test_a_weaker_shape_is_refused(change, expected):
    statement = copy.deepcopy(GOOD)
    key, value = change
    if key == "Bool":
        statement["Condition"]["BoolIfExists"] = statement["Condition"].pop("Bool")
        expected = "has BoolIfExists"
    elif value is None:
        statement["Condition"].pop(key)
    else:
        statement["Condition"][key] = value
    problems = policy_problems(_trust(statement), 3600)
    assert problems and expected in problems[0], problems


def test_an_age_bound_if_exists_is_refused():
    statement = copy.deepcopy(GOOD)
    statement["Condition"]["NumericLessThanIfExists"] = statement["Condition"].pop("NumericLessThan")
    assert "has NumericLessThanIfExists" in policy_problems(_trust(statement), 3600)[0]


def test_the_result_names_the_promise():
    model = AccountModel(account=ACCOUNT, partition="aws", region="eu-west-1")
    weak = copy.deepcopy(GOOD)
    weak["Condition"]["BoolIfExists"] = weak["Condition"].pop("Bool")
    for name, statement in (("Admin", GOOD), ("Weak", weak)):
        role = Principal("role", name, f"arn:aws:iam::{ACCOUNT}:role/{name}", "/", "S", name,
                         trust=_trust(statement))
        model.principals[role.arn] = role
    results = trust_shape_results([AccountScope(f"account {ACCOUNT}", model)], load_config(DEFAULT_CONFIG_FILE))
    assert [(r.subject.split()[-1], r.passed) for r in results] == [("role:Admin", True), ("role:Weak", False)]
    assert f"promise broken: {PROMISE}" in results[1].message
