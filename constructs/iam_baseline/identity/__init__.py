"""Identity constructs of the account baseline: groups, roles, users and their guard rails."""

from .boundary import DeveloperPermissionsBoundary, bounded_role_statements
from .developer_access import DeveloperGuardrailsPolicy
from .force_mfa import ForceMfaPolicy, force_mfa_statements
from .groups import HumanUserGroup
from .password_policy import AccountPasswordPolicy, update_parameters
from .roles import MfaAssumableRole, mfa_trust_conditions
from .users import HumanUser

__all__ = [
    "AccountPasswordPolicy",
    "DeveloperGuardrailsPolicy",
    "DeveloperPermissionsBoundary",
    "ForceMfaPolicy",
    "HumanUser",
    "HumanUserGroup",
    "MfaAssumableRole",
    "bounded_role_statements",
    "force_mfa_statements",
    "mfa_trust_conditions",
    "update_parameters",
]
