"""Both halves of a hop from the identity (hub) account into a member account.

* :class:`MemberPersonaRole` (member half): the persona's role in a member account. Its trust
  policy names the identity account and, in the same statement, the exact principals allowed
  (``ArnEquals aws:PrincipalArn``): IAM users with ``Bool aws:MultiFactorAuthPresent = true``
  and ``NumericLessThan aws:MultiFactorAuthAge``; SAML roles without an MFA condition (a SAML
  session carries no AWS MFA context: STS User Guide, "Comparing AWS STS credentials",
  ``AssumeRoleWithSAML`` has no MFA support; MFA, if any, happened at the identity provider).
  Never the member account's own root.
* :class:`MemberRolesPolicy` (identity half): customer managed policies of the identity
  account allowing ``sts:AssumeRole`` on exactly the member role ARNs, split to stay under
  IAM's 6,144-character managed policy quota (IAM User Guide, "IAM and AWS STS quotas").

The principal ARN of the identity account is named through its root plus ``aws:PrincipalArn``
(IAM User Guide, "AWS global condition context keys" > ``aws:PrincipalArn``): unlike a user
ARN in ``Principal``, it does not require the user to exist when the member role is created,
so the StackSets and the identity account's stack deploy in any order.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import jsii
from aws_cdk import aws_iam as iam
from constructs import Construct

from .roles import NamedRoleSettings, configured_role, mfa_trust_conditions

#: Sid of the member trust statement for the identity account's IAM users (MFA required).
USERS_SID = "IdentityAccountUsersWithMfa"
#: Sid of the member trust statement for the identity account's SAML roles (role chaining).
SAML_ROLES_SID = "IdentityAccountSamlRoles"
#: Sids of the identity half's statements (groups with MFA, SAML roles without).
GROUPS_POLICY_SID = "AllowAssumeMemberRolesWithMfa"
SAML_POLICY_SID = "AllowAssumeMemberRoles"

#: Managed policy quota: 6,144 characters, whitespace not counted (IAM User Guide, "IAM and
#: AWS STS quotas"); the split keeps a margin for CloudFormation's own serialization.
_POLICY_BUDGET = 5800


@jsii.implements(iam.IAssumeRolePrincipal)
class IdentityAccountPrincipals(iam.PrincipalBase):
    """The identity account's principals of one persona, one trust statement per kind of caller.

    Args:
        identity_account: the 12-digit identity account id.
        users: exact IAM user ARNs (MFA required in their statement); may be empty.
        saml_roles: exact SAML role ARNs (no MFA condition); may be empty.
        mfa_max_age_seconds: largest accepted ``aws:MultiFactorAuthAge`` (1-129600 seconds).

    Raises:
        ValueError: both ``users`` and ``saml_roles`` are empty (a trust nobody can use).
    """

    def __init__(
        self, identity_account: str, *, users: Sequence[str], saml_roles: Sequence[str], mfa_max_age_seconds: int
    ) -> None:
        if not users and not saml_roles:
            raise ValueError("a member role of the identity account needs at least one user or SAML role ARN")
        super().__init__()
        self._account = iam.AccountPrincipal(identity_account)
        self._statements: list[iam.PolicyStatement] = []
        if users:
            self._statements.append(
                iam.PolicyStatement(
                    sid=USERS_SID,
                    actions=["sts:AssumeRole"],
                    principals=[self._account],
                    conditions={"ArnEquals": {"aws:PrincipalArn": list(users)}, **mfa_trust_conditions(mfa_max_age_seconds)},
                )
            )
        if saml_roles:
            self._statements.append(
                iam.PolicyStatement(
                    sid=SAML_ROLES_SID,
                    actions=["sts:AssumeRole"],
                    principals=[self._account],
                    conditions={"ArnEquals": {"aws:PrincipalArn": list(saml_roles)}},
                )
            )

    @property
    def policy_fragment(self) -> iam.PrincipalPolicyFragment:
        return self._account.policy_fragment

    @property
    def assume_role_action(self) -> str:
        return "sts:AssumeRole"

    def add_to_assume_role_policy(self, document: iam.PolicyDocument) -> None:
        """Write the statements (each with its principal and conditions) into the trust policy."""
        document.add_statements(*self._statements)

    def dedupe_string(self) -> str | None:
        return None


class MemberPersonaRole(Construct):
    """A persona's role in a member account, assumed only from the identity account.

    Creates one ``AWS::IAM::Role`` (:attr:`role`) whose trust policy is
    :class:`IdentityAccountPrincipals` (Sids :data:`USERS_SID`, :data:`SAML_ROLES_SID`).

    Args:
        scope: parent construct.
        id: construct id.
        role: name (1-64 characters), maximum session (3600-43200 s), description.
        identity_account: the identity account id.
        users: identity account user ARNs allowed with MFA.
        saml_roles: identity account SAML role ARNs allowed (role chaining: one-hour sessions).
        mfa_max_age_seconds: see :func:`~iam_baseline.identity.roles.mfa_trust_conditions`.
        path: IAM path of the role.
        managed_policies: the persona's identity-based policies.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        role: NamedRoleSettings,
        identity_account: str,
        users: Sequence[str],
        saml_roles: Sequence[str],
        mfa_max_age_seconds: int,
        path: str,
        managed_policies: Sequence[iam.IManagedPolicy] = (),
    ) -> None:
        super().__init__(scope, id)
        principals = IdentityAccountPrincipals(
            identity_account, users=users, saml_roles=saml_roles, mfa_max_age_seconds=mfa_max_age_seconds
        )
        self.role = configured_role(self, "Resource", role, path=path, assumed_by=principals, managed_policies=managed_policies)


