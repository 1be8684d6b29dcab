"""The developer permissions boundary.

A permissions boundary sets the maximum permissions an identity-based policy can grant to a
role (IAM User Guide, "Permissions boundaries for IAM entities"). Every role a developer
creates must carry this one, so a developer who writes ``"Action": "*"`` into a new role's
policy still gets no more than the boundary: service access, no account, organization or
billing administration, no IAM users or access keys, no access to the baseline users' initial
passwords, and no way out of the boundary.

The escalation paths it closes are those of the published lists (Rhino Security Labs,
"AWS IAM Privilege Escalation - Methods and Mitigation"): new policy versions or default
versions on the boundary, attaching or writing policies to a role without the boundary,
deleting or replacing the boundary, creating users, login profiles or access keys, and
touching the baseline's own IAM resources.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_iam as iam
from constructs import Construct

from ..compliance.nag_readable import let_nag_read_not_action
from ..config.service_linked_roles import DEFAULT_SERVICE_LINKED_ROLE_SERVICES
from .arns import iam_arn, managed_policy_arn, secret_arns
from .password_policy import INLINE_HANDLER_LOG_GROUP
from .protection import PassableServiceRole, ProtectedResources, protection_statements, service_role_pass_allow_statements
from .users import INITIAL_PASSWORD_SECRET_PREFIX

#: Stack name prefixes developers may write to by default (see :func:`bounded_role_statements`).
DEFAULT_DEVELOPER_STACK_PREFIXES: tuple[str, ...] = ("dev-", "sandbox-")

#: Services a bounded role may never administer (the NotAction of the allow statement).
#: IAM is allowed back selectively; see :func:`boundary_statements`.
ADMINISTRATIVE_SERVICES: tuple[str, ...] = ("iam:*", "organizations:*", "account:*")

#: What the boundary allows back of :data:`ADMINISTRATIVE_SERVICES`: reading IAM, the
#: organization and the account (one statement: same resource, no condition).
BOUNDARY_READ_ACTIONS: tuple[str, ...] = (
    "iam:Get*",
    "iam:List*",
    "organizations:DescribeOrganization",
    "account:GetAccountInformation",
    "account:ListRegions",
)

#: Billing and cost administration writes, denied outright.
BILLING_ADMINISTRATION_ACTIONS: tuple[str, ...] = (
    "aws-portal:Modify*",
    "billing:Put*",
    "billing:Update*",
    "payments:*",
    "tax:Put*",
    "tax:Update*",
    "tax:Delete*",
    "purchase-orders:*",
    "account:Put*",
    "account:Delete*",
    "account:Enable*",
    "account:Disable*",
    "account:CloseAccount",
    "account:Accept*",
    "account:Start*",
)

#: Role-management actions that accept the ``iam:PermissionsBoundary`` condition key.
#: Source: Service Authorization Reference, "Actions defined by AWS Identity and Access Management".
BOUNDED_ROLE_ACTIONS: tuple[str, ...] = (
    "iam:CreateRole",
    "iam:PutRolePermissionsBoundary",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
)

#: Changing a managed policy's content: how a boundary or a protected policy is widened.
POLICY_VERSION_ACTIONS: tuple[str, ...] = (
    "iam:CreatePolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:SetDefaultPolicyVersion",
)

#: Managing IAM users and their credentials: never for developers or their roles.
USER_MANAGEMENT_ACTIONS: tuple[str, ...] = (
    "iam:CreateUser",
    "iam:DeleteUser",
    "iam:UpdateUser",
    "iam:CreateAccessKey",
    "iam:UpdateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AddUserToGroup",
    "iam:RemoveUserFromGroup",
    "iam:AttachUserPolicy",
    "iam:PutUserPolicy",
    "iam:PutUserPermissionsBoundary",
    "iam:DeleteUserPermissionsBoundary",
    "iam:AttachGroupPolicy",
    "iam:PutGroupPolicy",
    "iam:CreateGroup",
    "iam:UpdateGroup",
    "iam:CreateServiceSpecificCredential",
    "iam:UploadSSHPublicKey",
    "iam:UploadSigningCertificate",
    "iam:DeactivateMFADevice",
    "iam:DeleteVirtualMFADevice",
)


#: Deny statements of :func:`bounded_role_statements` that refuse nothing the boundary's own
#: Allow statements allow, left out of the boundary (one policy of at most 6,144 characters,
#: IAM quotas) and kept in the Developer's guard rails, where another attached policy could
#: allow their requests:
#:
#: * IAM user management, removing a boundary, deleting a service-linked role, creating one
#:   for a service not listed: no Allow of the boundary covers these actions;
#: * ``DenyRoleManagementWithoutBoundary``: the one Allow of :data:`BOUNDED_ROLE_ACTIONS`
#:   requires ``iam:PermissionsBoundary`` to equal the boundary (``StringEquals`` is false for
#:   an absent key), exactly where the Deny's ``StringNotEquals`` would not apply;
#: * ``DenyBoundaryAndBaselinePolicyEdits``: the boundary sits under the protected path, and
#:   ``DenyBaselineResourceChanges`` denies every action but ``iam:Get*``/``iam:List*`` on
#:   ``policy<protected path>*``.
#:
#: tests/test_boundary_equivalence.py proves with z3 that the boundary allows what it allowed
#: with them.
BOUNDARY_REDUNDANT_SIDS: frozenset[str] = frozenset(
    {"DenyUserAndCredentialManagement", "DenyBoundaryRemoval", "DenyServiceLinkedRoleDeletion", "DenyOtherServiceLinkedRoles",
     "DenyRoleManagementWithoutBoundary", "DenyBoundaryAndBaselinePolicyEdits"}
)


def service_linked_role_statement(services: Sequence[str], *, effect: iam.Effect) -> iam.PolicyStatement:
    """``iam:CreateServiceLinkedRole`` limited by ``iam:AWSServiceName`` to ``services``.

    ``effect=ALLOW`` (the boundary): allowed for those services only. ``effect=DENY`` (the
    Developer's guard rails, whose PowerUserAccess allows it for every service): denied for
    every other service; with no services, denied outright. A service-linked role lets a
    service act in the account with permissions AWS defines: which services may get one is
    the account owner's choice, not a developer's. Source: IAM User Guide, "Create a
    service-linked role" and "Service-linked role permissions".
    """
    allow = effect == iam.Effect.ALLOW
    operator = "StringLike" if allow else "StringNotLike"
    return iam.PolicyStatement(
        sid="AllowServiceLinkedRoles" if allow else "DenyOtherServiceLinkedRoles",
        effect=effect,
        actions=["iam:CreateServiceLinkedRole"],
        resources=["*"],
        conditions={operator: {"iam:AWSServiceName": list(services)}} if services else None,
    )


def bounded_role_statements(
    *,
    boundary_arn: str,
    workload_role_path: str,
    protected_path: str,
    assumable_cdk_qualifiers: Sequence[str] = (),
    service_linked_roles: Sequence[str] = DEFAULT_SERVICE_LINKED_ROLE_SERVICES,
    protected_secret_prefix: str = INITIAL_PASSWORD_SECRET_PREFIX,
    in_boundary: bool = False,
) -> list[iam.PolicyStatement]:
    """IAM statements shared by the boundary and the developer's guard rails.

    They let a principal manage roles under ``workload_role_path`` only with
    ``boundary_arn`` attached, pass only those roles, author managed policies under the same
    path, and deny every way around that. The protection of the baseline's other resources is
    :func:`~iam_baseline.identity.protection.protection_statements`.

    Args:
        boundary_arn: ARN of the developer permissions boundary.
        workload_role_path: IAM path of roles developers create, e.g. ``/workload/``.
        protected_path: IAM path of the baseline's own roles, groups, users and policies.
        assumable_cdk_qualifiers: CDK bootstrap qualifiers whose roles
            (``cdk-<qualifier>-*``) may be assumed besides the workload roles. The
            bootstrap that deploys the baseline must not be among them: its deploy role
            trusts the whole account and hands CloudFormation an administrator execution role.
        protected_secret_prefix: name prefix of the secrets holding the baseline users' initial
            passwords; reading or setting one would let a developer sign in as that user.
        service_linked_roles: services (``iam:AWSServiceName`` patterns) that may get a
            service-linked role; every other one is denied (see :func:`service_linked_role_statement`).
        in_boundary: leave out the Deny statements whose actions the boundary never allows
            (:data:`BOUNDARY_REDUNDANT_SIDS`): a boundary's implicit deny cannot be overridden,
            and the boundary is one policy of at most 6,144 characters (IAM quotas).
    """
    workload_roles = iam_arn(f"role{workload_role_path}*")
    assumable_roles = [workload_roles, *(iam_arn(f"role/cdk-{q}-*") for q in assumable_cdk_qualifiers)]
    protected_iam = [iam_arn(f"{kind}{protected_path}*") for kind in ("role", "group", "user", "policy")]
    statements = [
        iam.PolicyStatement(
            sid="AllowWorkloadRoleManagementWithBoundary",
            actions=list(BOUNDED_ROLE_ACTIONS),
            resources=[workload_roles],
            conditions={"StringEquals": {"iam:PermissionsBoundary": boundary_arn}},
        ),
        iam.PolicyStatement(
            sid="AllowWorkloadRoleMaintenance",
            actions=[
                "iam:DeleteRole",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:UpdateRole",
                "iam:UpdateRoleDescription",
                "iam:UpdateAssumeRolePolicy",
                "iam:PassRole",
            ],
            # Only roles under the workload path, which can only be created with the boundary.
            resources=[workload_roles],
        ),
        iam.PolicyStatement(
            sid="AllowWorkloadPolicyAuthoring",
            actions=[*POLICY_VERSION_ACTIONS, "iam:CreatePolicy", "iam:TagPolicy", "iam:UntagPolicy"],
            resources=[iam_arn(f"policy{workload_role_path}*")],
        ),
        iam.PolicyStatement(
            sid="DenyRoleManagementWithoutBoundary",
            effect=iam.Effect.DENY,
            actions=list(BOUNDED_ROLE_ACTIONS),
            resources=["*"],
            conditions={"StringNotEquals": {"iam:PermissionsBoundary": boundary_arn}},
        ),
        iam.PolicyStatement(
            sid="DenyBoundaryRemoval",
            effect=iam.Effect.DENY,
            actions=["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="DenyBoundaryAndBaselinePolicyEdits",
            effect=iam.Effect.DENY,
            actions=list(POLICY_VERSION_ACTIONS),
            resources=[boundary_arn, iam_arn(f"policy{protected_path}*")],
        ),
        iam.PolicyStatement(
            sid="DenyBaselineResourceChanges",
            effect=iam.Effect.DENY,
            # Everything but reading: includes iam:PassRole of the baseline's own roles.
            not_actions=["iam:Get*", "iam:List*"],
            resources=protected_iam,
        ),
        iam.PolicyStatement(
            sid="DenyAssumeRoleOutsideWorkload",
            effect=iam.Effect.DENY,
            # Any role trusting the whole account (the CDK bootstrap deploy role, roles made by
            # other tools) would otherwise be one sts:AssumeRole away from its permissions.
            actions=["sts:AssumeRole"],
            not_resources=assumable_roles,
        ),
        iam.PolicyStatement(
            sid="DenyBaselineInitialPasswords",
            effect=iam.Effect.DENY,
            actions=["secretsmanager:*"],
            resources=[secret_arns(protected_secret_prefix)],
        ),
        iam.PolicyStatement(
            sid="DenyUserAndCredentialManagement",
            effect=iam.Effect.DENY,
            actions=list(USER_MANAGEMENT_ACTIONS),
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="DenyAccountOrganizationBillingAdministration",
            effect=iam.Effect.DENY,
            # The boundary allows no account:* action but two reads (AllowServiceAccess leaves
            # the service out): its account:* entries would deny what it never allows.
            actions=[a for a in BILLING_ADMINISTRATION_ACTIONS if not (in_boundary and a.startswith("account:"))],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="DenyServiceLinkedRoleDeletion",
            effect=iam.Effect.DENY,
            # PowerUserAccess allows it; deleting e.g. Access Analyzer's role switches it off.
            actions=["iam:DeleteServiceLinkedRole"],
            resources=["*"],
        ),
        service_linked_role_statement(service_linked_roles, effect=iam.Effect.DENY),
    ]
    if in_boundary:
        statements = [s for s in statements if s.sid not in BOUNDARY_REDUNDANT_SIDS]
    return statements


class DeveloperPermissionsBoundary(Construct):
    """The customer managed policy that bounds every role a developer creates.

    Creates one ``AWS::IAM::ManagedPolicy`` with a fixed name, so its ARN is known without a
    reference (the policy names itself in its own Deny statements). :attr:`arn` is that ARN.

    Args:
        scope: parent construct.
        id: construct id.
        managed_policy_name: IAM name, 1-128 characters; default ``DeveloperBoundary``.
        path: IAM path of the policy, e.g. ``/baseline/`` (the protected path).
        workload_role_path: path of the roles developers create, e.g. ``/workload/``.
        assumable_cdk_qualifiers: see :func:`bounded_role_statements`.
        developer_stack_prefixes, protected: see
            :func:`~iam_baseline.identity.protection.protection_statements`.
        service_linked_roles: services that may get a service-linked role
            (:func:`service_linked_role_statement`); empty: none.
        passable_service_roles: declared service roles a bounded role may pass, each to its
            service only (allowed here, exempted from the tag Deny: see
            :func:`~iam_baseline.identity.protection.passable_role_statements`). Every role the
            developers create carries this boundary, so only roles that a developer may pass
            anyway belong here (``config.service_roles.boundary_passable_roles``).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        managed_policy_name: str = "DeveloperBoundary",
        path: str,
        workload_role_path: str,
        assumable_cdk_qualifiers: Sequence[str] = (),
        developer_stack_prefixes: Sequence[str] = DEFAULT_DEVELOPER_STACK_PREFIXES,
        protected: ProtectedResources = ProtectedResources(),
        service_linked_roles: Sequence[str] = DEFAULT_SERVICE_LINKED_ROLE_SERVICES,
        passable_service_roles: Sequence[PassableServiceRole] = (),
    ) -> None:
        super().__init__(scope, id)
        self.arn = managed_policy_arn(path, managed_policy_name)
        statements = [
            iam.PolicyStatement(
                sid="AllowServiceAccess",
                not_actions=list(ADMINISTRATIVE_SERVICES),
                resources=["*"],
            ),
            iam.PolicyStatement(sid="AllowReads", actions=list(BOUNDARY_READ_ACTIONS), resources=["*"]),
            # Deleting a service-linked role is denied to all: it switches a service off.
            *([service_linked_role_statement(service_linked_roles, effect=iam.Effect.ALLOW)] if service_linked_roles else []),
            *service_role_pass_allow_statements(passable_service_roles),
            *bounded_role_statements(
                boundary_arn=self.arn,
                workload_role_path=workload_role_path,
                protected_path=path,
                assumable_cdk_qualifiers=assumable_cdk_qualifiers,
                service_linked_roles=service_linked_roles,
                in_boundary=True,
            ),
            *protection_statements(
                workload_roles=iam_arn(f"role{workload_role_path}*"),
                developer_stack_prefixes=developer_stack_prefixes,
                protected=protected,
                inline_log_group=INLINE_HANDLER_LOG_GROUP,
                passable=passable_service_roles,
                in_boundary=True,
            ),
        ]
        self.policy = iam.ManagedPolicy(
            self,
            "Resource",
            managed_policy_name=managed_policy_name,
            path=path,
            description="Permissions boundary for every role developers create.",
            statements=statements,
        )
        # cdk-nag 3.0.2's AwsSolutions-IAM5 throws on a NotAction Allow and would then be
        # acknowledgeable only rule-wide: let it read this one (the template is unchanged).
        let_nag_read_not_action(self.policy, "AllowServiceAccess")
