"""What one alert is: its EventBridge pattern's CloudTrail detail types, the fields of its
message, and :class:`DetectionRule` (construct id, title, controls, pattern).

CloudTrail management events reach EventBridge as ``detail-type`` "AWS API Call via
CloudTrail" (API calls) and "AWS Console Sign In via CloudTrail" (sign-ins). Source: Amazon
EventBridge User Guide, "AWS service events delivered via AWS CloudTrail". Plain data, no
aws_cdk import; the patterns are :mod:`.patterns` and :mod:`.role_alerts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["API_CALL", "CONSOLE_SIGN_IN", "FORWARDING_ROLE_NAME", "MESSAGE_FIELDS", "DetectionRule"]

#: The ``detail-type`` of CloudTrail API calls and of console sign-ins on EventBridge.
API_CALL = "AWS API Call via CloudTrail"
CONSOLE_SIGN_IN = "AWS Console Sign In via CloudTrail"

#: Name of the role that forwards global events (us-east-1) to the home region's bus in the
#: member accounts and the identity account, under the baseline's IAM path: a fixed name lets
#: the ProtectDetection SCP name it (stacks/global_events.py).
FORWARDING_ROLE_NAME = "GlobalEventsForwarding"

#: Fields of every alert message: label -> JSON path in the EventBridge event (who, what,
#: when, from where). The input transformer of each rule renders them.
MESSAGE_FIELDS: tuple[tuple[str, str], ...] = (
    ("Who", "$.detail.userIdentity.arn"),
    ("Identity type", "$.detail.userIdentity.type"),
    ("What", "$.detail.eventName"),
    ("Service", "$.detail.eventSource"),
    ("When", "$.detail.eventTime"),
    ("From IP", "$.detail.sourceIPAddress"),
    ("User agent", "$.detail.userAgent"),
    ("Region", "$.detail.awsRegion"),
    ("Account", "$.account"),
    ("Error", "$.detail.errorCode"),
)


@dataclass(frozen=True)
class DetectionRule:
    """One alert: a construct id, what it detects, the controls it covers and its pattern.

    ``config_key``: the config key whose values the pattern lists (names, expected principals),
    where a pattern over EventBridge's size quota is reported (:mod:`iam_baseline.quotas`).
    """

    id: str
    title: str
    controls: str
    pattern: dict[str, Any]
    config_key: str = "detection"
