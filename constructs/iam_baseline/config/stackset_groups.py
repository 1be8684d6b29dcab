"""StackSet groups: the distinct combinations of (baseline variant, targeted items) over the member accounts.

Every member account receives its OU's baseline variant (the nearest OU on its path with a
``baseline``) plus the targeted items (:mod:`.targeting`) that reach it: the machine roles
and the service roles and the customer managed policies with ``targets``, the persona roles whose ``reach`` names it, and the people of the identity
account (users, groups, SAML, the identity half: :mod:`.hub`) for that one account, whose group
is deployed as a stack of its own, not a StackSet (:func:`identity_account_group`). Accounts with
the same combination share one StackSet:

* the plain variant keeps its StackSet ``<prefix>-<variant>`` (unchanged from before targeting:
  a config without targeted items synthesizes the same templates), targeting its OUs, minus the
  accounts that have a combination of their own (``AccountFilterType: DIFFERENCE``);
* each other combination gets ``<prefix>-<variant>-<digest>``, the digest a hash of the item
  names only, targeting exactly its accounts inside the variant's OUs (``INTERSECTION``). The
  service roles' items come last, so a group without service roles keeps the digest it had
  before service roles could be targeted.

Stability (the same idea as the Identity Center assignment shards): a group's name and template
depend only on its variant and its items, never on which or how many accounts share it, nor on
config order. So adding an account to one item's targets moves that one account between two
groups and leaves every other account's stack untouched; changing an item's definition changes
only the groups that hold it. Source: CloudFormation User Guide, "Account-level targets for
service-managed stack sets" (AccountFilterType).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .types import ItemError
from .variants import variant_ou

from .hub import identity_account_id, personas_reaching
from .policy_targets import targeted_policies

#: Item markers beside machine role names (an IAM role name holds neither ``:`` nor ``#``).
_PERSONA = "persona:"
_IDENTITY = "#identity"
_SERVICE = "service:"
_POLICY = "policy:"

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .hub import PersonaReach
    from .models import BaselineConfig
    from .organization import OrganizationConfig, OrganizationalUnitConfig


@dataclass(frozen=True)
class StackSetGroup:
    """One StackSet: a variant, the targeted items it adds, the accounts that receive it.

    Attributes:
        variant: the baseline variant key.
        machine_roles: names of the targeted machine roles it adds (sorted; empty: the plain variant).
        accounts: member account ids it deploys to (sorted).
        ou_ids: the variant's OUs it targets (with the account filter).
        excluded: for the plain variant, the accounts of its OUs that another group serves.
        personas: keys of the personas whose member role it adds (``reach``; sorted).
        identity: it is the identity account's group (users, groups, SAML, identity half).
        service_roles: names of the targeted service roles it adds (sorted).
        policies: names of the targeted customer managed policies it adds (sorted).
    """

    variant: str
    machine_roles: tuple[str, ...]
    accounts: tuple[str, ...]
    ou_ids: tuple[str, ...]
    excluded: tuple[str, ...] = ()
    personas: tuple[str, ...] = ()
    identity: bool = False
    service_roles: tuple[str, ...] = ()
    policies: tuple[str, ...] = ()

    @property
    def items(self) -> tuple[str, ...]:
        """The group's targeted items, as the digest names them (``machine_role:<name>``, ...)."""
        return (
            *(f"machine_role:{n}" for n in self.machine_roles),
            *(f"persona:{k}" for k in self.personas),
            *(("identity_account",) if self.identity else ()),
            *(f"service_role:{n}" for n in self.service_roles),
            *(f"policy:{n}" for n in self.policies),
        )

    @property
    def key(self) -> str:
        """``<variant>`` for the plain variant, else ``<variant>-<8 hex digits of the item names>``."""
        if not self.items:
            return self.variant
        digest = hashlib.sha256("\n".join(self.items).encode()).hexdigest()[:8]
        return f"{self.variant}-{digest}"


