"""The names lock: a rename of any IAM identity the config deploys is refused until accepted.

IAM names are identities: a new ``GroupName``, ``UserName``, ``RoleName``,
``ManagedPolicyName``, permission set ``Name`` or SAML provider ``Name`` makes CloudFormation
create a new resource and delete the old one. A renamed group loses its members, a renamed
user its password and MFA devices, a renamed role its sessions and every trust, resource
policy and assignment that names its ARN outside the stack. So a rename must be deliberate,
never a side effect of an edit.

After the first clean synth, the names of every named identity the stacks deploy are
recorded in a lock committed next to the config (``config/baseline.yaml`` ->
``config/baseline.names.lock``, JSON), keyed by stack and logical id. Before the next synth
(templates not yet written) the names built are compared with the lock:

* a **rename** is refused, with what the replacement does, until it is accepted with
  ``make accept-renames`` (recorded in the lock's ``history`` with the date and old -> new):
  the same logical id with another name, or, in one stack, an identity of a kind gone while
  one of the same kind appears (a user's logical id holds its name);
* a **new** or **removed** identity is listed and recorded after the clean synth, not refused,
  one line per name with the stacks it is in; so is one **moved** to another stack under its
  name (CloudFormation creates it in the new stack and deletes it with the old one: a
  deployment order to plan, not a rename), one line per pair of stack sets.

It generalises the break-glass lock (:mod:`.break_glass_lock`, stricter: any change to the
retained last way in is refused, checked before any construct is built) and the identity-store
lock (:mod:`.identity_store_lock`, Identity Center users, which are not IAM identities): both
keep their files and semantics, and ``make accept-renames`` records all three. A lock that
records another ``account_id`` binds nothing this config deploys and is replaced.

This module imports neither aws_cdk nor YAML: the identities come from
:func:`iam_baseline.identity.named_identities.named_identities`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import BaselineError
from .files import LockKind, lock_path, read_lock_section

#: Format version of the lock file.
LOCK_VERSION = 1


class IdentityKind(Enum):
    """A named IAM (or IAM Identity Center) identity: the value is IAM's word for it."""

    USER = "user"
    GROUP = "group"
    ROLE = "role"
    MANAGED_POLICY = "managed policy"
    PERMISSION_SET = "permission set"
    SAML_PROVIDER = "SAML provider"


#: What CloudFormation's replacement does, per kind (IAM User Guide, "Renaming an IAM
#: group/user", "Modifying a role"; IAM Identity Center User Guide, "Permission sets").
REPLACEMENT = {
    IdentityKind.USER: "the user is deleted with its password, MFA devices and access keys; the person "
    "signs in as a new user and registers MFA again",
    IdentityKind.GROUP: "the group is deleted: its members are dropped (users this stack adds join the new "
    "group; members added outside the stack are lost) and their access through it ends",
    IdentityKind.ROLE: "the role is deleted: its sessions end, and every trust policy, resource-based policy "
    "and assignment outside this stack that names the old ARN stops matching",
    IdentityKind.MANAGED_POLICY: "the policy is deleted: attachments made outside this stack are dropped and "
    "permissions boundaries that name the old ARN stop matching",
    IdentityKind.PERMISSION_SET: "the permission set is deleted with its account assignments, which are "
    "re-created: the provisioned roles (AWSReservedSSO_<name>_...) are replaced and their sessions end",
    IdentityKind.SAML_PROVIDER: "the provider ARN changes: the IdP's role attribute (role ARN, provider ARN) "
    "names the old provider and sign-in fails until the IdP is updated",
}


@dataclass(frozen=True)
class NamedIdentity:
    """One named identity as synth built it; ``key`` (stack path / logical id) is stable."""

    kind: IdentityKind
    key: str
    name: str
    arn: str = ""
    #: For a group: the users this stack makes its members.
    members: tuple[str, ...] = ()
    #: The config key that built it (:mod:`.provenance`), when known.
    config_key: str | None = None

    def record(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"kind": self.kind.value, "name": self.name, "arn": self.arn}
        if self.members:
            entry["members"] = list(self.members)
        return entry


@dataclass(frozen=True)
class Rename:
    """``old`` (as recorded) replaced by ``new`` (as built)."""

    kind: IdentityKind
    old: dict[str, Any]
    new: NamedIdentity

    def describe(self) -> str:
        where = f" ({self.new.config_key})" if self.new.config_key else ""
        line = f"{self.kind.value} {self.old['name']!r} -> {self.new.name!r}{where}: {REPLACEMENT[self.kind]}"
        if self.old.get("members"):
            line += f"; members of {self.old['name']!r}: {', '.join(self.old['members'])}"
        if self.old.get("arn"):
            line += f"; old ARN {self.old['arn']}"
        return line


