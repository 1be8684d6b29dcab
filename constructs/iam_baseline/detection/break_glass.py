"""The break-glass path: a way into the account when federation or the normal path is down.

Users mode (default): one IAM user per person, in a ``BreakGlass`` group whose only
permissions are the force-MFA self-service policy and ``sts:AssumeRole`` on the Admin role
with MFA. Console password only (never an access key), no permissions boundary (the
developer boundary would deny what an incident needs), and the users sit under the
baseline's IAM path, which the developer guard rails forbid developers to touch. Role mode: a
role with AdministratorAccess that only the named principals may assume, with MFA (the same
trust conditions as the persona roles).

Everything here is retained when the stack is deleted or a resource would be replaced
(``DeletionPolicy``/``UpdateReplacePolicy: Retain``), so a bad change cannot remove the last
way in. Source: AWS Security Incident Response Guide, "Break glass access"; CIS AWS
Foundations 1.x (no access keys for console users).
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from ..identity import HumanUser, HumanUserGroup, mfa_trust_conditions
from ..identity.users import INITIAL_PASSWORD_LENGTH


class BreakGlassUsers(Construct):
    """A ``BreakGlass`` group and one IAM user per person, retained on deletion.

    Args:
        scope: parent construct.
        id: construct id.
        group_name: IAM group name, 1-64 characters.
        user_names: IAM user names, 1-64 characters each; at least one.
        path: IAM path of the group, its policy and the users (the protected baseline path).
        force_mfa_policy: the baseline's force-MFA policy (every action but MFA enrolment and
            the first password change is denied without MFA).
        admin_role: the role the users may assume with MFA.
        encryption_key: KMS key of the initial-password secrets.
        password_length: length of the generated initial passwords, 6-128 characters; at
            least the account password policy's minimum length (else the login profiles
            fail to deploy). Default 32.

    Raises:
        ValueError: when ``user_names`` is empty or ``password_length`` is outside 6-128.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        group_name: str,
        user_names: Sequence[str],
        path: str,
        force_mfa_policy: iam.IManagedPolicy,
        admin_role: iam.IRole,
        encryption_key: kms.IKey,
        password_length: int = INITIAL_PASSWORD_LENGTH,
    ) -> None:
        super().__init__(scope, id)
        if not user_names:
            raise ValueError("break-glass users mode needs at least one user name")
        group = HumanUserGroup(
            self,
            "Group",
            group_name=group_name,
            path=path,
            force_mfa_policy=force_mfa_policy,
            assumable_roles=[admin_role],
        )
        self.group = group.group
        retained = [group.group, group.assume_policy]
        self.users: dict[str, iam.IUser] = {}
        for name in user_names:
            user = HumanUser(
                self,
                name,
                user_name=name,
                path=path,
                groups=[group.group],
                encryption_key=encryption_key,
                password_length=password_length,
            )
            self.users[name] = user.user
            retained.append(user.user)
        for resource in retained:
            resource.apply_removal_policy(RemovalPolicy.RETAIN)


class BreakGlassRole(Construct):
    """A role with AdministratorAccess that only named principals may assume, with MFA.

    Its trust policy has one statement: the principals in ``trusted_principals``,
    ``sts:AssumeRole``, and :func:`~iam_baseline.identity.mfa_trust_conditions`. Retained on deletion.

    Args:
        scope: parent construct.
        id: construct id.
        role_name: IAM role name, 1-64 characters.
        trusted_principals: IAM user or role ARNs; at least one.
        path: IAM path of the role.
        mfa_max_age_seconds: largest accepted ``aws:MultiFactorAuthAge`` (1-129600 seconds).
        max_session_duration_seconds: 3600-43200 seconds.

    Raises:
        ValueError: when ``trusted_principals`` is empty or the MFA age is out of range.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        role_name: str,
        trusted_principals: Sequence[str],
        path: str,
        mfa_max_age_seconds: int,
        max_session_duration_seconds: int = 3600,
    ) -> None:
        super().__init__(scope, id)
        if not trusted_principals:
            raise ValueError("the break-glass role needs at least one trusted principal")
        principal = iam.CompositePrincipal(*(iam.ArnPrincipal(arn) for arn in trusted_principals))
        self.role = iam.Role(
            self,
            "Resource",
            role_name=role_name,
            path=path,
            description="Break-glass administrator access; every assumption raises an alert.",
            assumed_by=principal.with_conditions(mfa_trust_conditions(mfa_max_age_seconds)),
            max_session_duration=Duration.seconds(max_session_duration_seconds),
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess")],
        )
        self.role.apply_removal_policy(RemovalPolicy.RETAIN)
