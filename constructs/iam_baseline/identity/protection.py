"""What developers and every bounded role may not touch beyond IAM: detection, CDK bootstrap
assets, and CloudFormation stacks that run with somebody else's service role.

Three escapes that the IAM-only guard rails left open, each closed by Deny statements that
:func:`protection_statements` shares between the Developer role's ``DeveloperProtection``
policy and the permissions boundary:

* **Switching off detection.** The baseline stacks tag every resource they own with
  :data:`PROTECTION_TAG_KEY` = :data:`PROTECTION_TAG_VALUE`; every action but reading is
  denied on a resource carrying it (``aws:ResourceTag``), and no request may set or remove
  that tag key (``aws:TagKeys``). Where a service does not evaluate ``aws:ResourceTag`` for
  every write, or where the resource is not created by the stack (the Lambda log groups, the
  CloudTrail log group of the CIS metric filters), the same denial is repeated by name:
  EventBridge rules (CloudFormation names them ``<stack name>-...``), the alert topic and its
  subscriptions, the Access Analyzer analyzers and their archive rules, the log groups.
  ``iam:DeleteServiceLinkedRole`` (PowerUserAccess allows it) would switch off Access Analyzer
  and other services at once: denied. Sources: Service Authorization Reference (per service,
  "Resource types" > condition keys); IAM User Guide, "Controlling access to AWS resources
  using tags" and "aws:TagKeys".
* **Planting CDK assets.** Whoever writes to a CDK bootstrap asset bucket
  (``cdk-<qualifier>-assets-<account>-<region>``) or container repository
  (``cdk-<qualifier>-container-assets-...``) chooses what the next pipeline deployment runs
  with that bootstrap's CloudFormation execution role (AdministratorAccess by default).
  Direct writes are denied for every qualifier: the CDK CLI publishes through the
  ``cdk-<qualifier>-file-publishing-role`` and ``-image-publishing-role``, which developers
  may assume for their own qualifiers (``developer_cdk_qualifiers``); IAM cannot subtract
  resource names from a wildcard and S3 and ECR have no bucket or repository condition key,
  so an exception by qualifier could only be made by allowing every other bucket too.
* **Passing a declared service role.** Service roles (``service_roles:``) carry the tag too, so
  the tag Deny would also deny ``iam:PassRole`` on them to the personas the config names in
  ``passed_by``. :class:`PassableServiceRole` lists the roles exempted: ``iam:PassRole`` on
  exactly that role's ARN, only with ``iam:PassedToService`` its service; every other way of
  passing a tagged role stays denied (IAM User Guide, "Grant a user permissions to pass a role
  to an AWS service"; "IAM condition context keys" > ``iam:PassedToService``).
* **Reusing a stack's service role.** CloudFormation updates, changes and deletes a stack
  with the service role the stack was last deployed with, without ``iam:PassRole`` by the
  caller (CloudFormation User Guide, "CloudFormation service role"). A pipeline's stack,
  deployed with the CDK execution role, would run a developer's template as an
  administrator. Developers' own stack writes are therefore limited to stack names starting
  with one of the ``developer_stack_prefixes``, and any request that names a
  ``cloudformation:RoleArn`` must name a workload role.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Aws
from aws_cdk import aws_iam as iam

from ..config.service_roles import pass_role_exemption, service_sid
from .stack_actions import STACK_WRITE_ACTIONS
from .arns import iam_arn

#: The tag that marks a resource of the baseline as out of developers' reach. Tag keys may
#: hold ``:``; only ``aws:`` is reserved (Tagging AWS Resources, "Tag naming limits").
PROTECTION_TAG_KEY = "iam-baseline:protected"
PROTECTION_TAG_VALUE = "true"

#: Reading the baseline's resources that are denied by name stays allowed: the read prefixes
#: of those services (an action of another service never names one of their ARNs).
NAMED_READ_ACTIONS: tuple[str, ...] = (
    "access-analyzer:Get*",
    "access-analyzer:List*",
    "cloudformation:Describe*",
    "cloudformation:Get*",
    "cloudformation:List*",
    "events:Describe*",
    "events:List*",
    "lambda:GetFunction*",
    "lambda:List*",
    "logs:Describe*",
    "logs:Get*",
    "logs:List*",
    "sns:Get*",
    "sns:List*",
)

#: Reading the baseline's tagged resources stays allowed: per service with a tagged resource,
#: its read prefixes (never ``secretsmanager:GetSecretValue``, ``kms:Decrypt``, ``sns:Publish``).
PROTECTED_READ_ACTIONS: tuple[str, ...] = (
    *NAMED_READ_ACTIONS,
    "cloudwatch:Describe*",
    "cloudwatch:Get*",
    "cloudwatch:List*",
    "iam:Get*",
    "iam:List*",
    "kms:Describe*",
    "kms:Get*",
    "kms:List*",
    "secretsmanager:DescribeSecret",
    "secretsmanager:ListSecretVersionIds",
)

#: Writes to the CDK bootstrap asset bucket (objects and the bucket itself): all but reading.
CDK_ASSET_BUCKET_READ_ACTIONS: tuple[str, ...] = ("s3:Get*", "s3:List*")

#: Reading the CDK container asset repository (pulling is how a deployment uses an image).
CDK_CONTAINER_REPOSITORY_READ_ACTIONS: tuple[str, ...] = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:Describe*",
    "ecr:Get*",
    "ecr:List*",
)

#: The CloudFormation actions that accept a service role (the ``cloudformation:RoleArn`` key).
ROLE_ARN_ACTIONS: tuple[str, ...] = (
    "cloudformation:ContinueUpdateRollback",
    "cloudformation:CreateChangeSet",
    "cloudformation:CreateStack",
    "cloudformation:CreateStackSet",
    "cloudformation:DeleteStack",
    "cloudformation:RollbackStack",
    "cloudformation:UpdateStack",
    "cloudformation:UpdateStackSet",
)


@dataclass(frozen=True)
class ProtectedResources:
    """Names of baseline resources protected by name as well as by tag.

    Attributes:
        topic_names: SNS topics (the alert topic); their subscriptions are covered too.
        analyzer_names: IAM Access Analyzer analyzers; their archive rules are covered too.
        log_group_names: CloudWatch Logs log groups not created by the stack (the CloudTrail
            log group of the CIS metric filters); may end with ``*``.
    """

    topic_names: tuple[str, ...] = ()
    analyzer_names: tuple[str, ...] = ()
    log_group_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class PassableServiceRole:
    """A declared service role that the protection lets its passers pass, to its service only.

    Attributes:
        path: IAM path of the role (``/service/``).
        name: role name.
        service: the service principal it may be passed to (``ec2.amazonaws.com``).
    """

    path: str
    name: str
    service: str

    @property
    def arn(self) -> str:
        """The role's ARN in the deploying account (partition-aware token)."""
        return iam_arn(f"role{self.path}{self.name}")


