"""The acknowledged findings of parliament's policy lint (``make check``), one reviewed list.

Read by :mod:`iam_baseline.analysis.checks.lint`: a finding fails the check unless an entry
here names its issue and policy, with a reason that says why the finding is safe. The
cdk-nag acknowledgments at synth are :mod:`.registry`. Plain data, no aws_cdk import.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["POLICY_LINT_REGISTRY", "PolicyLintAcknowledgment"]


@dataclass(frozen=True)
class PolicyLintAcknowledgment:
    """One accepted parliament finding: ``issue`` (e.g. ``RESOURCE_STAR``) in the policies whose
    name matches ``policy`` (an ``fnmatch`` pattern over names such as
    ``policy/baseline/DeveloperGuardrails``), because ``reason``."""

    issue: str
    policy: str
    reason: str


POLICY_LINT_REGISTRY: tuple[PolicyLintAcknowledgment, ...] = (
    PolicyLintAcknowledgment(
        "MISMATCHED_TYPE_BUT_USABLE",
        "policy/*/Developer*",
        "iam:PermissionsBoundary is compared with StringEquals/StringNotEquals as in AWS's own examples "
        "(IAM User Guide, permissions boundaries): an exact, case-sensitive match of the full boundary ARN "
        "is stricter than ArnEquals, which would accept wildcards.",
    ),
    PolicyLintAcknowledgment(
        "RESOURCE_STAR",
        "policy/*/DeveloperBoundary",
        "A permissions boundary grants nothing by itself: its Allow on Resource * is the ceiling that a "
        "bounded role's identity policies are intersected with, and its Denies close the escalation paths "
        "(proven by the access matrix and the escalation search).",
    ),
    PolicyLintAcknowledgment(
        "RESOURCE_STAR",
        "policy/*-OrganizationFeaturesHandlerPolicy*",
        "EnablePolicyType and (De)RegisterDelegatedAdministrator take the organization's root and account "
        "ARNs, which embed the organization id that the config need not declare; the function only enables "
        "the policy types and registers the IAM delegated administrator of the config, and only "
        "CloudFormation invokes it (iam_baseline.organization.root_access).",
    ),
)
