"""Moves that one deploy cannot order (:mod:`.stackset_moves`): refused before anything is built.

Each refusal names the config key (and its line), the value, what is allowed, and the two steps
that roll the change out safely:

* a new ``organization.stacksets.name_prefix``: every StackSet is replaced, each new one created
  before the old one is deleted in the cleanup phase;
* accounts swapping StackSets (a cycle of ``DependsOn``, which CloudFormation rejects);
* an account leaving the member identity account's own stack for a StackSet: ``cdk deploy`` never
  deletes the old ``IdentityAccount`` stack, and it retains its ``Admin`` role.

This module imports neither aws_cdk nor YAML.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .provenance import line_of
from .stackset_lock import IDENTITY, Placement, StackSetMoveError

if TYPE_CHECKING:
    from .models import BaselineConfig
    from .stackset_moves import StackSetMove


def refuse_leaving_identity(config: "BaselineConfig", leaving: list[StackSetMove], source: str | None) -> None:
    """Refuse an account leaving the member identity account's own stack for a StackSet (a new
    or no ``organization.identity_account``): its ``IdentityAccount`` stack (and
    ``IdentityAccount-GlobalEvents``) holds the names the StackSet's instance creates (``Admin``,
    the persona roles, ``GlobalEventsForwarding``), ``cdk deploy`` never deletes a stack the app
    no longer has, and the ``Admin`` role is retained on deletion (``stacks/account_baseline.py``).

    Raises:
        StackSetMoveError: ``leaving`` is not empty: the first move, the key, its value and line,
            and the two steps (destroy that stack and its retained role; drop it from the lock).
    """
    if not leaving:
        return
    assert config.organization is not None
    move = leaving[0]
    key = "organization.identity_account"
    line = line_of(source, key) if source else None
    value = config.organization.identity_account
    admin = config.roles.admin.name if config.roles.admin is not None else "Admin"
    raise StackSetMoveError(
        f"refusing to synthesize: {key}{f' (line {line})' if line else ''} is "
        f"{'not set' if value is None else repr(value)}: account {move.name} ({move.account}) would leave its "
        f"IdentityAccount stack ({config.stack_name}; the StackSets lock records it as deployed there, or maybe "
        f"deployed) for StackSet {move.new}, whose stack instance creates the same IAM names ({admin}, the persona "
        "roles, GlobalEventsForwarding); `cdk deploy` never deletes a stack the app no longer has, and that stack "
        f"retains its {admin} role. Allowed: an account whose IdentityAccount stack is gone. Roll it out in two "
        f"steps: (1) with the config deployed now (organization.identity_account: {move.name}), run `cdk destroy "
        f"IdentityAccount-GlobalEvents IdentityAccount`, then delete the role {admin} it retains in {move.name} "
        f"(README, \"Moving an account between StackSets\"); (2) remove {move.account} from the \"{IDENTITY}\" entry "
        "of the StackSets lock (nothing of that stack is deployed any more), commit it with this config, "
        "synthesize and deploy."
    )


def refuse_new_prefix(config: "BaselineConfig", recorded: "Mapping[str, Placement]", source: str | None) -> None:
    """Refuse a new ``organization.stacksets.name_prefix``: every StackSet would get a new name and
    logical id, so CloudFormation would create each new one (and its stack instances, with the
    same IAM names) before it deletes the old one in the cleanup phase.

    Raises:
        StackSetMoveError: a recorded StackSet name lacks ``<prefix>-``: the key, its line, the
            names recorded and what is allowed (the recorded prefix).
    """
    assert config.organization is not None
    prefix = config.organization.stacksets.name_prefix
    others = sorted(name for name in recorded if name != IDENTITY and not name.startswith(f"{prefix}-"))
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


def refuse_cycles(depends: dict[str, set[str]], moves: list[StackSetMove], config: "BaselineConfig", source: str | None) -> None:
    """Refuse a cycle of ``DependsOn`` (CloudFormation rejects a circular dependency, and no
    order would delete each old instance before its new one).

    Raises:
        StackSetMoveError: a cycle: each move in it with its config keys and lines, and the
            two-step procedure (and, when an unaccepted move takes part, how to accept it first).
    """
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
    involved = [m for m in moves if m.new in cycle and any(s in cycle for s in m.sources)]
    body = "\n".join(f"  - {m.describe(config, source)}" for m in involved)
    first = involved[0]
    raise StackSetMoveError(
        f"refusing to synthesize: accounts swap StackSets ({' -> '.join([*cycle, cycle[0]])}), which one deploy "
        f"cannot order: each StackSet would have to delete its old stack instance before the other creates it, and "
        f"both hold the same IAM names\n{body}\n"
        "Allowed: moves in one direction per pair of StackSets. Roll them out in two steps: (1) revert the change for "
        f"account {first.name} (keep the others), synthesize, deploy, then `make accept-moves`; (2) re-apply it, "
        "synthesize, deploy, `make accept-moves`."
        + (
            " A move not yet accepted takes part (\"or ..., if an earlier synthesized move was deployed\"): if the "
            "deploy that carried it succeeded, run `make accept-moves` with the config of that deploy first (git "
            "stash this change), then synthesize this one again."
            if any(m.maybe for m in involved) else ""
        )
    )
