"""Typed, immutable model of the baseline configuration (``config/*.yaml``).

Every limit sits next to the field it constrains, with the AWS page it comes from, so that
an error message and the documentation quote the same rule. Models are frozen and refuse
unknown keys (``extra="forbid"``): a typo in the YAML is an error, never a silent default.

The JSON Schema committed as ``config/baseline.schema.json`` is generated from these models
(``python -m iam_baseline.config.schema``); a test keeps the two in sync.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

#: Role personas of the baseline. Each maps to one IAM role (see :class:`RolesConfig`).
Persona = Literal["admin", "developer", "read_only", "support"]

#: IAM user, group and role names: 1-64 (roles, groups) characters of ``[\w+=,.@-]``.
#: Source: IAM User Guide, "IAM and AWS STS quotas" > "IAM name requirements".
IamName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[\w+=,.@-]+$"),
]

#: An IAM path: ``/`` or ``/segment/.../``, at most 512 characters of printable ASCII.
#: Source: IAM API Reference, ``CreateRole`` parameter ``Path``.
IamPath = Annotated[
    str,
    StringConstraints(min_length=1, max_length=512, pattern=r"^/(?:[\x21-\x2e\x30-\x7e]+/)*$"),
]

#: A 12-digit AWS account id. Source: AWS Account Management Reference, "View AWS account identifiers".
AccountId = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]

#: A commercial, GovCloud or China region code such as ``eu-west-1`` or ``us-gov-west-1``.
RegionName = Annotated[
    str,
    StringConstraints(pattern=r"^(?:us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-(?:[a-z]+-)+\d$"),
]


class StrictModel(BaseModel):
    """Base of every config model: frozen, unknown keys refused, values not coerced."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class PasswordPolicyConfig(StrictModel):
    """The account password policy (IAM ``UpdateAccountPasswordPolicy``).

    Defaults satisfy CIS AWS Foundations Benchmark 1.8 (minimum length >= 14) and 1.9
    (reuse prevention 24), and AWS Security Hub IAM.7, IAM.15 and IAM.16.
    Ranges: IAM API Reference, ``UpdateAccountPasswordPolicy``. A value of 0 is refused
    for the optional fields: leave the field out (``null``) to disable the rule.
    """

    minimum_length: int = Field(14, ge=6, le=128, description="Minimum password length in characters (6-128).")
    require_symbols: bool = Field(True, description="Require at least one non-alphanumeric character.")
    require_numbers: bool = Field(True, description="Require at least one digit.")
    require_uppercase: bool = Field(True, description="Require at least one uppercase letter.")
    require_lowercase: bool = Field(True, description="Require at least one lowercase letter.")
    allow_users_to_change_password: bool = Field(True, description="Let IAM users change their own password.")
    reuse_prevention: int | None = Field(
        24, ge=1, le=24, description="Number of previous passwords that cannot be reused (1-24); null disables."
    )
    max_age_days: int | None = Field(
        90, ge=1, le=1095, description="Days a password stays valid (1-1095); null means passwords never expire."
    )
    hard_expiry: bool = Field(
        False, description="When true, users cannot reset an expired password themselves; an administrator must."
    )


class MfaConfig(StrictModel):
    """Multi-factor authentication rules for human IAM users.

    ``max_age_seconds`` bounds ``aws:MultiFactorAuthAge`` in every role trust policy: how long
    after the MFA sign-in a user may still assume a role. 1-129,600 seconds (36 h, the longest
    ``sts:GetSessionToken`` session). Source: IAM User Guide, "AWS global condition context keys".
    """

    max_age_seconds: int = Field(
        3600, ge=1, le=129600, description="Maximum age of the MFA authentication, in seconds (1-129600)."
    )
    allow_password_change_without_mfa: bool = Field(
        False,
        description=(
            "Let a user change their password before enrolling MFA (needed when users sign in first with "
            "a temporary password). AWS's documented force-MFA policy does not; default false."
        ),
    )


class RoleConfig(StrictModel):
    """One persona role that humans reach through ``sts:AssumeRole`` with MFA.

    ``max_session_duration_seconds``: 3600-43200 seconds (1-12 h).
    Source: IAM API Reference, ``CreateRole`` parameter ``MaxSessionDuration``.
    """

    name: IamName = Field(description="Role name (1-64 characters of [A-Za-z0-9+=,.@_-]).")
    max_session_duration_seconds: int = Field(
        3600, ge=3600, le=43200, description="Maximum session duration in seconds (3600-43200)."
    )
    description: str = Field("", max_length=1000, description="Role description (at most 1000 characters).")


#: AWS managed policies the read-only persona may be given. ``ViewOnlyAccess`` (default)
#: lists and describes resources without reading their data (no S3 objects, no table items);
#: ``ReadOnlyAccess`` also reads data; ``SecurityAudit`` reads security configuration.
#: Source: IAM User Guide, "AWS managed policies for job functions".
ReadOnlyPolicyName = Literal["ViewOnlyAccess", "ReadOnlyAccess", "SecurityAudit"]


class RolesConfig(StrictModel):
    """The persona roles. ``admin`` is the only role with ``*:*`` in the baseline."""

    admin: RoleConfig = RoleConfig(name="Admin", description="Full administrator access, MFA required.")
    developer: RoleConfig = RoleConfig(
        name="Developer", description="Service access without account, billing or IAM user administration."
    )
    read_only: RoleConfig = RoleConfig(name="ReadOnly", description="Read-only access to resources and configuration.")
    support: RoleConfig = RoleConfig(name="Support", description="AWS Support case management (CIS 1.17).")
    read_only_managed_policy: ReadOnlyPolicyName = Field(
        "ViewOnlyAccess", description="AWS managed policy of the read-only role: ViewOnlyAccess, ReadOnlyAccess or SecurityAudit."
    )


