"""Which baseline variant a member account receives: its OU's, or the nearest ancestor OU's.

A service-managed StackSet that targets an OU also deploys to the OUs below it
(CloudFormation User Guide, "Create stack sets with service-managed permissions"), so an
account receives the baseline of the nearest OU on its path that names one. Read by the
StackSet groups (:mod:`.stackset_groups`) and the identity account's rules (:mod:`.hub`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .organization import OrganizationConfig, OrganizationalUnitConfig


def variant_ou(organization: "OrganizationConfig", ou: "OrganizationalUnitConfig") -> "OrganizationalUnitConfig | None":
    """The OU whose baseline reaches the accounts of ``ou``: itself or its nearest ancestor with one."""
    by_path = {o.path: o for o in organization.organizational_units}
    parts = ou.path.split("/")
    for size in range(len(parts), 0, -1):
        found = by_path.get("/".join(parts[:size]))
        if found is not None and found.baseline:
            return found
    return None


def variant_of_account(organization: "OrganizationConfig", account: str) -> "OrganizationalUnitConfig | None":
    """The OU whose baseline variant member account ``account`` receives, or None."""
    for ou, member in organization.member_accounts():
        if member.id == account:
            return variant_ou(organization, ou)
    return None
