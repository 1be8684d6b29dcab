"""Config models of personas of your own, and of the customer managed policies they carry.

A persona is a job (data engineer, billing, network administrator) with one set of
identity-based policies. The four built-in personas (``admin``, ``developer``, ``read_only``,
``support``) are configured under ``roles:`` as before; ``personas:`` adds any number of
others, each with:

* AWS managed policies by name (``job-function/Billing``, ``SecurityAudit``) or ARN, checked
  against the pinned copy of AWS managed policies the analysis reads
  (:mod:`iam_baseline.analysis.model.aws_managed`); an unknown name names the nearest ones;
* customer managed policies of the config (``policies:``), from a JSON file in the config's
  folder or from statements written in the YAML, each checked as an identity-based policy at
  load (:mod:`.policy_document`) with the file and the statement index in the error;
* an optional permissions boundary (the developer boundary, or a policy of ``policies:``);
* the role settings of every persona (name, maximum session duration, description), tags,
  and extra trusted principals (see :class:`PersonaRoleConfig`);
* ``admin: true`` only when the persona is meant to be admin-equivalent: a persona that is
  not declared admin may not carry a policy that allows ``*`` on ``*``, and the proof's
  INV-ONLY-ADMINS-ADMIN treats exactly the declared admin personas as administrators.

One persona feeds three surfaces, each opt-in: its MFA role for IAM users (``mfa_role``), a
SAML role per ``federation.saml.roles`` entry naming it, and a permission set per
``federation.identity_center.permission_sets`` entry naming it; all three carry the same
policies (:func:`iam_baseline.identity.personas.persona_policies`).

Sources: IAM User Guide, "AWS managed policies for job functions", "Managed policies and
inline policies", "Permissions boundaries for IAM entities", "IAM JSON policy element reference".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from .role import RoleConfig

from .strict import StrictModel, refuse_duplicate_names
from .policies import (
    RESERVED_POLICY_NAMES,
    AwsManagedPolicyRef,
    CustomerPolicyConfig,
    PolicyName,
    check_customer_policy_references,
    refuse_admin_equivalent_aws_managed,
)
from .targeting import Targets
from .types import IamName, ItemError, PersonaKey, TagKey, TagValue, unique

if TYPE_CHECKING:
    from .models import BaselineConfig

#: The built-in personas, configured under ``roles:`` (their policies are fixed by the baseline).
BUILT_IN_PERSONAS: tuple[str, ...] = ("admin", "developer", "read_only", "support")

#: The grammar of persona and group keys (:data:`~.types.PersonaKey`, :data:`~.types.GroupKey`).
_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}", re.ASCII)

#: The permissions boundary value that names the baseline's developer boundary.
DEVELOPER_BOUNDARY = "developer"

_PARTITIONS = r"(?:aws|aws-cn|aws-us-gov)"

#: An extra trusted principal of a persona role: another account (``arn:aws:iam::<id>:root``)
#: or one role of an account (``arn:aws:iam::<id>:role/<path/>Name``). No wildcard: IAM
#: matches a ``Principal`` literally, and a ``*`` would trust every AWS account.
#: Source: IAM User Guide, "AWS JSON policy elements: Principal".
TrustedPrincipalArn = Annotated[
    str,
    StringConstraints(
        max_length=2048,
        pattern=rf"^arn:{_PARTITIONS}:iam::[0-9]{{12}}:(?:root|role/(?:[A-Za-z0-9+=,.@_-]+/)*[A-Za-z0-9+=,.@_-]{{1,64}})$",
    ),
]


def trusted_account(arn: str) -> str:
    """The 12-digit account of a :data:`TrustedPrincipalArn`."""
    return arn.split(":")[4]



# --------------------------------------------------------------------------- personas
class PersonaRoleConfig(RoleConfig):
    """A persona's IAM role for IAM users (MFA), built-in or of ``personas:``.

    Its trust policy has one statement: the deploying account and ``trusted_principals``,
    ``sts:AssumeRole``, with the MFA conditions (``Bool aws:MultiFactorAuthPresent = true``,
    ``NumericLessThan aws:MultiFactorAuthAge``) in that same statement: no config can write
    an unconditioned trust statement. The accounts of ``trusted_principals`` are what the
    proof accepts as trusted accounts. ``sensitive`` (default: admin personas only) raises an
    alert when the role is assumed from outside its expected principals
    (:mod:`iam_baseline.config.sensitive_roles`).
    """

    trusted_principals: unique(TrustedPrincipalArn, "trusted principal") = Field(  # type: ignore[valid-type]
        (),
        max_length=20,
        description=(
            "Extra principals trusted with MFA, by ARN: another account (arn:aws:iam::<id>:root) or one of "
            "its roles (arn:aws:iam::<id>:role/Name); no wildcard. At most 20."
        ),
    )
    tags: dict[TagKey, TagValue] = Field(
        default_factory=dict, max_length=50, description="Tags of the role (at most 50; added to the config's tags)."
    )
    sensitive: bool | None = Field(
        None,
        description=(
            "Alert when the role is assumed from outside its expected principals (with detection); "
            "null: true for admin personas (admin, admin: true), false for the others."
        ),
    )
    reach: Targets | None = Field(
        None,
        description=(
            "Member accounts where the persona's role exists, assumed from organization.identity_account only "
            "(accounts, ous, exclude; needs identity_account). Null: the role is created as before."
        ),
    )

    @model_validator(mode="after")
    def _reach_names_some(self) -> "PersonaRoleConfig":
        if self.reach is not None and self.reach.empty:
            raise ItemError(("reach",), "reach names no account: give accounts or ous (or leave reach out)")
        return self


class PersonaConfig(PersonaRoleConfig):
    """A persona of your own: its role settings and its identity-based policies."""

    aws_managed_policies: unique(AwsManagedPolicyRef, "AWS managed policy") = Field(  # type: ignore[valid-type]
        (), description="AWS managed policies by name (job-function/Billing, SecurityAudit) or ARN."
    )
    customer_managed_policies: unique(PolicyName, "policy") = Field(  # type: ignore[valid-type]
        (), description="Names of policies declared under policies:."
    )
    permissions_boundary: Literal["developer"] | PolicyName | None = Field(
        None, description="Permissions boundary of the role: developer (the developer boundary) or a policy name of policies:."
    )
    admin: bool = Field(
        False, description="The persona is meant to be admin-equivalent (the proof then accepts it as an administrator)."
    )
    mfa_role: bool = Field(True, description="Create the persona's MFA role for IAM users (groups may then assume it).")

    @model_validator(mode="after")
    def _has_policies(self) -> "PersonaConfig":
        if not self.aws_managed_policies and not self.customer_managed_policies:
            raise ValueError("a persona needs at least one policy: aws_managed_policies or customer_managed_policies")
        if not self.admin:
            refuse_admin_equivalent_aws_managed(
                self.aws_managed_policies,
                "but the persona is not declared admin: set admin: true if it is meant to administer the account, "
                "or choose a narrower policy",
            )
        return self



#: AWS managed policies the read-only persona may be given. ``ViewOnlyAccess`` (default)
#: lists and describes resources without reading their data (no S3 objects, no table items);
#: ``ReadOnlyAccess`` also reads data; ``SecurityAudit`` reads security configuration.
#: Source: IAM User Guide, "AWS managed policies for job functions".
ReadOnlyPolicyName = Literal["ViewOnlyAccess", "ReadOnlyAccess", "SecurityAudit"]


class RolesConfig(StrictModel):
    """The built-in persona roles. ``admin`` is the only built-in role with ``*:*``."""

    admin: PersonaRoleConfig = PersonaRoleConfig(name="Admin", description="Full administrator access, MFA required.")
    developer: PersonaRoleConfig = PersonaRoleConfig(
        name="Developer", description="Service access without account, billing or IAM user administration."
    )
    read_only: PersonaRoleConfig = PersonaRoleConfig(
        name="ReadOnly", description="Read-only access to resources and configuration."
    )
    support: PersonaRoleConfig = PersonaRoleConfig(name="Support", description="AWS Support case management (CIS 1.17).")
    read_only_managed_policy: ReadOnlyPolicyName = Field(
        "ViewOnlyAccess", description="AWS managed policy of the read-only role: ViewOnlyAccess, ReadOnlyAccess or SecurityAudit."
    )

    @model_validator(mode="after")
    def _unique_names(self) -> "RolesConfig":
        refuse_duplicate_names(self, "roles", BUILT_IN_PERSONAS, "role")
        return self


# --------------------------------------------------------------------------- groups
class GroupConfig(StrictModel):
    """An IAM group of human users and the personas whose MFA role its members may assume."""

    name: IamName = Field(description="Group name (1-128 characters; this project keeps 1-64).")
    assumable_roles: unique(PersonaKey, "persona") = Field(  # type: ignore[valid-type]
        min_length=1, description="Personas (built-in or of personas:) whose MFA role members of this group may assume."
    )


class GroupsConfig(StrictModel):
    """The groups of human IAM users (CIS 1.15: permissions through groups and roles only).

    ``admins``, ``developers`` and ``read_only`` are the built-in groups; any other key
    (lowercase letter first, then lowercase letters, digits, ``_``) declares a group of your own.
    """

    # Keys of one's own are extra fields, typed: ``groups.data_team`` is a GroupConfig.
    model_config = ConfigDict(
        frozen=True, extra="allow", strict=True, json_schema_extra={"propertyNames": {"pattern": f"^{_KEY.pattern}$"}}
    )
    __pydantic_extra__: dict[str, GroupConfig] = Field(init=False)  # type: ignore[assignment]

    admins: GroupConfig = GroupConfig(name="Admins", assumable_roles=("admin", "support", "read_only"))
    developers: GroupConfig = GroupConfig(name="Developers", assumable_roles=("developer", "read_only"))
    read_only: GroupConfig = GroupConfig(name="ReadOnly", assumable_roles=("read_only",))

    @model_validator(mode="after")
    def _unique_names(self) -> "GroupsConfig":
        for key in self.model_extra or {}:
            if not _KEY.fullmatch(key):
                raise ItemError((key,), f"group key {key!r}: a lowercase letter, then at most 63 lowercase letters, digits or _")
        refuse_duplicate_names(self, "groups", tuple(k for k, _ in self.items()), "group")
        return self

    def items(self) -> Iterator[tuple[str, GroupConfig]]:
        """(key, group) of every group: the built-ins first, then the config's own in order."""
        for key in ("admins", "developers", "read_only"):
            yield key, getattr(self, key)
        yield from (self.model_extra or {}).items()


