"""SAML 2.0 federation: IAM SAML providers and the persona roles that trust them.

A person signs in at the company IdP (Okta, Microsoft Entra ID, Google Workspace, ...);
the IdP posts a SAML assertion to the AWS sign-in endpoint naming a role ARN and the
provider ARN; STS checks the assertion's signature with the provider's metadata and the
role's trust policy, which here has exactly one statement:

* principal ``Federated`` = the trusted provider ARN(s) (several IdPs may trust one role);
* action ``sts:AssumeRoleWithSAML`` (+ ``sts:TagSession`` when session tags are enabled);
* condition ``StringEquals SAML:aud = https://signin.aws.amazon.com/saml``: only assertions
  addressed to the AWS console sign-in endpoint are accepted.

Source: IAM User Guide, "Create a role for SAML 2.0 federation" and "Configure SAML
assertions for the authentication response"; the trust policy length quota
(:mod:`.policy_size`) is checked on the synthesized document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from ..config.federation import SamlProviderConfig, SamlRoleConfig
from ..identity.arns import iam_arn
from ..identity.roles import configured_role
from .policy_size import TRUST_POLICY_DEFAULT_MAX_CHARS, check_policy_size, partition_for_size, render_intrinsics

#: The audience of assertions posted to the AWS Management Console sign-in endpoint.
SAML_AUDIENCE = "https://signin.aws.amazon.com/saml"
SAML_ACTION = "sts:AssumeRoleWithSAML"
TAG_SESSION_ACTION = "sts:TagSession"


def saml_trust_conditions(extra: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """The condition block of a SAML role's trust statement: ``StringEquals SAML:aud`` = the
    sign-in endpoint, with ``extra`` (operator -> key -> values) merged beside it.

    Raises:
        ValueError: ``extra`` names ``SAML:aud`` (in any case): it can be neither removed nor
            overwritten (the config refuses it first).
    """
    conditions: dict[str, dict[str, Any]] = {"StringEquals": {"SAML:aud": SAML_AUDIENCE}}
    for operator, keys in (extra or {}).items():
        if any(key.casefold() == "saml:aud" for key in keys):
            raise ValueError("SAML:aud can be neither removed nor overwritten by extra conditions")
        merged = conditions.setdefault(operator, {})
        merged.update({key: list(v) if isinstance(v, tuple) else v for key, v in keys.items()})
    return conditions


def saml_provider_arn(name: str) -> str:
    """ARN of the IAM SAML provider ``name`` in the deploying account (a token, partition-aware)."""
    return iam_arn(f"saml-provider/{name}")


class FederatedProvidersPrincipal(iam.PrincipalBase):
    """One trust statement for one or more federated providers, with conditions.

    CDK's ``FederatedPrincipal`` names a single provider; combining several with
    ``CompositePrincipal`` writes one statement each, which repeats the conditions and
    spends the trust policy length quota. This principal writes ``Federated`` as a list.

    Args:
        provider_arns: IAM SAML or OIDC provider ARNs (at least one).
        action: the assume-role action, e.g. ``sts:AssumeRoleWithSAML``.
        conditions: the statement's condition block.
    """

    def __init__(self, provider_arns: Sequence[str], action: str, conditions: Mapping[str, Any]) -> None:
        if not provider_arns:
            raise ValueError("a federated principal needs at least one provider ARN")
        super().__init__()
        self._provider_arns = list(provider_arns)
        self._action = action
        self._conditions = dict(conditions)

    @property
    def policy_fragment(self) -> iam.PrincipalPolicyFragment:
        return iam.PrincipalPolicyFragment({"Federated": self._provider_arns}, self._conditions)

    @property
    def assume_role_action(self) -> str:
        return self._action

    def dedupe_string(self) -> str | None:
        return None


def check_trust_policy_size(role: iam.Role, *, max_chars: int, hint: str) -> int:
    """Measure ``role``'s synthesized trust policy as deployed; raise when over ``max_chars``.

    Raises:
        PolicySizeError: "trust policy of role <name> is N characters (whitespace
            excluded), M over the quota of L; <hint>".
    """
    stack = Stack.of(role)
    document = stack.resolve(role.assume_role_policy.to_json()) if role.assume_role_policy else {}
    rendered = render_intrinsics(
        document,
        partition=partition_for_size(stack.region),
        account_id=stack.account if stack.account.isdigit() else "123456789012",
        region=stack.region,
    )
    name = role.node.default_child.role_name or role.node.path  # the literal name, not a Ref
    return check_policy_size(rendered, limit=max_chars, what=f"trust policy of role {name}", hint=hint)


class SamlIdentityProvider(Construct):
    """An IAM SAML provider (``AWS::IAM::SAMLProvider``) from an IdP's metadata file.

    The metadata was checked when ``provider`` was validated (see
    :mod:`.saml_metadata`); the file's text becomes the provider's metadata document.

    Args:
        provider: name (1-128 characters) and metadata file, validated by
            :class:`SamlProviderConfig` (signing certificate, no DTDs or entities).

    Attributes:
        provider: the ``iam.SamlProvider``.
        arn: its ARN, built from the name (so trust policies can be measured before deployment).
    """

    def __init__(self, scope: Construct, id: str, *, provider: SamlProviderConfig) -> None:
        super().__init__(scope, id)
        self.config = provider
        self.provider = iam.SamlProvider(
            self,
            "Resource",
            name=provider.name,
            metadata_document=iam.SamlMetadataDocument.from_file(provider.metadata_file),
        )
        self.arn = saml_provider_arn(provider.name)


class SamlPersonaRole(Construct):
    """An IAM role for one baseline persona, reached through SAML federation.

    Creates one ``AWS::IAM::Role`` (:attr:`role`) whose trust policy is the single statement
    described in the module docstring, carrying ``managed_policies`` (the persona's, as for
    its MFA role).

    Args:
        scope: parent construct.
        id: construct id.
        role: name, persona, trusted provider names, maximum session duration (3600-43200 s).
        providers: the :class:`SamlIdentityProvider` constructs, by provider name; those in
            ``role.providers`` are trusted (and become dependencies of the role).
        session_tags: also allow ``sts:TagSession``.
        managed_policies: the persona's identity-based policies.
        path: IAM path of the role.
        trust_policy_max_chars: the account's "Role trust policy length" quota (2048 default).

    Raises:
        KeyError: a provider name of ``role`` is not in ``providers``.
        PolicySizeError: the synthesized trust policy exceeds ``trust_policy_max_chars``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        role: SamlRoleConfig,
        providers: Mapping[str, SamlIdentityProvider],
        managed_policies: Sequence[iam.IManagedPolicy],
        session_tags: bool = False,
        path: str = "/",
        trust_policy_max_chars: int = TRUST_POLICY_DEFAULT_MAX_CHARS,
    ) -> None:
        super().__init__(scope, id)
        trusted = [providers[name] for name in role.providers]
        principal: iam.IPrincipal = FederatedProvidersPrincipal(
            [p.arn for p in trusted], SAML_ACTION, saml_trust_conditions(role.conditions)
        )
        if session_tags:
            principal = iam.SessionTagsPrincipal(principal)
        self.role = configured_role(
            self, "Resource", role, path=path, assumed_by=principal, managed_policies=managed_policies
        )
        for provider in trusted:
            self.role.node.add_dependency(provider)
        check_trust_policy_size(
            self.role,
            max_chars=trust_policy_max_chars,
            hint="trust fewer identity providers with this role, or raise the IAM quota and "
            "federation.saml.trust_policy_max_chars",
        )
