"""The global-events stack: forwards IAM, sign-in and STS events from us-east-1 to the home region.

IAM is a global service: its API calls, console sign-ins and calls to the global STS
endpoint are recorded by CloudTrail in us-east-1 (us-gov-west-1, cn-north-1 in the other
partitions) and EventBridge delivers them only to that region's default event bus. A rule in
the home region alone would never see a policy being attached or a sign-in without MFA.
This small stack holds one forwarding rule per detection pattern there, so only matching
events cross regions; the alert rules of the home region (same patterns) turn them into
messages on the one alert topic. Source: AWS CloudTrail User Guide, "Global service events";
Amazon EventBridge User Guide, "Sending and receiving events between AWS Regions".
"""

from __future__ import annotations

from constructs import Construct
from iam_baseline.config import BaselineConfig
from iam_baseline.detection import (
    DetectionEventRules,
    detection_rules,
    forward_to_bus,
    global_events_region,
    partition_of,
)
from stacks.base import BaselineStack


def needs_global_events_stack(config: BaselineConfig) -> bool:
    """True when detection is configured and the home region is not where global events arrive."""
    return config.detection is not None and config.region != global_events_region(config.region)


class GlobalEventsStack(BaselineStack):
    """Forwarding rules in the global-events region, sending matches to the home default bus.

    Deployed as ``<stack_name>-GlobalEvents`` with termination protection.

    Attributes:
        forwarding_rules: the :class:`DetectionEventRules` of this stack.
    """

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig) -> None:
        region = global_events_region(config.region)
        super().__init__(
            scope,
            id,
            config=config,
            stack_name=f"{config.stack_name}-GlobalEvents",
            account=config.account_id,
            region=region,
            description=f"cdk-iam-baseline: forwards IAM and sign-in events from {region} to {config.region}.",
            protected=True,  # the account baseline's guard rails deny developers any change to these rules
        )
        home_bus = (
            f"arn:{partition_of(config.region)}:events:{config.region}:{config.account_id}:event-bus/default"
        )
        self.forwarding_rules = DetectionEventRules(
            self,
            "ForwardingRules",
            rules=detection_rules(config),
            target=forward_to_bus(self, bus_arn=home_bus),
            description_prefix=f"Forward to {config.region}",
        )
