"""What the config declares, read once for every invariant: accounts, OIDC subjects and
audiences, admin principals, personas. Nothing here reads templates."""

from __future__ import annotations

from collections.abc import Mapping

from ....config.hub import PersonaReach, persona_reach
from ....config.models import BaselineConfig
from ...model.accounts import AccountScope


def declared_accounts(config: BaselineConfig, scope: AccountScope) -> frozenset[str]:
    """Every account the top-level config names, plus the scope's own (see :mod:`...model.accounts`)."""
    return scope.declared_accounts or frozenset({config.account_id, scope.model.account})


def _deploy_roles(config: BaselineConfig):
    federation = config.federation
    if federation is None or federation.oidc is None:
        return ()
    return federation.oidc.deploy_roles


def declared_subjects(config: BaselineConfig, role_name: str) -> tuple[str, ...]:
    """The ``sub`` values or patterns the config declares for the OIDC deploy role ``role_name``."""
    for role in _deploy_roles(config):
        if role.name == role_name:
            return role.sub_values()
    return ()


def oidc_audiences(config: BaselineConfig, issuer: str) -> tuple[str, ...]:
    """The client ids (``aud``) the config declares for the provider of ``issuer``."""
    federation = config.federation
    if federation is None or federation.oidc is None:
        return ()
    return tuple(a for p in federation.oidc.providers if p.issuer == issuer for a in p.client_ids)


def machine_role(config: BaselineConfig, role_name: str):
    """The ``machine_roles`` entry named ``role_name`` (a member scope's config holds its
    StackSet group's), else None."""
    return next((r for r in config.machine_roles if r.name == role_name), None)


def hop_list(scope: AccountScope, config: BaselineConfig) -> Mapping[str, PersonaReach]:
    """The run's hop list (persona key -> :class:`~....config.hub.PersonaReach`): the scope's,
    computed once by whoever loaded the scopes (:func:`...model.accounts.load_scopes`), else
    derived from ``config`` (a scope built by hand)."""
    return scope.reach if scope.reach is not None else persona_reach(scope.top_config or config)


def identity_saml_roles(scope: AccountScope, config: BaselineConfig, role_name: str) -> tuple[str, ...]:
    """ARNs of the identity account's SAML roles that the config lets assume the member role
    ``role_name`` (``organization.identity_account`` and a persona's ``reach``: the run's hop
    list, ``scope.reach``, or derived from ``config`` for a scope built by hand); () without an
    identity account. A SAML session carries no AWS MFA context (engine/context_rules.py), so
    this is a declared way in without AWS MFA: MFA, if any, happened at the identity provider
    (INV-MFA-LESS-ONLY-MACHINE accepts it only where the providers declare it: :mod:`.saml_mfa`)."""
    return tuple(sorted({arn for persona in hop_list(scope, config).values()
                         if any(r.rsplit("/", 1)[-1] == role_name for r in persona.role_arns)
                         for arn in persona.saml_roles}))
