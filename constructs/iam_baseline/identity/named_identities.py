"""Every named IAM identity an app deploys, for the names lock (:mod:`iam_baseline.config.names_lock`).

Read from the constructs after they are built and before synth writes a template, so it
covers whatever the config makes the stacks deploy: users, groups, roles, customer managed
policies, permission sets and SAML providers with an explicit name (a name CloudFormation
generates is no one's identity and cannot be renamed by the config).
"""

from __future__ import annotations

import json
from typing import Any

from ..config.names_lock import IdentityKind, NamedIdentity
from ..config.provenance import config_key_for
from ..federation.policy_size import deployed_text


def _named() -> dict[type, tuple[IdentityKind, str, str, bool]]:
    """L1 class -> (kind, name property, ARN resource type, has a path)."""
    from aws_cdk import aws_iam as iam
    from aws_cdk import aws_sso as sso

    return {
        iam.CfnUser: (IdentityKind.USER, "user_name", "user", True),
        iam.CfnGroup: (IdentityKind.GROUP, "group_name", "group", True),
        iam.CfnRole: (IdentityKind.ROLE, "role_name", "role", True),
        iam.CfnManagedPolicy: (IdentityKind.MANAGED_POLICY, "managed_policy_name", "policy", True),
        iam.CfnSAMLProvider: (IdentityKind.SAML_PROVIDER, "name", "saml-provider", False),
        sso.CfnPermissionSet: (IdentityKind.PERMISSION_SET, "name", "", False),
    }


def _refs(stack: Any, value: Any) -> list[str]:
    resolved = stack.resolve(value) if value is not None else None
    return [json.dumps(v, sort_keys=True) for v in resolved] if isinstance(resolved, list) else []


def named_identities(scope: Any) -> list[NamedIdentity]:
    """The named identities under ``scope`` (an app or stack), each keyed by its stack's
    construct path and logical id, with its ARN as IAM will show it (``<account>`` when the
    stack has no fixed account) and, for a group, the users the app makes its members."""
    from aws_cdk import Stack
    from aws_cdk import aws_iam as iam

    named = _named()
    found: list[tuple[Any, Any, IdentityKind, str, str]] = []
    members: dict[tuple[str, str], list[str]] = {}  # (stack path, group ref or name) -> user names
    for construct in scope.node.find_all():
        # isinstance is answered in Python: no jsii call for the other constructs.
        entry = next((value for cls, value in named.items() if isinstance(construct, cls)), None)
        if entry is None:
            if isinstance(construct, iam.CfnUserToGroupAddition):
                stack = Stack.of(construct)
                group = json.dumps(stack.resolve(construct.group_name), sort_keys=True)
                for user in _refs(stack, construct.users):
                    members.setdefault((stack.node.path, group), []).append(user)
            continue
        stack = Stack.of(construct)
        kind, name_attr, arn_type, has_path = entry
        name = deployed_text(stack, getattr(construct, name_attr))
        if name is None:
            continue
        if kind is IdentityKind.PERMISSION_SET:
            arn = ""  # its ARN holds an id Identity Center chooses
        else:
            account = stack.account if stack.account.isdigit() else "<account>"
            path = (deployed_text(stack, construct.path) or "/") if has_path else "/"
            arn = f"arn:aws:iam::{account}:{arn_type}{path}{name}"
        found.append((construct, stack, kind, name, arn))
        if kind is IdentityKind.USER:
            for group in _refs(stack, construct.groups):
                members.setdefault((stack.node.path, group), []).append(name)

    # A membership names the user by Ref or by name: show names.
    user_names = {
        (stack.node.path, json.dumps({"Ref": stack.resolve(c.logical_id)})): name
        for c, stack, kind, name, _ in found
        if kind is IdentityKind.USER
    }
    identities = []
    for construct, stack, kind, name, arn in found:
        logical_id = stack.resolve(construct.logical_id)
        group_members: tuple[str, ...] = ()
        if kind is IdentityKind.GROUP:
            refs = (json.dumps({"Ref": logical_id}), json.dumps(name))
            users = [u for ref in refs for u in members.get((stack.node.path, ref), [])]
            group_members = tuple(sorted({user_names.get((stack.node.path, u), u.strip('"')) for u in users}))
        identities.append(
            NamedIdentity(
                kind, f"{stack.node.path}/{logical_id}", name, arn, group_members, config_key_for(construct.node.path)
            )
        )
    return identities
