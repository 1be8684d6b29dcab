"""Detection and response in the account baseline stack (home region).

Composes the library's detection constructs from a validated :class:`BaselineConfig`: the
alert topic, the EventBridge alert rules (they also receive the events that the
:class:`~stacks.global_events.GlobalEventsStack` forwards from us-east-1), the CIS metric
alarms, IAM Access Analyzer, the break-glass path and the account alias.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms

from constructs import Construct
from iam_baseline.config import BaselineConfig
from iam_baseline.config.access_analyzer import has_analyzers, home_analyzers
from iam_baseline.config.hub import HubPart
from iam_baseline.config.provenance import record
from iam_baseline.detection import (
    AccessAnalyzers,
    AccountAlias,
    AlertTopic,
    BreakGlassRole,
    BreakGlassUsers,
    CisMetricAlarms,
    DetectionEventRules,
    DetectionRule,
    alert_message,
    detection_rules,
)
from iam_baseline.identity.users import initial_password_length


@dataclass
class DetectionResources:
    """What :func:`add_detection` created (``None`` where the config left it out)."""

    alert_topic: AlertTopic | None = None
    alert_rules: DetectionEventRules | None = None
    #: The detections of ``alert_rules``: the global-events stack forwards exactly these.
    rules: tuple[DetectionRule, ...] = ()
    metric_alarms: CisMetricAlarms | None = None
    access_analyzers: AccessAnalyzers | None = None
    break_glass: Construct | None = None
    account_alias: AccountAlias | None = None


def add_detection(
    stack: Stack,
    config: BaselineConfig,
    *,
    admin_role: iam.IRole,
    force_mfa_policy: iam.IManagedPolicy,
    password_key: kms.IKey | None,
    hub: HubPart | None = None,
) -> DetectionResources:
    """Add the detection, break-glass and alias parts of ``config`` to ``stack``.

    Args:
        stack: the account baseline stack (home region).
        config: the validated config; ``detection``, ``break_glass`` and ``account_alias``
            are each optional.
        admin_role: the Admin persona role (break-glass users assume it).
        force_mfa_policy: the baseline's force-MFA policy (attached to the break-glass group).
        password_key: the key of the initial-password secrets (required for break-glass users).
        hub: the account's part of the identity account's hub (a StackSet member's), for the
            sensitive roles' expected principals; ``None``: derived from ``config``.

    Raises:
        ValueError: break-glass users are configured but ``password_key`` is ``None``.
    """
    made = DetectionResources()
    detection = config.detection
    if detection is not None:
        alerts = detection.alerts
        made.alert_topic = AlertTopic(
            stack, "AlertTopic", topic_name=alerts.topic_name, emails=alerts.emails, https_endpoint=alerts.https_endpoint
        )
        topic = made.alert_topic
        made.rules = detection_rules(config, hub)
        made.alert_rules = DetectionEventRules(
            stack,
            "AlertRules",
            rules=made.rules,
            target=lambda rule: topic.rule_target(alert_message(rule)),
            description_prefix="Alert",
        )
        if alerts.cloudtrail_log_group_name:
            made.metric_alarms = CisMetricAlarms(
                stack,
                "CisMetricAlarms",
                log_group_name=alerts.cloudtrail_log_group_name,
                alerts=alerts,
                topic=topic.topic,
            )
        # A member's template has its analyzers already; the config's own account may leave the
        # organization's to a delegated administrator (config/access_analyzer.py).
        analyzers = home_analyzers(config)
        if analyzers is not None and has_analyzers(analyzers):
            made.access_analyzers = AccessAnalyzers(stack, "AccessAnalyzer", config=analyzers)

    bg = config.break_glass
    if bg is not None and bg.mode == "users":
        if password_key is None:
            raise ValueError("break-glass users need the stack's initial-password key")
        made.break_glass = BreakGlassUsers(
            stack,
            "BreakGlass",
            group_name=bg.group_name,
            user_names=bg.users,
            path=config.iam_path,
            force_mfa_policy=force_mfa_policy,
            admin_role=admin_role,
            encryption_key=password_key,
            password_length=initial_password_length(config.password_policy.minimum_length),
        )
    elif bg is not None:
        made.break_glass = BreakGlassRole(
            stack,
            "BreakGlass",
            role_name=bg.role_name,
            trusted_principals=bg.trusted_principals,
            path=config.iam_path,
            mfa_max_age_seconds=config.mfa.max_age_seconds,
            max_session_duration_seconds=bg.max_session_duration_seconds,
        )
    if made.break_glass is not None:
        record(made.break_glass, "break_glass")  # quota and nag findings report the config key

    if config.account_alias:
        made.account_alias = AccountAlias(stack, "AccountAlias", alias=config.account_alias)
    return made
