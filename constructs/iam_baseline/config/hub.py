"""The identity (hub) account: where people sign in, and every hop from it to a member account.

``organization.identity_account`` names the account where people live (IAM users in groups,
the SAML providers and their roles); a persona's ``reach:`` (:class:`~.targeting.Targets`)
names the member accounts where its role exists. One pure function of the config,
:func:`hub_hops`, gives every hop: (persona, member account, member role ARN, the identity
account's principals of that persona). Both halves are built from it and from nothing else:

* the **member half**: the persona's role in each reached member account, trusting the
  identity account only for those principals (``aws:PrincipalArn``), users with MFA;
* the **identity half**: in the identity account, policies allowing ``sts:AssumeRole`` on
  exactly the member role ARNs, attached to the groups (with MFA) and the SAML roles.

A hop from a SAML role is role chaining (a role session assumes a role), which AWS limits
to one hour: :func:`hub_rules` refuses a member role reached only that way with a longer
maximum session. Source: IAM User Guide, "Roles terms and concepts" > "Role chaining"
("Role chaining limits your AWS CLI or AWS API role session to a maximum of one hour").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..partitions import partition_of
from .machine_roles import ROLE_CHAINING_MAX_SECONDS
from .personas import persona_views
from .replaced_roles import refuse_replaced_role_settings
from .types import ItemError
from .variants import variant_of_account, variant_ou

if TYPE_CHECKING:
    from .models import BaselineConfig
    from .organization import OrganizationalUnitConfig
    from .personas import PersonaRoleConfig

#: The IAM User Guide page of the role-chaining limit, quoted in errors.
ROLE_CHAINING_SOURCE = "IAM User Guide, 'Roles terms and concepts' > 'Role chaining'"


@dataclass(frozen=True)
class Hop:
    """One way from the identity account into a member account.

    Attributes:
        persona: the persona key (``admin``, ``data``).
        account: the member account id.
        role_arn: the persona's role in that account, ``arn:<partition>:iam::<account>:role<path><name>``.
        users: ARNs of the identity account's IAM users whose groups assume the persona (sorted).
        saml_roles: ARNs of the identity account's SAML roles of the persona (sorted).
    """

    persona: str
    account: str
    role_arn: str
    users: tuple[str, ...]
    saml_roles: tuple[str, ...]


@dataclass(frozen=True)
class PersonaReach:
    """A persona's side of the hub: the same for every member account it reaches.

    Attributes:
        persona: the persona key.
        accounts: member account ids reached (sorted).
        role_arns: the member role ARNs, one per account, in ``accounts`` order.
        users: identity account user ARNs (by group membership), sorted.
        saml_roles: identity account SAML role ARNs of the persona, sorted.
        groups: keys of the groups whose ``assumable_roles`` name the persona.
        saml_role_names: names of the persona's SAML roles.
    """

    persona: str
    accounts: tuple[str, ...]
    role_arns: tuple[str, ...]
    users: tuple[str, ...]
    saml_roles: tuple[str, ...]
    groups: tuple[str, ...]
    saml_role_names: tuple[str, ...]


def identity_account_id(config: "BaselineConfig") -> str | None:
    """The identity account's id (``organization.identity_account`` resolved), or None.

    The config refuses a name that is neither a member account nor the management account,
    so this never raises on a loaded config.
    """
    organization = config.organization
    if organization is None or organization.identity_account is None:
        return None
    name = organization.identity_account
    if name == organization.management_account_id:
        return name
    return organization.directory.account(name, ("organization", "identity_account"))


def role_arn(partition: str, account: str, path: str, name: str) -> str:
    """``arn:<partition>:iam::<account>:role<path><name>`` (IAM User Guide, "IAM identifiers")."""
    return f"arn:{partition}:iam::{account}:role{path}{name}"


_UNKNOWN = object()


def member_role(
    config: "BaselineConfig", account: str, persona: str, variant: "OrganizationalUnitConfig | None | object" = _UNKNOWN
) -> "PersonaRoleConfig":
    """The settings of ``persona``'s role in member account ``account``: a built-in persona's
    come from the account's baseline variant when the variant replaces ``roles``. ``variant``:
    the account's :func:`~.variants.variant_of_account`, when the caller already has it."""
    view = persona_views(config)[persona]
    organization = config.organization
    if not view.built_in or organization is None:
        return view.role
    ou = variant_of_account(organization, account) if variant is _UNKNOWN else variant
    roles = organization.baselines[ou.baseline].roles if ou is not None and ou.baseline else None
    return getattr(roles or config.roles, persona)


