"""Role trust: assuming a role, rewriting a role's trust policy, services assuming roles.

Sources: IAM User Guide, "Switch to an IAM role" and "Policy evaluation logic" (the role's trust
policy and, across accounts, the caller's identity-based policies must both allow
``sts:AssumeRole``); Rhino Security Labs (2018) method 7 (UpdateAssumeRolePolicy).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..nodes import Family, Node, NodeKind
from .base import Ask, Attempt, Rule
from .identity_policy import RHINO


def _may_assume_anything(world, node: Node) -> bool:
    return any(s.effect == "Allow" and s.covers_action("sts:AssumeRole")
               for p in world.subject_of[node.id].identity for s in p.statements)


def _assume(world, node: Node) -> Iterator[Attempt]:
    # Within one account, a trust policy naming the caller's ARN suffices on its own.
    names_me = _may_assume_anything(world, node)
    for role in world.everywhere(NodeKind.ROLE):
        if role.id == node.id:
            continue
        trust = world.principal_of[role.id].trust
        if trust is None:
            continue
        if not names_me and role.account != node.account:
            continue
        if (role.id.startswith("stackset:") or node.id.startswith("stackset:")) and role.scope != node.scope:
            continue  # StackSet variants share a placeholder account but deploy to different accounts
        yield Attempt(role.id, (Ask("sts:AssumeRole", role.arn),), f"assumes {role.label}")


def _assume_member_role(world, node: Node) -> Iterator[Attempt]:
    """Hops into StackSet member accounts (an identity account's people, a machine role of one
    member account into another): one attempt per role of a member scope and per account the
    caller may call as (:meth:`~..world.World.caller_accounts`: its real account; for a StackSet
    variant of several accounts, each one the role's trust names and one it does not), with the
    role's ARN in every member account of its scope but the caller's own: the builder decides
    each account (the caller's identity-based policies and the role's trust policy must both
    allow), and the edge keeps the accounts it reaches."""
    if not _may_assume_anything(world, node):
        return
    several = world.real_account(node) is None  # a variant of several accounts: say which one calls
    for role in world.everywhere(NodeKind.ROLE):
        if role.id == node.id or world.principal_of[role.id].trust is None:
            continue
        arns = world.member_role_arns(role)
        for caller in world.caller_accounts(node, role) if arns else ():
            concrete = caller if caller != node.account else ""
            accounts = tuple((account, Ask("sts:AssumeRole", arn, caller_account=concrete)) for account, arn in arns
                             if account != caller or role.scope != node.scope)
            if accounts:
                yield Attempt(role.id, (), f"assumes {role.label}" + (f" from {caller}" if several else ""),
                              accounts=accounts)


def _update_trust(world, node: Node) -> Iterator[Attempt]:
    for role in [*world.in_scope(node, NodeKind.ROLE), world.nodes[world.stand_in_role(node)]]:
        if role.id != node.id:
            yield Attempt(role.id, (Ask("iam:UpdateAssumeRolePolicy", role.arn),), f"rewrites the trust policy of {role.label}")


RULES: tuple[Rule, ...] = (
    Rule("assume-role", Family.ROLE_TRUST, "Assume a role whose trust policy admits it", ("sts:AssumeRole",),
         "a session of the role", "IAM User Guide, 'Switch to an IAM role'; 'Policy evaluation logic'",
         "MFA present and 60 s old (the strongest a person brings)", attempts=_assume),
    Rule("assume-member-role", Family.ROLE_TRUST, "Assume a role in a member account from another account",
         ("sts:AssumeRole",), "a session of the member account's role",
         "IAM User Guide, 'Cross-account policy evaluation logic' (both the caller's identity-based policy and "
         "the role's trust policy allow); 'Configuring MFA-protected API access'",
         "MFA present and 60 s old; the edge records whether the trust also admits the caller without MFA",
         attempts=_assume_member_role),
    Rule("update-assume-role-policy", Family.ROLE_TRUST, "Rewrite another role's trust policy to admit itself",
         ("iam:UpdateAssumeRolePolicy",), "a session of the role", f"{RHINO}, method 7", attempts=_update_trust),
    Rule("service-assumes-role", Family.ROLE_TRUST, "An AWS service assumes a role that trusts it", (),
         "a session of the role", "IAM User Guide, 'Create a role to delegate permissions to an AWS service'",
         sources=frozenset({NodeKind.SERVICE})),
)
