"""The account baseline stack: everything one AWS account needs for human IAM access.

Composes the library's identity constructs from a validated :class:`BaselineConfig`.
It never parses files: ``app.py`` loads and validates the config first.
"""

from __future__ import annotations

from aws_cdk import Environment, RemovalPolicy, Stack, Tags
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from iam_baseline.config import BaselineConfig
from iam_baseline.identity import (
    AccountPasswordPolicy,
    DeveloperGuardrailsPolicy,
    DeveloperPermissionsBoundary,
    ForceMfaPolicy,
    HumanUser,
    HumanUserGroup,
    MfaAssumableRole,
)
from iam_baseline.identity.users import INITIAL_PASSWORD_LENGTH


class AccountBaselineStack(Stack):
    """Groups, MFA-gated persona roles, users, force-MFA, password policy and boundary.

    Deployed once per account, in the config's home region (IAM is global: a second
    deployment would fight over the same names and the one password policy).

    Attributes:
        roles: persona ("admin", "developer", "read_only", "support") -> ``iam.Role``.
        groups: group key ("admins", "developers", "read_only") -> ``iam.Group``.
        boundary: the developer permissions boundary construct.
    """

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig) -> None:
        super().__init__(
            scope,
            id,
            stack_name=config.stack_name,
            env=Environment(account=config.account_id, region=config.region),
            description="cdk-iam-baseline: account IAM baseline (groups, MFA roles, guard rails).",
        )
        path = config.iam_path
        for key, value in config.tags.items():
            Tags.of(self).add(key, value)

        force_mfa = ForceMfaPolicy(
            self,
            "ForceMfa",
            path=path,
            allow_password_change_without_mfa=config.mfa.allow_password_change_without_mfa,
        )
        AccountPasswordPolicy(self, "PasswordPolicy", policy=config.password_policy)
        self.boundary = DeveloperPermissionsBoundary(
            self, "DeveloperBoundary", path=path, workload_role_path=config.workload_role_path
        )
        guardrails = DeveloperGuardrailsPolicy(
            self,
            "DeveloperGuardrails",
            boundary_arn=self.boundary.arn,
            path=path,
            workload_role_path=config.workload_role_path,
        )
        aws_managed = iam.ManagedPolicy.from_aws_managed_policy_name
        # Job-function policies: IAM User Guide, "AWS managed policies for job functions".
        persona_policies = {
            "admin": [aws_managed("AdministratorAccess")],
            "developer": [aws_managed("PowerUserAccess"), guardrails.policy],
            "read_only": [aws_managed(config.roles.read_only_managed_policy)],
            "support": [aws_managed("AWSSupportAccess")],
        }
        self.roles: dict[str, iam.IRole] = {}
        for persona, policies in persona_policies.items():
            role_config = getattr(config.roles, persona)
            self.roles[persona] = MfaAssumableRole(
                self,
                f"{_camel(persona)}Role",
                role=role_config,
                account_id=config.account_id,
                mfa_max_age_seconds=config.mfa.max_age_seconds,
                path=path,
                managed_policies=policies,
            ).role

        self.groups: dict[str, iam.IGroup] = {}
        for key in ("admins", "developers", "read_only"):
            group_config = getattr(config.groups, key)
            self.groups[key] = HumanUserGroup(
                self,
                f"{_camel(key)}Group",
                group_name=group_config.name,
                path=path,
                force_mfa_policy=force_mfa.policy,
                assumable_roles=[self.roles[p] for p in group_config.assumable_roles],
            ).group

        password_key = None
        if config.users:
            password_key = kms.Key(
                self,
                "InitialPasswordKey",
                description="Encrypts the initial console passwords of the baseline's IAM users.",
                enable_key_rotation=True,
                removal_policy=RemovalPolicy.RETAIN,
            )
        for user in config.users:
            HumanUser(
                self,
                # The IAM name itself: distinct names such as a.b and a_b must not share an id.
                f"User-{user.name}",
                user_name=user.name,
                path=path,
                groups=[self.groups[g] for g in user.groups],
                encryption_key=password_key,
                password_length=max(INITIAL_PASSWORD_LENGTH, config.password_policy.minimum_length),
            )


def _camel(name: str) -> str:
    """``read_only`` -> ``ReadOnly`` (construct ids of the fixed persona and group keys)."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))
