"""SAML roles reached without AWS MFA: only through providers that declare MFA at the identity provider.

A session from ``sts:AssumeRoleWithSAML`` carries no ``aws:MultiFactorAuthPresent`` (IAM User
Guide, "Configuring MFA-protected API access": for AssumeRoleWithSAML and
AssumeRoleWithWebIdentity "AWS cannot determine whether that provider required MFA"), so no
trust policy can demand MFA of it and the offline proof cannot see any. A SAML role is
therefore a way in without AWS MFA; the config may accept that only as a declared, reasoned
exception: ``federation.saml.providers[i].mfa_at_identity_provider: {reason: ...}`` says that
the identity provider requires MFA before it signs an assertion for AWS, and why the config
relies on it (:class:`~.saml.IdentityProviderMfa`).

:func:`saml_mfa_rules` refuses, at load, a SAML role that matters (:func:`exposed_saml_roles`:
its persona is an administrator, it reaches member accounts through its persona's ``reach``, or
an organization variant deploys it to member accounts) trusting a provider without the
declaration. The exemption is per provider, and a role needs it of *every* provider it trusts:
the caller chooses the provider ARN in ``AssumeRoleWithSAML``, so one undeclared provider is a
way in without MFA whatever the others enforce. INV-MFA-LESS-ONLY-MACHINE and
INV-NO-MFA-LESS-ADMIN exempt exactly these roles (analysis/checks/invariants/saml_mfa.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .personas import persona_views
from .types import ItemError
from .variants import variant_ou

if TYPE_CHECKING:
    from .models import BaselineConfig

#: The key a provider declares (quoted in errors and in the report).
DECLARATION_KEY = "mfa_at_identity_provider"

#: Where AWS says that a SAML session carries no MFA (quoted in errors and in the report).
AWS_SOURCE = "IAM User Guide, 'Configuring MFA-protected API access'"

#: Where the baseline documents the exception (quoted in errors).
DOC_PAGE = "README.md, 'Ways in without MFA'; docs/configuration.md#identityprovidermfa"


def exposed_saml_roles(config: "BaselineConfig") -> dict[int, str]:
    """Index in ``federation.saml.roles`` -> why that SAML role must be reached with MFA at the
    identity provider: its persona is an administrator (``admin``, ``personas.<key>.admin``), its
    persona has ``reach`` (the identity account's SAML role assumes the member role), or an
    organization's baseline variant with ``saml`` deploys it to member accounts. Roles of none
    of these are left out (empty without SAML roles)."""
    saml = config.federation.saml if config.federation is not None else None
    if saml is None or not saml.roles:
        return {}
    views = persona_views(config)
    deployed_by = _member_variant_with_saml(config)
    exposed = {}
    for index, role in enumerate(saml.roles):
        view = views.get(role.persona)
        if view is None:
            continue  # an unknown persona is refused by check_personas, naming it
        where = f"{'roles' if view.built_in else 'personas'}.{role.persona}"
        if view.admin:
            exposed[index] = f"its persona {role.persona} is an administrator"
        elif view.role.reach is not None:
            exposed[index] = f"its persona {role.persona} reaches member accounts ({where}.reach)"
        elif deployed_by is not None:
            exposed[index] = (f"organization.baselines.{deployed_by} deploys it to member accounts (saml: true); a role "
                              "there reached without MFA must be a declared exception")
    return exposed


def _member_variant_with_saml(config: "BaselineConfig") -> str | None:
    """The first baseline variant that deploys the SAML roles to a member account (an
    organization without an identity account: there, SAML stays in the identity account)."""
    organization = config.organization
    if organization is None or organization.identity_account is not None:
        return None
    for ou, _ in organization.member_accounts():
        variant = variant_ou(organization, ou)
        if variant is not None and organization.baselines[variant.baseline].saml:
            return variant.baseline
    return None


def saml_mfa_rules(config: "BaselineConfig") -> None:
    """Refuse an exposed SAML role (:func:`exposed_saml_roles`) trusting a provider without
    ``mfa_at_identity_provider``; raises :class:`ItemError` at the role's provider entry
    (``federation.saml.roles[i].providers[j]``), naming the key to add and the pages."""
    saml = config.federation.saml if config.federation is not None else None
    if saml is None:
        return
    for index, why in exposed_saml_roles(config).items():
        role = saml.roles[index]
        for position, name in enumerate(role.providers):
            provider_index = saml.provider_index(name)
            if saml.providers[provider_index].mfa_at_identity_provider is not None:
                continue
            raise ItemError(
                ("federation", "saml", "roles", index, "providers", position),
                f"SAML role {role.name} trusts provider {name}, which does not declare {DECLARATION_KEY}, and {why}: AWS "
                f"sees no MFA in a SAML session ({AWS_SOURCE}), so this role is a way in without MFA unless {name} "
                f"requires it; add federation.saml.providers[{provider_index}].{DECLARATION_KEY}: {{reason: <how {name} "
                f"enforces MFA for the AWS application>}} ({DOC_PAGE}), or remove {name} from this role's providers",
            )