def assuming_groups(config: "BaselineConfig", persona: str) -> tuple[str, ...]:
    """Keys of the groups whose ``assumable_roles`` name ``persona`` (config order)."""
    return tuple(g for g, group in config.groups.items() if persona in group.assumable_roles)


def group_user_arns(config: "BaselineConfig", persona: str, account: str) -> tuple[str, ...]:
    """ARNs in ``account`` of the IAM users whose groups may assume ``persona`` (sorted): the one
    derivation for the hops (:func:`persona_reach`) and the sensitive roles (:mod:`.sensitive_roles`)."""
    groups = set(assuming_groups(config, persona))
    partition, path = partition_of(config.region), config.iam_path
    return tuple(sorted(f"arn:{partition}:iam::{account}:user{path}{u.name}" for u in config.users if set(u.groups) & groups))


def persona_reach(config: "BaselineConfig") -> dict[str, PersonaReach]:
    """Every persona with ``reach`` by key (config order), with both halves' principals: the hop
    list (:func:`hub_hops` flattens it). Empty without ``organization.identity_account``.

    At 500 member accounts one answer takes about half a second, so a caller that needs it more
    than once computes it once and hands it on (``reach=`` of :func:`hub_hops`,
    :func:`personas_reaching`, :func:`member_hub_part`, the StackSet groups; ``make check``:
    :func:`~iam_baseline.analysis.model.accounts.load_scopes`, ``AccountScope.reach``).
    """
    identity = identity_account_id(config)
    if identity is None:
        return {}
    organization = config.organization
    assert organization is not None
    partition, path = partition_of(config.region), config.iam_path
    saml = config.federation.saml if config.federation else None
    # Each account's variant once (member_role would look it up per persona and account).
    variant_of = {member.id: variant_ou(organization, ou) for ou, member in organization.member_accounts()}
    result: dict[str, PersonaReach] = {}
    for key, view in persona_views(config).items():
        targets = view.role.reach
        if targets is None:
            continue
        accounts = organization.directory.resolve(targets, _reach_path(view.built_in, key))
        groups, users = (assuming_groups(config, key), group_user_arns(config, key, identity)) if view.mfa_role else ((), ())
        saml_names = tuple(r.name for r in saml.roles if r.persona == key) if saml else ()
        result[key] = PersonaReach(
            persona=key,
            accounts=accounts,
            role_arns=tuple(role_arn(partition, a, path, member_role(config, a, key, variant_of.get(a)).name)
                            for a in accounts),
            users=users,
            saml_roles=tuple(sorted(role_arn(partition, identity, path, n) for n in saml_names)),
            groups=groups,
            saml_role_names=saml_names,
        )
    return result


def hub_hops(config: "BaselineConfig", reach: Mapping[str, PersonaReach] | None = None) -> tuple[Hop, ...]:
    """Every hop of ``config``: (persona, member account, member role ARN, identity principals),
    by persona (config order) then account id. Empty without ``organization.identity_account``.
    ``reach``: :func:`persona_reach` of ``config`` when the caller has it."""
    return tuple(
        Hop(reach.persona, account, arn, reach.users, reach.saml_roles)
        for reach in (persona_reach(config) if reach is None else reach).values()
        for account, arn in zip(reach.accounts, reach.role_arns)
    )


def personas_reaching(config: "BaselineConfig", reach: Mapping[str, PersonaReach] | None = None) -> dict[str, set[str]]:
    """Member account id -> keys of the personas whose role it receives (a StackSet group's
    items). ``reach``: :func:`persona_reach` of ``config`` when the caller has it."""
    reached: dict[str, set[str]] = {}
    for reach in (persona_reach(config) if reach is None else reach).values():
        for account in reach.accounts:
            reached.setdefault(account, set()).add(reach.persona)
    return reached


def _overriding_variant(config: "BaselineConfig", account: str, persona: str) -> str | None:
    """The variant key whose ``roles`` give ``persona``'s role settings in ``account``, if any."""
    organization = config.organization
    if organization is None or persona not in ("admin", "developer", "read_only", "support"):
        return None
    ou = variant_of_account(organization, account)
    if ou is not None and ou.baseline and organization.baselines[ou.baseline].roles is not None:
        return ou.baseline
    return None


def _reach_path(built_in: bool, key: str) -> tuple[str, ...]:
    return ("roles", key, "reach") if built_in else ("personas", key, "reach")