class GroupConfig(StrictModel):
    """An IAM group of human users and the persona roles its members may assume."""

    name: IamName = Field(description="Group name (1-128 characters; this project keeps 1-64).")
    assumable_roles: tuple[Persona, ...] = Field(
        min_length=1, description="Personas whose role members of this group may assume with MFA."
    )


class GroupsConfig(StrictModel):
    """The three groups of human IAM users (CIS 1.15: permissions through groups and roles only)."""

    admins: GroupConfig = GroupConfig(name="Admins", assumable_roles=("admin", "support", "read_only"))
    developers: GroupConfig = GroupConfig(name="Developers", assumable_roles=("developer", "read_only"))
    read_only: GroupConfig = GroupConfig(name="ReadOnly", assumable_roles=("read_only",))

    @model_validator(mode="after")
    def _unique_names(self) -> "GroupsConfig":
        seen: dict[str, str] = {}
        for key in ("admins", "developers", "read_only"):
            name = getattr(self, key).name
            if name in seen:
                raise ValueError(
                    f"duplicate group name {name!r} (groups.{seen[name]} and groups.{key}); "
                    "IAM group names must be unique in an account"
                )
            seen[name] = key
        return self


GroupKey = Literal["admins", "developers", "read_only"]


class UserConfig(StrictModel):
    """An IAM user for a person: console access only, never an access key.

    The initial password is generated into AWS Secrets Manager and must be reset at first
    sign-in, which needs ``mfa.allow_password_change_without_mfa: true``.
    """

    name: IamName = Field(description="User name (1-64 characters of [A-Za-z0-9+=,.@_-]).")
    groups: tuple[GroupKey, ...] = Field(min_length=1, description="Groups (by key: admins, developers, read_only).")


# Federation models build on the primitives above (StrictModel, RoleConfig, ...), so they
# are imported here, after them: models.py stays the single entry point of the config.
from .federation import FederationConfig  # noqa: E402
from .organization import OrganizationConfig, organization_rules  # noqa: E402


class BaselineConfig(StrictModel):
    """The whole account baseline configuration (``config/baseline.yaml``)."""

    account_id: AccountId = Field(description="12-digit id of the account the baseline is deployed to.")
    region: RegionName = Field(description="Home region: the one region that holds the account-global IAM resources.")
    stack_name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9-]{0,127}$")] = Field(
        "IamBaseline", description="CloudFormation stack name (1-128 characters, letter first)."
    )
    iam_path: IamPath = Field(
        "/baseline/",
        description="Path of every IAM role, group, user and policy the baseline owns; developers cannot modify it.",
    )
    workload_role_path: IamPath = Field(
        "/workload/",
        description="Path under which developers may create roles (always with the permissions boundary).",
    )
    password_policy: PasswordPolicyConfig = PasswordPolicyConfig()
    mfa: MfaConfig = MfaConfig()
    roles: RolesConfig = RolesConfig()
    groups: GroupsConfig = GroupsConfig()
    users: tuple[UserConfig, ...] = Field((), description="IAM users for people (optional).")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags applied to every taggable resource.")
    federation: FederationConfig | None = Field(
        None, description="Federated access: SAML IdPs, OIDC for CI/CD, IAM Identity Center (optional)."
    )
    organization: OrganizationConfig | None = Field(
        None, description="AWS Organizations rollout: OUs, member accounts, baseline variants by StackSet (optional)."
    )

    def _role_names(self) -> list[tuple[str, str]]:
        """Every IAM role name the config declares, with the config path that declares it."""
        names = [(getattr(self.roles, p).name, f"roles.{p}.name") for p in ("admin", "developer", "read_only", "support")]
        federation = self.federation
        if federation and federation.saml:
            names += [(r.name, f"federation.saml.roles[{i}].name") for i, r in enumerate(federation.saml.roles)]
        if federation and federation.oidc:
            names += [(r.name, f"federation.oidc.deploy_roles[{i}].name") for i, r in enumerate(federation.oidc.deploy_roles)]
        return names

    @model_validator(mode="after")
    def _cross_field_rules(self) -> "BaselineConfig":
        if self.iam_path == "/" or self.workload_role_path == "/":
            raise ValueError("iam_path and workload_role_path must not be '/': the guard rails protect paths")
        if self.iam_path.startswith(self.workload_role_path) or self.workload_role_path.startswith(self.iam_path):
            raise ValueError(
                f"iam_path {self.iam_path!r} and workload_role_path {self.workload_role_path!r} must not overlap: "
                "developers could otherwise create roles inside the baseline's own path"
            )
        role_names = self._role_names()
        clashes = sorted({name for name, _ in role_names if [n for n, _ in role_names].count(name) > 1})
        if clashes:
            where = {name: [key for n, key in role_names if n == name] for name in clashes}
            raise ValueError(
                "duplicate role names: "
                + "; ".join(f"{name!r} at {', '.join(keys)}" for name, keys in where.items())
                + " (IAM role names are unique in an account, whatever their path)"
            )
        names = [u.name for u in self.users]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate user names {dupes}: IAM user names must be unique in an account")
        if self.users and not self.mfa.allow_password_change_without_mfa:
            raise ValueError(
                "users are declared with a temporary password that must be changed at first sign-in, but "
                "mfa.allow_password_change_without_mfa is false, so the force-MFA policy would deny "
                "iam:ChangePassword and lock them out; set it to true or declare no users"
            )
        return self

    @model_validator(mode="after")
    def _organization_rules(self) -> "BaselineConfig":
        organization_rules(self)  # see iam_baseline.config.organization
        return self
