"""Roles that people reach only through ``sts:AssumeRole`` with MFA.

The trust policy names the account as principal, which delegates the decision to the
caller's identity-based policy (the group policies of :mod:`.groups`), and requires MFA in
the same, single statement: there is never a second, unconditioned statement for the same
principal that would make the MFA condition moot.

``Bool aws:MultiFactorAuthPresent = true`` (not ``BoolIfExists``): the key is absent on
requests signed with long-term access keys, and an absent key must not match an Allow.
``NumericLessThan aws:MultiFactorAuthAge`` bounds how long ago (seconds) the MFA sign-in was.
Source: IAM User Guide, "Configuring MFA-protected API access" and "AWS global condition
context keys".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from constructs import Construct



def mfa_trust_conditions(max_age_seconds: int) -> dict[str, dict[str, object]]:
    """The condition block of every human trust statement.

    Args:
        max_age_seconds: largest accepted ``aws:MultiFactorAuthAge``, in seconds (1-129600).

    Raises:
        ValueError: when ``max_age_seconds`` is outside 1-129600.
    """
    if not 1 <= max_age_seconds <= 129600:
        raise ValueError(f"MFA max age must be 1-129600 seconds, got {max_age_seconds}")
    return {
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
        "NumericLessThan": {"aws:MultiFactorAuthAge": str(max_age_seconds)},
    }


class NamedRoleSettings(Protocol):
    """What a role's config gives every role the baseline creates (RoleConfig, the SAML role
    and the OIDC deploy role configs all have it)."""

    name: str
    description: str
    max_session_duration_seconds: int


def configured_role(
    scope: Construct,
    id: str,
    role: NamedRoleSettings,
    *,
    path: str,
    assumed_by: iam.IPrincipal,
    managed_policies: Sequence[iam.IManagedPolicy] = (),
) -> iam.Role:
    """An ``iam.Role`` named, described and session-limited as ``role`` says (3600-43200 s)."""
    return iam.Role(
        scope,
        id,
        role_name=role.name,
        path=path,
        description=role.description or None,
        assumed_by=assumed_by,
        max_session_duration=Duration.seconds(role.max_session_duration_seconds),
        managed_policies=list(managed_policies),
    )


class MfaPrincipals(iam.PrincipalBase):
    """The principals of a persona role's one trust statement, with the MFA conditions.

    ``Principal: {"AWS": [account root, extra ARNs...]}`` and the conditions of
    :func:`mfa_trust_conditions` in the same statement: the extra principals can never be
    written in a statement of their own, without MFA. (CDK's ``CompositePrincipal`` would write
    one statement per principal.)

    Args:
        arns: principal ARNs (the account's root first), at least one.
        conditions: the statement's condition block (the MFA conditions).
    """

    def __init__(self, arns: Sequence[str], conditions: dict[str, dict[str, object]]) -> None:
        if not arns:
            raise ValueError("a trust statement needs at least one principal")
        if not conditions:
            raise ValueError("a persona role's trust statement always carries the MFA conditions")
        super().__init__()
        self._arns = list(arns)
        self._conditions = dict(conditions)

    @property
    def policy_fragment(self) -> iam.PrincipalPolicyFragment:
        return iam.PrincipalPolicyFragment({"AWS": self._arns}, self._conditions)

    @property
    def assume_role_action(self) -> str:
        return "sts:AssumeRole"

    def dedupe_string(self) -> str | None:
        return None


class MfaAssumableRole(Construct):
    """An IAM role that IAM users of the same account assume with MFA.

    Creates one ``AWS::IAM::Role`` (exposed as :attr:`role`) whose trust policy has exactly
    one statement: principal the account, action ``sts:AssumeRole``, conditions from
    :func:`mfa_trust_conditions`. Without ``account_id`` the principal is the account the
    stack is deployed to (``AWS::AccountId`` in an environment-agnostic stack, such as a
    StackSet template).

    Args:
        scope: parent construct.
        id: construct id.
        role: name (1-64 characters), maximum session duration (3600-43200 seconds) and
            description, validated by :class:`RoleConfig`.
        account_id: the 12-digit account whose IAM users may assume the role; default:
            the stack's own account.
        mfa_max_age_seconds: see :func:`mfa_trust_conditions`.
        path: IAM path of the role, e.g. ``/baseline/``.
        managed_policies: identity-based policies attached to the role.
        trusted_principals: extra principal ARNs (other accounts' roots or roles), trusted in
            the same statement, with the same MFA conditions; validated by
            :class:`~iam_baseline.config.personas.PersonaRoleConfig`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        role: NamedRoleSettings,
        account_id: str | None = None,
        mfa_max_age_seconds: int,
        path: str = "/",
        managed_policies: Sequence[iam.IManagedPolicy] = (),
        trusted_principals: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, id)
        account = iam.AccountPrincipal(account_id) if account_id else iam.AccountRootPrincipal()
        conditions = mfa_trust_conditions(mfa_max_age_seconds)
        principal: iam.IPrincipal = (
            MfaPrincipals([account.arn, *trusted_principals], conditions)
            if trusted_principals
            else account.with_conditions(conditions)
        )
        self.role = configured_role(
            self, "Resource", role, path=path, assumed_by=principal, managed_policies=managed_policies
        )
