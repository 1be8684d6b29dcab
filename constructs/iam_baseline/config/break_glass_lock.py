"""The break-glass lock: refuse a config change that would rename the retained last way in.

The break-glass users, group or role and the Admin role are retained on deletion and
replacement (``RemovalPolicy.RETAIN``), and IAM names are their identity: a new name makes
CloudFormation create a new resource and silently orphan the old one. The orphan keeps its
password and MFA device but leaves the stack, its alerts and its reviews, while the sealed
credentials the break-glass holders keep stop matching the new users. So a rename must be a
deliberate, reviewed act, never a side effect of an edit.

The names are recorded in a lock file committed next to the config
(``config/baseline.yaml`` -> ``config/baseline.break-glass.lock``, JSON). Before synthesis,
``app.py`` compares the config with the lock and refuses any difference with an
explanation; ``make break-glass-lock`` records the current names on purpose. A committed
file is used rather than the previous ``cdk.out``: ``cdk.out`` is not versioned, differs
between machines and is absent in a fresh clone or CI, so it cannot witness what is deployed.
When no lock exists yet (first synthesis of a config), it is written.

A lock binds one config file and one account: a lock that records another ``account_id``
(the example's, when a user edits the example in place) does not describe anything deployed
by this config, so it does not block; it is replaced, with a note, on the next clean synth.

This module imports neither aws_cdk nor YAML: it compares a validated config with a JSON file.
"""

from __future__ import annotations

import json
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import BaselineError
from .files import LockKind, lock_path, read_lock_section
from .models import BaselineConfig

#: Format version of the lock file.
LOCK_VERSION = 1


class BreakGlassLockError(BaselineError):
    """The config renames or removes a locked break-glass or Admin resource (or the lock is unreadable)."""


#: The lock of a config file: same folder and stem, suffix ``.break-glass.lock``.
lock_path_for = partial(lock_path, kind=LockKind.BREAK_GLASS)


def locked_names(config: BaselineConfig) -> dict[str, Any] | None:
    """The names the lock records for ``config``, or ``None`` when break-glass is not configured.

    Keys are the config paths of the names (so a difference is reported where it is edited).
    """
    bg = config.break_glass
    if bg is None:
        return None
    names: dict[str, Any] = {
        "account_id": config.account_id,
        "iam_path": config.iam_path,
        "roles.admin.name": config.roles.admin.name,
        "break_glass.mode": bg.mode,
    }
    if bg.mode == "users":
        names["break_glass.group_name"] = bg.group_name
        names["break_glass.users"] = sorted(bg.users)
    else:
        names["break_glass.role_name"] = bg.role_name
    return names


class LockChange(Enum):
    """What recording a config's names did to its lock file."""

    RECORDED = "recorded"  # there was no lock
    UPDATED = "updated"  # the lock recorded other names of the same account
    REPLACED = "replaced"  # the lock recorded another account: it bound nothing
    UNCHANGED = "unchanged"  # the lock already recorded these names
    REMOVED = "removed"  # break-glass is off: the lock is deleted
    ABSENT = "absent"  # break-glass is off and there was no lock


def write_lock(path: str | Path, config: BaselineConfig) -> LockChange:
    """Record the current names of ``config`` in ``path`` (remove the lock when break-glass is off).

    A damaged lock is overwritten: recording is the deliberate act that restores one.
    """
    path = Path(path)
    try:
        recorded = _read_lock(path)
    except BreakGlassLockError:
        recorded = {}
    names = locked_names(config)
    if names is None:
        if recorded is None:
            return LockChange.ABSENT
        path.unlink(missing_ok=True)
        return LockChange.REMOVED
    path.write_text(json.dumps({"version": LOCK_VERSION, "names": names}, indent=2, sort_keys=True) + "\n")
    if recorded is None:
        return LockChange.RECORDED
    if recorded == names:
        return LockChange.UNCHANGED
    return LockChange.REPLACED if _other_account(recorded, config) else LockChange.UPDATED