# --------------------------------------------------------------------------- one view of every persona
@dataclass(frozen=True)
class PersonaView:
    """One persona as the stacks and the analysis see it, built-in or of ``personas:``.

    Attributes:
        key: the persona key (``admin``, ``data``).
        role: the role settings (name, description, session, trusted principals, tags).
        built_in: one of :data:`BUILT_IN_PERSONAS` (policies fixed by the baseline).
        admin: admin-equivalent by intent (``admin`` and personas with ``admin: true``).
        mfa_role: the persona has an MFA role for IAM users (always for the built-ins).
        custom: the persona's config when it is not built in (policies, boundary).
    """

    key: str
    role: PersonaRoleConfig
    built_in: bool
    admin: bool
    mfa_role: bool
    custom: PersonaConfig | None = None


def persona_views(config: "BaselineConfig") -> dict[str, PersonaView]:
    """Every persona of ``config`` by key: the four built-ins first, then ``personas:`` in order."""
    views = {
        key: PersonaView(key, getattr(config.roles, key), True, key == "admin", True) for key in BUILT_IN_PERSONAS
    }
    for key, persona in config.personas.items():
        views[key] = PersonaView(key, persona, False, persona.admin, persona.mfa_role, persona)
    return views


def admin_personas(config: "BaselineConfig") -> tuple[str, ...]:
    """Keys of the personas meant to be admin-equivalent: ``admin`` and those with ``admin: true``."""
    return tuple(key for key, view in persona_views(config).items() if view.admin)