def _by_service(roles: Sequence[PassableServiceRole]) -> dict[str, list[str]]:
    """Service principal -> ARNs of ``roles`` passable to it (config order)."""
    grouped: dict[str, list[str]] = {}
    for role in roles:
        grouped.setdefault(role.service, []).append(role.arn)
    return grouped


def service_role_pass_allow_statements(roles: Sequence[PassableServiceRole]) -> list[iam.PolicyStatement]:
    """Allow ``iam:PassRole`` on exactly ``roles``, each only to its service (the boundary's
    side: its service Allow leaves IAM out, so without this a bounded passer passes nothing)."""
    return [
        iam.PolicyStatement(
            sid=f"AllowPassTo{service_sid(service)}",
            actions=["iam:PassRole"],
            resources=arns,
            conditions={"StringEquals": {"iam:PassedToService": service}},
        )
        for service, arns in _by_service(roles).items()
    ]


def _arn(service: str, resource: str) -> str:
    """``arn:<partition>:<service>:*:<account>:<resource>`` in any region of this account."""
    return f"arn:{Aws.PARTITION}:{service}:*:{Aws.ACCOUNT_ID}:{resource}"


def protected_resource_arns(protected: ProtectedResources, *, inline_log_group: str) -> list[str]:
    """ARN patterns of the baseline resources that are denied by name (see the module doc).

    Each name ends with ``*``: a topic's subscriptions (``<topic>:<id>``), an analyzer's archive
    rules (``analyzer/<name>/archive-rule/...``) and a log group's streams (``log-group:<name>:*``)
    are covered with one pattern, at the price of also denying names that merely start alike.
    """
    stack = Aws.STACK_NAME
    log_groups = [f"/aws/lambda/{stack}", inline_log_group, *protected.log_group_names]
    return [
        # The baseline's stacks share its name as prefix (e.g. <name>-GlobalEvents); so do the
        # functions, and the rules, which CloudFormation names <stack name>-<logical id>-<suffix>.
        f"arn:{Aws.PARTITION}:cloudformation:*:{Aws.ACCOUNT_ID}:stack/{stack}*/*",
        _arn("lambda", f"function:{stack}*"),
        _arn("events", f"rule/{stack}*"),
        *(_arn("sns", f"{t}*") for t in protected.topic_names),
        *(_arn("access-analyzer", f"analyzer/{a}*") for a in protected.analyzer_names),
        *(_arn("logs", f"log-group:{g}*") for g in log_groups),
    ]


