"""The developer role's guard rails: the IAM it may do, and the escalation it may not.

The Developer role carries AWS's ``PowerUserAccess`` (every service except IAM,
Organizations and Account administration) plus this customer managed policy, which adds
back exactly the IAM a developer needs to ship workloads (roles and policies under the
workload path, always with the permissions boundary) and explicitly denies billing
administration, user and credential management, access to the baseline users' initial
passwords, and any change to the boundary or the baseline's own resources. The statements are shared with the boundary itself
(:func:`~iam_baseline.identity.boundary.bounded_role_statements`), so a developer and every
role a developer creates follow the same rules.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_iam as iam
from constructs import Construct

from .boundary import bounded_role_statements


class DeveloperGuardrailsPolicy(Construct):
    """A customer managed policy for the Developer role: bounded role management only.

    Creates one ``AWS::IAM::ManagedPolicy`` (:attr:`policy`).

    Args:
        scope: parent construct.
        id: construct id.
        boundary_arn: ARN of the developer permissions boundary
            (:class:`~iam_baseline.identity.boundary.DeveloperPermissionsBoundary`).
        path: IAM path of the policy and of the baseline's protected resources.
        workload_role_path: path of the roles and policies developers create.
        assumable_cdk_qualifiers: CDK bootstrap qualifiers whose roles developers may assume
            (see :func:`~iam_baseline.identity.boundary.bounded_role_statements`).
        managed_policy_name: IAM name, 1-128 characters; default ``DeveloperGuardrails``.
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
        managed_policy_name: str = "DeveloperGuardrails",
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
            ),
        )