class NamesLockError(BaselineError):
    """The config renames a recorded IAM identity (or the names lock is unreadable)."""


#: The lock of a config file: same folder and stem, suffix ``.names.lock``.
lock_path_for = partial(lock_path, kind=LockKind.NAMES)


def read_lock(path: str | Path) -> dict[str, Any] | None:
    """The ``names`` section (``account_id``, ``identities``, ``history``), or None without a lock."""
    return read_lock_section(path, "names", "names", NamesLockError)


def _stack_of(key: str) -> str:
    return key.rpartition("/")[0]


def _per_stacks(found: list[tuple[str, str]], *, name_one: bool) -> list[str]:
    """(line, lock key) pairs as one line per distinct text with the stacks it is in:
    ``new managed policy 'ReportsRead' (in 3 stacks: A, B, C)``; a single stack is named only
    with ``name_one``. A policy or role of every member account's baseline is one identity per
    StackSet stack: one line each repeated the name without saying where."""
    stacks: dict[str, set[str]] = {}
    for text, key in found:
        stacks.setdefault(text, set()).add(_stack_of(key))
    lines = []
    for text, where in stacks.items():
        if len(where) > 1:
            text += f" (in {len(where)} stacks: {', '.join(sorted(where))})"
        elif name_one:
            text += f" (in {next(iter(where))})"
        lines.append(text)
    return lines


@dataclass(frozen=True)
class Comparison:
    renames: tuple[Rename, ...]
    added: tuple[NamedIdentity, ...]
    #: (lock key, recorded entry) of each identity gone.
    removed: tuple[tuple[str, dict[str, Any]], ...]
    moved: tuple[tuple[str, NamedIdentity], ...] = ()  # (recorded key, identity now in another stack)

    def listed(self) -> list[str]:
        """New, removed and moved identities (not refused): one line per kind and name with the
        stacks it is in, one line per move between the same stacks."""
        return _per_stacks(
            [(f"new {i.kind.value} {i.name!r}", i.key) for i in self.added]
            + [(f"removed {r['kind']} {r['name']!r}", key) for key, r in self.removed],
            name_one=True,
        ) + self._moves()

    def _moves(self) -> list[str]:
        """One line per (old stacks, new stacks): another stack is another CloudFormation stack,
        the names stay, the resources do not."""
        stacks: dict[str, tuple[set[str], set[str]]] = {}
        for old, identity in self.moved:
            olds, news = stacks.setdefault(f"{identity.kind.value} {identity.name!r}", (set(), set()))
            olds.add(_stack_of(old))
            news.add(_stack_of(identity.key))
        by_stacks: dict[tuple[str, str], list[str]] = {}
        members: dict[tuple[str, str], bool] = {}
        for name, (olds, news) in stacks.items():
            key = (", ".join(sorted(olds)), ", ".join(sorted(news)))
            by_stacks.setdefault(key, []).append(name)
            members[key] = all(stack.startswith("StackSetMember") for stack in olds | news)
        return [
            f"moved from stack {old} to {new}: {', '.join(names)} "
            + (
                # StackSet templates only: the rollout deletes the old instances first (config/stackset_moves.py).
                "(StackSet instances: the rollout deletes the old ones first; `make accept-moves` after the deploy)"
                if members[(old, new)]
                else "(the new stack creates them while the old one still holds them: deploy it after the old stack "
                "released them, or import them)"
            )
            for (old, new), names in by_stacks.items()
        ]


