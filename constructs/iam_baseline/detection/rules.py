"""EventBridge rules for the detection patterns: alert rules and cross-region forwarding rules.

Alert rules (home region) publish a readable message to the alert topic through an input
transformer. Forwarding rules (the region where global service events arrive, us-east-1 in
the aws partition) send the matching events unchanged to the home region's default event
bus, where the alert rules with the same patterns pick them up: one topic, one message
format, one place to subscribe. Source: Amazon EventBridge User Guide, "Sending and
receiving events between AWS Regions".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from aws_cdk import Aws
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from constructs import Construct

from ..config.provenance import record
from .detection_rule import FORWARDING_ROLE_NAME, MESSAGE_FIELDS, DetectionRule  # noqa: F401 - re-exported


def event_pattern(pattern: dict[str, Any]) -> events.EventPattern:
    """The CDK form of a pattern dict with keys ``source``, ``detail-type`` and ``detail``."""
    unknown = set(pattern) - {"source", "detail-type", "detail"}
    if unknown:
        raise ValueError(f"unsupported top-level pattern keys {sorted(unknown)}")
    return events.EventPattern(
        source=pattern.get("source"), detail_type=pattern.get("detail-type"), detail=pattern.get("detail")
    )


def alert_message(rule: DetectionRule) -> events.RuleTargetInput:
    """The alert text of ``rule``: title, controls, then one ``label: value`` line per
    :data:`~.detection_rule.MESSAGE_FIELDS` entry (who, what, when, from where)."""
    lines = [f"[IAM baseline alert] {rule.title} ({rule.controls})"]
    lines += [f"{label}: {events.EventField.from_path(path)}" for label, path in MESSAGE_FIELDS]
    return events.RuleTargetInput.from_multiline_text("\n".join(lines))


class DetectionEventRules(Construct):
    """One ``AWS::Events::Rule`` per :class:`~.detection_rule.DetectionRule`, on the default bus.

    Args:
        scope: parent construct.
        id: construct id.
        rules: the detections (see :func:`~.patterns.detection_rules`).
        target: builds the target of each rule from the rule's detection (e.g. the alert
            topic with :func:`alert_message`, or the home region's event bus).
        description_prefix: start of each rule's description ("Alert", "Forward").

    Attributes:
        rules: construct id of the detection -> ``events.Rule``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        rules: Sequence[DetectionRule],
        target: Callable[[DetectionRule], events.IRuleTarget],
        description_prefix: str,
    ) -> None:
        super().__init__(scope, id)
        self.rules: dict[str, events.Rule] = {}
        for rule in rules:
            self.rules[rule.id] = events.Rule(
                self,
                rule.id,
                description=f"{description_prefix}: {rule.title} ({rule.controls}).",
                event_pattern=event_pattern(rule.pattern),
                targets=[target(rule)],
            )
            # A pattern over EventBridge's size quota is reported at the key whose values it lists.
            record(self.rules[rule.id], rule.config_key)


def forward_to_bus(
    scope: Construct, *, bus_arn: str, role_name: str | None = None, path: str | None = None
) -> Callable[[DetectionRule], events.IRuleTarget]:
    """A target factory that forwards events to the event bus ``bus_arn`` (another region).

    All forwarding rules share one role (created under ``scope`` as ``ForwardingRole``, named
    ``role_name`` at ``path`` when given, else a generated name at ``/``; its policy at ``path`` too) whose only permission,
    in a customer managed policy, is ``events:PutEvents`` on that bus. The role is handed to the
    targets without policy updates, so CDK adds no inline grant. Source: Amazon EventBridge
    User Guide, "Sending and receiving events between AWS Regions" (the target's role needs
    ``events:PutEvents`` on the destination bus).
    """
    put_events = iam.ManagedPolicy(
        scope,
        "ForwardingPolicy",
        path=path,  # under the baseline's path with a fixed role name: the ProtectBaseline SCP covers both
        description="Put events on the home region's default event bus, nothing else.",
        statements=[iam.PolicyStatement(actions=["events:PutEvents"], resources=[bus_arn])],
    )
    role = iam.Role(
        scope,
        "ForwardingRole",
        role_name=role_name,
        path=path,
        # Only this account's rules may use the role (confused deputy protection).
        assumed_by=iam.ServicePrincipal("events.amazonaws.com").with_conditions(
            {"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}}
        ),
        description="Lets EventBridge forward IAM and sign-in events to the home region's event bus.",
        managed_policies=[put_events],
    )
    bus = events.EventBus.from_event_bus_arn(scope, "HomeBus", bus_arn)
    fixed_role = role.without_policy_updates()
    return lambda _rule: targets.EventBus(bus, role=fixed_role)
