"""The federation an account carries: SAML providers and persona roles, OIDC deploy roles."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aws_cdk import aws_iam as iam
from constructs import Construct

from ..config.federation import OidcConfig, SamlConfig
from ..config.models import Persona
from ..naming import construct_id
from .oidc import OidcDeployRole, OidcIdentityProvider
from .saml import SamlIdentityProvider, SamlPersonaRole


class AccountFederation(Construct):
    """SAML providers with their persona roles, and OIDC providers with their deploy roles.

    Construct ids (matched by the acknowledgment registry): ``SamlProvider<Name>``,
    ``Saml<Persona>Role<Name>``, ``OidcProvider<Name>``, ``OidcDeployRole<Name>``.

    Args:
        scope: parent construct (the account baseline stack).
        id: construct id.
        saml: SAML config, or ``None``.
        oidc: OIDC config, or ``None``.
        persona_policies: the managed policies of a persona (the same as its MFA role's).
        path: IAM path of every role and policy created.

    Attributes:
        saml_roles / deploy_roles: role name -> ``iam.Role``.
        saml_providers / oidc_providers: provider name -> construct.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        saml: SamlConfig | None,
        oidc: OidcConfig | None,
        persona_policies: Callable[[Persona], Sequence[iam.IManagedPolicy]],
        path: str = "/",
    ) -> None:
        super().__init__(scope, id)
        self.saml_providers: dict[str, SamlIdentityProvider] = {}
        self.saml_roles: dict[str, iam.Role] = {}
        self.oidc_providers: dict[str, OidcIdentityProvider] = {}
        self.deploy_roles: dict[str, iam.Role] = {}
        if saml:
            for provider in saml.providers:
                self.saml_providers[provider.name] = SamlIdentityProvider(
                    self, f"SamlProvider{construct_id(provider.name)}", provider=provider
                )
            for role in saml.roles:
                self.saml_roles[role.name] = SamlPersonaRole(
                    self,
                    f"Saml{construct_id(role.persona)}Role{construct_id(role.name)}",
                    role=role,
                    providers=self.saml_providers,
                    managed_policies=persona_policies(role.persona),
                    session_tags=saml.session_tags,
                    path=path,
                    trust_policy_max_chars=saml.trust_policy_max_chars,
                ).role
        if oidc:
            for provider in oidc.providers:
                self.oidc_providers[provider.name] = OidcIdentityProvider(
                    self, f"OidcProvider{construct_id(provider.name)}", provider=provider
                )
            for role in oidc.deploy_roles:
                self.deploy_roles[role.name] = OidcDeployRole(
                    self,
                    f"OidcDeployRole{construct_id(role.name)}",
                    role=role,
                    provider=self.oidc_providers[role.provider],
                    path=path,
                    trust_policy_max_chars=oidc.trust_policy_max_chars,
                ).role
