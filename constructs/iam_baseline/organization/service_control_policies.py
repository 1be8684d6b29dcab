"""The baseline's service control policies, as plain policy statements.

Each guard rail of ``organization.service_control_policies`` is a list of ``Deny``
statements built here from the validated config (no aws_cdk objects: the tests evaluate
these dicts with the concrete evaluator, and :mod:`.organization_policies` turns them into
``AWS::Organizations::Policy`` resources). The deny-list model: ``FullAWSAccess`` stays
attached everywhere and is the only Allow; SCPs never apply to the management account nor
to service-linked roles. Sources: AWS Organizations User Guide, "Service control policies
(SCPs)", "SCP syntax", "General examples"; IAM User Guide, "Centrally manage root access for
member accounts".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..config.organization_policies import GuardrailConfig, ServiceControlPoliciesConfig
from ..config.service_roles import pass_role_exemption

if TYPE_CHECKING:
    from ..config.identity_deployment import IdentityDeployment

Statement = dict[str, Any]

#: The role CloudFormation creates in every target account of a service-managed StackSet and
#: deploys the baseline with (CloudFormation User Guide, "Grant permissions for stack set
#: operations" > service-managed permissions): always exempt from the protection guard rails.
STACKSET_EXECUTION_ROLE_NAME = "stacksets-exec-*"

#: Stack instances of a service-managed StackSet are named ``StackSet-<StackSet name>-<uuid>``.
STACKSET_STACK_PREFIX = "StackSet-"

#: IAM actions that change an IAM resource (everything but reading, passing and simulating).
#: Source: Service Authorization Reference, AWS Identity and Access Management (action list).
IAM_WRITE_ACTIONS: tuple[str, ...] = (
    "iam:Add*",
    "iam:Attach*",
    "iam:Create*",
    "iam:Deactivate*",
    "iam:Delete*",
    "iam:Detach*",
    "iam:Enable*",
    "iam:Put*",
    "iam:Remove*",
    "iam:Reset*",
    "iam:Resync*",
    "iam:Set*",
    "iam:Tag*",
    "iam:Untag*",
    "iam:Update*",
    "iam:Upload*",
)

#: Global services exempt from the region allow-list (their endpoints live in us-east-1).
#: Source: AWS Organizations User Guide, "General examples" > "Deny access to AWS based on the
#: requested AWS Region" (replace with the global services your organization uses).
GLOBAL_SERVICE_ACTIONS: tuple[str, ...] = (
    "a4b:*", "access-analyzer:*", "account:*", "acm:*", "aws-marketplace-management:*", "aws-marketplace:*",
    "aws-portal:*", "budgets:*", "ce:*", "chime:*", "cloudfront:*", "config:*", "cur:*", "directconnect:*",
    "ec2:DescribeRegions", "ec2:DescribeTransitGateways", "ec2:DescribeVpnGateways", "fms:*",
    "globalaccelerator:*", "health:*", "iam:*", "importexport:*", "kms:*", "mobileanalytics:*",
    "networkmanager:*", "organizations:*", "pricing:*", "route53:*", "route53domains:*",
    "route53-recovery-cluster:*", "route53-recovery-control-config:*", "route53-recovery-readiness:*",
    "s3:GetAccountPublic*", "s3:ListAllMyBuckets", "s3:ListMultiRegionAccessPoints", "s3:PutAccountPublic*",
    "shield:*", "sts:*", "support:*", "trustedadvisor:*", "waf-regional:*", "waf:*", "wafv2:*",
    "wellarchitected:*",
)  # fmt: skip


#: Using a baseline role (never a change to it): stays allowed on tagged roles.
ROLE_USE_ACTIONS: tuple[str, ...] = ("sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession")


@dataclass(frozen=True)
class BaselineNames:
    """What the protection guard rails need to know about the member baseline.

    Attributes:
        partition: ``aws``, ``aws-cn`` or ``aws-us-gov``.
        iam_path: the baseline's IAM path (``/baseline/``).
        stackset_name_prefix: the StackSets' name prefix (stack instances are
            ``StackSet-<prefix>-<variant>-<uuid>``).
        protection_tag: ``(key, value)`` of the tag on every baseline resource, or ``None``.
        topic_names, analyzer_names, log_group_names: detection resources denied by name.
        passable_service_roles: ``(path + name, service principal)`` of the targeted service roles
            that a developer passes in member accounts: their ``iam:PassRole`` to that service
            is spared by the tag Deny (as in the developer guard rails,
            :mod:`iam_baseline.identity.protection`).
    """

    partition: str
    iam_path: str
    stackset_name_prefix: str
    protection_tag: tuple[str, str] | None = None
    topic_names: tuple[str, ...] = ()
    analyzer_names: tuple[str, ...] = ()
    log_group_names: tuple[str, ...] = ()
    passable_service_roles: tuple[tuple[str, str], ...] = ()


def _exempt(names: BaselineNames, exempt_role_arns: Sequence[str]) -> dict[str, Any]:
    """The condition that spares the StackSet execution roles and ``exempt_role_arns``."""
    arns = [f"arn:{names.partition}:iam::*:role/{STACKSET_EXECUTION_ROLE_NAME}", *exempt_role_arns]
    return {"ArnNotLike": {"aws:PrincipalArn": arns}}


def deny_root_user(partition: str) -> list[Statement]:
    """Deny every action of the member accounts' root users, except in root sessions.

    Exactly AWS's example: ``ArnLike aws:PrincipalArn arn:aws:iam::*:root`` with
    ``Null aws:AssumedRoot = true``; the key is present (``true``) only in sessions started with
    ``sts:AssumeRoot``, which therefore keep working. Source: AWS Organizations User Guide,
    "General examples" / aws-samples service-control-policy-examples, "Prevent root credentials
    management in member accounts"; IAM User Guide, "aws:AssumedRoot".
    """
    return [
        {
            "Sid": "DenyRootUser",
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {
                "ArnLike": {"aws:PrincipalArn": [f"arn:{partition}:iam::*:root"]},
                "Null": {"aws:AssumedRoot": "true"},
            },
        }
    ]


def deny_leaving_organization() -> list[Statement]:
    """Deny ``organizations:LeaveOrganization`` (Organizations User Guide, "General examples")."""
    return [{"Sid": "DenyLeaveOrganization", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]


def protect_baseline(names: BaselineNames, exempt_role_arns: Sequence[str]) -> list[Statement]:
    """Deny changes to the baseline's IAM resources and StackSet stacks, except by the exempt roles.

    IAM: every write (:data:`IAM_WRITE_ACTIONS`) on roles, policies, users and groups under the
    baseline's path and on the StackSet execution roles. CloudFormation: every stack write on
    the stack instances ``StackSet-<prefix>-*`` (a stack update runs with the stack's role).
    """
    from ..identity.stack_actions import STACK_WRITE_ACTIONS

    p, path = names.partition, names.iam_path
    iam_resources = [f"arn:{p}:iam::*:{kind}{path}*" for kind in ("role", "policy", "user", "group")]
    iam_resources.append(f"arn:{p}:iam::*:role/{STACKSET_EXECUTION_ROLE_NAME}")
    stacks = f"arn:{p}:cloudformation:*:*:stack/{STACKSET_STACK_PREFIX}{names.stackset_name_prefix}-*"
    exempt = _exempt(names, exempt_role_arns)
    return [
        {"Sid": "DenyBaselineIamChanges", "Effect": "Deny", "Action": list(IAM_WRITE_ACTIONS), "Resource": iam_resources, "Condition": exempt},
        {"Sid": "DenyBaselineStackChanges", "Effect": "Deny", "Action": list(STACK_WRITE_ACTIONS), "Resource": [stacks, f"{stacks}/*"], "Condition": exempt},
    ]


def seal_identity_deployment(deployment: IdentityDeployment) -> list[Statement]:
    """Only the management account deploys the identity account's stack, and only through its CDK
    bootstrap deploy role.

    The identity account's baseline is a ``cdk deploy`` stack whose CDK execution role the
    protection guard rails spare (:func:`iam_baseline.config.identity_deployment.identity_stack_deployer`). Its
    deploy role trusts the identity account as well as the management account (``cdk bootstrap
    --trust``), so without these statements an administrator of the identity account would deploy
    through the spared role. SCPs never apply to the management account's principals (AWS
    Organizations User Guide, "SCP effects on permissions"), so denying ``sts:AssumeRole`` of the
    deploy and execution roles to every principal of the member accounts leaves the management
    account alone able to assume them; the execution role is passed by the deploy role only
    (AWS CDK Developer Guide, "Bootstrapping": the deploy role passes CloudFormation the
    execution role); and the stack itself (``config.stack_name`` in that account, whose service
    role the execution role is: "any user who has permission to perform operations on that stack
    can use that role", CloudFormation User Guide, "CloudFormation service role") changes only
    through those two roles.
    """
    from ..identity.stack_actions import STACK_WRITE_ACTIONS

    roles = [deployment.deploy_role, deployment.execution_role]
    return [
        {"Sid": "DenyIdentityDeployRoles", "Effect": "Deny", "Action": "sts:AssumeRole", "Resource": roles},
        {"Sid": "DenyIdentityExecRolePassing", "Effect": "Deny", "Action": "iam:PassRole", "Resource": deployment.execution_role,
         "Condition": {"ArnNotEquals": {"aws:PrincipalArn": deployment.deploy_role}}},
        {"Sid": "DenyIdentityStackChanges", "Effect": "Deny", "Action": list(STACK_WRITE_ACTIONS), "Resource": deployment.stack,
         "Condition": {"ArnNotEquals": {"aws:PrincipalArn": roles}}},
    ]


def protect_detection(names: BaselineNames, exempt_role_arns: Sequence[str]) -> list[Statement]:
    """Deny switching off the baseline's detection in member accounts, except by the exempt roles.

    The same rules as the developer guard rails (:mod:`iam_baseline.identity.protection`), for
    every principal of the member account: nothing but reading on a resource tagged as
    protected, no request that sets or removes the tag, and nothing but reading on the alert
    rules and functions of the StackSet stacks, the alert topic, the analyzers and log groups.
    """
    from ..identity.protection import NAMED_READ_ACTIONS, PROTECTED_READ_ACTIONS

    p, exempt = names.partition, _exempt(names, exempt_role_arns)
    stack = f"{STACKSET_STACK_PREFIX}{names.stackset_name_prefix}-"
    named = [
        f"arn:{p}:events:*:*:rule/{stack}*",
        f"arn:{p}:lambda:*:*:function:{stack}*",
        *(f"arn:{p}:sns:*:*:{t}*" for t in names.topic_names),
        *(f"arn:{p}:access-analyzer:*:*:analyzer/{a}*" for a in names.analyzer_names),
        *(f"arn:{p}:logs:*:*:log-group:{g}*" for g in names.log_group_names),
    ]
    statements: list[Statement] = []
    if names.protection_tag is not None:
        key, value = names.protection_tag
        tagged = {"StringEquals": {f"aws:ResourceTag/{key}": value}, **exempt}
        passable = names.passable_service_roles
        statements += [
            {
                "Sid": "DenyProtectedResourceChanges",
                "Effect": "Deny",
                # Assuming a tagged baseline role is how people use it (sts:AssumeRole evaluates
                # the role's tags): only changes are denied. With developer-passed service roles,
                # iam:PassRole leaves this statement for the two below.
                "NotAction": [*PROTECTED_READ_ACTIONS, *ROLE_USE_ACTIONS, *(["iam:PassRole"] if passable else [])],
                "Resource": "*",
                "Condition": tagged,
            },
            *_passable_role_statements(p, passable, tagged, exempt),
            {
                "Sid": "DenyProtectionTagChanges",
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": [key]}, **exempt},
            },
        ]
    statements.append(
        {"Sid": "DenyDetectionChanges", "Effect": "Deny", "NotAction": list(NAMED_READ_ACTIONS), "Resource": named, "Condition": exempt}
    )
    return statements


def _passable_role_statements(
    partition: str, passable: Sequence[tuple[str, str]], tagged: dict[str, Any], exempt: dict[str, Any]
) -> list[Statement]:
    """Passing a tagged role stays denied but for ``passable`` (role path + name, service), each
    to its own service, in every member account: the developer guard rails' rule
    (:func:`~iam_baseline.config.service_roles.pass_role_exemption`)."""
    roles = [(f"arn:{partition}:iam::*:role{role}", service) for role, service in passable]
    return pass_role_exemption(roles, tagged, exempt)


def deny_iam_users() -> list[Statement]:
    """Deny creating IAM users and access keys: people sign in through IAM Identity Center and
    workloads use roles (IAM User Guide, "Security best practices in IAM")."""
    return [{"Sid": "DenyIamUsersAndKeys", "Effect": "Deny", "Action": ["iam:CreateUser", "iam:CreateAccessKey"], "Resource": "*"}]


def region_allow_list(regions: Sequence[str], exempt_arns: Sequence[str]) -> list[Statement]:
    """Deny requests outside ``regions``, the global services of :data:`GLOBAL_SERVICE_ACTIONS` exempt."""
    condition: dict[str, Any] = {"StringNotEquals": {"aws:RequestedRegion": sorted(set(regions))}}
    if exempt_arns:
        condition["ArnNotLike"] = {"aws:PrincipalArn": list(exempt_arns)}
    return [{"Sid": "DenyOutsideAllowedRegions", "Effect": "Deny", "NotAction": list(GLOBAL_SERVICE_ACTIONS), "Resource": "*", "Condition": condition}]


def protect_baseline_description(
    scps: ServiceControlPoliciesConfig, deployers: Sequence[str] = (), identity: IdentityDeployment | None = None
) -> str:
    """What ``ProtectBaseline`` says it does, naming who still changes the baseline: exactly the
    roles its condition spares (:func:`_exempt`), i.e. the StackSet execution roles, the declared
    ``exempt_role_arns`` and the derived ``deployers`` (the identity account's CDK execution role,
    whose deployment ``identity`` seals to the management account). Kept short: the packed SCP's
    description joins every guard rail's and holds at most 512 characters (AWS Organizations API
    Reference, ``CreatePolicy``)."""
    changers = ["the StackSet execution roles"]
    if scps.exempt_role_arns:
        changers.append("the exempt roles")
    if identity is not None:
        changers.append("the identity account's CDK execution role (deployed from the management account)")
    elif deployers:
        changers.append("the deployer roles")
    listed = changers[0] if len(changers) == 1 else f"{', '.join(changers[:-1])} and {changers[-1]}"
    return f"Only {listed} change the baseline."


@dataclass(frozen=True)
class Guardrail:
    """One enabled guard rail: its name (part of the policy name), its statements, its targets."""

    name: str
    statements: tuple[Statement, ...]
    targets: tuple[str, ...]
    description: str


def default_guardrails(
    scps: ServiceControlPoliciesConfig,
    names: BaselineNames,
    home_region: str,
    placement: Callable[[GuardrailConfig], tuple[str, ...]] = lambda config: config.targets,
    deployers: Sequence[str] = (),
    identity: IdentityDeployment | None = None,
) -> list[Guardrail]:
    """The enabled default guard rails of ``scps``, in config order.

    ``placement`` gives a guard rail's attachment targets ('root', OU paths, account ids);
    default: its ``targets`` (``config.organization_policies.attachment_targets`` adds
    ``accounts`` and ``exclude``). ``deployers``: role ARNs exempt like ``exempt_role_arns``,
    derived rather than declared (the CDK execution role of the identity account's stack,
    :func:`iam_baseline.config.identity_deployment.identity_stack_deployer`). ``identity``: the member identity
    account's ``cdk deploy`` of its stack, sealed in ``ProtectBaseline``
    (:func:`seal_identity_deployment`).
    """
    exempt = (*scps.exempt_role_arns, *deployers)
    sealed = seal_identity_deployment(identity) if identity is not None else []
    built = [
        ("DenyRootUser", scps.deny_root_user, deny_root_user(names.partition), "Member root users act only in sts:AssumeRoot sessions."),
        ("DenyLeaveOrganization", scps.deny_leaving_organization, deny_leaving_organization(), "No account leaves the organization."),
        ("ProtectBaseline", scps.protect_baseline, [*protect_baseline(names, exempt), *sealed], protect_baseline_description(scps, deployers, identity)),
        ("ProtectDetection", scps.protect_detection, protect_detection(names, exempt), "Nobody switches off the baseline's detection."),
        ("DenyIamUsers", scps.deny_iam_users, deny_iam_users(), "No IAM users or access keys."),
        (
            "RegionAllowList",
            scps.region_allow_list,
            region_allow_list(
                (home_region, *scps.region_allow_list.regions),
                [f"arn:{names.partition}:iam::*:role/{STACKSET_EXECUTION_ROLE_NAME}", *exempt],
            ),
            "Requests only in the allowed regions (global services exempt).",
        ),
    ]
    return [Guardrail(name, tuple(stmts), placement(config), why) for name, config, stmts, why in built if config.enabled]