def hub_rules(config: "BaselineConfig") -> None:
    """Rules of the identity account and of ``reach``; raises :class:`ItemError` at the key to fix.

    * ``reach`` needs ``organization.identity_account`` (and the reverse: an identity account
      that no persona reaches from is refused); reach names are checked (nearest given);
    * ``identity_account`` is a member account (by name or id) or the management account;
      a member identity account needs a baseline variant (its own stack, ``IdentityAccount``, is
      that variant's member baseline plus its people);
    * a persona with ``reach`` has principals in the identity account (a user in a group
      that assumes it, or a SAML role): never a member half that nobody can use;
    * role chaining: a persona reached only from SAML roles (role sessions) keeps
      ``max_session_duration_seconds`` at 3600 at most;
    * variants neither reach nor deploy SAML elsewhere: SAML lives in the identity account;
    * a top-level setting of a persona with reach that a variant's ``roles`` would replace is
      refused (:mod:`.replaced_roles`).
    """
    organization = config.organization
    views = persona_views(config)
    with_reach = [k for k, v in views.items() if v.role.reach is not None]
    if organization is None or organization.identity_account is None:
        if with_reach:
            key = with_reach[0]
            raise ItemError(
                _reach_path(views[key].built_in, key),
                f"persona {key} has reach, but organization.identity_account is not set: reach names the member "
                "accounts that people of the identity account assume the persona's role in; set "
                "organization.identity_account (a member account name or id, or the management account id)",
            )
        return
    name = organization.identity_account
    directory = organization.directory
    if name != organization.management_account_id:
        try:
            directory.account(name, ("organization", "identity_account"))
        except ItemError as exc:
            raise ItemError(
                ("organization", "identity_account"),
                f"{exc} (or the management account {organization.management_account_id})",
            ) from None
        # Its stack (stacks/identity_account.py) is its variant's member baseline plus the people.
        identity = identity_account_id(config)
        if variant_of_account(organization, identity) is None:
            raise ItemError(
                ("organization", "identity_account"),
                f"identity account {name} receives no baseline variant (no OU on its path has a baseline), so its "
                "IdentityAccount stack has no member baseline to add its users, groups and SAML roles to; give its OU "
                "a baseline",
            )
    if not with_reach:
        raise ItemError(
            ("organization", "identity_account"),
            f"identity_account {name} is set but no persona has reach: give roles.<key>.reach or personas.<key>.reach "
            "(accounts, ous, exclude) to the personas people assume in member accounts",
        )
    identity = identity_account_id(config)
    if identity != organization.management_account_id:
        ou = variant_of_account(organization, identity)  # type: ignore[arg-type]
        saml = config.federation.saml if config.federation else None
        if ou is not None and ou.baseline and not organization.baselines[ou.baseline].saml and saml and saml.roles:
            raise ItemError(
                ("organization", "baselines", ou.baseline, "saml"),
                f"variant {ou.baseline} is the identity account's, where federation.saml's roles live: remove saml: false",
            )
        if ou is not None and ou.baseline and organization.baselines[ou.baseline].groups is not None:
            raise ItemError(
                ("organization", "baselines", ou.baseline, "groups"),
                f"variant {ou.baseline} is the identity account's: its groups are the config's groups (the users and the "
                "hop list name them); remove groups from this variant",
            )
    for variant_key, variant in organization.baselines.items():
        if "saml" in variant.model_fields_set and variant.saml:
            raise ItemError(
                ("organization", "baselines", variant_key, "saml"),
                "with organization.identity_account the SAML providers and roles live in the identity account only; "
                "remove saml: true (members are reached through the persona roles' reach)",
            )
        if variant.roles is not None:
            for key in ("admin", "developer", "read_only", "support"):
                if getattr(variant.roles, key).reach is not None:
                    raise ItemError(
                        ("organization", "baselines", variant_key, "roles", key, "reach"),
                        f"reach is set on the top-level roles.{key}, never in a baseline variant",
                    )
    reached = persona_reach(config)
    refuse_replaced_role_settings(config, reached)
    if identity != organization.management_account_id:
        # In a member identity account the groups hold only the member-role policies.
        for group_key, group in config.groups.items():
            if not set(group.assumable_roles) & set(reached):
                raise ItemError(
                    ("groups", group_key, "assumable_roles"),
                    f"group {group.name} would grant nothing in the identity account {name}: none of its personas "
                    f"{list(group.assumable_roles)} has reach; personas with reach: {sorted(reached)}",
                )
        _refuse_matrix_rows_of_people(config, name)
    variant_of = {member.id: variant_ou(organization, ou) for ou, member in organization.member_accounts()}
    for key, reach in reached.items():
        view = views[key]
        where = ("roles", key) if view.built_in else ("personas", key)
        if not reach.users and not reach.saml_roles:
            raise ItemError(
                (*where, "reach"),
                f"persona {key} reaches {len(reach.accounts)} member account(s), but nobody in the identity account can "
                "assume its role there: add a user to a group whose assumable_roles names it, or a "
                "federation.saml.roles entry with this persona, or remove reach",
            )
        seconds, account = max(
            (member_role(config, a, key, variant_of.get(a)).max_session_duration_seconds, a) for a in reach.accounts
        )
        if not reach.users and seconds > ROLE_CHAINING_MAX_SECONDS:
            variant = _overriding_variant(config, account, key)
            raise ItemError(
                ("organization", "baselines", variant, "roles", key, "max_session_duration_seconds")
                if variant
                else (*where, "max_session_duration_seconds"),
                f"{seconds} seconds cannot be used: persona {key} is reached in member accounts only from SAML roles of the "
                f"identity account, and a role session assuming a role is role chaining, which AWS limits to "
                f"{ROLE_CHAINING_MAX_SECONDS} seconds whatever the role allows ({ROLE_CHAINING_SOURCE}); allowed: "
                f"{ROLE_CHAINING_MAX_SECONDS} (a role's MaxSessionDuration is at least 3600 seconds, and role chaining "
                f"allows no more)",
            )


