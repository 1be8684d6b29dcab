"""CIS AWS Foundations section 4 metric filters and alarms on the CloudTrail log group.

A multi-region trail delivers the events of every region to one log group, so these filters
see root activity and access-denied calls in regions where no EventBridge rule runs. AWS
Security Hub's CloudWatch.1-CloudWatch.14 controls check for exactly such metric filters
and alarms; the EventBridge rules alone do not satisfy them.

Filter patterns are those of the CIS AWS Foundations Benchmark v3.0.0, section 4, and of the
Security Hub user guide, "CloudWatch controls" (CloudWatch Logs filter pattern syntax).
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from ..config.detection import AlertsConfig
from .patterns import CIS_IAM_POLICY_EVENTS

#: CloudWatch namespace of the metrics.
METRIC_NAMESPACE = "IamBaseline/CIS"


@dataclass(frozen=True)
class CisMetricFilter:
    """One CIS control: construct id, metric name, control ids and CloudWatch Logs filter pattern."""

    id: str
    metric_name: str
    controls: str
    pattern: str


def cis_metric_filters() -> tuple[CisMetricFilter, ...]:
    """The metric filters of CIS 4.1, 4.2, 4.3, 4.4 and 4.6, in that order."""
    policy_changes = "||".join(f"($.eventName={name})" for name in CIS_IAM_POLICY_EVENTS)
    return (
        CisMetricFilter(
            "UnauthorizedApiCalls",
            "UnauthorizedApiCalls",
            "CIS 4.1, Security Hub CloudWatch.2",
            '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*") && '
            '($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket")}',
        ),
        CisMetricFilter(
            "ConsoleSignInWithoutMfa",
            "ConsoleSignInWithoutMfa",
            "CIS 4.2, Security Hub CloudWatch.3",
            '{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed!="Yes") && '
            '($.userIdentity.type="IAMUser") && ($.responseElements.ConsoleLogin="Success")}',
        ),
        CisMetricFilter(
            "RootActivity",
            "RootAccountUsage",
            "CIS 4.3, Security Hub CloudWatch.1",
            '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType!="AwsServiceEvent"}',
        ),
        CisMetricFilter("IamPolicyChange", "IamPolicyChanges", "CIS 4.4, Security Hub CloudWatch.4", f"{{{policy_changes}}}"),
        CisMetricFilter(
            "FailedConsoleSignIn",
            "ConsoleSignInFailures",
            "CIS 4.6, Security Hub CloudWatch.6",
            '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
        ),
    )


def alarm_threshold(filter_id: str, alerts: AlertsConfig) -> int:
    """Occurrences per period that raise the alarm: configured for the two noisy filters
    (failed sign-ins, access denied), 1 for the others (each occurrence matters)."""
    return {
        "FailedConsoleSignIn": alerts.failed_console_sign_in_threshold,
        "UnauthorizedApiCalls": alerts.access_denied_threshold,
    }.get(filter_id, 1)


class CisMetricAlarms(Construct):
    """A metric filter and an alarm per :func:`cis_metric_filters` entry on an existing log group.

    Creates ``AWS::Logs::MetricFilter`` (metric value 1 per matching event, namespace
    :data:`METRIC_NAMESPACE`) and ``AWS::CloudWatch::Alarm`` (Sum over ``alarm_period_seconds``
    >= threshold, missing data not breaching) publishing to ``topic``.

    Args:
        scope: parent construct.
        id: construct id.
        log_group_name: the CloudTrail trail's log group in this stack's region.
        alerts: thresholds and period (validated by :class:`AlertsConfig`).
        topic: the alert topic.
    """

    def __init__(
        self, scope: Construct, id: str, *, log_group_name: str, alerts: AlertsConfig, topic: sns.ITopic
    ) -> None:
        super().__init__(scope, id)
        log_group = logs.LogGroup.from_log_group_name(self, "TrailLogGroup", log_group_name)
        action = cloudwatch_actions.SnsAction(topic)
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        for spec in cis_metric_filters():
            metric_filter = logs.MetricFilter(
                self,
                f"{spec.id}Filter",
                log_group=log_group,
                filter_pattern=logs.FilterPattern.literal(spec.pattern),
                metric_namespace=METRIC_NAMESPACE,
                metric_name=spec.metric_name,
                metric_value="1",
            )
            alarm = cloudwatch.Alarm(
                self,
                f"{spec.id}Alarm",
                alarm_description=f"{spec.controls}: {spec.metric_name} in the CloudTrail log group {log_group_name}.",
                metric=metric_filter.metric(statistic="Sum", period=Duration.seconds(alerts.alarm_period_seconds)),
                threshold=alarm_threshold(spec.id, alerts),
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            alarm.add_alarm_action(action)
            self.alarms[spec.id] = alarm
