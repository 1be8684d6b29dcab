"""INV-ORG-ROOT-ONLY-ROOT-SESSIONS: a member account's root user can do nothing outside root sessions.

Derived from ``organization.service_control_policies.deny_root_user`` for every member account
it targets. Question: is any action on any resource allowed to the member's root user (who
needs no identity-based policy in its own account) when ``aws:AssumedRoot`` is absent, under
the account's SCP levels? The exemption is exactly AWS's: ``aws:AssumedRoot`` is in the request
context, with value ``true``, only for credentials from ``sts:AssumeRoot``; a request with it is
left out of the question (IAM User Guide, "AWS global condition context keys" >
aws:AssumedRoot; "Centrally manage root access for member accounts").
"""

from __future__ import annotations

from ....config.models import BaselineConfig
from ...engine.space import ABSENT, ActionSpace, RequestSpace
from ...model.accounts import AccountScope
from .base import Finding, Invariant, Proven
from .org_shape import covering_deny, space_actions
from .member import guardrail_covers, member_account, root_user, subject
from .requests import ALLOW_ALL
from .solver import ask


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    account = member_account(scope)
    if account is None or not guardrail_covers(scope.top_config, "deny_root_user", account):
        return []
    root = root_user(account, scope.model.partition)
    shape = covering_deny(scope.scps, space_actions(("*",)), ["*"],
                          pinned={"aws:PrincipalArn": root.arn, "aws:AssumedRoot": None})
    if shape:  # the same answer the solver gives, without its seconds
        return [Finding(subject(scope), Proven(shape))]
    space = RequestSpace(principals=(root,), actions=ActionSpace(include=("*",)),
                         context={"aws:AssumedRoot": ABSENT})
    return [Finding(subject(scope), ask(space, identity=[ALLOW_ALL], scps=scope.scps,
                                        note="the root user acts outside a root session"))]


INVARIANT = Invariant(
    id="INV-ORG-ROOT-ONLY-ROOT-SESSIONS",
    promise="a member account's root user can do nothing outside sts:AssumeRoot sessions",
    rule="IAM User Guide, 'AWS global condition context keys' > aws:AssumedRoot; 'Centrally manage root access for "
    "member accounts'; AWS Organizations User Guide, 'SCP evaluation'",
    check=check,
)