def record_lock(path: str | Path, config: BaselineConfig, config_path: str | Path) -> str:
    """``make break-glass-lock``: record the names of ``config`` on purpose.

    Returns:
        What was done, in words: recorded, updated (each changed name listed), replaced (the
        lock recorded another account), unchanged, or removed because break-glass is off.
    """
    try:
        before = _read_lock(Path(path)) or {}
    except BreakGlassLockError:
        before = {}
    change = write_lock(path, config)
    if change is LockChange.RECORDED:
        return f"recorded the break-glass names of {config_path} in {path} (there was no lock); commit it with the config"
    if change is LockChange.UPDATED:
        body = "".join(f"\n  - {line}" for line in differences(before, locked_names(config)))
        return f"updated {path} with the break-glass names of {config_path}; commit it in a reviewed change:{body}"
    if change is LockChange.REPLACED:
        return (
            f"replaced {path}: it recorded account {before.get('account_id')!r}, not {config.account_id!r} of "
            f"{config_path}, so it bound nothing this config deploys; commit it with the config"
        )
    if change is LockChange.UNCHANGED:
        return f"{path} already records the break-glass names of {config_path}: unchanged"
    if change is LockChange.REMOVED:
        return f"removed {path}: break-glass is off in {config_path}"
    return f"no lock written: break-glass is off in {config_path} (and there was no lock)"


def _other_account(recorded: dict[str, Any], config: BaselineConfig) -> bool:
    """Whether a lock records another account than ``config`` targets (then it binds nothing:
    the resources it protects are not in this account)."""
    return recorded.get("account_id") not in (None, config.account_id)


def _read_lock(path: Path) -> dict[str, Any] | None:
    return read_lock_section(path, "names", "break-glass", BreakGlassLockError)


def differences(recorded: dict[str, Any], current: dict[str, Any] | None) -> list[str]:
    """One line per locked name that ``current`` changes, adds or drops."""
    if current is None:
        return ["break_glass: removed from the config, but the lock records break-glass resources"]
    lines = []
    for key in sorted(set(recorded) | set(current)):
        old, new = recorded.get(key), current.get(key)
        if old == new:
            continue
        if isinstance(old, list) and isinstance(new, list):
            lines += [f"{key}: {name!r} is recorded but no longer configured" for name in old if name not in new]
            lines += [f"{key}: {name!r} is configured but not recorded" for name in new if name not in old]
        else:
            lines.append(f"{key}: recorded {old!r}, configured {new!r}")
    return lines


def check_break_glass_lock(config: BaselineConfig, path: str | Path, *, write_missing: bool = True) -> str | None:
    """Compare ``config`` with the lock at ``path``; write the lock if there is none.

    With ``write_missing=False`` a missing lock is only reported (the caller writes it once
    the synth has succeeded, so a failed synth leaves no lock behind).

    Returns:
        A note to print when the lock was (or is to be) written, replaced (it recorded another
        account) or removed, else ``None``.

    Raises:
        BreakGlassLockError: the config differs from the recorded names (the message lists
            each difference, why it is refused and how to make it on purpose), or the lock
            file is unreadable.
    """
    path = Path(path)
    current = locked_names(config)
    recorded = _read_lock(path)
    if recorded is None:
        if current is None:
            return None
        if write_missing:
            write_lock(path, config)
        return f"recorded the break-glass names in {path}; commit it with the config"
    if _other_account(recorded, config):
        if write_missing:
            write_lock(path, config)
        done = "removed (break-glass is off)" if current is None else "replaced with this config's break-glass names"
        return f"{path} recorded account {recorded['account_id']!r}, not {config.account_id!r}: not binding; {done}"
    problems = differences(recorded, current)
    if not problems:
        return None
    body = "\n".join(f"  - {line}" for line in problems)
    raise BreakGlassLockError(
        f"refusing to synthesize: the config changes break-glass names recorded in {path}\n{body}\n"
        "These resources are the last way into the account and are retained (RemovalPolicy.RETAIN): a new "
        "name makes CloudFormation create a new resource and orphan the old one, which keeps its password "
        "and MFA device outside the stack, its alerts and its reviews, while the sealed break-glass "
        "credentials stop matching. Revert the config, or, if the change is intended, record it with "
        "`make accept-renames` (every lock) or `make break-glass-lock` (these names only) in a reviewed "
        "commit, hand out and test the new credentials, then delete the orphaned IAM resources by hand "
        "(runbook: README.md, section Break-glass runbook)."
    )
