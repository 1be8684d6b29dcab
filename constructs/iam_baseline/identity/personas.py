"""The identity-based policies of each baseline persona, in one place.

The persona IAM roles (MFA), the SAML persona roles and the IAM Identity Center permission
sets all carry these, so a person has the same permissions whichever way they sign in.
Job-function policies: IAM User Guide, "AWS managed policies for job functions" (the ARN of
``ViewOnlyAccess`` has the ``job-function/`` path; the others have none).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config.models import Persona, ReadOnlyPolicyName, RolesConfig

#: Name of the developer guard-rails customer managed policy (at the baseline's IAM path).
DEVELOPER_GUARDRAILS_POLICY_NAME = "DeveloperGuardrails"
#: Name of the developer protection customer managed policy (detection, CDK assets, stacks).
DEVELOPER_PROTECTION_POLICY_NAME = "DeveloperProtection"

#: AWS managed policy names, with their path, of the read-only policy choices.
_READ_ONLY_POLICY_PATHS: dict[ReadOnlyPolicyName, str] = {
    "ViewOnlyAccess": "job-function/ViewOnlyAccess",
    "ReadOnlyAccess": "ReadOnlyAccess",
    "SecurityAudit": "SecurityAudit",
}


@dataclass(frozen=True)
class PersonaPolicies:
    """A persona's policies: AWS managed (names with path, e.g. ``job-function/ViewOnlyAccess``)
    and the baseline's own customer managed policies (names, at the baseline's IAM path)."""

    aws_managed: tuple[str, ...]
    customer_managed: tuple[str, ...] = ()


def persona_policies(persona: Persona, roles: RolesConfig) -> PersonaPolicies:
    """The policies of ``persona``; ``roles.read_only_managed_policy`` picks the read-only one."""
    return {
        "admin": PersonaPolicies(("AdministratorAccess",)),
        "developer": PersonaPolicies(("PowerUserAccess",), (DEVELOPER_GUARDRAILS_POLICY_NAME, DEVELOPER_PROTECTION_POLICY_NAME)),
        "read_only": PersonaPolicies((_READ_ONLY_POLICY_PATHS[roles.read_only_managed_policy],)),
        "support": PersonaPolicies(("AWSSupportAccess",)),
    }[persona]
