"""A service-managed CloudFormation StackSet whose template is a stack of the same CDK app.

The template is the synthesized body of a CDK stack built in its own ``Stage`` (so it is not
deployed by ``cdk deploy --all``): the app is synthesized once, the stage's nested cloud
assembly first, and the StackSet's ``TemplateBody`` is read from it by an aspect (CDK
invokes aspects right after the nested assemblies are synthesized, before the StackSet's
own stack is). The same cdk-nag packs check the member template
as any other stack of the app.

Service-managed permissions: CloudFormation creates the roles it needs in the target
accounts through AWS Organizations trusted access; auto-deployment deploys the template to
every account that joins a target OU later, and (unless stacks are retained) removes it
from an account that leaves. Sources: AWS CloudFormation User Guide, "Create stack sets
with service-managed permissions", "Enable automatic deployments", "Register a delegated
administrator"; CloudFormation resource ``AWS::CloudFormation::StackSet``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import jsii
from aws_cdk import Aspects, IAspect, Stack, Stage
from aws_cdk import aws_cloudformation as cfn
from constructs import Construct

from ..config.organization import StackSetRolloutConfig
from ..errors import BaselineError
from ..federation.policy_size import DEPLOYED_STACK_NAME_ATTRIBUTE, stackset_instance_name
from ..template_metadata import without_path_metadata

#: ``TemplateBody`` of ``AWS::CloudFormation::StackSet``: at most 51,200 bytes.
#: Source: CloudFormation API Reference, ``CreateStackSet`` parameter ``TemplateBody``.
TEMPLATE_BODY_MAX_BYTES = 51_200
#: How the limit is named in the error; app.py recognises the error by it (it is raised inside
#: a jsii aspect, which reaches Python as a RuntimeError carrying this message).
TEMPLATE_BODY_MAX_LIMIT_TEXT = "TemplateBody limit of AWS::CloudFormation::StackSet"


def synthesized_template_body(stack: Stack) -> str:
    """The synthesized template of ``stack`` (the only stack of its own ``Stage``) as compact JSON,
    without CDK's construct-path metadata (:func:`~iam_baseline.template_metadata.without_path_metadata`).

    Synthesizes the stage if it has not been yet (a synthesized stage is cached by CDK).

    Raises:
        BaselineError: the body exceeds :data:`TEMPLATE_BODY_MAX_BYTES`.
    """
    template = Stage.of(stack).synth().get_stack_artifact(stack.artifact_id).template
    body = json.dumps(without_path_metadata(template), separators=(",", ":"))
    size = len(body.encode())
    if size > TEMPLATE_BODY_MAX_BYTES:
        raise BaselineError(
            f"the StackSet template of {stack.node.path} is {size} bytes, {size - TEMPLATE_BODY_MAX_BYTES} over the "
            f"{TEMPLATE_BODY_MAX_BYTES}-byte {TEMPLATE_BODY_MAX_LIMIT_TEXT} (CloudFormation API Reference, CreateStackSet); nothing was deployed. "
            "Its accounts receive too much: fewer items per StackSet group (a persona's reach, machine and service "
            "roles) or fewer member accounts reached from one group of the identity account"
        )
    return body


def _service_managed(
    stack_set_name: str, rollout: StackSetRolloutConfig, delegated_admin: bool, regions: list[str]
) -> dict:
    """The ``CfnStackSet`` properties every StackSet of the rollout shares (see
    :class:`ServiceManagedStackSet`): service-managed, auto-deployment, named-IAM capability,
    managed execution, the rollout's operation preferences over ``regions`` in order."""
    return dict(
        stack_set_name=stack_set_name,
        permission_model="SERVICE_MANAGED",
        call_as="DELEGATED_ADMIN" if delegated_admin else "SELF",
        auto_deployment=cfn.CfnStackSet.AutoDeploymentProperty(
            enabled=True, retain_stacks_on_account_removal=rollout.retain_stacks_on_account_removal
        ),
        capabilities=["CAPABILITY_NAMED_IAM"],
        managed_execution={"Active": True},
        operation_preferences=cfn.CfnStackSet.OperationPreferencesProperty(
            max_concurrent_percentage=rollout.max_concurrent_percentage,
            failure_tolerance_percentage=rollout.failure_tolerance_percentage,
            concurrency_mode=rollout.concurrency_mode,
            region_concurrency_type="SEQUENTIAL",
            region_order=regions,
        ),
    )


@jsii.implements(IAspect)
class _TemplateBodyFrom:
    """Sets the visited StackSet's ``TemplateBody`` from ``stack``'s synthesized template."""

    def __init__(self, stack: Stack) -> None:
        self._stack = stack

    def visit(self, node) -> None:
        if isinstance(node, cfn.CfnStackSet):
            node.template_body = synthesized_template_body(self._stack)


