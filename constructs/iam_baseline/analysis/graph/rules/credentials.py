"""Credentials: obtaining another user's long-term keys or console password.

Sources: Rhino Security Labs (2018) methods 4 (CreateAccessKey), 5 (CreateLoginProfile),
6 (UpdateLoginProfile); IAM User Guide, "Manage passwords for IAM users" (an initial password
kept in Secrets Manager is the user's console credential).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..nodes import Family, Node, NodeKind
from .base import Ask, Attempt, Rule
from .identity_policy import RHINO


def _other_users(world, node: Node) -> Iterator[Node]:
    for other in world.in_scope(node, NodeKind.USER):
        if other.id != node.id:
            yield other
    yield world.nodes[world.stand_in_user(node)]


def _on_users(action: str, what: str):
    def attempts(world, node: Node) -> Iterator[Attempt]:
        for user in _other_users(world, node):
            yield Attempt(user.id, (Ask(action, user.arn),), f"{what} for {user.label}")
    return attempts


def _read_password(world, node: Node) -> Iterator[Attempt]:
    model = world.model(node)
    own = world.principal_of[node.id].arn
    for secret in model.credential_secrets:
        target = world.node_for_arn(node, secret.user_arn)
        if secret.user_arn == own or target is None:
            continue
        asks = [Ask("secretsmanager:GetSecretValue", secret.arn)]
        if secret.kms_key_arn:
            asks.append(Ask("kms:Decrypt", secret.kms_key_arn))
        yield Attempt(target, tuple(asks), f"reads the initial console password of {world.nodes[target].label}")


RULES: tuple[Rule, ...] = (
    Rule("create-access-key", Family.CREDENTIALS, "Create an access key for another user", ("iam:CreateAccessKey",),
         "that user", f"{RHINO}, method 4", attempts=_on_users("iam:CreateAccessKey", "creates an access key")),
    Rule("create-login-profile", Family.CREDENTIALS, "Set a console password for another user",
         ("iam:CreateLoginProfile",), "that user", f"{RHINO}, method 5",
         attempts=_on_users("iam:CreateLoginProfile", "creates a console password")),
    Rule("update-login-profile", Family.CREDENTIALS, "Change another user's console password",
         ("iam:UpdateLoginProfile",), "that user", f"{RHINO}, method 6",
         attempts=_on_users("iam:UpdateLoginProfile", "changes the console password")),
    Rule("read-console-password", Family.CREDENTIALS, "Read another user's initial console password secret",
         ("secretsmanager:GetSecretValue", "kms:Decrypt"), "that user",
         "IAM User Guide, 'Manage passwords for IAM users'; the secret's KMS key policy decides kms:Decrypt",
         attempts=_read_password),
)
