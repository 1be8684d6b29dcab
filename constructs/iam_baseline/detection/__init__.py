"""Detection and response: alert topic, EventBridge rules, CIS metric alarms, IAM Access
Analyzer, the break-glass path and the account alias (the break-glass name lock is in
:mod:`iam_baseline.config.break_glass_lock`: it runs before aws_cdk is imported)."""

from .access_analyzer import AccessAnalyzers, analyzer_type
from .account_alias import AccountAlias
from .alert_topic import AlertTopic
from .break_glass import BreakGlassRole, BreakGlassUsers
from .metric_filters import CisMetricAlarms, cis_metric_filters
from .detection_rule import DetectionRule
from .patterns import detection_rules, global_events_region, partition_of
from .rules import FORWARDING_ROLE_NAME, DetectionEventRules, alert_message, event_pattern, forward_to_bus

__all__ = [
    "FORWARDING_ROLE_NAME",
    "AccessAnalyzers",
    "AccountAlias",
    "AlertTopic",
    "BreakGlassRole",
    "BreakGlassUsers",
    "CisMetricAlarms",
    "DetectionEventRules",
    "DetectionRule",
    "alert_message",
    "analyzer_type",
    "cis_metric_filters",
    "detection_rules",
    "event_pattern",
    "forward_to_bus",
    "global_events_region",
    "partition_of",
]
