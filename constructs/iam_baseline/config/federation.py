"""Config models of federated access: SAML IdPs, OIDC for CI/CD, IAM Identity Center.

These models are the props of the constructs in :mod:`iam_baseline.federation`. Every rule
that can be judged from the config alone is a validator here, so the loader reports it
with its YAML path before any construct is built: metadata files (read and checked at
load time), ``sub`` patterns that admit another organization's or repository's tokens (decided
by matching, :mod:`iam_baseline.federation.subject_claims`), ISO-8601 session durations,
inline policy size, duplicate OIDC provider URLs. Trust policy size depends on the
synthesized ARNs and is checked by the role constructs at synth.
"""

from __future__ import annotations

from .identity_center import (  # noqa: F401  (re-exported: callers import them from here)
    AssignmentConfig,
    IdentityCenterConfig,
    ManagedPolicyReferenceConfig,
    PermissionsBoundaryConfig,
    PermissionSetConfig,
    PrincipalAssignmentConfig,
    principal_problem,
    session_duration_seconds,
)
from .oidc import (  # noqa: F401
    GITHUB_ISSUER,
    GITLAB_ISSUER,
    STS_AUDIENCE,
    DeployRoleConfig,
    GitHubSubjectsConfig,
    GitLabSubjectsConfig,
    OidcConfig,
    OidcProviderConfig,
    PolicyStatementConfig,
)
from .saml import SamlConfig, SamlProviderConfig, SamlRoleConfig  # noqa: F401
from .strict import StrictModel
from .sections import ConfigKey  # noqa: F401


class FederationConfig(StrictModel):
    """Federated access: each part is optional; the default config enables all three."""

    saml: SamlConfig | None = None
    oidc: OidcConfig | None = None
    identity_center: IdentityCenterConfig | None = None