def passable_role_statements(roles: Sequence[PassableServiceRole]) -> list[iam.PolicyStatement]:
    """The tag Deny's ``iam:PassRole`` part, minus ``roles`` to their own service: the rule
    :func:`~iam_baseline.config.service_roles.pass_role_exemption` writes for the
    ``ProtectDetection`` SCP too (``DenyProtectedRolePassing``, ``DenyPassingElsewhere<Service>``).
    """
    tagged = {"StringEquals": {f"aws:ResourceTag/{PROTECTION_TAG_KEY}": PROTECTION_TAG_VALUE}}
    return [
        iam.PolicyStatement.from_json(statement)
        for statement in pass_role_exemption([(role.arn, role.service) for role in roles], tagged)
    ]


def detection_protection_statements(
    protected: ProtectedResources,
    *,
    inline_log_group: str,
    passable: Sequence[PassableServiceRole] = (),
    in_boundary: bool = False,
) -> list[iam.PolicyStatement]:
    """Deny every change to the resources the baseline stacks tag or name as protected.

    ``passable``: the service roles whose passing is exempted from the tag Deny; empty: the tag
    Deny covers ``iam:PassRole`` as well, and the statements are those of a config without
    service roles. Outside the boundary, ``iam:PassRole`` leaves the tag Deny for
    :func:`passable_role_statements` (exactly those ARNs, to their service). In the boundary
    (``in_boundary``, one policy of at most 6,144 characters) the tag Deny instead spares a
    request whose ``iam:PassedToService`` is one of their services: the boundary allows
    ``iam:PassRole`` only on the workload roles and on exactly those ARNs, each with its service
    (:func:`service_role_pass_allow_statements`), and its implicit deny cannot be overridden, so
    the exemption is the same.
    """
    tagged: dict[str, dict[str, str | list[str]]] = {
        "StringEquals": {f"aws:ResourceTag/{PROTECTION_TAG_KEY}": PROTECTION_TAG_VALUE}
    }
    reads = list(PROTECTED_READ_ACTIONS)
    extra: list[iam.PolicyStatement] = []
    if passable and in_boundary:
        # Non-PassRole requests carry no iam:PassedToService: StringNotEquals holds, the Deny applies.
        tagged["StringNotEquals"] = {"iam:PassedToService": sorted(_by_service(passable))}
    elif passable:
        reads.append("iam:PassRole")
        extra = passable_role_statements(passable)
    return [
        iam.PolicyStatement(
            sid="DenyProtectedResourceChanges",
            effect=iam.Effect.DENY,
            not_actions=reads,
            resources=["*"],
            conditions=tagged,
        ),
        *extra,
        iam.PolicyStatement(
            sid="DenyProtectionTagChanges",
            effect=iam.Effect.DENY,
            # Every request that sets or removes the tag key (tagging, untagging, creating with
            # tags): it can be neither removed nor forged. Reads carry no aws:TagKeys.
            actions=["*"],
            resources=["*"],
            conditions={"ForAnyValue:StringEquals": {"aws:TagKeys": [PROTECTION_TAG_KEY]}},
        ),
        iam.PolicyStatement(
            sid="DenyBaselineResourcesByName",
            effect=iam.Effect.DENY,
            # Changing a baseline stack runs with its CloudFormation service role, which anyone
            # allowed to update the stack may use without iam:PassRole (CloudFormation User Guide,
            # "CloudFormation service role"); its functions run with roles that hold IAM rights a
            # developer lacks; its rules, topic, analyzers and log groups are the detection.
            not_actions=list(NAMED_READ_ACTIONS),
            resources=protected_resource_arns(protected, inline_log_group=inline_log_group),
        ),
    ]