def _refuse_matrix_rows_of_people(config: "BaselineConfig", identity: str) -> None:
    """A member identity account takes the users, groups and SAML roles out of the management
    account, where ``make check`` decides the access matrix: a row naming one of them would find
    no such principal (and could never be decided), so it is refused at load."""
    matrix = config.access_matrix
    if matrix is None:
        return
    saml = config.federation.saml if config.federation else None
    saml_roles = {f"role:{r.name}" for r in saml.roles} if saml else set()
    for index, row in enumerate(matrix.expectations):
        if row.principal.startswith(("user:", "group:")) or row.principal in saml_roles:
            raise ItemError(
                ("access_matrix", "expectations", index, "principal"),
                f"{row.principal} lives in the identity account {identity}, not in the management account where the access "
                "matrix is decided; the hub's hops are proven by the derived invariants (make check): remove the row, or "
                "name a principal of the management account (persona:<key>, role:<name>)",
            )


@dataclass(frozen=True)
class HubPart:
    """What one account's stack builds of the hub (``stacks/account_baseline.py`` reads it).

    Attributes:
        identity_account: the identity account id.
        reach: every persona with reach (:func:`persona_reach`), for both halves' principals.
        member_personas: personas whose member role this stack creates (member half).
        member_roles_only: persona roles are exactly ``member_personas`` with the hub trust
            (member accounts); False keeps the account's own persona roles (management account).
        people: the stack keeps IAM users, groups and SAML providers and roles.
        identity_half: the stack attaches the member-role policies to its groups and SAML roles.
    """

    identity_account: str
    reach: dict[str, PersonaReach]
    member_personas: tuple[str, ...] = ()
    member_roles_only: bool = False
    people: bool = False
    identity_half: bool = False


def management_hub_part(config: "BaselineConfig", reach: Mapping[str, PersonaReach] | None = None) -> HubPart | None:
    """The management account's part: the people and the identity half when it is the identity
    account, else neither (its users, groups and SAML move to the identity account); its own
    persona roles stay. None without ``organization.identity_account``. ``reach``: as
    :func:`hub_hops`."""
    identity = identity_account_id(config)
    if identity is None:
        return None
    assert config.organization is not None
    here = identity == config.organization.management_account_id
    return HubPart(identity, dict(persona_reach(config) if reach is None else reach), people=here, identity_half=here)


def member_hub_part(config: "BaselineConfig", personas: tuple[str, ...], identity: bool,
                    reach: Mapping[str, PersonaReach] | None = None) -> HubPart | None:
    """A member account group's part: the member roles of ``personas``, and with ``identity``
    (the identity account's own stack, ``stacks/identity_account.py``) the people and the
    identity half. None without ``organization.identity_account``. ``reach``: as :func:`hub_hops`
    (the rollout hands the one it computed to every group)."""
    account = identity_account_id(config)
    if account is None:
        return None
    return HubPart(account, dict(persona_reach(config) if reach is None else reach), personas, True, identity, identity)
