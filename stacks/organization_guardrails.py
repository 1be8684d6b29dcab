"""The organization's guard rails: centralized root access, ``RootTasks``, the SCPs and the RCP.

``OrganizationGuardrailsStack`` (management account, home region) holds
``Custom::OrganizationFeatures`` (trusted access for IAM, the SCP/RCP policy types,
centralized root access), the ``RootTasks`` role (unless an IAM delegated administrator is
configured: then :class:`RootTasksStack` holds it in that account, with its own AssumeRoot
alert) and the ``AWS::Organizations::Policy`` resources, which depend on the custom resource
(a policy type must be enabled on the root before a policy of that type is attached).
"""

from __future__ import annotations

from aws_cdk import App, Stack
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sns as sns

from iam_baseline.config import BaselineConfig
from iam_baseline.config.access_analyzer import delegated_administrator
from iam_baseline.config.identity_deployment import identity_deployment
from iam_baseline.config.organization_policies import ROOT_TARGET, attachment_targets, read_policy_file
from iam_baseline.detection import DetectionEventRules, alert_message
from iam_baseline.detection.patterns import assume_root_rule
from iam_baseline.identity.password_policy import INLINE_HANDLER_LOG_GROUP
from iam_baseline.identity.protection import PROTECTION_TAG_KEY, PROTECTION_TAG_VALUE
from iam_baseline.organization.organization_policies import OrganizationPolicies, PolicySpec, PolicyType, pack
from iam_baseline.organization.resource_control_policies import data_perimeter
from iam_baseline.organization.root_access import OrganizationFeatures
from iam_baseline.organization.root_tasks import RootTasksRole
from iam_baseline.organization.service_control_policies import STACKSET_STACK_PREFIX, BaselineNames, default_guardrails
from iam_baseline.config.service_roles import member_passable_roles
from iam_baseline.partitions import partition_of
from stacks.account_baseline import protected_resources
from stacks.base import BaselineStack


def baseline_names(config: BaselineConfig) -> BaselineNames:
    """What the protection SCPs name: the member baseline's IAM path, StackSet stacks, protection
    tag and detection resources (alert topic, analyzers, log groups of its functions)."""
    assert config.organization is not None
    protected = protected_resources(config)
    prefix = config.organization.stacksets.name_prefix
    return BaselineNames(
        partition=partition_of(config.region),
        iam_path=config.iam_path,
        stackset_name_prefix=prefix,
        protection_tag=(PROTECTION_TAG_KEY, PROTECTION_TAG_VALUE) if config.protection_tag else None,
        topic_names=protected.topic_names,
        analyzer_names=protected.analyzer_names,
        log_group_names=(f"/aws/lambda/{STACKSET_STACK_PREFIX}{prefix}-", INLINE_HANDLER_LOG_GROUP, *protected.log_group_names),
        passable_service_roles=tuple((f"{r.path}{r.name}", r.service) for r in member_passable_roles(config)),
    )


def policy_specs(config: BaselineConfig) -> list[PolicySpec]:
    """Every SCP and RCP of ``config``: the packed default guard rails, then the custom SCP files."""
    organization = config.organization
    assert organization is not None
    specs: list[PolicySpec] = []
    scps = organization.service_control_policies
    if scps is not None:
        directory = organization.directory
        identity = identity_deployment(config)  # its CDK execution role is spared, its deploy sealed
        guardrails = default_guardrails(
            scps, baseline_names(config), config.region, lambda g: attachment_targets(g, directory),
            deployers=identity.execution_roles if identity else (), identity=identity,
        )
        specs += pack(
            [(g.name, g.statements, g.targets, g.description) for g in guardrails],
            prefix=scps.name_prefix,
            type=PolicyType.SERVICE_CONTROL_POLICY,
        )
        specs += [
            PolicySpec(
                f"{scps.name_prefix}-{custom.name}",
                PolicyType.SERVICE_CONTROL_POLICY,
                read_policy_file(custom.file),
                attachment_targets(custom, directory),
                custom.description or f"Custom SCP from {custom.file}.",
            )
            for custom in scps.custom
        ]
    rcps = organization.resource_control_policies
    if rcps is not None and rcps.data_perimeter.enabled:
        perimeter = rcps.data_perimeter
        assert organization.organization_id is not None  # validated with the config
        specs += pack(
            [
                (
                    "DataPerimeter",
                    data_perimeter(organization.organization_id, perimeter.third_party_accounts),
                    attachment_targets(perimeter, organization.directory),
                    "Only principals of the organization (and AWS services) reach its S3, SQS, KMS, Secrets Manager and STS.",
                )
            ],
            prefix=rcps.name_prefix,
            type=PolicyType.RESOURCE_CONTROL_POLICY,
            base_name="ResourceGuardrails",
        )
    return specs