def _all_groups(config: "BaselineConfig", reach: "Mapping[str, PersonaReach] | None" = None) -> list[StackSetGroup]:
    """Every group of member baselines, the identity account's included (see :func:`stackset_groups`);
    ``reach``: the hop list (:func:`~.hub.persona_reach`) when the caller has it."""
    organization = config.organization
    assert organization is not None
    items: dict[str, set[str]] = {}  # account -> targeted items (machine roles, "persona:<key>", identity)
    for index, role in enumerate(config.machine_roles):
        if role.targets is not None:
            for account in organization.directory.resolve(role.targets, ("machine_roles", index, "targets")):
                items.setdefault(account, set()).add(role.name)
    for index, service_role in enumerate(config.service_roles):
        if service_role.targets is not None:
            for account in organization.directory.resolve(service_role.targets, ("service_roles", index, "targets")):
                items.setdefault(account, set()).add(f"{_SERVICE}{service_role.name}")
    for name, reached in targeted_policies(config).items():
        for account in reached:
            items.setdefault(account, set()).add(f"{_POLICY}{name}")
    for account, personas in personas_reaching(config, reach).items():
        items.setdefault(account, set()).update(f"{_PERSONA}{k}" for k in personas)
    identity = identity_account_id(config)
    if identity is not None and identity != organization.management_account_id:
        items.setdefault(identity, set()).add(_IDENTITY)
    variant_of: dict[str, "OrganizationalUnitConfig"] = {}
    for ou, account in organization.member_accounts():
        source = variant_ou(organization, ou)
        if source is not None:
            variant_of[account.id] = source
        elif account.id in items:
            raise ItemError(
                ("machine_roles",),
                f"account {account.name} ({account.id}) in OU {ou.path} is targeted by {sorted(items[account.id])} but "
                "receives no baseline variant (no OU on its path has a baseline), so no StackSet reaches it",
            )
    combos: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for account, names in items.items():
        combos.setdefault((variant_of[account].baseline, tuple(sorted(names))), []).append(account)  # type: ignore[arg-type]
    groups: list[StackSetGroup] = []
    for variant, ous in organization.variant_targets().items():
        taken = sorted(a for a, ou in variant_of.items() if ou.baseline == variant and a in items)
        accounts = sorted(a for a, ou in variant_of.items() if ou.baseline == variant and a not in items)
        groups.append(StackSetGroup(variant, (), tuple(accounts), tuple(o.id for o in ous), tuple(taken)))
    extra = []
    for (variant, names), accounts in combos.items():
        ou_ids = tuple(dict.fromkeys(variant_of[a].id for a in sorted(accounts)))
        machine = tuple(n for n in names if not n.startswith((_PERSONA, _SERVICE, _POLICY)) and n != _IDENTITY)
        personas = tuple(sorted(n.removeprefix(_PERSONA) for n in names if n.startswith(_PERSONA)))
        service = tuple(sorted(n.removeprefix(_SERVICE) for n in names if n.startswith(_SERVICE)))
        policies = tuple(sorted(n.removeprefix(_POLICY) for n in names if n.startswith(_POLICY)))
        extra.append(
            StackSetGroup(
                variant, machine, tuple(sorted(accounts)), tuple(sorted(ou_ids)), (), personas, _IDENTITY in names, service,
                policies,
            )
        )
    return groups + sorted(extra, key=lambda g: g.key)


def stackset_groups(config: "BaselineConfig", reach: "Mapping[str, PersonaReach] | None" = None) -> list[StackSetGroup]:
    """Every StackSet group of ``config``, the plain variants first (config order), then the
    combinations sorted by key.

    A member identity account is in none of them: it is in its plain variant's ``excluded``
    (the ``DIFFERENCE`` filter spares it) and its own combination is not a StackSet. Its
    baseline is a ``cdk deploy`` stack of its own (:func:`identity_account_group`,
    ``stacks/identity_account.py``): its people and identity half list every member role ARN,
    which at 100 member accounts passes the 51,200 bytes of a StackSet's ``TemplateBody``
    (CloudFormation API Reference, ``CreateStackSet``), while a stack deployed through the
    bootstrap bucket may reach 1 MB (CloudFormation User Guide, "CloudFormation quotas").

    ``reach``: the hop list (:func:`~.hub.persona_reach` of ``config``) when the caller has it.

    Raises:
        ItemError: a targeted account receives no baseline variant (its OU and the OUs above it
            have no ``baseline``), so no StackSet could carry the item there.
    """
    return [g for g in _all_groups(config, reach) if not g.identity]


def identity_account_group(config: "BaselineConfig", reach: "Mapping[str, PersonaReach] | None" = None) -> StackSetGroup | None:
    """The member identity account's baseline as its StackSet group would be (its variant, its
    targeted items, ``identity=True``, ``accounts`` = that one account), deployed as a stack of
    its own rather than a StackSet (see :func:`stackset_groups`); None without
    ``organization.identity_account`` or when it is the management account. ``reach``: as
    :func:`stackset_groups`.

    Raises:
        ItemError: as :func:`stackset_groups`.
    """
    return next((g for g in _all_groups(config, reach) if g.identity), None)


def group_of_account(config: "BaselineConfig") -> dict[str, StackSetGroup]:
    """Member account id -> the group of its baseline: the StackSet group that deploys to it, or
    for a member identity account :func:`identity_account_group` (its own stack)."""
    return {account: group for group in _all_groups(config) for account in group.accounts}
