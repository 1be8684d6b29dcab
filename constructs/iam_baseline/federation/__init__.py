"""Federated access: SAML identity providers, OIDC for CI/CD, IAM Identity Center.

Modules: :mod:`.saml_metadata` (metadata checks), :mod:`.policy_size` (IAM policy size
quotas), :mod:`.saml`, :mod:`.oidc`, :mod:`.identity_center`, :mod:`.identity_store` (constructs).

The construct classes are exported lazily: the config models import the checks of this
package, and the config must load without starting jsii (``aws_cdk``).
"""

from __future__ import annotations

from ..lazy import lazy_exports

_EXPORTS = {
    "AccountFederation": ".account",
    "SamlIdentityProvider": ".saml",
    "SamlPersonaRole": ".saml",
    "FederatedProvidersPrincipal": ".saml",
    "OidcIdentityProvider": ".oidc",
    "OidcDeployRole": ".oidc",
    "PermissionSet": ".identity_center",
    "IdentityStorePrincipalLookup": ".identity_center",
    "AccountAssignments": ".identity_center",
    "IdentityStoreDirectory": ".identity_store",
    "IdentityStoreGroup": ".identity_store",
    "IdentityStoreUser": ".identity_store",
    "IdentityStoreUserFunction": ".identity_store",
}

__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
