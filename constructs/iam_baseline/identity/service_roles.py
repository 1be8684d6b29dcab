"""Service roles: assumed by one AWS service for a workload, passable only by named personas.

See :mod:`iam_baseline.config.service_roles` for the rules. The trust has one statement (the
service principal, with the confused-deputy conditions where the service sets them); an EC2
role gets an instance profile of the same name; ``iam:PassRole`` on the role is granted to the
``passed_by`` persona roles by one customer managed policy whose only statement names this role
and ``iam:PassedToService`` (IAM User Guide, "Grant a user permissions to pass a role to an AWS
service" and "IAM condition context keys" > ``iam:PassedToService``).
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from ..config.service_roles import ServiceRoleConfig


class ServiceRole(Construct):
    """One ``AWS::IAM::Role`` for ``role.service``, its instance profile (EC2) and the PassRole grant.

    Args:
        scope: parent construct.
        id: construct id.
        role: the validated :class:`ServiceRoleConfig`.
        path: IAM path of the grant policy (the baseline's, protected); the role and its instance
            profile sit under ``role.path`` (see :class:`ServiceRoleConfig`).
        boundary: the permissions boundary (the developer boundary's managed policy).
        passers: the persona roles of ``role.passed_by`` (may be empty: then no grant policy).
        partition: the ARN partition of the stack's region (``aws``, ``aws-cn``, ``aws-us-gov``).
        customer_policies: the ``policies:`` entries ``role.customer_managed_policies`` names, as
            created by the stack (same order).

    Attributes:
        role: the ``iam.Role``; instance_profile: the ``CfnInstanceProfile`` or None;
        pass_role_policy: the ``iam.ManagedPolicy`` granting ``iam:PassRole``, or None.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        role: ServiceRoleConfig,
        path: str,
        boundary: iam.IManagedPolicy,
        passers: Sequence[iam.IRole],
        partition: str,
        customer_policies: Sequence[iam.IManagedPolicy] = (),
    ) -> None:
        super().__init__(scope, id)
        conditions = role.trust_conditions(partition, Stack.of(self).account)
        principal = iam.ServicePrincipal(role.service)
        self.role = iam.Role(
            self,
            "Resource",
            role_name=role.name,
            path=role.path,
            description=f"Service role ({role.service}): {role.reason}"[:1000],
            assumed_by=principal.with_conditions(conditions) if conditions else principal,
            max_session_duration=Duration.seconds(role.max_session_duration_seconds),
            permissions_boundary=boundary,
            managed_policies=[
                *(iam.ManagedPolicy.from_aws_managed_policy_name(n) for n in role.aws_managed_policies),
                *customer_policies,
            ],
        )
        self.instance_profile = None
        if role.has_instance_profile:
            self.instance_profile = iam.CfnInstanceProfile(
                self, "InstanceProfile", instance_profile_name=role.name, path=role.path, roles=[self.role.role_name]
            )
        self.pass_role_policy = None
        if passers:
            self.pass_role_policy = iam.ManagedPolicy(
                self,
                "PassRole",
                path=path,
                description=f"Pass {role.name} to {role.service} only.",
                statements=[
                    iam.PolicyStatement(
                        sid="PassToItsServiceOnly",
                        actions=["iam:PassRole"],
                        resources=[self.role.role_arn],
                        conditions={"StringEquals": {"iam:PassedToService": role.service}},
                    )
                ],
                roles=list(passers),
            )
