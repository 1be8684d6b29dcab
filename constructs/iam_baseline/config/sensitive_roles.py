"""Sensitive roles: the persona roles whose every assumption from outside the expected principals alerts.

A persona's MFA role is sensitive when its ``sensitive`` key says so; left out, the admin
personas (``admin`` and every persona with ``admin: true``) are sensitive and the others are
not: an administrator session from an unexpected principal is an incident, a read-only one
is noise. The expected principals are derived from the config, from the same declarations
that build the role's trust and its callers' permissions:

* **this account's IAM users** allowed to assume it: the members of every group whose
  ``assumable_roles`` include the persona, and, for the ``admin`` persona, the break-glass
  users (their one permission is assuming the Admin role). The trust names the account, so
  any other principal of the account that some identity-based policy lets assume the role
  (a developer's role, a user outside those groups) is unexpected;
* **other accounts** that the role's ``trusted_principals`` name (CloudTrail records a
  cross-account call in the role's account with the caller's account only, no ARN).

Member accounts receive no IAM users, so there only the trusted accounts are expected.
Source: IAM User Guide, "Roles terms and concepts"; AWS CloudTrail User Guide, "CloudTrail
userIdentity element".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..partitions import partition_of
from .personas import persona_views, trusted_account

if TYPE_CHECKING:
    from .models import BaselineConfig


@dataclass(frozen=True)
class SensitiveRole:
    """A sensitive persona role and who is expected to assume it.

    Attributes:
        persona: the persona key (``admin``, ``data``).
        name: the role name (its path is the config's ``iam_path``).
        expected_user_arns: ARNs of this account's IAM users allowed to assume it, sorted.
        expected_accounts: other accounts the trust admits (``trusted_principals``), sorted.
    """

    persona: str
    name: str
    expected_user_arns: tuple[str, ...]
    expected_accounts: tuple[str, ...]


def sensitive_personas(config: "BaselineConfig") -> tuple[str, ...]:
    """Keys of the personas with an MFA role that is sensitive (``sensitive``, default: admin)."""
    return tuple(
        key
        for key, view in persona_views(config).items()
        if view.mfa_role and (view.role.sensitive if view.role.sensitive is not None else view.admin)
    )


def sensitive_roles(config: "BaselineConfig") -> list[SensitiveRole]:
    """Every sensitive persona role of ``config`` with its expected principals (module docstring)."""
    views = persona_views(config)
    user_prefix = f"arn:{partition_of(config.region)}:iam::{config.account_id}:user{config.iam_path}"
    groups = dict(config.groups.items())
    found = []
    for key in sensitive_personas(config):
        keys = {g for g, group in groups.items() if key in group.assumable_roles}
        users = {u.name for u in config.users if keys & set(u.groups)}
        bg = config.break_glass
        if key == "admin" and bg is not None and bg.mode == "users":
            users |= set(bg.users)
        role = views[key].role
        found.append(
            SensitiveRole(
                key,
                role.name,
                tuple(sorted(user_prefix + name for name in users)),
                tuple(sorted({trusted_account(arn) for arn in role.trusted_principals})),
            )
        )
    return found
