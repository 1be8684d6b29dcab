"""Policy linting with parliament: findings fail unless acknowledged with a reason."""

from __future__ import annotations

from iam_baseline.analysis.engine.policy import Policy
from iam_baseline.analysis.checks.lint import lint_policy
from iam_baseline.compliance.lint_registry import POLICY_LINT_REGISTRY, PolicyLintAcknowledgment


def _policy(name: str, statements: list[dict]) -> Policy:
    return Policy.from_document(name, {"Version": "2012-10-17", "Statement": statements})


def test_unknown_action_is_an_unacknowledged_finding():
    policy = _policy("policy/workload/Typo", [{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}])
    (finding,) = lint_policy(policy)
    assert finding.issue == "UNKNOWN_ACTION"
    assert finding.acknowledged_by is None


def test_registry_entry_acknowledges_only_its_issue_and_policy():
    ack = PolicyLintAcknowledgment("RESOURCE_STAR", "policy/baseline/Allowed*", "a reason of substance")
    statement = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
    (accepted,) = lint_policy(_policy("policy/baseline/AllowedOne", [statement]), registry=(ack,))
    (refused,) = lint_policy(_policy("policy/baseline/Other", [statement]), registry=(ack,))
    assert accepted.issue == refused.issue == "RESOURCE_STAR"
    assert accepted.acknowledged_by is ack
    assert refused.acknowledged_by is None


def test_clean_policy_has_no_findings():
    policy = _policy(
        "policy/baseline/Clean",
        [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}],
    )
    assert lint_policy(policy) == []


def test_every_lint_acknowledgment_has_a_reason_of_substance():
    assert POLICY_LINT_REGISTRY
    for ack in POLICY_LINT_REGISTRY:
        assert len(ack.reason) >= 60, ack