def cdk_asset_statements(*, in_boundary: bool = False) -> list[iam.PolicyStatement]:
    """Deny writing to every CDK bootstrap asset bucket and container repository of the account.

    ``in_boundary``: the bucket pattern alone, without its ``/*`` twin for the objects. The
    pattern's final ``*`` lies in the resource part, where it matches any characters, ``/``
    included (IAM User Guide, "IAM JSON policy elements: Resource"), so it covers the objects
    already; the guard rails keep both forms, which say it to a reader.
    """
    account = Aws.ACCOUNT_ID
    bucket = f"arn:{Aws.PARTITION}:s3:::cdk-*-assets-{account}-*"
    return [
        iam.PolicyStatement(
            sid="DenyCdkAssetBucketWrites",
            effect=iam.Effect.DENY,
            not_actions=list(CDK_ASSET_BUCKET_READ_ACTIONS),
            resources=[bucket] if in_boundary else [bucket, f"{bucket}/*"],
        ),
        iam.PolicyStatement(
            sid="DenyCdkContainerAssetPushes",
            effect=iam.Effect.DENY,
            not_actions=list(CDK_CONTAINER_REPOSITORY_READ_ACTIONS),
            resources=[_arn("ecr", f"repository/cdk-*-container-assets-{account}-*")],
        ),
    ]


def stack_statements(
    *, stack_prefixes: Sequence[str], workload_roles: str, in_boundary: bool = False
) -> list[iam.PolicyStatement]:
    """Deny stack writes outside ``stack_prefixes`` and service roles outside the workload path.

    Args:
        stack_prefixes: stack name prefixes developers may create, change and delete
            (empty: no stack at all, only through a CDK deploy role of their qualifiers).
        workload_roles: ARN pattern of the workload roles (the only service roles allowed).
        in_boundary: leave out the service-role statement. Naming a service role needs
            ``iam:PassRole`` on it, which the boundary allows on workload roles only, so there
            it is redundant (and the boundary is one policy of at most 6,144 characters).
    """
    own_stacks = [f"arn:{Aws.PARTITION}:cloudformation:*:{Aws.ACCOUNT_ID}:stack/{p}*/*" for p in stack_prefixes]
    statements = [
        iam.PolicyStatement(
            sid="DenyStackWritesOutsideDeveloperPrefixes",
            effect=iam.Effect.DENY,
            actions=list(STACK_WRITE_ACTIONS),
            **({"not_resources": own_stacks} if own_stacks else {"resources": ["*"]}),
        ),
    ]
    if not in_boundary:
        statements.append(
            iam.PolicyStatement(
                sid="DenyStackServiceRolesOutsideWorkload",
                effect=iam.Effect.DENY,
                actions=list(ROLE_ARN_ACTIONS),
                resources=["*"],
                # Only requests that name a service role: Null false, then not a workload role.
                conditions={
                    "Null": {"cloudformation:RoleArn": "false"},
                    "ArnNotLike": {"cloudformation:RoleArn": workload_roles},
                },
            )
        )
    return statements


def protection_statements(
    *,
    workload_roles: str,
    developer_stack_prefixes: Sequence[str],
    protected: ProtectedResources,
    inline_log_group: str,
    passable: Sequence[PassableServiceRole] = (),
    in_boundary: bool = False,
) -> list[iam.PolicyStatement]:
    """Every statement of this module, shared by the boundary and the Developer's
    ``DeveloperProtection`` policy (see :func:`stack_statements` for ``in_boundary``,
    :func:`passable_role_statements` for ``passable``)."""
    return [
        *detection_protection_statements(
            protected, inline_log_group=inline_log_group, passable=passable, in_boundary=in_boundary
        ),
        *cdk_asset_statements(in_boundary=in_boundary),
        *stack_statements(stack_prefixes=developer_stack_prefixes, workload_roles=workload_roles,
                          in_boundary=in_boundary),
    ]
