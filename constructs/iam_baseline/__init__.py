"""cdk-iam-baseline: AWS CDK constructs for an account IAM baseline.

Subpackages:
    config      typed, validated configuration (no aws_cdk import)
    identity    groups, MFA-gated roles, force-MFA, password policy, permissions boundary
    compliance  cdk-nag pack registration and the acknowledgment registry
"""

__version__ = "0.1.0"
