"""The alert on every sts:AssumeRoot: its pattern, exactly; the sample CloudTrail event of the IAM
User Guide ("Track privileged tasks in AWS CloudTrail") matches it, other STS calls do not; the
rule exists exactly when the config has an organization with root sessions."""

from __future__ import annotations

import pytest
from cloudtrail_events import api_call, assumed_role_identity
from detection_helpers import matches
from template_tools import config_from_data, default_config_data

from iam_baseline.detection.patterns import assume_root_pattern, detection_rules


def assume_root_event(**overrides):
    """AWS's sample AssumeRoot record: an assumed-role session of the management account starts
    a root session in member account 222222222222 with S3UnlockBucketPolicy."""
    event = api_call(
        assumed_role_identity("RootTasks", "alice"),
        "AssumeRoot",
        {"targetPrincipal": "222222222222", "taskPolicyArn": {"arn": "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"}},
        event_source="sts.amazonaws.com",
        read_only=True,
    )
    event["detail"]["awsRegion"] = event["region"] = "eu-west-1"  # regional endpoint only
    event["detail"].update(overrides)
    return event


def test_assume_root_pattern_is_exact():
    assert assume_root_pattern() == {
        "source": ["aws.sts"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {"eventSource": ["sts.amazonaws.com"], "eventName": ["AssumeRoot"]},
    }


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, True),
        ({"errorCode": "AccessDenied"}, True),  # a refused attempt is worth an alert too
        ({"eventName": "AssumeRole"}, False),
        ({"eventName": "GetCallerIdentity"}, False),
    ],
)
def test_every_assume_root_call_and_nothing_else_matches(overrides, expected):
    assert matches(assume_root_pattern(), assume_root_event(**overrides)) is expected


def _organization_data(root_sessions: bool):
    import yaml

    from template_tools import ORGANIZATION_CONFIG_FILE

    data = yaml.safe_load(ORGANIZATION_CONFIG_FILE.read_text())
    data["detection"] = default_config_data()["detection"]
    data["organization"]["root_access"]["root_sessions"] = root_sessions
    if not root_sessions:
        data["organization"]["root_access"]["task_policies"] = []
    return data


@pytest.mark.parametrize("root_sessions", [True, False])
def test_the_rule_exists_exactly_with_root_sessions(root_sessions):
    rules = {rule.id: rule for rule in detection_rules(config_from_data(_organization_data(root_sessions)))}
    assert ("RootSessionStarted" in rules) is root_sessions
    assert "RootSessionStarted" not in {r.id for r in detection_rules(config_from_data(default_config_data()))}
