"""IAM Access Analyzer: an external-access analyzer and an unused-access analyzer.

The external-access analyzer reports resources (roles' trust policies, S3 buckets, KMS keys,
...) shared with principals outside the zone of trust: the account, or the organization
(CIS AWS Foundations 1.20, Security Hub IAM.28). The unused-access analyzer reports roles,
access keys, passwords and permissions unused for the configured number of days
(Security Hub IAM.8/IAM.22-style findings; billed per IAM role and user analyzed).
An external-access analyzer covers its own region only; the unused-access analyzer reviews
IAM, which is global. Source: IAM Access Analyzer User Guide, "Using AWS IAM Access Analyzer".
"""

from __future__ import annotations

from aws_cdk import aws_accessanalyzer as accessanalyzer
from constructs import Construct

from ..config.detection import AccessAnalyzerConfig, ArchiveRuleConfig


def analyzer_type(scope: str, kind: str) -> str:
    """The CloudFormation ``Type`` of an analyzer.

    Args:
        scope: ``account`` or ``organization`` (zone of trust).
        kind: ``external`` or ``unused``.

    Returns:
        ``ACCOUNT``, ``ORGANIZATION``, ``ACCOUNT_UNUSED_ACCESS`` or ``ORGANIZATION_UNUSED_ACCESS``.
    """
    return scope.upper() + ("" if kind == "external" else "_UNUSED_ACCESS")


def archive_rules(rules: tuple[ArchiveRuleConfig, ...]) -> list[accessanalyzer.CfnAnalyzer.ArchiveRuleProperty]:
    """CloudFormation archive rules from the config (criteria left out when not set)."""
    return [
        accessanalyzer.CfnAnalyzer.ArchiveRuleProperty(
            rule_name=rule.name,
            filter=[
                accessanalyzer.CfnAnalyzer.FilterProperty(
                    property=f.property,
                    eq=list(f.eq) if f.eq else None,
                    neq=list(f.neq) if f.neq else None,
                    contains=list(f.contains) if f.contains else None,
                    exists=f.exists,
                )
                for f in rule.filters
            ],
        )
        for rule in rules
    ]


class AccessAnalyzers(Construct):
    """The enabled analyzers of :class:`AccessAnalyzerConfig` as ``AWS::AccessAnalyzer::Analyzer``.

    Args:
        config: which analyzers (external access, unused access), their scope (account or
            organization) and names, validated by :class:`AccessAnalyzerConfig`.

    Attributes:
        external_access: the external-access analyzer, or ``None`` when disabled.
        unused_access: the unused-access analyzer, or ``None`` when disabled.
    """

    def __init__(self, scope: Construct, id: str, *, config: AccessAnalyzerConfig) -> None:
        super().__init__(scope, id)
        self.external_access = self.unused_access = None
        external, unused = config.external_access, config.unused_access
        if external.enabled:
            self.external_access = accessanalyzer.CfnAnalyzer(
                self,
                "ExternalAccess",
                type=analyzer_type(config.scope, "external"),
                analyzer_name=external.name,
                archive_rules=archive_rules(external.archive_rules) or None,
            )
        if unused.enabled:
            self.unused_access = accessanalyzer.CfnAnalyzer(
                self,
                "UnusedAccess",
                type=analyzer_type(config.scope, "unused"),
                analyzer_name=unused.name,
                analyzer_configuration=accessanalyzer.CfnAnalyzer.AnalyzerConfigurationProperty(
                    unused_access_configuration=accessanalyzer.CfnAnalyzer.UnusedAccessConfigurationProperty(
                        unused_access_age=unused.unused_access_age_days
                    )
                ),
                archive_rules=archive_rules(unused.archive_rules) or None,
            )
