"""Accounts moving between StackSets: ordered within one deploy, recorded in the StackSets lock.

A member account's StackSet follows its combination of variant and targeted items
(:mod:`.stackset_groups`), so giving a machine role ``accounts: [sandbox-alice]`` moves that
account from ``IamBaseline-sandbox-6c24219c`` to ``IamBaseline-sandbox-a9112ca6``. Both stack
instances hold the same IAM names (``Admin``, ``DeveloperBoundary``, ...), and a name can exist
once per account, so the old instance must be gone before the new one is created.

What CloudFormation does with the ``OrganizationRollout`` stack update (the sources read):

* The ``AWS::CloudFormation::StackSet`` resource handler's update first deletes the stack
  instances the new ``StackInstancesGroup`` leaves out and waits for that operation, then
  updates the StackSet, then creates the new stack instances (aws-cloudformation-resource-
  providers-cloudformation, ``aws-cloudformation-stackset``, ``UpdateHandler`` and
  ``AltStackInstancesCalculator``: an account leaving an ``INTERSECTION`` list, or joining a
  ``DIFFERENCE`` list, is a stack instance to delete; ``RequestTranslator``: that
  ``DeleteStackInstances`` request does not ask to retain the stacks, whatever
  ``retain_stacks_on_account_removal`` says, which applies to accounts leaving the OUs).
* Resources without a dependency are created and updated in parallel; with ``DependsOn`` "Resource
  B is updated before resource A" (CloudFormation Template Reference, "DependsOn attribute").
* A resource removed from the template is deleted only after every create and update, in the
  cleanup phase (CloudFormation User Guide, "View CloudFormation stack events" > "Stack status
  codes": ``UPDATE_COMPLETE_CLEANUP_IN_PROGRESS``; AWS Knowledge Center, "Why is my CloudFormation
  stack stuck in the ... UPDATE_COMPLETE_CLEANUP_IN_PROGRESS state?": CloudFormation is "still
  removing old resources").

So the rollout orders each move inside one deploy (:class:`MovePlan`):

* the StackSet the account leaves, when it stays for other accounts, is a ``DependsOn`` of the
  one it joins: its update deletes the instance there before the joined StackSet creates one;
* the StackSet the account leaves, when no account keeps it, would be deleted in the cleanup
  phase, after the clash: it is kept one more deploy as a **retiring** StackSet (same name and
  logical id, no stack instances), which the joined StackSet depends on; its update deletes
  every instance first;
* two accounts swapping StackSets (A -> B and B -> A) cannot be ordered: refused
  (:class:`StackSetMoveError`), with the two-step procedure.

The account is without its baseline only between the two StackSet operations of that one
deploy. What synth cannot know is whether a synthesized move has been deployed, so the
StackSets lock (``config/<config>.stacksets.lock``, JSON, committed with the config) records
each account's StackSet as deployed: a clean synth records new and removed accounts and keeps a
moved account at its old StackSet (the move stays pending, and ordered, in every later synth);
``make accept-moves`` records the current StackSets once the deploy that carried the moves has
succeeded, and the next synth drops the retiring StackSets. A lock recording another
``account_id`` binds nothing and is replaced.

This module imports neither aws_cdk nor YAML.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BaselineError
from .files import LockKind, lock_path, read_lock_section
from .provenance import line_of
from .stackset_groups import StackSetGroup, stackset_groups

if TYPE_CHECKING:
    from .models import BaselineConfig

#: Format version of the lock file.
LOCK_VERSION = 1


class StackSetMoveError(BaselineError):
    """Moves that one deploy cannot order, or an unreadable StackSets lock."""


#: The StackSets lock of a config file: same folder and stem, suffix ``.stacksets.lock``.
lock_path_for = partial(lock_path, kind=LockKind.STACKSETS)


def stackset_name(config: "BaselineConfig", group: StackSetGroup) -> str:
    """The StackSet name of ``group``: ``<organization.stacksets.name_prefix>-<group key>``."""
    assert config.organization is not None
    return f"{config.organization.stacksets.name_prefix}-{group.key}"


@dataclass(frozen=True)
class Placement:
    """One StackSet as the lock records it: its variant, its targeted items, its accounts."""

    variant: str
    items: tuple[str, ...]
    accounts: tuple[str, ...]

    def record(self) -> dict[str, Any]:
        return {"variant": self.variant, "items": list(self.items), "accounts": list(self.accounts)}


def placements(config: "BaselineConfig") -> dict[str, Placement]:
    """StackSet name -> :class:`Placement` of every StackSet group of ``config`` (none without
    an organization)."""
    if config.organization is None:
        return {}
    return {
        stackset_name(config, g): Placement(g.variant, g.items, g.accounts) for g in stackset_groups(config)
    }


@dataclass(frozen=True)
class StackSetMove:
    """Member account ``account`` (``name``) deployed by StackSet ``old``, now by ``new``."""

    account: str
    name: str
    old: str
    new: str
    old_items: tuple[str, ...]
    new_items: tuple[str, ...]
    old_variant: str
    new_variant: str

    def config_keys(self, config: "BaselineConfig") -> list[str]:
        """The config keys whose change moved the account: the targeted items it gained or
        lost (``machine_roles[1].targets``, ``roles.developer.reach``, ...), or its OU when its
        variant changed."""
        keys = [] if self.old_variant == self.new_variant else ["organization.organizational_units"]
        for item in sorted(set(self.old_items) ^ set(self.new_items)):
            keys.append(_item_key(config, item))
        return list(dict.fromkeys(keys))

    def describe(self, config: "BaselineConfig", source: str | None = None) -> str:
        where = []
        for key in self.config_keys(config):
            line = line_of(source, key) if source else None
            where.append(f"{key} (line {line})" if line else key)
        return f"account {self.name} ({self.account}): StackSet {self.old} -> {self.new}, by {', '.join(where)}"


def _item_key(config: "BaselineConfig", item: str) -> str:
    """The config key of a StackSet group item (:attr:`StackSetGroup.items`)."""
    kind, _, name = item.partition(":")
    if kind == "machine_role":
        index = next((i for i, r in enumerate(config.machine_roles) if r.name == name), None)
        return "machine_roles" if index is None else f"machine_roles[{index}].targets"
    if kind == "service_role":
        index = next((i for i, r in enumerate(config.service_roles) if r.name == name), None)
        return "service_roles" if index is None else f"service_roles[{index}].targets"
    if kind == "policy":
        return f"policies.{name}.targets" if name in config.policies else "policies"
    if kind == "persona":
        section = "roles" if name in ("admin", "developer", "read_only", "support") else "personas"
        return f"{section}.{name}.reach"
    return "organization.identity_account"


@dataclass(frozen=True)
class MovePlan:
    """How one deploy carries the moves.

    Attributes:
        moves: every account whose recorded StackSet is not its StackSet now.
        retiring: StackSet name -> the recorded placement of a StackSet that moved accounts
            leave and no account keeps: kept, without stack instances, for this deploy.
        depends_on: StackSet name -> the StackSets (now or retiring) that its accounts leave,
            which it depends on (``DependsOn``).
    """

    moves: tuple[StackSetMove, ...] = ()
    retiring: tuple[str, ...] = ()
    depends_on: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def dependencies(self) -> dict[str, tuple[str, ...]]:
        return dict(self.depends_on)


def recorded_placements(lock: dict[str, Any] | None, account_id: str) -> dict[str, Placement] | None:
    """The placements a lock section records for ``account_id``; None without a binding lock."""
    if lock is None or lock.get("account_id") != account_id:
        return None
    recorded = {}
    for name, entry in lock.get("placements", {}).items():
        recorded[name] = Placement(entry["variant"], tuple(entry["items"]), tuple(entry["accounts"]))
    return recorded


def find_moves(config: "BaselineConfig", recorded: dict[str, Placement] | None) -> list[StackSetMove]:
    """Every member account whose StackSet in ``recorded`` is not its StackSet in ``config``
    (an account the lock does not know is new, not moved)."""
    if not recorded or config.organization is None:
        return []
    was = {account: name for name, p in recorded.items() for account in p.accounts}
    names = {a.id: a.name for _, a in config.organization.member_accounts()}
    moves = []
    for new, placement in placements(config).items():
        for account in placement.accounts:
            old = was.get(account)
            if old is not None and old != new:
                before = recorded[old]
                moves.append(StackSetMove(account, names.get(account, account), old, new, before.items, placement.items,
                                          before.variant, placement.variant))
    return moves


def plan_moves(config: "BaselineConfig", recorded: dict[str, Placement] | None, source: str | None = None) -> MovePlan:
    """The moves from ``recorded`` (the StackSets lock) to ``config``'s StackSet groups, and how
    the rollout orders them (see the module docstring).

    Raises:
        StackSetMoveError: the moves need two StackSets each to go first (accounts swapping
            StackSets, or a longer cycle): each move with the config keys that caused it (and
            their lines in ``source``) and the two-step procedure.
    """
    if not recorded or config.organization is None:
        return MovePlan()
    _refuse_new_prefix(config, recorded, source)
    current = placements(config)
    moves = find_moves(config, recorded)
    depends: dict[str, set[str]] = {}
    for move in moves:
        depends.setdefault(move.new, set()).add(move.old)
    _refuse_cycles(depends, moves, config, source)
    retiring = sorted({m.old for m in moves} - set(current))
    return MovePlan(
        tuple(sorted(moves, key=lambda m: (m.new, m.account))),
        tuple(retiring),
        tuple((name, tuple(sorted(olds))) for name, olds in sorted(depends.items())),
    )


def _refuse_new_prefix(config: "BaselineConfig", recorded: dict[str, Placement], source: str | None) -> None:
    """Refuse a new ``organization.stacksets.name_prefix``: every StackSet would get a new name and
    logical id, so CloudFormation would create each new one (and its stack instances, with the
    same IAM names) before it deletes the old one in the cleanup phase."""
    assert config.organization is not None
    prefix = config.organization.stacksets.name_prefix
    others = sorted(name for name in recorded if not name.startswith(f"{prefix}-"))
    if not others:
        return
    key = "organization.stacksets.name_prefix"
    line = line_of(source, key) if source else None
    raise StackSetMoveError(
        f"refusing to synthesize: {key}{f' (line {line})' if line else ''} is {prefix!r}, but the deployed StackSets "
        f"(recorded in the StackSets lock) are named {', '.join(others[:3])}{', ...' if len(others) > 3 else ''}: a "
        "new prefix replaces every StackSet, and each new one would create its stack instances, with the same IAM "
        "names, while the old one still holds them (it is deleted only in the cleanup phase). Allowed: the prefix "
        "the lock records; keep it."
    )


def _refuse_cycles(depends: dict[str, set[str]], moves: list[StackSetMove], config: "BaselineConfig", source: str | None) -> None:
    """Refuse a cycle of ``DependsOn`` (CloudFormation rejects a circular dependency, and no
    order would delete each old instance before its new one)."""
    state: dict[str, int] = {}  # 1: on the path, 2: done
    cycle: list[str] = []

    def visit(node: str, path: list[str]) -> bool:
        state[node] = 1
        for after in sorted(depends.get(node, ())):
            if state.get(after) == 1:
                cycle.extend(path[path.index(after):] if after in path else [after])
                return True
            if state.get(after) is None and visit(after, [*path, after]):
                return True
        state[node] = 2
        return False

    for start in sorted(depends):
        if state.get(start) is None and visit(start, [start]):
            break
    if not cycle:
        return
    involved = [m for m in moves if m.old in cycle and m.new in cycle]
    body = "\n".join(f"  - {m.describe(config, source)}" for m in involved)
    first = involved[0]
    raise StackSetMoveError(
        f"refusing to synthesize: accounts swap StackSets ({' -> '.join([*cycle, cycle[0]])}), which one deploy "
        f"cannot order: each StackSet would have to delete its old stack instance before the other creates it, and "
        f"both hold the same IAM names\n{body}\n"
        "Allowed: moves in one direction per pair of StackSets. Roll them out in two steps: (1) revert the change for "
        f"account {first.name} (keep the others), synthesize, deploy, then `make accept-moves`; (2) re-apply it, "
        "synthesize, deploy, `make accept-moves`."
    )


def read_lock(path: str | Path) -> dict[str, Any] | None:
    """The ``stacksets`` section (``account_id``, ``placements``), or None without a lock."""
    return read_lock_section(path, "stacksets", "StackSets", StackSetMoveError)


def pending_placements(config: "BaselineConfig", recorded: dict[str, Placement] | None) -> dict[str, Placement]:
    """What a clean synth records: each account at its StackSet now, except a moved account,
    which stays at its recorded StackSet until ``make accept-moves`` (the move is pending)."""
    current = placements(config)
    if not recorded:
        return current
    was = {account: name for name, p in recorded.items() for account in p.accounts}
    now = {account: name for name, p in current.items() for account in p.accounts}
    kept: dict[str, list[str]] = {}
    for account, name in now.items():
        kept.setdefault(was.get(account, name), []).append(account)
    result = {}
    for name, accounts in kept.items():
        shape = current.get(name) or recorded[name]
        result[name] = Placement(shape.variant, shape.items, tuple(sorted(accounts)))
    # A StackSet that no account is placed in (a plain variant with every account elsewhere) is
    # still one of the config's StackSets.
    for name, shape in current.items():
        result.setdefault(name, Placement(shape.variant, shape.items, ()))
    return dict(sorted(result.items()))


def write_lock(path: str | Path, account_id: str, recorded: dict[str, Placement]) -> None:
    """Record ``recorded`` (StackSet name -> placement) for ``account_id`` in ``path``."""
    section = {"account_id": account_id, "placements": {name: p.record() for name, p in sorted(recorded.items())}}
    Path(path).write_text(json.dumps({"version": LOCK_VERSION, "stacksets": section}, indent=2, sort_keys=True) + "\n")


def check_stackset_lock(config: "BaselineConfig", path: str | Path, source: str | None = None) -> tuple[MovePlan, str | None]:
    """The moves of ``config`` against the lock at ``path`` and the note to print when the lock
    is to be written after a clean synth (``None``: it already records this).

    Raises:
        StackSetMoveError: see :func:`plan_moves`, or the lock is unreadable.
    """
    if config.organization is None:
        return MovePlan(), None
    path = Path(path)
    lock = read_lock(path)
    recorded = recorded_placements(lock, config.account_id)
    plan = plan_moves(config, recorded, source)
    if lock is None:
        return plan, f"recorded the StackSet of each member account in {path}; commit it with the config"
    if recorded is None:
        return plan, f"{path} recorded account {lock.get('account_id')!r}, not {config.account_id!r}: not binding; replaced"
    if pending_placements(config, recorded) == recorded and not plan.moves:
        return plan, None
    lines = [f"pending move, ordered in the rollout: {m.describe(config, source)}" for m in plan.moves]
    lines += [f"retiring StackSet {name}: kept without stack instances until `make accept-moves`" for name in plan.retiring]
    if plan.moves:
        lines.append("after the deploy that carries these moves has succeeded, run `make accept-moves` and commit the lock")
    body = "".join(f"\n  - {line}" for line in lines)
    return plan, f"updated {path}" + (":" + body if body else " (new or removed member accounts)")


def write_pending(path: str | Path, config: "BaselineConfig") -> None:
    """After a clean synth: record :func:`pending_placements` (moved accounts kept at their
    recorded StackSet) in the lock at ``path``."""
    try:
        recorded = recorded_placements(read_lock(path), config.account_id)
    except StackSetMoveError:
        recorded = None
    write_lock(path, config.account_id, pending_placements(config, recorded))


def accept_moves(config: "BaselineConfig", path: str | Path) -> str:
    """``make accept-moves``: record every account at its StackSet now (the moves deployed).

    Returns:
        What was recorded, each accepted move listed.
    """
    path = Path(path)
    try:
        recorded = recorded_placements(read_lock(path), config.account_id)
    except StackSetMoveError:
        recorded = None  # recording is the deliberate act that restores a damaged lock
    moves = sorted(find_moves(config, recorded), key=lambda m: m.account)  # deployed, the user says
    write_lock(path, config.account_id, placements(config))
    if not moves:
        return f"recorded the StackSet of each member account in {path}"
    return f"updated {path}; commit it:" + "".join(f"\n  - accepted {m.describe(config)}" for m in moves)
