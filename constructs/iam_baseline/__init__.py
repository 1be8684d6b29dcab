"""cdk-iam-baseline: AWS CDK constructs for an account IAM baseline.

Subpackages:
    config      typed, validated configuration (no aws_cdk import)
    identity    groups, MFA-gated roles, force-MFA, password policy, permissions boundary
    compliance  cdk-nag pack registration and the acknowledgment registry
"""

from importlib.metadata import PackageNotFoundError, version

try:
    # The one place of the version is constructs/pyproject.toml; the installed metadata carries it.
    __version__ = version("cdk-iam-baseline")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"
