"""The stacks ``cdk deploy`` puts in member accounts, against the region allow-list SCP.

``organization.service_control_policies.region_allow_list`` denies every request outside the
home region and its ``regions`` (global services exempt) to every principal of the accounts it
reaches but the StackSet execution roles (``stacksets-exec-*``) and the declared and derived
exempt roles. Stacks that StackSets deploy are therefore never stopped by it; the stacks the
CDK CLI deploys into a member account are: the CLI's bootstrap deploy and file-publishing roles
are not exempt, so ``CreateChangeSet`` in a region outside the list is denied and the deploy
fails after the stacks before it have changed. Two kinds exist:

* the member identity account's ``IdentityAccount-GlobalEvents`` in us-east-1 (the aws
  partition's global-events region, :mod:`.identity_deployment`);
* the IAM Access Analyzer delegated administrator's ``<stack_name>-AccessAnalyzerOrganization-<region>``
  in each region of ``detection.access_analyzer.regions`` besides the home region
  (:mod:`.access_analyzer`, stacks/access_analyzers.py). The members' analyzers in those
  regions come from a StackSet and need no entry.

:func:`check_region_allow_list` refuses, at the allow-list's ``regions``, a config whose
allow-list reaches such an account and leaves out such a region. Source: AWS Organizations
User Guide, "General examples" > "Deny access to AWS based on the requested AWS Region".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .access_analyzer import analyzer_regions, delegated_administrator
from .identity_deployment import identity_deployment
from .targeting import Targets
from .types import ItemError

if TYPE_CHECKING:
    from .models import BaselineConfig

_REGIONS_KEY = ("organization", "service_control_policies", "region_allow_list", "regions")


@dataclass(frozen=True)
class CdkDeployment:
    """One stack the CDK CLI deploys into a member account: where, and why it is there.

    Attributes:
        account: the member account's id.
        region: the region of the stack.
        stack: the stack's id as ``cdk deploy`` names it.
        why: who deploys the stack there and why, for the error.
        instead: the other way out than listing the region (``""`` when there is none).
    """

    account: str
    region: str
    stack: str
    why: str
    instead: str = ""


def member_cdk_deployments(config: "BaselineConfig") -> list[CdkDeployment]:
    """Every stack of ``config`` that ``cdk deploy`` puts in a member account outside the home
    region, in config order (the identity account's, then the analyzers')."""
    found: list[CdkDeployment] = []
    identity = identity_deployment(config)
    if identity is not None:
        found += [
            CdkDeployment(
                identity.account, region, "IdentityAccount-GlobalEvents",
                f"the identity account {identity.account} deploys IdentityAccount-GlobalEvents with cdk deploy (its "
                "IAM, sign-in and global STS events arrive there)",
            )
            for region in identity.regions[1:]
        ]
    admin = delegated_administrator(config)
    if admin is not None:
        assert config.detection is not None
        name = config.detection.access_analyzer.delegated_administrator
        found += [
            CdkDeployment(
                admin, region, stack,
                f"the IAM Access Analyzer delegated administrator {name} ({admin}) deploys {stack} with cdk deploy "
                "(the organization analyzer of a region detection.access_analyzer.regions lists)",
                f", or take {region!r} out of detection.access_analyzer.regions",
            )
            for region in analyzer_regions(config)
            for stack in [f"{config.stack_name}-AccessAnalyzerOrganization-{region}"]
        ]
    return found


def check_region_allow_list(config: "BaselineConfig") -> None:
    """Each stack of :func:`member_cdk_deployments` lies in a region the region allow-list
    allows, in the accounts the allow-list reaches (its ``targets`` and ``accounts`` minus
    ``exclude``).

    Raises:
        ItemError: at ``organization.service_control_policies.region_allow_list.regions``, naming
            the missing region, the stack and the account that deploys there, and the listed
            regions.
    """
    organization = config.organization
    scps = organization.service_control_policies if organization else None
    if organization is None or scps is None or not scps.region_allow_list.enabled:
        return
    allow_list = scps.region_allow_list
    allowed = {config.region, *allow_list.regions}
    deployments = [d for d in member_cdk_deployments(config) if d.region not in allowed]
    if not deployments:
        return
    # The names were checked with the guard rail (organization.py): only the reach is asked here.
    reached = set(organization.directory.resolve(Targets.model_construct(
        accounts=allow_list.accounts, ous=allow_list.targets, exclude=allow_list.exclude)))
    for deployment in deployments:
        if deployment.account in reached:
            region = deployment.region
            raise ItemError(
                _REGIONS_KEY,
                f"regions {list(allow_list.regions)} leave out {region!r}, where {deployment.why}; the allow-list "
                f"would deny its CDK roles there: add {region!r} (allowed: the home region {config.region!r}, "
                f"always, and the regions listed){deployment.instead}",
            )