def split_arns(arns: Sequence[str], budget: int = _POLICY_BUDGET) -> list[list[str]]:
    """``arns`` in order, cut into runs whose quoted, comma-separated length stays under ``budget``."""
    runs: list[list[str]] = [[]]
    size = 0
    for arn in arns:
        cost = len(json.dumps(arn)) + 1
        if runs[-1] and size + cost > budget:
            runs.append([])
            size = 0
        runs[-1].append(arn)
        size += cost
    return runs


class MemberRolesPolicy(Construct):
    """The identity half: ``sts:AssumeRole`` on exactly ``role_arns``, in one or more managed policies.

    Creates ``AWS::IAM::ManagedPolicy`` resources (:attr:`policies`) named ``<name>``,
    ``<name>-2``, ... each under the managed policy size quota. With ``mfa`` every statement
    requires ``Bool aws:MultiFactorAuthPresent = true`` (Sid :data:`GROUPS_POLICY_SID`, for
    groups of IAM users); without it (Sid :data:`SAML_POLICY_SID`) it is for SAML roles.

    Args:
        scope: parent construct.
        id: construct id.
        name: managed policy name (1-125 characters, leaving room for ``-NN``).
        path: IAM path of the policies.
        role_arns: exact member role ARNs; at least one.
        mfa: require MFA (groups of IAM users).
        description: policy description.

    Raises:
        ValueError: ``role_arns`` is empty.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        path: str,
        role_arns: Sequence[str],
        mfa: bool,
        description: str,
    ) -> None:
        super().__init__(scope, id)
        if not role_arns:
            raise ValueError(f"{name}: the identity half needs at least one member role ARN")
        self.policies: list[iam.ManagedPolicy] = []
        for index, run in enumerate(split_arns(role_arns)):
            self.policies.append(
                iam.ManagedPolicy(
                    self,
                    "Resource" if index == 0 else f"Part{index + 1}",
                    managed_policy_name=name if index == 0 else f"{name}-{index + 1}",
                    path=path,
                    description=description,
                    statements=[
                        iam.PolicyStatement(
                            sid=GROUPS_POLICY_SID if mfa else SAML_POLICY_SID,
                            actions=["sts:AssumeRole"],
                            resources=run,
                            conditions={"Bool": {"aws:MultiFactorAuthPresent": "true"}} if mfa else None,
                        )
                    ],
                )
            )
