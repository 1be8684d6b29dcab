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
    analysis      the offline proof of what the synthesized templates grant (``make check``)

constructs/README.md lists every public construct with its props.
"""

__version__ = "0.1.0"
