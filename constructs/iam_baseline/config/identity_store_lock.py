"""The identity-store lock: refuse a config change that would rename an Identity Center user.

A user's name is its identity in the baseline (:mod:`iam_baseline.federation.identity_store`):
a new ``user_name`` makes CloudFormation create a new user and delete the old one, whose
password, registered MFA devices and sessions go with it; the person is then a stranger
to Identity Center and must be invited and enrolled again. Removing a person (offboarding)
and adding one (onboarding) are ordinary edits, but a rename looks like both at once, so it
must be deliberate, never a side effect of an edit.

The users are recorded in a lock file committed next to the config (``config/baseline.yaml``
-> ``config/baseline.identity-store.lock``, JSON), per identity store. Before synthesis
``app.py`` compares the config with the lock: a recorded user that is gone while a new user
has the same primary e-mail or display name is a rename, refused with an explanation;
``make identity-store-lock`` records the current users on purpose. Any other difference is
recorded after a clean synth. A committed file is used for the reason given in
:mod:`.break_glass_lock` (``cdk.out`` cannot witness what is deployed).

This module imports neither aws_cdk nor YAML: it compares a validated config with a JSON file.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import BaselineError
from .files import LockKind, lock_path, read_lock_section
from .models import BaselineConfig

#: Format version of the lock file.
LOCK_VERSION = 1


class IdentityStoreLockError(BaselineError):
    """The config renames a recorded Identity Center user (or the lock file is unreadable)."""


#: The lock of a config file: same folder and stem, suffix ``.identity-store.lock``.
lock_path_for = partial(lock_path, kind=LockKind.IDENTITY_STORE)


def locked_users(config: BaselineConfig) -> tuple[str, dict[str, dict[str, str]]] | None:
    """``(identity store id, {user name: {email, display_name}})`` of ``config``, or ``None``
    when it declares no Identity Center users."""
    center = config.federation.identity_center if config.federation else None
    if center is None or center.identity_store is None or not center.identity_store.users:
        return None
    users = {u.user_name: {"email": u.email, "display_name": u.display_name} for u in center.identity_store.users}
    return center.identity_store_id, users


def _read(path: Path) -> dict[str, Any]:
    return read_lock_section(path, "stores", "identity-store", IdentityStoreLockError) or {}


def write_lock(path: str | Path, config: BaselineConfig) -> None:
    """Record the users of ``config`` in ``path``, keeping the records of other identity stores."""
    path = Path(path)
    stores = _read(path)
    current = locked_users(config)
    if current is not None:
        stores[current[0]] = {"users": current[1]}
    if not stores:
        path.unlink(missing_ok=True)
        return
    path.write_text(json.dumps({"version": LOCK_VERSION, "stores": stores}, indent=2, sort_keys=True) + "\n")


def renames(recorded: dict[str, dict[str, str]], current: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    """``(old name, new name)`` for every recorded user that is gone while a new user has the
    same primary e-mail (compared without regard to case) or the same display name."""
    gone = {name: user for name, user in recorded.items() if name not in current}
    new = {name: user for name, user in current.items() if name not in recorded}
    return [
        (old, name)
        for old, was in sorted(gone.items())
        for name, now in sorted(new.items())
        if was["email"].casefold() == now["email"].casefold() or was["display_name"] == now["display_name"]
    ]


def check_identity_store_lock(config: BaselineConfig, path: str | Path) -> str | None:
    """Compare ``config`` with the lock at ``path``; nothing is written here.

    Returns:
        A note when the lock is to be (re)written after a clean synth (no lock yet, or users
        added or removed), else ``None``.

    Raises:
        IdentityStoreLockError: the config renames a recorded user (each rename is listed,
            with why it is refused and how to make it on purpose), or the lock is unreadable.
    """
    path = Path(path)
    current = locked_users(config)
    if current is None:
        return None
    store_id, users = current
    recorded = _read(path).get(store_id, {}).get("users")
    if recorded is None:
        return f"recorded the Identity Center users of {store_id} in {path}; commit it with the config"
    found = renames(recorded, users)
    if found:
        body = "\n".join(f"  - identity_store.users: {old!r} -> {new!r}" for old, new in found)
        raise IdentityStoreLockError(
            f"refusing to synthesize: the config renames Identity Center users recorded in {path}\n{body}\n"
            "The user name is the user's identity: CloudFormation would create a new user and delete the old one, "
            "with its password, registered MFA devices and sessions; the person would have to accept a new "
            "invitation and register MFA again. Revert the name, or, if the change is intended, record it with "
            "`make accept-renames` (every lock) or `make identity-store-lock` (these users only) in a reviewed commit and tell the person (README.md, section "
            "Onboarding and offboarding people)."
        )
    if recorded != users:
        return f"recorded the changed Identity Center users of {store_id} in {path}; commit it with the config"
    return None
