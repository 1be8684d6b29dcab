"""StackSet groups: the distinct combinations of (baseline variant, targeted items) over the member accounts.

Every member account receives its OU's baseline variant (the nearest OU on its path with a
``baseline``) plus the targeted items (:mod:`.targeting`) that reach it: the machine roles and
the service roles with ``targets``. Accounts with the same combination share one StackSet:

* the plain variant keeps its StackSet ``<prefix>-<variant>`` (unchanged from before targeting:
  a config without targeted items synthesizes the same templates), targeting its OUs, minus the
  accounts that have a combination of their own (``AccountFilterType: DIFFERENCE``);
* each other combination gets ``<prefix>-<variant>-<digest>``, the digest a hash of the item
  names only (``machine_role:<name>`` lines, then ``service_role:<name>`` lines: a group without
  service roles keeps the digest it had before service roles could be targeted), targeting
  exactly its accounts inside the variant's OUs (``INTERSECTION``).

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

if TYPE_CHECKING:
    from .models import BaselineConfig
    from .organization import OrganizationConfig, OrganizationalUnitConfig


@dataclass(frozen=True)
class StackSetGroup:
    """One StackSet: a variant, the targeted items it adds, the accounts that receive it.

    Attributes:
        variant: the baseline variant key.
        machine_roles: names of the targeted machine roles it adds (sorted).
        accounts: member account ids it deploys to (sorted).
        ou_ids: the variant's OUs it targets (with the account filter).
        excluded: for the plain variant, the accounts of its OUs that another group serves.
        service_roles: names of the targeted service roles it adds (sorted).
    """

    variant: str
    machine_roles: tuple[str, ...]
    accounts: tuple[str, ...]
    ou_ids: tuple[str, ...]
    excluded: tuple[str, ...] = ()
    service_roles: tuple[str, ...] = ()

    @property
    def targeted(self) -> bool:
        """True when the group adds targeted items (False: the plain variant)."""
        return bool(self.machine_roles or self.service_roles)

    @property
    def key(self) -> str:
        """``<variant>`` for the plain variant, else ``<variant>-<8 hex digits of the item names>``."""
        if not self.targeted:
            return self.variant
        items = [*(f"machine_role:{n}" for n in self.machine_roles), *(f"service_role:{n}" for n in self.service_roles)]
        digest = hashlib.sha256("\n".join(items).encode()).hexdigest()[:8]
        return f"{self.variant}-{digest}"

    def describe_items(self) -> str:
        """`` With machine roles A, B. With service roles C.`` (empty for the plain variant)."""
        text = f" With machine roles {', '.join(self.machine_roles)}." if self.machine_roles else ""
        return text + (f" With service roles {', '.join(self.service_roles)}." if self.service_roles else "")


def _variant_ou(organization: "OrganizationConfig", ou: "OrganizationalUnitConfig") -> "OrganizationalUnitConfig | None":
    """The OU whose baseline reaches the accounts of ``ou``: itself or its nearest ancestor with one."""
    by_path = {o.path: o for o in organization.organizational_units}
    parts = ou.path.split("/")
    for size in range(len(parts), 0, -1):
        found = by_path.get("/".join(parts[:size]))
        if found is not None and found.baseline:
            return found
    return None


def stackset_groups(config: "BaselineConfig") -> list[StackSetGroup]:
    """Every StackSet group of ``config``, the plain variants first (config order), then the
    combinations sorted by key.

    Raises:
        ItemError: a targeted account receives no baseline variant (its OU and the OUs above it
            have no ``baseline``), so no StackSet could carry the item there.
    """
    organization = config.organization
    assert organization is not None
    items: dict[str, set[tuple[str, str]]] = {}  # account -> (section, role name) of its targeted items
    for section in ("machine_roles", "service_roles"):
        for index, role in enumerate(getattr(config, section)):
            if role.targets is not None:
                for account in organization.directory.resolve(role.targets, (section, index, "targets")):
                    items.setdefault(account, set()).add((section, role.name))
    variant_of: dict[str, "OrganizationalUnitConfig"] = {}
    for ou, account in organization.member_accounts():
        source = _variant_ou(organization, ou)
        if source is not None:
            variant_of[account.id] = source
        elif account.id in items:
            targeted = sorted(name for _, name in items[account.id])
            raise ItemError(
                (min(section for section, _ in items[account.id]),),
                f"account {account.name} ({account.id}) in OU {ou.path} is targeted by {targeted} but "
                "receives no baseline variant (no OU on its path has a baseline), so no StackSet reaches it",
            )
    combos: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[str]] = {}
    for account, named in items.items():
        machine = tuple(sorted(n for section, n in named if section == "machine_roles"))
        service = tuple(sorted(n for section, n in named if section == "service_roles"))
        combos.setdefault((variant_of[account].baseline, machine, service), []).append(account)  # type: ignore[arg-type]
    groups: list[StackSetGroup] = []
    for variant, ous in organization.variant_targets().items():
        taken = sorted(a for a, ou in variant_of.items() if ou.baseline == variant and a in items)
        accounts = sorted(a for a, ou in variant_of.items() if ou.baseline == variant and a not in items)
        groups.append(StackSetGroup(variant, (), tuple(accounts), tuple(o.id for o in ous), tuple(taken)))
    extra = []
    for (variant, machine, service), accounts in combos.items():
        ou_ids = tuple(dict.fromkeys(variant_of[a].id for a in sorted(accounts)))
        extra.append(StackSetGroup(variant, machine, tuple(sorted(accounts)), tuple(sorted(ou_ids)), service_roles=service))
    return groups + sorted(extra, key=lambda g: g.key)


def group_of_account(config: "BaselineConfig") -> dict[str, StackSetGroup]:
    """Member account id -> the StackSet group that deploys to it."""
    return {account: group for group in stackset_groups(config) for account in group.accounts}