def _root_tasks(stack: Stack, config: BaselineConfig) -> RootTasksRole:
    organization = config.organization
    assert organization is not None
    access = organization.root_access
    return RootTasksRole(
        stack,
        "RootTasks",
        role=access.role,
        path=config.iam_path,
        mfa_max_age_seconds=config.mfa.max_age_seconds,
        member_accounts=[a.id for _, a in organization.member_accounts()],
        task_policies=access.task_policies,
        partition=partition_of(config.region),
        region=config.region,
    )


class OrganizationGuardrailsStack(BaselineStack):
    """Centralized root access, ``RootTasks`` and the SCPs/RCPs, in the management account.

    Attributes:
        features: the :class:`OrganizationFeatures` custom resource.
        root_tasks: the :class:`RootTasksRole`, or ``None`` (delegated administrator, or no task).
        policies: the :class:`OrganizationPolicies`, or ``None`` without SCPs and RCPs.

    Raises:
        BaselineError: an SCP or RCP over the size quota, or a target over 5 policies.
    """

    def __init__(self, scope: App, id: str, *, config: BaselineConfig) -> None:
        organization = config.organization
        if organization is None:
            raise ValueError("OrganizationGuardrailsStack needs the organization section in the config")
        super().__init__(
            scope,
            id,
            config=config,
            stack_name=organization.guardrails_stack_name,
            account=organization.management_account_id,
            region=config.region,
            description="cdk-iam-baseline: centralized root access, RootTasks, service and resource control policies.",
            protected=True,
        )
        access = organization.root_access
        specs = policy_specs(config)
        self.features = OrganizationFeatures(
            self,
            "OrganizationFeatures",
            root_credentials_management=access.credentials_management,
            root_sessions=access.root_sessions,
            disable_on_delete=access.disable_on_delete,
            delegated_administrator=access.delegated_administrator,
            policy_types=sorted({spec.type.value for spec in specs}),
            analyzer_administrator=delegated_administrator(config),  # detection.access_analyzer
        )
        self.root_tasks = None
        if access.has_root_tasks_role and access.delegated_administrator is None:
            self.root_tasks = _root_tasks(self, config)
        self.policies = None
        if specs:
            # Targets are 'root', OU paths and member account ids (accounts and exclude attach per account).
            target_ids = {ou.path: ou.id for ou in organization.organizational_units}
            target_ids |= {account.id: account.id for _, account in organization.member_accounts()}
            if organization.root_id is not None:
                target_ids[ROOT_TARGET] = organization.root_id
            self.policies = OrganizationPolicies(self, "Policies", specs=specs, target_ids=target_ids)
            self.policies.node.add_dependency(self.features.resource)


class RootTasksStack(BaselineStack):
    """``RootTasks`` in the IAM delegated administrator, with an alert on every ``AssumeRoot``
    there (published to that account's alert topic, created by its member baseline)."""

    def __init__(self, scope: App, id: str, *, config: BaselineConfig) -> None:
        organization = config.organization
        assert organization is not None and organization.root_access.delegated_administrator is not None
        account = organization.root_access.delegated_administrator
        super().__init__(
            scope,
            id,
            config=config,
            stack_name=f"{organization.guardrails_stack_name}-RootTasks",
            account=account,
            region=config.region,
            description="cdk-iam-baseline: the RootTasks role of the IAM delegated administrator.",
            protected=True,
        )
        self.root_tasks = _root_tasks(self, config)
        if config.detection is not None:
            topic_arn = f"arn:{partition_of(config.region)}:sns:{config.region}:{account}:{config.detection.alerts.topic_name}"
            topic = sns.Topic.from_topic_arn(self, "AlertTopic", topic_arn)
            DetectionEventRules(
                self,
                "AlertRules",
                rules=[assume_root_rule()],
                target=lambda rule: targets.SnsTopic(topic, message=alert_message(rule)),
                description_prefix="Alert",
            )


def add_guardrail_stacks(app: App, config: BaselineConfig) -> list[Stack]:
    """The guard rail stack, and the delegated administrator's ``RootTasks`` stack if configured."""
    assert config.organization is not None
    stacks: list[Stack] = [OrganizationGuardrailsStack(app, "OrganizationGuardrails", config=config)]
    access = config.organization.root_access
    if access.has_root_tasks_role and access.delegated_administrator is not None:
        stacks.append(RootTasksStack(app, "RootTasks", config=config))
    return stacks