def compare(recorded: dict[str, dict[str, Any]], current: list[NamedIdentity]) -> Comparison:
    """Renames, new and removed identities of ``current`` against the ``recorded`` identities."""
    built = {i.key: i for i in current}
    renames = [
        Rename(i.kind, recorded[i.key], i)
        for i in current
        if i.key in recorded and recorded[i.key]["kind"] == i.kind.value and recorded[i.key]["name"] != i.name
    ]
    gone = {k: r for k, r in recorded.items() if k not in built}
    # Same kind and name under another logical id (a construct moved): no rename.
    moved = {(r["kind"], r["name"]) for r in gone.values()} & {(i.kind.value, i.name) for i in current if i.key not in recorded}
    # Moved to another stack (the identity account's people leaving its StackSet for a stack of
    # their own, a StackSet group renamed with its items): listed, so the lock records the new
    # keys and a later rename there is caught (a rename is found by key and stack).
    old_keys: dict[tuple[str, str], list[str]] = {}
    for k, r in sorted(gone.items()):
        old_keys.setdefault((r["kind"], r["name"]), []).append(k)
    across = tuple(
        (old, i)
        for i in current
        if i.key not in recorded and (i.kind.value, i.name) in moved
        for old in old_keys[(i.kind.value, i.name)]
        if _stack_of(old) != _stack_of(i.key)
    )
    gone = {k: r for k, r in gone.items() if (r["kind"], r["name"]) not in moved}
    new = [i for i in current if i.key not in recorded and (i.kind.value, i.name) not in moved]
    added, paired = [], set()
    for identity in new:
        # One of the same kind, in the same stack, gone in the same change: a rename.
        match = next(
            (k for k, r in sorted(gone.items()) if k not in paired and r["kind"] == identity.kind.value
             and _stack_of(k) == _stack_of(identity.key)),
            None,
        )
        if match is None:
            added.append(identity)
        else:
            paired.add(match)
            renames.append(Rename(identity.kind, gone[match], identity))
    removed = [(k, r) for k, r in sorted(gone.items()) if k not in paired]
    return Comparison(tuple(renames), tuple(added), tuple(removed), across)


def check_names_lock(current: list[NamedIdentity], account_id: str, path: str | Path) -> str | None:
    """Compare the identities synth built with the lock at ``path``; nothing is written here.

    Returns:
        A note when the lock is to be written after a clean synth (no lock yet, another
        account's lock, or identities added or removed, each listed), else ``None``.

    Raises:
        NamesLockError: a recorded identity is renamed (each rename with what the
            replacement does and how to accept it), or the lock is unreadable.
    """
    path = Path(path)
    lock = read_lock(path)
    if lock is None:
        return f"recorded the names of {len(current)} IAM identities in {path}; commit it with the config"
    if lock.get("account_id") != account_id:
        return f"{path} recorded account {lock.get('account_id')!r}, not {account_id!r}: not binding; replaced"
    found = compare(lock.get("identities", {}), current)
    if found.renames:
        body = "\n".join(f"  - {line}" for line in _per_stacks([(r.describe(), r.new.key) for r in found.renames], name_one=False))
        raise NamesLockError(
            f"refusing to synthesize: the config renames IAM identities recorded in {path}\n{body}\n"
            "An IAM name is the identity: CloudFormation replaces the resource. Revert the name, or, if the "
            "rename is intended, accept it with `make accept-renames` (recorded in the lock's history) in a "
            "reviewed commit, and tell the people it affects."
        )
    listed = found.listed()
    if listed:
        return f"updated {path}:" + "".join(f"\n  - {line}" for line in listed)
    return None


def write_lock(
    path: str | Path, current: list[NamedIdentity], account_id: str, accepted: tuple[Rename, ...] = (), today: date | None = None
) -> None:
    """Record ``current`` in ``path``; ``accepted`` renames are appended to the history
    (date, kind, old -> new), which is kept unless the lock recorded another account."""
    path = Path(path)
    try:
        before = read_lock(path) or {}
    except NamesLockError:
        before = {}  # recording is the deliberate act that restores a damaged lock
    history = list(before.get("history", [])) if before.get("account_id") == account_id else []
    stamp = (today or date.today()).isoformat()
    history += [{"date": stamp, "kind": r.kind.value, "old": r.old["name"], "new": r.new.name} for r in accepted]
    names = {
        "account_id": account_id,
        "identities": {i.key: i.record() for i in sorted(current, key=lambda i: i.key)},
        "history": history,
    }
    path.write_text(json.dumps({"version": LOCK_VERSION, "names": names}, indent=2, sort_keys=True) + "\n")


def accept_renames(path: str | Path, current: list[NamedIdentity], account_id: str, today: date | None = None) -> str:
    """``make accept-renames``: record ``current``, the renames it makes into the history.

    Returns:
        What was done, each accepted rename and each new or removed identity listed.
    """
    path = Path(path)
    try:
        lock = read_lock(path)
    except NamesLockError:
        lock = None
    binding = lock is not None and lock.get("account_id") == account_id
    found = compare(lock.get("identities", {}), current) if binding else Comparison((), (), ())
    write_lock(path, current, account_id, found.renames, today)
    accepted = [(f"accepted {r.kind.value} {r.old['name']!r} -> {r.new.name!r}", r.new.key) for r in found.renames]
    lines = _per_stacks(accepted, name_one=False) + found.listed()
    if not binding:
        return f"recorded the names of {len(current)} IAM identities in {path}; commit it with the config"
    if not lines:
        return f"{path} already records these names: unchanged"
    return f"updated {path}; commit it in a reviewed change:" + "".join(f"\n  - {line}" for line in lines)
