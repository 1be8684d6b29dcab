"""IAM Access Analyzer beyond the home region's account baseline: other regions, the delegated administrator.

The account baseline stack holds each account's home-region analyzers (``stacks/detection.py``).
An analyzer covers its own region only, and the organization analyzers may belong to a
delegated administrator, so :func:`add_access_analyzer_stacks` adds, as
``detection.access_analyzer`` asks (placement derived in :mod:`iam_baseline.config.access_analyzer`):

* ``<stack_name>-AccessAnalyzer-<region>``: the config's own account, each listed region other
  than the home region (its external-access analyzer);
* ``<stack_name>-AccessAnalyzerOrganization`` and ``...-AccessAnalyzerOrganization-<region>``:
  the organization analyzers in the delegated administrator, home region (external and unused
  access) and each other listed region (external access). They depend on the management
  account's guard rails stack, whose ``Custom::OrganizationFeatures`` enables trusted access for
  Access Analyzer and registers the delegated administrator (CloudFormation has no resource for
  it; README.md, "IAM Access Analyzer");
* ``<stacksets.stack_name>-AccessAnalyzerRegions``: in the StackSets administrator, one
  service-managed StackSet ``<name_prefix>-AccessAnalyzer`` that gives every member account of
  an OU with a baseline its account analyzer in each other listed region.

Nothing is added when no region is listed and no delegated administrator is named: a config
without these keys synthesizes the same stacks as before.
"""

from __future__ import annotations

from aws_cdk import App, BootstraplessSynthesizer, Stack, Stage

from constructs import Construct
from iam_baseline.config import BaselineConfig
from iam_baseline.config.access_analyzer import (
    analyzer_regions,
    delegated_administrator,
    has_analyzers,
    home_analyzers,
    member_analyzers,
    organization_analyzers,
    regional,
)
from iam_baseline.config.detection import AccessAnalyzerConfig
from iam_baseline.detection import AccessAnalyzers
from iam_baseline.organization import ServiceManagedStackSet
from stacks.base import BaselineStack


class AccessAnalyzerStack(BaselineStack):
    """The analyzers of ``analyzers`` in one account and region (``account``/``region`` ``None``:
    a StackSet template, placed wherever its stack instances land).

    Attributes:
        analyzers: the :class:`AccessAnalyzers` construct.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: BaselineConfig,
        analyzers: AccessAnalyzerConfig,
        stack_name: str | None = None,
        account: str | None = None,
        region: str | None = None,
        description: str,
    ) -> None:
        member = account is None
        super().__init__(
            scope,
            id,
            config=config,
            stack_name=stack_name,
            account=account,
            region=region,
            description=description,
            protected=True,  # the guard rails deny any change to what carries the protection tag
            # A StackSet template: no bootstrap version rule, no asset, no analytics resource.
            **(dict(synthesizer=BootstraplessSynthesizer(), analytics_reporting=False) if member else {}),
        )
        self.analyzers = AccessAnalyzers(self, "AccessAnalyzer", config=analyzers)


def _region_id(region: str) -> str:
    return "".join(part.capitalize() for part in region.split("-"))


def add_access_analyzer_stacks(app: App, config: BaselineConfig) -> list[Stack]:
    """The Access Analyzer stacks of the module docstring that ``config`` asks for (maybe none)."""
    home = home_analyzers(config)
    if home is None:
        return []
    stacks: list[Stack] = []
    regions = analyzer_regions(config)
    own = regional(home)
    if has_analyzers(own):
        for region in regions:
            stacks.append(
                AccessAnalyzerStack(
                    app,
                    f"AccessAnalyzer{_region_id(region)}",
                    config=config,
                    analyzers=own,
                    stack_name=f"{config.stack_name}-AccessAnalyzer-{region}",
                    account=config.account_id,
                    region=region,
                    description=f"cdk-iam-baseline: IAM Access Analyzer of this account in {region}.",
                )
            )
    admin = delegated_administrator(config)
    if admin is not None:
        # The guard rails' Custom::OrganizationFeatures registers the delegated administrator first.
        guardrails = app.node.try_find_child("OrganizationGuardrails")
        organization = organization_analyzers(config)
        for region in (config.region, *regions):
            analyzers = organization if region == config.region else regional(organization)
            if has_analyzers(analyzers):
                suffix = "" if region == config.region else f"-{region}"
                stacks.append(
                    AccessAnalyzerStack(
                        app,
                        f"AccessAnalyzerOrganization{_region_id(suffix)}",
                        config=config,
                        analyzers=analyzers,
                        stack_name=f"{config.stack_name}-AccessAnalyzerOrganization{suffix}",
                        account=admin,
                        region=region,
                        description=f"cdk-iam-baseline: the organization's IAM Access Analyzer analyzers in {region} "
                        "(delegated administrator).",
                    )
                )
                if isinstance(guardrails, Stack):
                    stacks[-1].add_stack_dependency(guardrails)
    if config.organization is not None and regions:
        stacks += _member_regions(app, config, regions)
    return stacks


def _member_regions(app: App, config: BaselineConfig, regions: tuple[str, ...]) -> list[Stack]:
    """The StackSet of the members' analyzers in ``regions`` (none when no external analyzer)."""
    organization = config.organization
    assert organization is not None and config.detection is not None
    analyzers = regional(member_analyzers(config.detection.access_analyzer))
    ou_ids = [ou.id for ou in organization.organizational_units if ou.baseline]
    if not has_analyzers(analyzers) or not ou_ids:
        return []
    rollout = organization.stacksets
    stack = BaselineStack(
        app,
        "AccessAnalyzerRegions",
        config=config,
        stack_name=f"{rollout.stack_name}-AccessAnalyzerRegions",
        account=organization.admin_account_id,
        region=config.region,
        description="cdk-iam-baseline: the member accounts' IAM Access Analyzer analyzers outside the home region (StackSet).",
    )
    # Its own Stage keeps the template out of `cdk deploy --all` (as the baseline StackSets' members).
    template = AccessAnalyzerStack(
        Stage(app, "AccessAnalyzerRegionsMember"),
        "AccessAnalyzer",
        config=config,
        analyzers=analyzers,
        description="cdk-iam-baseline: IAM Access Analyzer of this member account in this region (StackSet instance).",
    )
    ServiceManagedStackSet(
        stack,
        "StackSet",
        stack_set_name=f"{rollout.name_prefix}-AccessAnalyzer",
        template=template,
        organizational_unit_ids=ou_ids,
        regions=regions,
        rollout=rollout,
        delegated_admin=organization.delegated_admin_account_id is not None,
        description="IAM Access Analyzer (external access, account zone of trust) in "
        + ", ".join(regions)
        + ", for every member account that receives a baseline.",
    )
    return [stack]
