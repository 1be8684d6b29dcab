"""The global-events stack: forwards IAM, sign-in and STS events from us-east-1 to the home region.

IAM is a global service: its API calls, console sign-ins and calls to the global STS
endpoint are recorded by CloudTrail in us-east-1 (us-gov-west-1, cn-north-1 in the other
partitions) and EventBridge delivers them only to that region's default event bus. A rule in
the home region alone would never see a policy being attached or a sign-in without MFA.
This small stack holds one forwarding rule per alert rule of the account's baseline, with the
same pattern, there, so only matching events cross regions; the alert rules of the home region
turn them into messages on the one alert topic. Source: AWS CloudTrail User Guide, "Global
service events"; Amazon EventBridge User Guide, "Sending and receiving events between AWS Regions".

Three placements, one class:

* the config's own account (``GlobalEvents``, ``<stack_name>-GlobalEvents``), ``cdk deploy``;
* the member identity account (``IdentityAccount-GlobalEvents``, :mod:`stacks.identity_account`),
  ``cdk deploy`` through that account's us-east-1 bootstrap, sealed like ``IdentityAccount``
  (:func:`iam_baseline.organization.service_control_policies.seal_identity_deployment`);
* every StackSet member (``account=None``): the template of a forwarding StackSet deployed to
  the global-events region of the same accounts as its baseline StackSet (:mod:`stacks.organization`).

In the member and identity accounts the forwarding role has a fixed name under the baseline's
IAM path (:data:`~iam_baseline.detection.detection_rule.FORWARDING_ROLE_NAME`), so the
ProtectBaseline and ProtectDetection SCPs name it.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Aws, BootstraplessSynthesizer

from constructs import Construct
from iam_baseline.config import BaselineConfig
from iam_baseline.config.identity_deployment import forwards_global_events
from iam_baseline.detection import (
    FORWARDING_ROLE_NAME,
    DetectionEventRules,
    DetectionRule,
    forward_to_bus,
    global_events_region,
    partition_of,
)
from stacks.base import BaselineStack


def needs_global_events_stack(config: BaselineConfig) -> bool:
    """True when detection is configured and the home region is not where global events arrive."""
    return forwards_global_events(config)


class GlobalEventsStack(BaselineStack):
    """Forwarding rules in the global-events region, sending matches to the home default bus.

    Args:
        scope: the app (or, for a StackSet member, the stage of its baseline StackSet).
        id: construct id.
        config: the config of the account (a member's: its StackSet group's).
        rules: the alert rules of the account's baseline (``AccountBaselineStack.detection.rules``):
            one forwarding rule each, same construct id and pattern.
        account: the account (``cdk deploy``); ``None``: a StackSet member template (no
            environment, no asset, the account is ``AWS::AccountId`` wherever it lands).
        member: the account is a member account (identity account, StackSet member): the
            forwarding role gets its fixed name under the baseline's IAM path.
        stack_name: the stack name (default ``<stack_name>-GlobalEvents``; ignored for a StackSet member).

    Deployed with termination protection; its resources carry the protection tag.

    Attributes:
        forwarding_rules: the :class:`DetectionEventRules` of this stack.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: BaselineConfig,
        rules: Sequence[DetectionRule],
        account: str | None = None,
        member: bool = False,
        stack_name: str | None = None,
    ) -> None:
        region = global_events_region(config.region)
        stackset_member = account is None
        if stackset_member:
            placement: dict = dict(synthesizer=BootstraplessSynthesizer(), analytics_reporting=False)
        else:
            placement = dict(stack_name=stack_name or f"{config.stack_name}-GlobalEvents", account=account, region=region)
        super().__init__(
            scope,
            id,
            config=config,
            description=f"cdk-iam-baseline: forwards IAM and sign-in events from {region} to {config.region}.",
            protected=True,  # the account baseline's guard rails deny developers any change to these rules
            **placement,
        )
        home_bus = f"arn:{partition_of(config.region)}:events:{config.region}:{account or Aws.ACCOUNT_ID}:event-bus/default"
        named = dict(role_name=FORWARDING_ROLE_NAME, path=config.iam_path) if member or stackset_member else {}
        self.forwarding_rules = DetectionEventRules(
            self,
            "ForwardingRules",
            rules=rules,
            target=forward_to_bus(self, bus_arn=home_bus, **named),
            description_prefix=f"Forward to {config.region}",
        )
