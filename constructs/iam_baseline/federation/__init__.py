"""Federated access: SAML identity providers, OIDC for CI/CD, IAM Identity Center.

Modules: :mod:`.saml_metadata` (metadata checks), :mod:`.policy_size` (IAM policy size
quotas), :mod:`.saml`, :mod:`.oidc`, :mod:`.identity_center` (constructs).

The construct classes are exported lazily: the config models import the checks of this
package, and the config must load without starting jsii (``aws_cdk``).
"""

from __future__ import annotations

import importlib
from typing import Any

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
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
