"""What every stack of the baseline shares: placement, termination protection and tags."""

from __future__ import annotations

from typing import Any

from aws_cdk import Environment, Stack, Tags

from constructs import Construct
from iam_baseline.config import BaselineConfig
from iam_baseline.identity.protection import PROTECTION_TAG_KEY, PROTECTION_TAG_VALUE


class BaselineStack(Stack):
    """A stack of the baseline.

    Placed in ``account``/``region`` when given (a StackSet member template has neither),
    termination-protected as ``config.termination_protection`` says (deleting one of these
    stacks would remove access, or the baseline, across accounts at once), and tagged with
    ``config.tags``. With ``protected`` its resources also carry the protection tag
    (``iam-baseline:protected=true``) when ``config.protection_tag`` is on: the developer
    guard rails deny any change to what carries it.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: BaselineConfig,
        description: str,
        account: str | None = None,
        region: str | None = None,
        protected: bool = False,
        **stack_props: Any,
    ) -> None:
        if account or region:
            stack_props["env"] = Environment(account=account, region=region)
        super().__init__(
            scope,
            id,
            description=description,
            termination_protection=config.termination_protection,
            **stack_props,
        )
        for key, value in config.tags.items():
            Tags.of(self).add(key, value)
        if protected and config.protection_tag:
            Tags.of(self).add(PROTECTION_TAG_KEY, PROTECTION_TAG_VALUE)
