"""The StackSets lock: where each member account's baseline is deployed, and where it may be.

``config/<config>.stacksets.lock`` (JSON, committed with the config) records, per StackSet
name, its variant, its targeted items and its accounts as deployed, and two things synth cannot
see in the config (:mod:`.stackset_moves` reads them):

* ``pending``: accounts that a synthesized move sends to this StackSet and that
  ``make accept-moves`` has not yet recorded. Whether that deploy ran is unknown, so the
  account may hold its stack instance here *or* where ``accounts`` puts it; a later move
  orders both (an earlier layout in the lock than the one deployed is then still safe);
* ``forwarding``: its forwarding twin ``<name>-GlobalEvents`` (``stacks/organization.py``) may
  exist. Only a twin that may exist is kept as a retiring twin when its StackSet retires.

The member identity account is deployed by its own stack (``IdentityAccount``), not a StackSet:
the lock records it under the pseudo-name :data:`IDENTITY`, so that an account moving into or
out of that stack is a move like the others.

Older locks (before ``pending``, ``forwarding`` and :data:`IDENTITY`) stay readable:
``forwarding`` missing reads as "may exist" (the twin is retired, as before: an instance-less
StackSet that never existed is created and dropped), ``pending`` as none, and an identity
account the lock does not name is the config's (as before). The next clean synth rewrites the
lock with every field. This module imports neither aws_cdk nor YAML.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BaselineError
from .files import LockKind, lock_path, read_lock_section
from .hub import persona_reach
from .identity_deployment import forwards_global_events
from .stackset_groups import identity_account_group, stackset_groups

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .hub import PersonaReach
    from .models import BaselineConfig

#: Format version of the lock file (fields added since are optional: older locks stay readable).
LOCK_VERSION = 1

#: The lock's name for the member identity account's own stack (``stacks/identity_account.py``,
#: construct id and ``cdk deploy`` name). A StackSet name always has a ``-``: no clash.
IDENTITY = "IdentityAccount"


class StackSetMoveError(BaselineError):
    """Moves that one deploy cannot order, or an unreadable StackSets lock."""


#: The StackSets lock of a config file: same folder and stem, suffix ``.stacksets.lock``.
lock_path_for = partial(lock_path, kind=LockKind.STACKSETS)


@dataclass(frozen=True)
class Placement:
    """One StackSet (or :data:`IDENTITY`) as the lock records it.

    Attributes:
        variant: the baseline variant key.
        items: its targeted items (:attr:`~.stackset_groups.StackSetGroup.items`).
        accounts: the member account ids deployed here (sorted).
        pending: account ids a synthesized move sends here, not yet accepted (sorted).
        forwarding: its forwarding twin ``<name>-GlobalEvents`` exists, or may (True); it does
            not (False); None: a lock older than this record (read as "may exist").
    """

    variant: str
    items: tuple[str, ...]
    accounts: tuple[str, ...]
    pending: tuple[str, ...] = ()
    forwarding: bool | None = None

    @property
    def may_forward(self) -> bool:
        """Its forwarding twin may exist (True also when the lock does not say)."""
        return self.forwarding is not False

    def record(self) -> dict[str, Any]:
        """The lock entry (JSON): every field, ``forwarding`` as true unless it is known false."""
        entry: dict[str, Any] = {"variant": self.variant, "items": list(self.items), "accounts": list(self.accounts)}
        entry["pending"] = list(self.pending)
        entry["forwarding"] = self.may_forward
        return entry


def stackset_name(config: "BaselineConfig", key: str) -> str:
    """The StackSet name of group ``key``: ``<organization.stacksets.name_prefix>-<key>``."""
    assert config.organization is not None
    return f"{config.organization.stacksets.name_prefix}-{key}"


def placements(config: "BaselineConfig", reach: "Mapping[str, PersonaReach] | None" = None) -> dict[str, Placement]:
    """StackSet name -> :class:`Placement` of every StackSet group of ``config``, and
    :data:`IDENTITY` for a member identity account (none without an organization).

    ``reach``: the hop list (:func:`~.hub.persona_reach` of ``config``) when the caller has it;
    without it, it is computed once here (about half a second at 500 member accounts).
    """
    if config.organization is None:
        return {}
    if reach is None:
        reach = persona_reach(config)  # once, for the StackSet groups and the identity account's group
    forwarding = forwards_global_events(config)  # every group's member template has alert rules then
    result = {
        stackset_name(config, g.key): Placement(g.variant, g.items, g.accounts, forwarding=forwarding)
        for g in stackset_groups(config, reach)
    }
    identity = identity_account_group(config, reach)
    if identity is not None:
        result[IDENTITY] = Placement(identity.variant, identity.items, identity.accounts, forwarding=forwarding)
    return result


def read_lock(path: str | Path) -> dict[str, Any] | None:
    """The ``stacksets`` section (``account_id``, ``placements``), or None without a lock."""
    return read_lock_section(path, "stacksets", "StackSets", StackSetMoveError)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def recorded_placements(
    lock: dict[str, Any] | None, account_id: str, path: str | Path = "the StackSets lock"
) -> dict[str, Placement] | None:
    """The placements a lock section records for ``account_id``; None without a binding lock.

    Raises:
        StackSetMoveError: an entry is not a mapping of ``variant`` (text), ``items`` and
            ``accounts`` (lists of text), and optionally ``pending`` (list of text) and
            ``forwarding`` (true/false), naming the entry and ``path``.
    """
    if lock is None or lock.get("account_id") != account_id:
        return None
    entries = lock.get("placements", {})
    if not isinstance(entries, dict):
        raise StackSetMoveError(f"{path}: 'placements' is not a mapping of StackSet names; restore it from git")
    recorded = {}
    for name, entry in entries.items():
        ok = (
            isinstance(entry, dict)
            and isinstance(entry.get("variant"), str)
            and _strings(entry.get("items"))
            and _strings(entry.get("accounts"))
            and _strings(entry.get("pending", []))
            and isinstance(entry.get("forwarding", False), bool)
        )
        if not ok:
            raise StackSetMoveError(
                f"{path}: placement {name!r} is {json.dumps(entry)[:200]}; allowed: variant (text), items and accounts "
                "(lists of text), optionally pending (list of text) and forwarding (true or false). Restore it from git."
            )
        recorded[name] = Placement(
            entry["variant"], tuple(entry["items"]), tuple(entry["accounts"]), tuple(entry.get("pending", ())),
            entry.get("forwarding"),
        )
    return recorded


def locations(recorded: "Mapping[str, Placement]") -> dict[str, tuple[str, tuple[str, ...]]]:
    """Account id -> (its recorded StackSet, the StackSets where an unaccepted move may have put
    it) in ``recorded``."""
    kept = {account: name for name, p in recorded.items() for account in p.accounts}
    maybe: dict[str, set[str]] = {}
    for name, p in recorded.items():
        for account in p.pending:
            maybe.setdefault(account, set()).add(name)
    result = {}
    for account in sorted(kept.keys() | maybe.keys()):
        first = kept.get(account) or min(maybe[account])
        result[account] = (first, tuple(sorted(maybe.get(account, set()) - {first})))
    return result


def pending_placements(
    config: "BaselineConfig", recorded: "Mapping[str, Placement] | None", current: "Mapping[str, Placement] | None" = None
) -> dict[str, Placement]:
    """What a clean synth records: each account at its StackSet now, except a moved account,
    which stays at its recorded StackSet with its StackSet now added to its pending ones (the
    move may or may not be deployed) until ``make accept-moves``. A twin that may exist stays
    recorded as such. ``current``: :func:`placements` of ``config`` when the caller has them."""
    current = placements(config) if current is None else current
    if not recorded:
        return dict(current)
    where = locations(recorded)
    accounts: dict[str, set[str]] = {}
    pending: dict[str, set[str]] = {}
    for name, p in current.items():
        for account in p.accounts:
            first, maybe = where.get(account, (name, ()))
            accounts.setdefault(first, set()).add(account)
            for other in {*maybe, name} - {first}:
                pending.setdefault(other, set()).add(account)
    result = {}
    for name in sorted(current.keys() | accounts.keys() | pending.keys()):
        shape, was = current.get(name) or recorded[name], recorded.get(name)
        forwarding = (was is not None and was.may_forward) or (name in current and bool(current[name].forwarding))
        result[name] = replace(
            shape, accounts=tuple(sorted(accounts.get(name, ()))), pending=tuple(sorted(pending.get(name, ()))),
            forwarding=forwarding,
        )
    return result


def write_lock(path: str | Path, account_id: str, recorded: "Mapping[str, Placement]") -> None:
    """Record ``recorded`` (StackSet name -> placement) for ``account_id`` in ``path``."""
    section = {"account_id": account_id, "placements": {name: p.record() for name, p in sorted(recorded.items())}}
    Path(path).write_text(json.dumps({"version": LOCK_VERSION, "stacksets": section}, indent=2, sort_keys=True) + "\n")
