"""cdk-iam-baseline: AWS CDK constructs for an account IAM baseline.

Subpackages:
    config        typed, validated configuration (no aws_cdk import)
    identity      groups, MFA-gated roles, users, force-MFA, password policy, permissions
                  boundary, protection of the baseline's own resources
    federation    SAML and OIDC providers with their roles, IAM Identity Center
    detection     alert topic, EventBridge rules, CIS metric filters, Access Analyzer,
                  break-glass access, account alias
    organization  service-managed StackSets
    compliance    cdk-nag pack registration and the acknowledgment registry
    quotas        every IAM and Identity Center quota, measured on what synth built
    analysis      the offline proof of what the synthesized templates grant (``make check``)

constructs/README.md lists every public construct with its props.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    # The one place of the version is constructs/pyproject.toml; the installed metadata carries it.
    __version__ = version("cdk-iam-baseline")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"
