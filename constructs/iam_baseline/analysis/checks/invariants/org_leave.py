"""INV-ORG-NO-LEAVE: no principal of a member account can take it out of the organization.

Derived from ``organization.service_control_policies.deny_leaving_organization`` for every
member account it targets. Question: is ``organizations:LeaveOrganization`` allowed to any user
or role session of the account whose identity-based policy allows everything (what an account
administrator can grant), or to its root user, under the account's SCP levels? Unsat: proven.
Sources: AWS Organizations User Guide, "SCP evaluation" and "General examples" (deny leaving
the organization); Organizations API Reference, ``LeaveOrganization`` (a member account's
principals call it).
"""

from __future__ import annotations

from ....config.models import BaselineConfig
from ...engine.space import ActionSpace, RequestSpace
from ...model.accounts import AccountScope
from .base import Finding, Invariant, Proven
from .org_shape import covering_deny
from .member import any_member_principal, ask_all, guardrail_covers, member_account, root_user, subject
from .requests import ALLOW_ALL

ACTION = "organizations:LeaveOrganization"


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    account = member_account(scope)
    if account is None or not guardrail_covers(scope.top_config, "deny_leaving_organization", account):
        return []
    shape = covering_deny(scope.scps, [ACTION], ["*"])
    if shape:  # the same answer the solver gives, without its seconds
        return [Finding(subject(scope), Proven(shape))]
    partition = scope.model.partition
    spaces = (RequestSpace(principals=principals, actions=ActionSpace(include=(ACTION,)))
              for principals in (any_member_principal(account, partition), (root_user(account, partition),)))
    verdict = ask_all(spaces, identity=[ALLOW_ALL], scps=scope.scps, note="the account can leave the organization")
    return [Finding(subject(scope), verdict)]


INVARIANT = Invariant(
    id="INV-ORG-NO-LEAVE",
    promise="no principal of a member account can make it leave the organization, whatever its IAM allows",
    rule="AWS Organizations User Guide, 'SCP evaluation'; 'General examples' > deny leaving the organization",
    check=check,
)