def trusted_accounts(config: "BaselineConfig") -> set[str]:
    """Accounts of every persona role's ``trusted_principals`` (the proof's declared accounts)."""
    return {trusted_account(arn) for view in persona_views(config).values() for arn in view.role.trusted_principals}


def check_persona_references(
    personas: dict[str, PersonaConfig], policies: dict[str, CustomerPolicyConfig]
) -> None:
    """Cross rules of ``personas:`` and ``policies:``: keys, policy names, boundaries, admin.

    Raises:
        ItemError: at ``personas.<key>...`` or ``policies.<name>``.
    """
    folded: dict[str, str] = {}
    for name in policies:
        # <group>-AssumeRoles and the identity account's <role>-MemberRoles[-N] / -SamlMemberRoles[-N].
        if name.casefold() in {n.casefold() for n in RESERVED_POLICY_NAMES} or re.search(
            r"-(?:AssumeRoles|(?:Saml)?MemberRoles(?:-[0-9]+)?)$", name
        ):
            raise ItemError(("policies", name), f"policy name {name!r} is the baseline's own: choose another name")
        if name.casefold() in folded:
            raise ItemError(("policies", name), f"duplicate policy name {name!r} (also {folded[name.casefold()]!r}), ignoring case")
        folded[name.casefold()] = name
    for key, persona in personas.items():
        if key in BUILT_IN_PERSONAS:
            raise ItemError(
                ("personas", key),
                f"{key!r} is a built-in persona: configure its role under roles.{key}; personas: adds others",
            )
        check_customer_policy_references(
            persona.customer_managed_policies,
            policies,
            ("personas", key),
            None if persona.admin else f"but persona {key} is not declared admin: set admin: true if it is meant to "
            "administer the account, or narrow the policy",
        )
        boundary = persona.permissions_boundary
        if boundary not in (None, DEVELOPER_BOUNDARY) and boundary not in policies:
            raise ItemError(
                ("personas", key, "permissions_boundary"),
                f"unknown boundary {boundary!r}: developer, or a policy declared under policies: {sorted(policies)}",
            )


