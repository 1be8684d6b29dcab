"""The developer role's guard rails: the IAM it may do, and the escalation it may not.

The Developer role carries AWS's ``PowerUserAccess`` (every service except IAM,
Organizations and Account administration) plus this customer managed policy, which adds
back exactly the IAM a developer needs to ship workloads (roles and policies under the
workload path, always with the permissions boundary) and explicitly denies billing
administration, user and credential management, access to the baseline users' initial
passwords, any change to the boundary or the baseline's own resources and detection, writes
to CDK bootstrap assets, and stack writes outside the developers' stack name prefixes. The statements are shared with the boundary itself
(:func:`~iam_baseline.identity.boundary.bounded_role_statements`), so a developer and every
role a developer creates follow the same rules.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_iam as iam
from constructs import Construct

from .arns import iam_arn
from ..config.service_linked_roles import DEFAULT_SERVICE_LINKED_ROLE_SERVICES
from .boundary import DEFAULT_DEVELOPER_STACK_PREFIXES, bounded_role_statements
from .password_policy import INLINE_HANDLER_LOG_GROUP
from .protection import PassableServiceRole, ProtectedResources, protection_statements


class DeveloperGuardrailsPolicy(Construct):
    """Customer managed policies for the Developer role: bounded role management only, and
    no change to the baseline's protected resources, CDK assets or other teams' stacks.

    Creates two ``AWS::IAM::ManagedPolicy``: :attr:`policy` (the IAM rules,
    ``managed_policy_name``) and :attr:`protection_policy` (``protection_policy_name``, the
    statements of :func:`~iam_baseline.identity.protection.protection_statements`). Two,
    because together they exceed the 6,144 characters of one managed policy (IAM quotas).

    Args:
        scope: parent construct.
        id: construct id.
        boundary_arn: ARN of the developer permissions boundary
            (:class:`~iam_baseline.identity.boundary.DeveloperPermissionsBoundary`).
        path: IAM path of the policy and of the baseline's protected resources.
        workload_role_path: path of the roles and policies developers create.
        assumable_cdk_qualifiers: CDK bootstrap qualifiers whose roles developers may assume
            (see :func:`~iam_baseline.identity.boundary.bounded_role_statements`).
        developer_stack_prefixes: stack name prefixes developers may write to (same function).
        protected: baseline detection resources denied by name (same function).
        service_linked_roles: services PowerUserAccess may create a service-linked role for;
            every other one is denied (same function).
        passable_service_roles: declared service roles the Developer may pass, each to its
            service only: exempted from the protection's tag Deny (see
            :func:`~iam_baseline.identity.protection.passable_role_statements`).
        managed_policy_name: IAM name, 1-128 characters; default ``DeveloperGuardrails``.
        protection_policy_name: IAM name, 1-128 characters; default ``DeveloperProtection``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        boundary_arn: str,
        path: str,
        workload_role_path: str,
        assumable_cdk_qualifiers: Sequence[str] = (),
        developer_stack_prefixes: Sequence[str] = DEFAULT_DEVELOPER_STACK_PREFIXES,
        protected: ProtectedResources = ProtectedResources(),
        service_linked_roles: Sequence[str] = DEFAULT_SERVICE_LINKED_ROLE_SERVICES,
        passable_service_roles: Sequence[PassableServiceRole] = (),
        managed_policy_name: str = "DeveloperGuardrails",
        protection_policy_name: str = "DeveloperProtection",
    ) -> None:
        super().__init__(scope, id)
        self.policy = iam.ManagedPolicy(
            self,
            "Resource",
            managed_policy_name=managed_policy_name,
            path=path,
            description="Developer IAM: roles and policies under the workload path, always with the boundary.",
            statements=bounded_role_statements(
                boundary_arn=boundary_arn,
                workload_role_path=workload_role_path,
                protected_path=path,
                assumable_cdk_qualifiers=assumable_cdk_qualifiers,
                service_linked_roles=service_linked_roles,
            ),
        )
        self.protection_policy = iam.ManagedPolicy(
            self,
            "Protection",
            managed_policy_name=protection_policy_name,
            path=path,
            description="Developer: no change to the baseline's detection, CDK assets or other stacks.",
            statements=protection_statements(
                workload_roles=iam_arn(f"role{workload_role_path}*"),
                developer_stack_prefixes=developer_stack_prefixes,
                protected=protected,
                inline_log_group=INLINE_HANDLER_LOG_GROUP,
                passable=passable_service_roles,
            ),
        )
