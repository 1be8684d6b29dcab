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
* the forwarding twins (``<name>-GlobalEvents``, one fixed-name role ``GlobalEventsForwarding``
  each) are ordered the same way; a retiring StackSet's twin retires only when the lock says it
  may exist (:mod:`.stackset_lock`) and the config forwards now;
* an account entering the member identity account's own stack (``organization.identity_account``
  set to a former StackSet member): that stack is not in the rollout, so ``IdentityAccount``
  depends on ``OrganizationRollout``, whose update deletes the old instance first (aws-cdk-lib
  ``core/lib/deps.ts`` ``addDependency``: two top-level stacks get an assembly-level dependency,
  the manifest's ``dependencies``, which ``cdk deploy`` deploys first);
* two accounts swapping StackSets (A -> B and B -> A) cannot be ordered: refused
  (:class:`StackSetMoveError`), with the two-step procedure;
* an account leaving the identity account's own stack for a StackSet cannot be ordered either:
  ``cdk deploy`` never deletes the old ``IdentityAccount`` stack, which retains its ``Admin``
  role: refused, with the two-step procedure.

The account is without its baseline only between the two StackSet operations of that one
deploy. What synth cannot know is whether a synthesized move has been deployed, so the
StackSets lock (:mod:`.stackset_lock`, committed with the config) records each account's
StackSet as deployed: a clean synth records new and removed accounts and keeps a moved account
at its old StackSet with its new one as ``pending`` (the move stays ordered in every later
synth); ``make accept-moves`` records the current StackSets once the deploy that carried the
moves has succeeded, and the next synth drops the retiring StackSets. A second move before
that acceptance (or a lock older than the layout deployed, as long as the synth of that deploy
wrote it) is ordered after every StackSet that may hold the account: the recorded one and each
pending one (the update of one that does not hold it deletes nothing). A lock recording another
``account_id`` binds nothing and is replaced.

This module imports neither aws_cdk nor YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .provenance import line_of
from .stackset_move_refusals import refuse_cycles, refuse_leaving_identity, refuse_new_prefix
from .stackset_lock import (
    IDENTITY,
    LOCK_VERSION,
    Placement,
    StackSetMoveError,
    lock_path_for,
    locations,
    pending_placements,
    placements,
    read_lock,
    recorded_placements,
    stackset_name,
    write_lock,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .hub import PersonaReach
    from .models import BaselineConfig

__all__ = [
    "IDENTITY", "LOCK_VERSION", "MovePlan", "Placement", "StackSetMove", "StackSetMoveError", "accept_moves",
    "check_stackset_lock", "find_moves", "lock_path_for", "pending_placements", "placements", "plan_moves",
    "read_lock", "recorded_placements", "stackset_name", "write_lock", "write_pending",
]


@dataclass(frozen=True)
class StackSetMove:
    """Member account ``account`` (``name``) deployed by StackSet ``old``, now by ``new``.

    ``old`` or ``new`` is :data:`IDENTITY` for the member identity account's own stack.
    ``maybe``: further StackSets where an earlier synthesized move, not yet accepted, may have
    put the account (the lock's ``pending``): the account's instance is in ``old`` or one of
    them, and ``new`` waits for each (:attr:`sources`).
    """

    account: str
    name: str
    old: str
    new: str
    old_items: tuple[str, ...]
    new_items: tuple[str, ...]
    old_variant: str
    new_variant: str
    maybe: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """Every StackSet (or :data:`IDENTITY`) that may hold the account's baseline now."""
        return (self.old, *self.maybe)

    def config_keys(self, config: "BaselineConfig") -> list[str]:
        """The config keys whose change moved the account: the targeted items it gained or
        lost (``machine_roles[1].targets``, ``roles.developer.reach``, ...), or its OU when its
        variant changed, or ``organization.identity_account`` into or out of its own stack."""
        if IDENTITY in (*self.sources, self.new):
            return ["organization.identity_account"]
        keys = [] if self.old_variant == self.new_variant else ["organization.organizational_units"]
        for item in sorted(set(self.old_items) ^ set(self.new_items)):
            keys.append(_item_key(config, item))
        return list(dict.fromkeys(keys)) or ["(a change not yet accepted, reverted)"]

    def describe(self, config: "BaselineConfig", source: str | None = None) -> str:
        """One line: the account, where it may be, where it goes, the config keys (and their
        lines in ``source``) that moved it."""
        where = []
        for key in self.config_keys(config):
            line = line_of(source, key) if source and not key.startswith("(") else None
            where.append(f"{key} (line {line})" if line else key)
        old = _shown(self.old)
        if self.maybe:
            old += f" (or {', '.join(_shown(m) for m in self.maybe)}, if an earlier synthesized move was deployed)"
        new = _shown(self.new) if self.new == IDENTITY else self.new
        return f"account {self.name} ({self.account}): {old} -> {new}, by {', '.join(where)}"


def _shown(location: str) -> str:
    """A location in a message: ``StackSet <name>`` or the identity account's own stack."""
    return "the IdentityAccount stack" if location == IDENTITY else f"StackSet {location}"


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
        moves: every account whose recorded StackSet (or a pending one) is not its StackSet now.
        retiring: names of the StackSets that moved accounts leave (or may have reached) and no
            account keeps: kept, without stack instances, for this deploy.
        retiring_forwarding: the names in ``retiring`` whose forwarding twin
            ``<name>-GlobalEvents`` retires too: the lock says it may exist and the config now
            forwards (a twin joined by the account holds the same fixed-name role).
        depends_on: StackSet name -> the StackSets (now or retiring) that its accounts leave,
            which it depends on (``DependsOn``).
        identity_after: the StackSets the account entering the identity account's own stack
            leaves: the ``IdentityAccount`` stack then depends on the rollout stack.
    """

    moves: tuple[StackSetMove, ...] = ()
    retiring: tuple[str, ...] = ()
    depends_on: tuple[tuple[str, tuple[str, ...]], ...] = ()
    retiring_forwarding: tuple[str, ...] = ()
    identity_after: tuple[str, ...] = ()

    def dependencies(self) -> dict[str, tuple[str, ...]]:
        """``depends_on`` as a mapping: StackSet name -> the StackSets it waits for."""
        return dict(self.depends_on)


def find_moves(
    config: "BaselineConfig", recorded: "Mapping[str, Placement] | None", current: "Mapping[str, Placement] | None" = None
) -> list[StackSetMove]:
    """Every member account whose StackSet in ``config`` is not the one ``recorded`` keeps it at,
    or that an unaccepted move may have put elsewhere (an account the lock does not know is new,
    not moved). ``current``: :func:`placements` of ``config`` when the caller has them."""
    if not recorded or config.organization is None:
        return []
    current = placements(config) if current is None else current
    where = locations(recorded)
    names = {a.id: a.name for _, a in config.organization.member_accounts()}
    moves = []
    for new, placement in current.items():
        for account in placement.accounts:
            first, maybe = where.get(account, (new, ()))
            sources = [s for s in (first, *maybe) if s != new]
            if not sources:
                continue
            before = recorded[sources[0]]
            moves.append(StackSetMove(account, names.get(account, account), sources[0], new, before.items, placement.items,
                                      before.variant, placement.variant, tuple(sources[1:])))
    return moves


def plan_moves(
    config: "BaselineConfig",
    recorded: "Mapping[str, Placement] | None",
    source: str | None = None,
    *,
    current: "Mapping[str, Placement] | None" = None,
) -> MovePlan:
    """The moves from ``recorded`` (the StackSets lock) to ``config``'s StackSet groups, and how
    the rollout orders them (see the module docstring). ``current``: :func:`placements` of
    ``config`` when the caller has them (they hold the hop list's work).

    Raises:
        StackSetMoveError: the moves need two StackSets each to go first (accounts swapping
            StackSets, or a longer cycle), or an account would leave the identity account's own
            stack for a StackSet (:mod:`.stackset_move_refusals`): each move with the config keys
            that caused it (and their lines in ``source``) and the two-step procedure.
    """
    if not recorded or config.organization is None:
        return MovePlan()
    refuse_new_prefix(config, recorded, source)
    current = placements(config) if current is None else current
    moves = find_moves(config, recorded, current)
    refuse_leaving_identity(config, [m for m in moves if IDENTITY in m.sources], source)
    depends: dict[str, set[str]] = {}
    for move in moves:
        if move.new != IDENTITY:
            depends.setdefault(move.new, set()).update(move.sources)
    refuse_cycles(depends, moves, config, source)
    retiring = sorted({s for m in moves for s in m.sources} - set(current))
    # Only a twin that may exist is retired, and only when a joined twin will hold its role.
    forwards = any(p.forwarding for p in current.values())
    return MovePlan(
        tuple(sorted(moves, key=lambda m: (m.new, m.account))),
        tuple(retiring),
        tuple((name, tuple(sorted(olds))) for name, olds in sorted(depends.items())),
        tuple(name for name in retiring if forwards and recorded[name].may_forward),
        tuple(sorted({s for m in moves if m.new == IDENTITY for s in m.sources})),
    )


def check_stackset_lock(
    config: "BaselineConfig",
    path: str | Path,
    source: str | None = None,
    reach: "Mapping[str, PersonaReach] | None" = None,
) -> tuple[MovePlan, str | None]:
    """The moves of ``config`` against the lock at ``path`` and the note to print when the lock
    is to be written after a clean synth (``None``: it already records this). ``reach``: the hop
    list (:func:`~.hub.persona_reach` of ``config``) when the caller has it; it is computed at
    most once here.

    Raises:
        StackSetMoveError: see :func:`plan_moves`, or the lock is unreadable.
    """
    if config.organization is None:
        return MovePlan(), None
    path = Path(path)
    lock = read_lock(path)
    recorded = recorded_placements(lock, config.account_id, path)
    current = placements(config, reach)
    plan = plan_moves(config, recorded, source, current=current)
    if lock is None:
        return plan, f"recorded the StackSet of each member account in {path}; commit it with the config"
    if recorded is None:
        return plan, f"{path} recorded account {lock.get('account_id')!r}, not {config.account_id!r}: not binding; replaced"
    if pending_placements(config, recorded, current) == recorded and not plan.moves:
        return plan, None
    lines = [f"pending move, ordered in the rollout: {m.describe(config, source)}" for m in plan.moves]
    lines += [f"retiring StackSet {name}: kept without stack instances until `make accept-moves`" for name in plan.retiring]
    lines += [f"retiring StackSet {name}-GlobalEvents: its forwarding twin, the same" for name in plan.retiring_forwarding]
    if plan.identity_after:
        lines.append("IdentityAccount is deployed after OrganizationRollout (its StackSet instance is deleted first)")
    if plan.moves:
        lines.append("after the deploy that carries these moves has succeeded, run `make accept-moves` and commit the lock")
    elif any(p.forwarding is None for p in recorded.values()):
        lines.append("the lock now records the forwarding twins and the identity account's own stack")
    body = "".join(f"\n  - {line}" for line in lines)
    return plan, f"updated {path}" + (":" + body if body else " (new or removed member accounts)")


def write_pending(path: str | Path, config: "BaselineConfig", reach: "Mapping[str, PersonaReach] | None" = None) -> None:
    """After a clean synth: record :func:`pending_placements` (moved accounts kept at their
    recorded StackSet, their StackSet now pending) in the lock at ``path``."""
    try:
        recorded = recorded_placements(read_lock(path), config.account_id, path)
    except StackSetMoveError:
        recorded = None
    write_lock(path, config.account_id, pending_placements(config, recorded, placements(config, reach)))


def accept_moves(config: "BaselineConfig", path: str | Path) -> str:
    """``make accept-moves``: record every account at its StackSet now (the moves deployed).

    Returns:
        What was recorded, each accepted move listed.
    """
    path = Path(path)
    try:
        recorded = recorded_placements(read_lock(path), config.account_id, path)
    except StackSetMoveError:
        recorded = None  # recording is the deliberate act that restores a damaged lock
    current = placements(config)
    moves = sorted(find_moves(config, recorded, current), key=lambda m: m.account)  # deployed, the user says
    write_lock(path, config.account_id, current)
    if not moves:
        return f"recorded the StackSet of each member account in {path}"
    return f"updated {path}; commit it:" + "".join(f"\n  - accepted {m.describe(config)}" for m in moves)
