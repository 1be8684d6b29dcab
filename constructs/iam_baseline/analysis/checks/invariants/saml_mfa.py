"""Which SAML roles the proof may treat as reached with MFA at the identity provider.

A SAML session carries no ``aws:MultiFactorAuthPresent`` (IAM User Guide, "Configuring
MFA-protected API access", now titled "Secure API access with MFA": AWS cannot see whether the
provider required MFA), so the proof cannot see MFA on the SAML route. The config may declare
it per provider, with a reason (``federation.saml.providers[i].mfa_at_identity_provider``,
:mod:`iam_baseline.config.saml_mfa`); INV-MFA-LESS-ONLY-MACHINE and INV-NO-MFA-LESS-ADMIN
exempt a SAML role only when **every** provider its trust policy names declares it (the caller
picks the provider in ``AssumeRoleWithSAML``). The providers are read from the template (the
role's trust policy, ``Federated`` principals ``arn:...:saml-provider/<name>``), so a template
trusting a provider the config does not declare is no exception; only a role whose template is
not in the assembly falls back to the config's ``providers``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ....config.models import BaselineConfig
from ....config.saml_mfa import DECLARATION_KEY
from ...engine.policy import Policy

#: What the proof says of a SAML role that is not an exception (an entry without MFA).
UNDECLARED = "a SAML role: no MFA seen by AWS, and no mfa_at_identity_provider declared for"


@dataclass(frozen=True)
class SamlMfa:
    """The MFA declaration of one SAML role's providers.

    Attributes:
        role: the SAML role's name.
        providers: the SAML provider names its trust policy names (the config's ``providers``
            when no template was given), sorted.
        reasons: ``(provider, its index in federation.saml.providers, reason)`` of each
            provider that declares ``mfa_at_identity_provider``.
    """

    role: str
    providers: tuple[str, ...]
    reasons: tuple[tuple[str, int, str], ...]

    @property
    def undeclared(self) -> tuple[str, ...]:
        """The providers without the declaration (a provider the config lacks included)."""
        declared = {name for name, _, _ in self.reasons}
        return tuple(p for p in self.providers if p not in declared)

    @property
    def declared(self) -> bool:
        """True when the role trusts some provider and every one declares MFA at the identity provider."""
        return bool(self.providers) and not self.undeclared

    def describe(self) -> str:
        """The declaration as the report and the proof quote it (key and reason per provider)."""
        if not self.declared:
            return f"{UNDECLARED} {', '.join(self.undeclared) or 'any provider'}"
        return "; ".join(f"MFA at the identity provider {name} (federation.saml.providers[{index}].{DECLARATION_KEY}): "
                         f"{reason}" for name, index, reason in self.reasons)


def trusted_providers(trust: Policy | None) -> tuple[str, ...]:
    """Names of the SAML providers the Allow statements of ``trust`` name, sorted."""
    if trust is None:
        return ()
    return tuple(sorted({arn.rsplit(":saml-provider/", 1)[1] for s in trust.statements if s.effect == "Allow"
                         for arn in (s.principals or {}).get("Federated", ()) if ":saml-provider/" in arn}))


def saml_mfa(config: BaselineConfig | None, role: str, trust: Policy | None = None) -> SamlMfa:
    """The declaration for SAML role ``role``: its providers from ``trust`` (the template) when it
    names any, else from ``federation.saml.roles`` of ``config``; each looked up in
    ``federation.saml.providers``."""
    saml = config.federation.saml if config is not None and config.federation is not None else None
    providers = trusted_providers(trust)
    if not providers and saml is not None:
        entry = next((r for r in saml.roles if r.name == role), None)
        providers = tuple(sorted(entry.providers)) if entry is not None else ()
    reasons = []
    for index, provider in enumerate(saml.providers if saml is not None else ()):
        if provider.name in providers and provider.mfa_at_identity_provider is not None:
            reasons.append((provider.name, index, provider.mfa_at_identity_provider.reason.strip()))
    return SamlMfa(role, providers, tuple(reasons))
