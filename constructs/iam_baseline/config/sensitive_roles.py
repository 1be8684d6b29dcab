"""Sensitive roles: the persona roles whose every assumption from outside the expected principals alerts.

A persona's MFA role is sensitive when its ``sensitive`` key says so; left out, the admin
personas (``admin`` and every persona with ``admin: true``) are sensitive and the others are
not: an administrator session from an unexpected principal is an incident, a read-only one
is noise. The expected principals are derived from the config, from the same declarations
that build the role's trust and its callers' permissions:

* **this account's IAM users** allowed to assume it: the members of every group whose
  ``assumable_roles`` include the persona (where the users live), and, for the ``admin``
  persona, the break-glass users (their one permission is assuming the Admin role). The trust
  names the account, so any other principal of the account that some identity-based policy
  lets assume the role (a developer's role, a user outside those groups) is unexpected;
* **other accounts** that the role's ``trusted_principals`` name (CloudTrail records a
  cross-account call in the role's account with the caller's account only, no ARN);
* with ``organization.identity_account`` (:mod:`.hub`), a member account's persona role is
  the hub's: expected are the identity account (from any other account), or, in the identity
  account itself, exactly the users and SAML roles of the hop list (a SAML role's session is
  matched by its session issuer, the role ARN). The management account then holds no users
  (they live in the identity account) unless it is the identity account.

Member accounts receive no IAM users, so there (without a hub) only the trusted accounts are
expected. Source: IAM User Guide, "Roles terms and concepts"; AWS CloudTrail User Guide,
"CloudTrail userIdentity element".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..partitions import partition_of
from .hub import HubPart, management_hub_part
from .personas import persona_views, trusted_account

if TYPE_CHECKING:
    from .models import BaselineConfig


@dataclass(frozen=True)
class SensitiveRole:
    """A sensitive persona role and who is expected to assume it.

    Attributes:
        persona: the persona key (``admin``, ``data``).
        name: the role name (its path is the config's ``iam_path``).
        expected_user_arns: ARNs of the role's own account's IAM users allowed to assume it, sorted.
        expected_role_arns: ARNs of the role's own account's roles whose sessions may assume it
            (the identity account's SAML roles), sorted.
        expected_accounts: other accounts the trust admits, sorted.
    """

    persona: str
    name: str
    expected_user_arns: tuple[str, ...]
    expected_accounts: tuple[str, ...]
    expected_role_arns: tuple[str, ...] = ()


def _sensitive(view) -> bool:
    return view.role.sensitive if view.role.sensitive is not None else view.admin


def sensitive_personas(config: "BaselineConfig") -> tuple[str, ...]:
    """Keys of the personas with an MFA role that is sensitive (``sensitive``, default: admin)."""
    return tuple(key for key, view in persona_views(config).items() if view.mfa_role and _sensitive(view))


def sensitive_roles(config: "BaselineConfig", hub: HubPart | None = None) -> list[SensitiveRole]:
    """Every sensitive persona role of the account that ``config`` builds, with its expected
    principals (module docstring).

    Args:
        config: the account's config (a StackSet member's: :func:`~.organization.member_baseline_config`).
        hub: the account's part of the hub (a member's comes from its StackSet group); ``None``:
            derived for the config's own account (:func:`~.hub.management_hub_part`).
    """
    if hub is None:
        hub = management_hub_part(config)
    views = persona_views(config)
    if hub is not None and hub.member_roles_only:
        return [_hub_member_role(key, views[key].role.name, hub) for key in hub.member_personas if _sensitive(views[key])]
    user_prefix = f"arn:{partition_of(config.region)}:iam::{config.account_id}:user{config.iam_path}"
    people = hub is None or hub.people
    groups = dict(config.groups.items())
    found = []
    for key in sensitive_personas(config):
        keys = {g for g, group in groups.items() if key in group.assumable_roles}
        users = {u.name for u in config.users if keys & set(u.groups)} if people else set()
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


def _hub_member_role(key: str, name: str, hub: HubPart) -> SensitiveRole:
    """A member role of the hub: its trust admits the identity account's principals of the
    persona only (the identity account's own role: those users and SAML roles by ARN)."""
    reach = hub.reach[key]
    if hub.people:  # this is the identity account: its callers are in the same account
        return SensitiveRole(key, name, reach.users, (), reach.saml_roles)
    return SensitiveRole(key, name, (), (hub.identity_account,))