class ServiceManagedStackSet(Construct):
    """One ``AWS::CloudFormation::StackSet`` (``PermissionModel: SERVICE_MANAGED``).

    Deploys ``template`` to every account of ``organizational_unit_ids`` (and of the OUs
    below them) in ``region`` only (or in each of ``regions``, one after the other), with auto-deployment on, named-IAM capability, managed
    execution (non-conflicting operations run concurrently, conflicting ones queue) and the
    concurrency and failure tolerance of ``rollout``.

    Args:
        scope: parent construct (a stack in the management or delegated admin account).
        id: construct id.
        stack_set_name: the StackSet name (a letter, then letters, digits, hyphens; 1-128).
        template: the stack whose synthesized template is deployed; it must be the stack of
            its own ``Stage``, environment-agnostic and without assets.
        organizational_unit_ids: target OUs (``ou-...``), at least one.
        accounts: member account ids that filter the OUs' accounts (none: every account of the OUs).
        account_filter: ``INTERSECTION`` (only ``accounts``) or ``DIFFERENCE`` (all but ``accounts``).
            Source: CloudFormation User Guide, "Account-level targets for service-managed stack sets".
        region: the one region stack instances are created in (IAM is global).
        regions: instead of ``region``, several regions (a regional resource such as an
            Access Analyzer analyzer), deployed one region after the other.
        rollout: max concurrency (percent), failure tolerance (percent), concurrency mode,
            whether stacks are kept when an account leaves the OUs.
        delegated_admin: ``CallAs: DELEGATED_ADMIN`` (the stack is deployed in the StackSets
            delegated administrator account) instead of ``SELF`` (management account).
        description: StackSet description, at most 1024 characters.

    Attributes:
        resource: the ``CfnStackSet``.

    Raises:
        BaselineError: no target OU; neither or both of ``region`` and ``regions``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        stack_set_name: str,
        template: Stack,
        organizational_unit_ids: Sequence[str],
        accounts: Sequence[str] = (),
        account_filter: str = "DIFFERENCE",
        region: str | None = None,
        regions: Sequence[str] = (),
        rollout: StackSetRolloutConfig,
        delegated_admin: bool,
        description: str = "",
    ) -> None:
        super().__init__(scope, id)
        if not organizational_unit_ids:
            raise BaselineError(f"StackSet {stack_set_name} has no target OU")
        if account_filter not in ("INTERSECTION", "DIFFERENCE"):
            raise BaselineError(f"StackSet {stack_set_name}: account_filter must be INTERSECTION or DIFFERENCE")
        if (region is None) == (not regions):
            raise BaselineError(f"StackSet {stack_set_name}: give one region or a list of regions")
        in_order = [region] if region is not None else list(regions)
        self.resource = cfn.CfnStackSet(
            self,
            "Resource",
            description=description or None,
            **_service_managed(stack_set_name, rollout, delegated_admin, in_order),
            stack_instances_group=[
                cfn.CfnStackSet.StackInstancesProperty(
                    deployment_targets=cfn.CfnStackSet.DeploymentTargetsProperty(
                        organizational_unit_ids=list(organizational_unit_ids),
                        accounts=list(accounts) or None,
                        account_filter_type=account_filter if accounts else None,
                    ),
                    regions=in_order,
                )
            ],
        )
        Aspects.of(self.resource).add(_TemplateBodyFrom(template))
        # The quota check measures the member's policies with the name its stack instances get.
        setattr(template, DEPLOYED_STACK_NAME_ATTRIBUTE, stackset_instance_name(stack_set_name))


#: The ``TemplateBody`` of a retiring StackSet: a valid template that no stack instance receives.
RETIRING_TEMPLATE_BODY = json.dumps(
    {
        "Description": "cdk-iam-baseline: a retiring StackSet's template; it has no stack instances.",
        "Resources": {"Retired": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
    },
    separators=(",", ":"),
)


class RetiringStackSet(Construct):
    """A StackSet kept one more deploy without stack instances, so that its instances are deleted
    before a StackSet that depends on it creates stacks in the same accounts
    (:mod:`iam_baseline.config.stackset_moves`).

    Built under the construct id its :class:`ServiceManagedStackSet` had (same logical id, same
    ``StackSetName``: CloudFormation updates it in place rather than creating a second StackSet of
    that name and deleting the first in the cleanup phase). Without ``StackInstancesGroup`` the
    ``AWS::CloudFormation::StackSet`` resource's update deletes every stack instance and waits for
    it before it updates the template (aws-cloudformation-resource-providers-cloudformation,
    ``aws-cloudformation-stackset`` ``UpdateHandler``), so the placeholder template
    (:data:`RETIRING_TEMPLATE_BODY`) reaches no account.

    Args:
        scope: the rollout stack.
        id: the construct id of the StackSet it retires.
        stack_set_name: its name.
        rollout: as :class:`ServiceManagedStackSet` (the delete operation's concurrency and tolerance).
        delegated_admin: as :class:`ServiceManagedStackSet`.
        region: the home region (the region order of the delete operation).

    Attributes:
        resource: the ``CfnStackSet``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        stack_set_name: str,
        rollout: StackSetRolloutConfig,
        delegated_admin: bool,
        region: str,
    ) -> None:
        super().__init__(scope, id)
        self.resource = cfn.CfnStackSet(
            self,
            "Resource",
            description="Retiring: its accounts moved to other StackSets; no stack instances. Removed after make accept-moves.",
            **_service_managed(stack_set_name, rollout, delegated_admin, [region]),
            template_body=RETIRING_TEMPLATE_BODY,
        )
