"""Identity constructs of the account baseline: groups, roles, users and their guard rails.

The names are exported lazily: the config loader reads this package's plain-data modules
(:mod:`.personas`: the policies a persona uses), and the config must load without starting
jsii (``aws_cdk``), so that a config error is reported in a fraction of a second.
"""

from __future__ import annotations

from ..lazy import lazy_exports

_EXPORTS = {
    "AccountPasswordPolicy": ".password_policy",
    "DeveloperGuardrailsPolicy": ".developer_access",
    "DeveloperPermissionsBoundary": ".boundary",
    "ForceMfaPolicy": ".force_mfa",
    "HumanUser": ".users",
    "HumanUserGroup": ".groups",
    "MfaAssumableRole": ".roles",
    "bounded_role_statements": ".boundary",
    "force_mfa_statements": ".force_mfa",
    "mfa_trust_conditions": ".roles",
    "update_parameters": ".password_policy",
}

__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
