"""IAM Identity Center: assigning oneself a permission set, or rewriting one.

Only principals of the Identity Center account (management or delegated administrator) reach
the instance. Assigning a permission set to oneself (``sso:CreateAccountAssignment``) makes one
its holder in the target account; changing a permission set's policies changes what every
holder may do. Sources: IAM Identity Center User Guide, "Permission sets", "Assign user access
to AWS accounts", "Delegated administration".
"""

from __future__ import annotations

from collections.abc import Iterator

from ..nodes import Family, Node, NodeKind
from .base import Ask, Attempt, Rule

SOURCE = "IAM Identity Center User Guide, 'Permission sets'; 'Assign user access to AWS accounts'"


def _center_account(world) -> str | None:
    federation = world.config.federation if world.config is not None else None
    return federation.identity_center.account_id if federation is not None and federation.identity_center else None


def _permission_sets(world, node: Node) -> Iterator[Node]:
    if _center_account(world) != node.account:
        return
    yield from world.everywhere(NodeKind.PERMISSION_SET)


def _assign(world, node: Node) -> Iterator[Attempt]:
    for permission_set in _permission_sets(world, node):
        account = world.arn(node, "sso", f"account/{permission_set.account}", region=False).replace(f":{node.account}:", "::")
        yield Attempt(permission_set.id, (Ask("sso:CreateAccountAssignment", permission_set.arn),
                                          Ask("sso:CreateAccountAssignment", account)),
                      f"assigns itself {permission_set.label} in {permission_set.account}")


def _edit(action: str):
    def attempts(world, node: Node) -> Iterator[Attempt]:
        for permission_set in _permission_sets(world, node):
            yield Attempt(world.admin_node(permission_set), (Ask(action, permission_set.arn),),
                          f"rewrites {permission_set.label}, which it can act as", requires_reach=permission_set.id)
    return attempts


RULES: tuple[Rule, ...] = (
    Rule("sso-assign-permission-set", Family.IDENTITY_CENTER, "Assign itself a permission set in an account",
         ("sso:CreateAccountAssignment",), "a session of the permission set's role", SOURCE, attempts=_assign),
    Rule("sso-put-inline-policy", Family.IDENTITY_CENTER, "Write the inline policy of a permission set it holds",
         ("sso:PutInlinePolicyToPermissionSet",), "an administrator of the accounts it is assigned to", SOURCE,
         attempts=_edit("sso:PutInlinePolicyToPermissionSet")),
    Rule("sso-attach-managed-policy", Family.IDENTITY_CENTER, "Attach a managed policy to a permission set it holds",
         ("sso:AttachManagedPolicyToPermissionSet",), "an administrator of the accounts it is assigned to", SOURCE,
         attempts=_edit("sso:AttachManagedPolicyToPermissionSet")),
)