def check_personas(config: "BaselineConfig") -> None:
    """Every reference to a persona or a group names one the config declares.

    Raises:
        ItemError: at the reference that is wrong, with the declared keys.
    """
    check_persona_references(config.personas, config.policies)
    views = persona_views(config)
    # Keys become construct ids (data_team -> DataTeam): two keys with one id would collide in the app.
    for section, keys in (("personas", list(views)), ("groups", [k for k, _ in config.groups.items()])):
        ids: dict[str, str] = {}
        for key in keys:
            folded = key.replace("_", "")
            if folded in ids:
                raise ItemError((section, key), f"key {key!r} differs from {ids[folded]!r} only by '_': choose another key")
            ids[folded] = key
    with_role = sorted(k for k, v in views.items() if v.mfa_role)
    for group_key, group in config.groups.items():
        for index, persona in enumerate(group.assumable_roles):
            if persona not in with_role:
                problem = f"persona {persona!r} has no MFA role (mfa_role: false)" if persona in views else f"unknown persona {persona!r}"
                raise ItemError(
                    ("groups", group_key, "assumable_roles", index), f"{problem}; personas with an MFA role: {with_role}"
                )
    groups = [k for k, _ in config.groups.items()]
    for u, user in enumerate(config.users):
        for index, key in enumerate(user.groups):
            if key not in groups:
                raise ItemError(("users", u, "groups", index), f"unknown group {key!r}; declared: {groups}")
    federation = config.federation
    if federation is not None and federation.saml is not None:
        for i, role in enumerate(federation.saml.roles):
            if role.persona not in views:
                raise ItemError(
                    ("federation", "saml", "roles", i, "persona"), f"unknown persona {role.persona!r}; declared: {sorted(views)}"
                )
    if federation is not None and federation.identity_center is not None:
        for i, ps in enumerate(federation.identity_center.permission_sets):
            if ps.persona is not None and ps.persona not in views:
                raise ItemError(
                    ("federation", "identity_center", "permission_sets", i, "persona"),
                    f"unknown persona {ps.persona!r}; declared: {sorted(views)}",
                )
            custom = config.personas.get(ps.persona or "")
            if custom is not None and custom.permissions_boundary and ps.permissions_boundary:
                raise ItemError(
                    ("federation", "identity_center", "permission_sets", i, "permissions_boundary"),
                    f"persona {ps.persona} has its own permissions_boundary ({custom.permissions_boundary}), which the "
                    "permission set carries: remove this one (a permission set has one boundary)",
                )
