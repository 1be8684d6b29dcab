"""Targeting: which member accounts of the organization a role, a policy or an SCP reaches.

Three lists, each by name (checked against ``organization.organizational_units``):

* ``accounts:`` member accounts, by account name (or 12-digit id);
* ``ous:`` OU paths (``Workloads/Prod``: that OU and every OU below it), or ``root``
  (every member account of the organization);
* ``exclude:`` account names (or ids) or OU paths taken out of what the two others name.

A name that is not declared is refused with the nearest declared names, before anything is
synthesized. Targets resolve to the *declared* member accounts: an account added to an OU
later is reached once it is declared in the config (the StackSets then deploy to it).
The management account is never a member account (service-managed StackSets never deploy to
it; SCPs never apply to it): AWS Organizations User Guide, "Service control policies";
CloudFormation User Guide, "Create stack sets with service-managed permissions".
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Annotated

from pydantic import Field, StringConstraints

from .strict import StrictModel
from .types import ItemError, unique

if TYPE_CHECKING:
    from .organization import OrganizationalUnitConfig

#: ``ous: [root]``: every member account of the organization.
ROOT = "root"

#: One target name: an account name or id, an OU path, or ``root`` (1-1024 printable characters).
TargetName = Annotated[str, StringConstraints(min_length=1, max_length=1024, pattern=r"^[\x20-\x7e]+$")]

_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")


class Targets(StrictModel):
    """Where a targeted item is deployed or attached: ``accounts``, ``ous`` minus ``exclude``.

    ``ous: [root]`` names every member account; ``exclude`` takes accounts or whole OUs back
    out. Every name is checked against the organization's declared accounts and OUs.
    """

    accounts: unique(TargetName, "account") = Field((), description="Member accounts, by name (or 12-digit id).")  # type: ignore[valid-type]
    ous: unique(TargetName, "OU") = Field(  # type: ignore[valid-type]
        (), description="OU paths (the OU and every OU below it), or 'root' for every member account."
    )
    exclude: unique(TargetName, "exclusion") = Field(  # type: ignore[valid-type]
        (), description="Account names (or ids) or OU paths taken out of accounts and ous."
    )

    @property
    def empty(self) -> bool:
        """True when nothing is named (``accounts`` and ``ous`` both empty)."""
        return not self.accounts and not self.ous


def nearest(value: str, candidates: Iterable[str]) -> str:
    """``; nearest: 'a', 'b'`` (up to three close names), or ``; declared: [...]`` when none is close."""
    pool = sorted(set(candidates))
    close = difflib.get_close_matches(value, pool, n=3, cutoff=0.5)
    if close:
        return "; nearest: " + ", ".join(repr(c) for c in close)
    return f"; declared: {pool[:20]}" + (f" and {len(pool) - 20} more" if len(pool) > 20 else "")


class AccountDirectory:
    """The organization's declared OUs and member accounts, to resolve target names.

    Args:
        ous: the ``organization.organizational_units`` (paths, accounts with names and ids).
    """

    def __init__(self, ous: Sequence["OrganizationalUnitConfig"]) -> None:
        self.ou_paths = [ou.path for ou in ous]
        self.by_name: dict[str, list[str]] = {}
        self.path_of: dict[str, str] = {}
        for ou in ous:
            for account in ou.accounts:
                self.by_name.setdefault(account.name, []).append(account.id)
                self.path_of[account.id] = ou.path

    @property
    def account_ids(self) -> list[str]:
        """Every declared member account id, sorted."""
        return sorted(self.path_of)

    def account(self, name: str, where: Sequence[str | int]) -> str:
        """The id of the member account ``name`` (an account name, or a declared id).

        Raises:
            ItemError: at ``where``: unknown (with the nearest names) or ambiguous name.
        """
        if _ACCOUNT_ID.match(name):
            if name in self.path_of:
                return name
            raise ItemError(where, f"account {name} is not a member account of any declared OU" + nearest(name, self.path_of))
        ids = self.by_name.get(name)
        if not ids:
            raise ItemError(where, f"unknown account {name!r}" + nearest(name, self.by_name))
        if len(ids) > 1:
            raise ItemError(where, f"account name {name!r} is shared by {sorted(ids)}: name the account by its id")
        return ids[0]

    def ou(self, path: str, where: Sequence[str | int]) -> list[str]:
        """Ids of the member accounts of OU ``path`` and of the OUs below it (``root``: all).

        Raises:
            ItemError: at ``where``: unknown OU path (with the nearest paths).
        """
        if path == ROOT:
            return self.account_ids
        if path not in self.ou_paths:
            raise ItemError(where, f"unknown OU {path!r}" + nearest(path, [*self.ou_paths, ROOT]))
        return sorted(a for a, p in self.path_of.items() if p == path or p.startswith(path + "/"))

    def resolve(self, targets: Targets, where: Sequence[str | int] = ()) -> tuple[str, ...]:
        """The member account ids ``targets`` reaches, sorted.

        Raises:
            ItemError: an unknown or ambiguous name (``where`` + the list key and index), or
                targets that reach no account.
        """
        where = tuple(where)
        chosen: set[str] = set()
        for index, name in enumerate(targets.accounts):
            chosen.add(self.account(name, (*where, "accounts", index)))
        for index, path in enumerate(targets.ous):
            chosen.update(self.ou(path, (*where, "ous", index)))
        for index, name in enumerate(targets.exclude):
            spot = (*where, "exclude", index)
            if _ACCOUNT_ID.match(name) or name in self.by_name:
                chosen.discard(self.account(name, spot))
            elif name in self.ou_paths:
                chosen.difference_update(self.ou(name, spot))
            elif name == ROOT:  # would take every account out: the targets would reach none
                raise ItemError(spot, "'root' cannot be excluded (it names every member account): exclude accounts "
                                      "or OU paths, or leave the item out")
            else:
                raise ItemError(spot, f"unknown account or OU {name!r}" + nearest(name, [*self.by_name, *self.ou_paths]))
        if not chosen:
            raise ItemError(where, "these targets reach no member account (accounts and ous, minus exclude)")
        return tuple(sorted(chosen))
