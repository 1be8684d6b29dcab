"""Strength: passing a role no stronger than oneself is not escalation, a stronger one is
(decided by the z3 engine), and a chain to an administrator always is."""

from __future__ import annotations

from iam_baseline.analysis.checks.escalation import escalation_results
from iam_baseline.analysis.graph.strength import stronger

from .small import A, ADMIN, allow, deny, graph_of, role, scope, trust_service

TARGET = f"arn:aws:iam::{A}:role/Target"
LAMBDA = ["lambda:CreateFunction", "lambda:InvokeFunction"]
PASS = allow("iam:PassRole", TARGET, {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}})


def result(target_statements, dev_statements=()):
    target = role("Target", *target_statements, trust=trust_service("lambda.amazonaws.com"))
    graph = graph_of(scope(A, role("Dev", PASS, allow(LAMBDA), *dev_statements), target))
    (found,) = [r for r in escalation_results(graph) if r.subject == "role:Dev" and r.check == "escalation:pass-role-lambda-invoke"]
    return found


def test_passing_a_weaker_role_is_not_escalation():
    assert result([allow("lambda:InvokeFunction")]).passed


def test_passing_an_equal_role_is_not_escalation():
    assert result([PASS, allow(LAMBDA)]).passed


def test_passing_a_stronger_role_is_escalation():
    found = result([allow("s3:GetObject")])
    assert not found.passed and "may do more than role:Dev" in found.message
    assert found.request.action == "iam:PassRole" and found.decision.allowed


def test_passing_an_admin_role_prints_the_chain():
    found = result(ADMIN)
    assert not found.passed and "role:Dev -[pass-role-lambda-invoke]-> role:Target" in found.message


def test_a_deny_of_the_source_makes_the_same_allow_stronger():
    dev_without_s3 = role("Dev", allow(["s3:GetObject", "lambda:InvokeFunction"]), deny("s3:GetObject"))
    target = role("Target", allow("s3:GetObject"))
    graph = graph_of(scope(A, dev_without_s3, target))
    subjects = graph.world.subject_of
    assert stronger(subjects[f"{A}/role:Target"], subjects[f"{A}/role:Dev"]) is True
    assert stronger(subjects[f"{A}/role:Dev"], subjects[f"{A}/role:Target"]) is True  # lambda:InvokeFunction
    same = graph_of(scope(A, role("Dev", allow("s3:GetObject")), role("Target", allow("s3:GetObject"))))
    assert stronger(same.world.subject_of[f"{A}/role:Target"], same.world.subject_of[f"{A}/role:Dev"]) is False
