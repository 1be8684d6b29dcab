"""The identity-based policies of each persona, built-in or of the config's ``personas:``, in one place.

The persona IAM roles (MFA), the SAML persona roles and the IAM Identity Center permission
sets all carry these, so a person has the same permissions whichever way they sign in.
Job-function policies: IAM User Guide, "AWS managed policies for job functions" (the ARN of
``ViewOnlyAccess`` has the ``job-function/`` path; the others have none).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..config.personas import DEVELOPER_BOUNDARY, ReadOnlyPolicyName

if TYPE_CHECKING:
    from ..config.models import BaselineConfig

#: Name of the developer guard-rails customer managed policy (at the baseline's IAM path).
DEVELOPER_GUARDRAILS_POLICY_NAME = "DeveloperGuardrails"
#: Name of the developer protection customer managed policy (detection, CDK assets, stacks).
DEVELOPER_PROTECTION_POLICY_NAME = "DeveloperProtection"
#: Name of the developer permissions boundary (at the baseline's IAM path).
DEVELOPER_BOUNDARY_POLICY_NAME = "DeveloperBoundary"

#: AWS managed policy names, with their path, of the read-only policy choices.
_READ_ONLY_POLICY_PATHS: dict[ReadOnlyPolicyName, str] = {
    "ViewOnlyAccess": "job-function/ViewOnlyAccess",
    "ReadOnlyAccess": "ReadOnlyAccess",
    "SecurityAudit": "SecurityAudit",
}


@dataclass(frozen=True)
class PersonaPolicies:
    """A persona's policies: AWS managed (names with path, e.g. ``job-function/ViewOnlyAccess``),
    the baseline's own customer managed policies (names, at the baseline's IAM path), and the
    permissions boundary (a customer managed policy name at that path, or None)."""

    aws_managed: tuple[str, ...]
    customer_managed: tuple[str, ...] = ()
    boundary: str | None = None


def persona_policies(persona: str, config: "BaselineConfig") -> PersonaPolicies:
    """The policies of ``persona`` (a built-in key or a key of ``config.personas``).

    ``config.roles.read_only_managed_policy`` picks the read-only one; a persona of
    ``personas:`` carries its ``aws_managed_policies``, its ``customer_managed_policies``
    (created by the account baseline from ``policies:``) and its ``permissions_boundary``
    (``developer`` names :data:`DEVELOPER_BOUNDARY_POLICY_NAME`).

    Raises:
        KeyError: ``persona`` is neither built in nor declared (the config refuses such a reference).
    """
    built_in = {
        "admin": lambda: PersonaPolicies(("AdministratorAccess",)),
        "developer": lambda: PersonaPolicies(
            ("PowerUserAccess",), (DEVELOPER_GUARDRAILS_POLICY_NAME, DEVELOPER_PROTECTION_POLICY_NAME)
        ),
        "read_only": lambda: PersonaPolicies((_READ_ONLY_POLICY_PATHS[config.roles.read_only_managed_policy],)),
        "support": lambda: PersonaPolicies(("AWSSupportAccess",)),
    }
    if persona in built_in:
        return built_in[persona]()
    custom = config.personas[persona]
    boundary = custom.permissions_boundary
    return PersonaPolicies(
        tuple(custom.aws_managed_policies),
        tuple(custom.customer_managed_policies),
        DEVELOPER_BOUNDARY_POLICY_NAME if boundary == DEVELOPER_BOUNDARY else boundary,
    )
