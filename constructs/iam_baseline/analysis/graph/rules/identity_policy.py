"""Identity policy edits: rewriting the policies that decide what a principal may do.

Sources: Rhino Security Labs, "AWS IAM Privilege Escalation - Methods and Mitigation" (2018),
methods 1 (CreatePolicyVersion), 2 (SetDefaultPolicyVersion), 8-13 (Attach/Put User, Group,
Role Policy), 14 (AddUserToGroup); IAM User Guide, "Permissions boundaries for IAM entities"
(removing or replacing one's own boundary widens what the identity policies grant).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..nodes import Family, Node, NodeKind
from .base import Ask, Attempt, Rule

RHINO = "Rhino Security Labs, 'AWS IAM Privilege Escalation - Methods and Mitigation' (2018)"


def _admin_policy(world, node: Node) -> tuple[tuple[str, str], ...]:
    return (("iam:PolicyARN", f"arn:{world.model(node).partition}:iam::aws:policy/AdministratorAccess"),)


def _own_arns(world, node: Node) -> list[tuple[str, str]]:
    """(kind noun, ARN) of the principal itself and, for a user, of its groups."""
    principal = world.principal_of[node.id]
    if node.kind is NodeKind.PERMISSION_SET:
        return []
    if node.kind is NodeKind.GROUP:
        return [("Group", principal.arn)]
    own = [(principal.kind.capitalize(), principal.arn)]
    model = world.model(node)
    return own + [("Group", model.by_ref(f"group:{g}").arn) for g in principal.groups]


def _customer_policies(world, node: Node) -> list[str]:
    """ARNs of the customer managed policies that decide the node (boundary included)."""
    subject = world.subject_of[node.id]
    held = [*subject.identity, *([subject.boundary] if subject.boundary else [])]
    model = world.model(node)
    return sorted(arn for arn, policy in model.managed_policies.items()
                  if arn.startswith("arn:") and ":aws:policy/" not in arn
                  and any(p.statements is policy.statements for p in held))


def _policy_versions(action: str):
    def attempts(world, node: Node) -> Iterator[Attempt]:
        for arn in _customer_policies(world, node):
            yield Attempt(world.admin_node(node), (Ask(action, arn),), f"{action} on {arn}, a policy it holds")
    return attempts


def _attach_self(world, node: Node) -> Iterator[Attempt]:
    for noun, arn in _own_arns(world, node):
        yield Attempt(world.admin_node(node), (Ask(f"iam:Attach{noun}Policy", arn, _admin_policy(world, node)),),
                      f"attaches AdministratorAccess to {arn}")


def _put_self(world, node: Node) -> Iterator[Attempt]:
    for noun, arn in _own_arns(world, node):
        yield Attempt(world.admin_node(node), (Ask(f"iam:Put{noun}Policy", arn),), f"writes an inline policy on {arn}")


def _boundary(verb: str):
    def attempts(world, node: Node) -> Iterator[Attempt]:
        if world.subject_of[node.id].boundary is None or node.kind not in (NodeKind.USER, NodeKind.ROLE):
            return
        arn = world.principal_of[node.id].arn
        noun = node.kind.value.capitalize()
        yield Attempt(world.admin_node(node), (Ask(f"iam:{verb}{noun}PermissionsBoundary", arn),),
                      f"{verb.lower()}s its own permissions boundary")
    return attempts


def _add_to_group(world, node: Node) -> Iterator[Attempt]:
    if node.kind is not NodeKind.USER:
        return
    mine = set(world.principal_of[node.id].groups)
    for group in world.in_scope(node, NodeKind.GROUP):
        if world.principal_of[group.id].name not in mine:
            yield Attempt(group.id, (Ask("iam:AddUserToGroup", group.arn),), f"adds itself to {group.label}")


def _edit_other(verb: str):
    def attempts(world, node: Node) -> Iterator[Attempt]:
        for other in world.in_scope(node, NodeKind.ROLE, NodeKind.USER, NodeKind.GROUP):
            if other.id == node.id:
                continue
            noun = other.kind.value.capitalize()
            context = _admin_policy(world, node) if verb == "Attach" else ()
            yield Attempt(world.admin_node(node), (Ask(f"iam:{verb}{noun}Policy", other.arn, context),),
                          f"{verb.lower()}s a policy on {other.label}, which it can act as", requires_reach=other.id)
    return attempts


def _create_role(world, node: Node) -> Iterator[Attempt]:
    arn = world.model(node).iam_arn("role/escalation-probe")
    create = Ask("iam:CreateRole", arn, absent=("iam:PermissionsBoundary",))
    yield Attempt(world.admin_node(node), (create, Ask("iam:AttachRolePolicy", arn, _admin_policy(world, node))),
                  "creates a role without a permissions boundary, trusting itself, with AdministratorAccess")


RULES: tuple[Rule, ...] = (
    Rule("create-policy-version", Family.IDENTITY_POLICY, "Create a new default version of a policy it holds",
         ("iam:CreatePolicyVersion",), "an administrator (the new version says anything)", f"{RHINO}, method 1",
         attempts=_policy_versions("iam:CreatePolicyVersion")),
    Rule("set-default-policy-version", Family.IDENTITY_POLICY, "Make an older version of a policy it holds the default",
         ("iam:SetDefaultPolicyVersion",), "an administrator (assumed: an older version may say anything)",
         f"{RHINO}, method 2", attempts=_policy_versions("iam:SetDefaultPolicyVersion")),
    Rule("attach-policy-to-self", Family.IDENTITY_POLICY, "Attach AdministratorAccess to itself or its group",
         ("iam:AttachUserPolicy|iam:AttachGroupPolicy|iam:AttachRolePolicy",), "an administrator",
         f"{RHINO}, methods 8-10", "iam:PolicyARN = AdministratorAccess", attempts=_attach_self),
    Rule("put-policy-on-self", Family.IDENTITY_POLICY, "Write an inline policy on itself or its group",
         ("iam:PutUserPolicy|iam:PutGroupPolicy|iam:PutRolePolicy",), "an administrator", f"{RHINO}, methods 11-13",
         attempts=_put_self),
    Rule("delete-own-boundary", Family.IDENTITY_POLICY, "Delete its own permissions boundary",
         ("iam:DeleteUserPermissionsBoundary|iam:DeleteRolePermissionsBoundary",),
         "itself without the boundary (counted as an administrator)",
         "IAM User Guide, 'Permissions boundaries for IAM entities'", attempts=_boundary("Delete")),
    Rule("replace-own-boundary", Family.IDENTITY_POLICY, "Replace its own permissions boundary",
         ("iam:PutUserPermissionsBoundary|iam:PutRolePermissionsBoundary",),
         "itself under a boundary of its choosing (counted as an administrator)",
         "IAM User Guide, 'Permissions boundaries for IAM entities'", attempts=_boundary("Put")),
    Rule("add-user-to-group", Family.IDENTITY_POLICY, "Add itself to another group", ("iam:AddUserToGroup",),
         "a member of the group", f"{RHINO}, method 14", attempts=_add_to_group),
    Rule("attach-policy-to-other", Family.IDENTITY_POLICY,
         "Attach AdministratorAccess to another principal it can act as",
         ("iam:AttachUserPolicy|iam:AttachGroupPolicy|iam:AttachRolePolicy",), "an administrator",
         f"{RHINO}, methods 8-10 (applied along a chain)", "iam:PolicyARN = AdministratorAccess",
         attempts=_edit_other("Attach")),
    Rule("put-policy-on-other", Family.IDENTITY_POLICY, "Write an inline policy on another principal it can act as",
         ("iam:PutUserPolicy|iam:PutGroupPolicy|iam:PutRolePolicy",), "an administrator",
         f"{RHINO}, methods 11-13 (applied along a chain)", attempts=_edit_other("Put")),
    Rule("create-role-without-boundary", Family.IDENTITY_POLICY,
         "Create a role without a permissions boundary and attach AdministratorAccess",
         ("iam:CreateRole", "iam:AttachRolePolicy"), "an administrator (the new role trusts its creator)",
         "IAM User Guide, 'Permissions boundaries for IAM entities' (delegating role creation)",
         "no iam:PermissionsBoundary; iam:PolicyARN = AdministratorAccess", attempts=_create_role),
)
