"""How the member identity account's own stacks are deployed, and what guards that deployment.

The identity account's baseline is the ``IdentityAccount`` stack, deployed with ``cdk deploy``
(stacks/identity_account.py), not by a StackSet, and so is its global-events stack
``IdentityAccount-GlobalEvents`` (us-east-1 in the aws partition, stacks/global_events.py): in
each region its CDK bootstrap deploy role runs the change set and passes CloudFormation the
bootstrap execution role, the stack's service role (AWS CDK Developer Guide, "Bootstrapping",
the bootstrap template's roles). The protection SCPs spare those execution roles there
(:func:`identity_stack_deployers`) and seal the way to them
(:func:`iam_baseline.organization.service_control_policies.seal_identity_deployment`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..partitions import global_events_region, partition_of
from .hub import identity_account_id, role_arn
from .oidc import CDK_DEFAULT_QUALIFIER

if TYPE_CHECKING:
    from .models import BaselineConfig


@dataclass(frozen=True)
class IdentityDeployment:
    """How the member identity account's stacks are deployed (``cdk deploy``): ``IdentityAccount``
    in the home region and, with detection outside the global-events region,
    ``IdentityAccount-GlobalEvents`` in that region (:mod:`stacks.global_events`).

    Each region has its own CDK bootstrap, so each tuple holds one entry per region of
    ``regions``, the home region first.

    Attributes:
        account: the identity account's id.
        regions: the regions its stacks deploy to, the home region first.
        deploy_roles: ARNs of its CDK bootstrap deploy roles ``cdk-<qualifier>-deploy-role-<account>-<region>``:
            the CDK CLI assumes one, creates and executes the change set, and passes the
            execution role of its region to CloudFormation (AWS CDK Developer Guide,
            "Bootstrapping", the bootstrap template's roles). Bootstrapped with ``--trust <management account>``.
        execution_roles: ARNs of its ``cdk-<qualifier>-cfn-exec-role-<account>-<region>``, the stacks'
            service roles: CloudFormation changes the baseline with them.
        stacks: ARN patterns of its stacks (``config.stack_name`` in the home region,
            ``<stack_name>-GlobalEvents`` in the global-events region).
    """

    account: str
    regions: tuple[str, ...]
    deploy_roles: tuple[str, ...]
    execution_roles: tuple[str, ...]
    stacks: tuple[str, ...]

    @property
    def deploy_role(self) -> str:
        """The home region's deploy role."""
        return self.deploy_roles[0]

    @property
    def execution_role(self) -> str:
        """The home region's execution role (``IdentityAccount``'s service role)."""
        return self.execution_roles[0]

    @property
    def stack(self) -> str:
        """The ARN pattern of ``IdentityAccount`` (home region)."""
        return self.stacks[0]


def forwards_global_events(config: "BaselineConfig") -> bool:
    """True when ``config`` has detection and its home region is not where global events arrive
    (:func:`~iam_baseline.partitions.global_events_region`): its accounts then need forwarding
    rules in that region (:mod:`stacks.global_events`)."""
    return config.detection is not None and config.region != global_events_region(config.region)


def identity_deployment(config: "BaselineConfig") -> IdentityDeployment | None:
    """The :class:`IdentityDeployment` of a member identity account, or None (no identity account,
    or the management account, which the SCPs do not govern). The bootstrap qualifier is CDK's
    default (:data:`~.oidc.CDK_DEFAULT_QUALIFIER`): the config has no setting for the baseline's own."""
    identity = identity_account_id(config)
    assert config.organization is not None or identity is None
    if identity is None or identity == config.organization.management_account_id:  # type: ignore[union-attr]
        return None
    partition, home = partition_of(config.region), config.region
    # (region, stack name): IdentityAccount, then its global-events stack.
    placed = [(home, config.stack_name)]
    if forwards_global_events(config):
        placed.append((global_events_region(home), f"{config.stack_name}-GlobalEvents"))

    def bootstrap(kind: str, region: str) -> str:
        return role_arn(partition, identity, "/", f"cdk-{CDK_DEFAULT_QUALIFIER}-{kind}-role-{identity}-{region}")

    return IdentityDeployment(
        identity,
        tuple(region for region, _ in placed),
        tuple(bootstrap("deploy", region) for region, _ in placed),
        tuple(bootstrap("cfn-exec", region) for region, _ in placed),
        tuple(f"arn:{partition}:cloudformation:{region}:{identity}:stack/{name}/*" for region, name in placed),
    )


def identity_stack_deployers(config: "BaselineConfig") -> tuple[str, ...]:
    """The ARNs of the CloudFormation execution roles of the CDK bootstraps in a member identity
    account (``cdk-<qualifier>-cfn-exec-role-<account>-<region>``, CDK Developer Guide,
    "Bootstrapping": the bootstrap template's roles), one per region its stacks deploy to; empty
    without a member identity account (none, or the management account, which the SCPs do not govern).

    Its stacks are deployed with ``cdk deploy``, not by a StackSet, so the protection SCPs spare
    these roles in this one account as they spare the StackSet execution roles everywhere:
    CloudFormation creates the account's baseline and its forwarding rules with them.
    """
    deployment = identity_deployment(config)
    return deployment.execution_roles if deployment is not None else ()
