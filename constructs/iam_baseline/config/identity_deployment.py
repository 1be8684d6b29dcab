"""How the member identity account's own stack is deployed, and what guards that deployment.

The identity account's baseline is the ``IdentityAccount`` stack, deployed with ``cdk deploy``
(stacks/identity_account.py), not by a StackSet: its CDK bootstrap deploy role runs the change
set and passes CloudFormation the bootstrap execution role, the stack's service role (AWS CDK
Developer Guide, "Bootstrapping", the bootstrap template's roles). The protection SCPs spare
that execution role there (:func:`identity_stack_deployer`) and seal the way to it
(:func:`iam_baseline.organization.service_control_policies.seal_identity_deployment`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..partitions import partition_of
from .hub import identity_account_id, role_arn
from .oidc import CDK_DEFAULT_QUALIFIER

if TYPE_CHECKING:
    from .models import BaselineConfig



@dataclass(frozen=True)
class IdentityDeployment:
    """How the member identity account's ``IdentityAccount`` stack is deployed (``cdk deploy``).

    Attributes:
        account: the identity account's id.
        deploy_role: ARN of its CDK bootstrap deploy role ``cdk-<qualifier>-deploy-role-<account>-<region>``:
            the CDK CLI assumes it, creates and executes the change set, and passes
            ``execution_role`` to CloudFormation (AWS CDK Developer Guide, "Bootstrapping",
            the bootstrap template's roles). Bootstrapped with ``--trust <management account>``.
        execution_role: ARN of its ``cdk-<qualifier>-cfn-exec-role-<account>-<region>``, the stack's
            service role: CloudFormation changes the baseline with it.
        stack: ARN pattern of the stack (``config.stack_name``) in the home region of that account.
    """

    account: str
    deploy_role: str
    execution_role: str
    stack: str


def identity_deployment(config: "BaselineConfig") -> IdentityDeployment | None:
    """The :class:`IdentityDeployment` of a member identity account, or None (no identity account,
    or the management account, which the SCPs do not govern). The bootstrap qualifier is CDK's
    default (:data:`~.oidc.CDK_DEFAULT_QUALIFIER`): the config has no setting for the baseline's own."""
    identity = identity_account_id(config)
    assert config.organization is not None or identity is None
    if identity is None or identity == config.organization.management_account_id:  # type: ignore[union-attr]
        return None
    partition, region = partition_of(config.region), config.region

    def bootstrap(kind: str) -> str:
        return role_arn(partition, identity, "/", f"cdk-{CDK_DEFAULT_QUALIFIER}-{kind}-role-{identity}-{region}")

    stack = f"arn:{partition}:cloudformation:{region}:{identity}:stack/{config.stack_name}/*"
    return IdentityDeployment(identity, bootstrap("deploy"), bootstrap("cfn-exec"), stack)


def identity_stack_deployer(config: "BaselineConfig") -> str | None:
    """The ARN of the CloudFormation execution role of the CDK bootstrap in a member identity
    account (``cdk-<qualifier>-cfn-exec-role-<account>-<region>``, CDK Developer Guide,
    "Bootstrapping": the bootstrap template's roles), or None (no identity account, or the
    management account, which the SCPs do not govern).

    Its ``IdentityAccount`` stack is deployed with ``cdk deploy``, not by a StackSet, so the
    protection SCPs spare this one role in this one account as they spare the StackSet execution
    roles everywhere: CloudFormation creates the account's baseline with it.
    """
    deployment = identity_deployment(config)
    return deployment.execution_role if deployment is not None else None
