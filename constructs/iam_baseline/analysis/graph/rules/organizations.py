"""Organizations: the management account reaches every member account.

AWS Organizations creates ``OrganizationAccountAccessRole`` in every account it creates, with
AdministratorAccess, trusting the management account (AWS Organizations User Guide, "Accessing
member accounts in your organization"). A principal of the management account that may call
``sts:AssumeRole`` on it is an administrator of the member. StackSet execution roles and SCP
edits are modelled by the organization proofs (issue 12), not here.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..nodes import Family, Node, NodeKind
from ..world import STAND_IN_ROLE
from .base import Ask, Attempt, Rule


def _management(world) -> str | None:
    org = world.config.organization if world.config is not None else None
    return org.management_account_id if org is not None else None


def _assume_access_role(world, node: Node) -> Iterator[Attempt]:
    if _management(world) != node.account:
        return
    for stand_in in world.everywhere(NodeKind.STAND_IN):
        if stand_in.id.endswith(STAND_IN_ROLE) and stand_in.account != node.account:
            yield Attempt(stand_in.id, (Ask("sts:AssumeRole", stand_in.arn),), f"assumes {stand_in.label} of {stand_in.account}")


RULES: tuple[Rule, ...] = (
    Rule("assume-organization-access-role", Family.ORGANIZATIONS,
         "Assume OrganizationAccountAccessRole of a member account from the management account", ("sts:AssumeRole",),
         "an administrator of the member account (trust modelled as documented: the management account)",
         "AWS Organizations User Guide, 'Accessing member accounts in your organization'", attempts=_assume_access_role),
)
