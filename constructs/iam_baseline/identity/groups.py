"""Groups of human IAM users whose only permissions are self-service and assuming roles.

CIS AWS Foundations 1.15: IAM users receive permissions only through groups. This
baseline goes further: the groups grant nothing but the force-MFA self-service policy and
``sts:AssumeRole`` on their own roles, so all access flows through MFA-gated role sessions.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_iam as iam
from constructs import Construct


class HumanUserGroup(Construct):
    """An IAM group for people, with the force-MFA policy and an assume-role policy.

    Creates an ``AWS::IAM::Group`` (:attr:`group`) and a customer managed policy
    (:attr:`assume_policy`) that allows ``sts:AssumeRole`` on ``assumable_roles`` only when
    the caller signed in with MFA (``Bool aws:MultiFactorAuthPresent = true``), matching the
    roles' trust policies.

    Args:
        scope: parent construct.
        id: construct id.
        group_name: IAM group name, 1-64 characters of ``[\\w+=,.@-]``.
        path: IAM path of the group and its policy, e.g. ``/baseline/``.
        force_mfa_policy: the self-service policy attached to every human group.
        assumable_roles: the roles of this account members may assume (AssumeRoles policy,
            only when some are given).
        member_role_policies: policies allowing ``sts:AssumeRole`` on member accounts' roles
            (the identity account's half of a hop, :mod:`.hub`), attached too.

    Raises:
        ValueError: when ``assumable_roles`` and ``member_role_policies`` are both empty.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        group_name: str,
        path: str,
        force_mfa_policy: iam.IManagedPolicy,
        assumable_roles: Sequence[iam.IRole],
        member_role_policies: Sequence[iam.IManagedPolicy] = (),
    ) -> None:
        super().__init__(scope, id)
        if not assumable_roles and not member_role_policies:
            raise ValueError(f"group {group_name!r} must be able to assume at least one role")
        self.assume_policy: iam.ManagedPolicy | None = None
        if not assumable_roles:
            self.group = iam.Group(
                self, "Resource", group_name=group_name, path=path,
                managed_policies=[force_mfa_policy, *member_role_policies],
            )
            return
        self.assume_policy = iam.ManagedPolicy(
            self,
            "AssumeRolesPolicy",
            managed_policy_name=f"{group_name}-AssumeRoles",
            path=path,
            description=f"Members of {group_name} may assume their roles with MFA.",
            statements=[
                iam.PolicyStatement(
                    sid="AllowAssumeOwnRolesWithMfa",
                    actions=["sts:AssumeRole"],
                    resources=[role.role_arn for role in assumable_roles],
                    conditions={"Bool": {"aws:MultiFactorAuthPresent": "true"}},
                )
            ],
        )
        self.group = iam.Group(
            self,
            "Resource",
            group_name=group_name,
            path=path,
            managed_policies=[force_mfa_policy, self.assume_policy, *member_role_policies],
        )
