"""The model of one account: its principals with their policies, and what the checks need besides.

Built by :mod:`.templates` from the synthesized templates; read by the engines' callers (checks,
outputs). A managed policy ARN that is neither in the assembly nor an AWS managed policy known
to :mod:`.aws_managed` raises :class:`UnknownPolicy`: an unknown policy is never read as
"allow all" or "allow nothing".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .aws_managed import UnknownManagedPolicy, aws_managed_document, is_aws_managed
from ..engine.policy import Policy, PolicyKind

__all__ = [
    "AccountModel",
    "CredentialSecret",
    "LambdaFunction",
    "Principal",
    "ResourcePolicy",
    "UnknownPolicy",
    "managed_policy",
]


class UnknownPolicy(LookupError):
    """A managed policy ARN that is neither in the assembly nor a known AWS managed policy."""


@dataclass
class Principal:
    """An IAM identity and everything that decides what it may do.

    Attributes:
        kind: ``user``, ``group``, ``role`` or ``permission_set``.
        name: IAM name (generated names read ``<StackName>-<LogicalId>``).
        arn: IAM ARN (for a permission set, its ARN placeholder in the Identity Center instance).
        path: IAM path.
        policies: identity-based policies attached to this principal itself.
        boundary: the permissions boundary, if any.
        trust: the trust policy (roles only).
        groups: names of the groups of a user.
        tags: IAM tags (``aws:PrincipalTag/...``).
        stack, logical_id: where it is defined.
    """

    kind: str
    name: str
    arn: str
    path: str
    stack: str
    logical_id: str
    policies: list[Policy] = field(default_factory=list)
    boundary: Policy | None = None
    trust: Policy | None = None
    groups: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    max_session_seconds: int | None = None

    @property
    def ref(self) -> str:
        """The short reference used in the access matrix, e.g. ``role:Admin``."""
        return f"{self.kind}:{self.name}"


@dataclass(frozen=True)
class LambdaFunction:
    """A Lambda function and its execution role (for escalation through code updates)."""

    arn: str
    role_arn: str | None
    stack: str
    logical_id: str


@dataclass(frozen=True)
class CredentialSecret:
    """A Secrets Manager secret that holds the console password of an IAM user."""

    arn: str
    user_arn: str
    kms_key_arn: str | None


@dataclass(frozen=True)
class ResourcePolicy:
    """A resource-based policy of the assembly: KMS key policy, SNS topic policy, S3 bucket policy.

    ``required``: the policy must allow by itself, as a KMS key policy must (AWS KMS Developer
    Guide, "Key policies in AWS KMS": IAM policies grant access to a key only when its key
    policy enables them).
    """

    kind: str  # "KMS key policy" | "SNS topic policy" | "S3 bucket policy"
    arn: str
    policy: Policy
    required: bool = False


@dataclass
class AccountModel:
    """All principals of the assembly, by ARN, and what the checks need besides."""

    account: str
    partition: str
    region: str
    principals: dict[str, Principal] = field(default_factory=dict)
    managed_policies: dict[str, Policy] = field(default_factory=dict)
    functions: list[LambdaFunction] = field(default_factory=list)
    credential_secrets: list[CredentialSecret] = field(default_factory=list)
    oidc_providers: list[str] = field(default_factory=list)
    saml_providers: list[str] = field(default_factory=list)
    resource_policies: dict[str, ResourcePolicy] = field(default_factory=dict)

    def by_ref(self, ref: str) -> Principal:
        """The principal named ``kind:name`` (``role:Admin``, ``user:alice.admin``).

        Raises:
            KeyError: no such principal, with the known references listed.
        """
        for principal in self.principals.values():
            if principal.ref == ref:
                return principal
        known = ", ".join(sorted(p.ref for p in self.principals.values()))
        raise KeyError(f"no principal {ref!r} in the assembly; known: {known}")

    def identity_policies(self, principal: Principal) -> list[Policy]:
        """The principal's own policies plus, for a user, those of each of its groups."""
        policies = list(principal.policies)
        for group_name in principal.groups:
            group = self.by_ref(f"group:{group_name}")
            policies += group.policies
        return policies

    def iam_arn(self, resource: str) -> str:
        return f"arn:{self.partition}:iam::{self.account}:{resource}"


def managed_policy(model: AccountModel, arn: str, kind: PolicyKind = PolicyKind.IDENTITY) -> Policy:
    """The policy behind a managed policy ARN, as ``kind``.

    Raises:
        UnknownPolicy: neither in the assembly nor a known AWS managed policy.
    """
    policy = model.managed_policies.get(arn)
    if policy is None:
        if not is_aws_managed(arn):
            raise UnknownPolicy(f"customer managed policy {arn} is not defined in the assembly")
        try:
            document = aws_managed_document(arn)
        except UnknownManagedPolicy as error:
            raise UnknownPolicy(str(error)) from None
        policy = Policy.from_document("aws-managed:" + arn.rsplit("/", 1)[-1], document)
        model.managed_policies[arn] = policy
    return policy if policy.kind is kind else Policy(policy.name, kind, policy.statements, policy.version, policy.document)
