"""Policy linting of the assembly's own policy documents with parliament (offline).

parliament (duo-labs) checks identity-based policies against its bundled copy of the
Service Authorization Reference: unknown actions, resource ARNs that no action accepts,
condition keys an action does not support, operator/type mismatches, malformed
statements. Every customer managed policy, permissions boundary and inline policy of the
assembly is linted, as resolved from the templates; AWS managed policies are AWS's to
maintain and are not linted. Trust policies are not either: parliament 1.6 audits
identity-based policies only (it reports every trust statement as lacking ``Resource``);
their conditions are proven by the evaluator and the access matrix instead.

A finding fails the check unless :data:`~iam_baseline.compliance.lint_registry.POLICY_LINT_REGISTRY`
acknowledges it with a reason.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase

with warnings.catch_warnings():
    # parliament 1.6 locates its bundled files with pkg_resources (setuptools, pinned <81 in
    # requirements-check.txt), which warns on import that it is deprecated: not our code.
    warnings.simplefilter("ignore", UserWarning)
    from parliament import analyze_policy_string

from ...compliance.lint_registry import POLICY_LINT_REGISTRY, PolicyLintAcknowledgment
from ..engine.policy import Policy, PolicyKind
from ..model.templates import AccountModel


@dataclass(frozen=True)
class LintFinding:
    """One parliament finding on one policy, and the acknowledgment that accepts it, if any."""

    policy: str
    issue: str
    detail: str
    acknowledged_by: PolicyLintAcknowledgment | None


def linted_policies(model: AccountModel) -> list[Policy]:
    """The assembly's own identity-based policies and boundaries, each once, by name."""
    policies: dict[str, Policy] = {}
    candidates: Iterable[Policy] = list(model.managed_policies.values())
    for principal in model.principals.values():
        candidates = [*candidates, *principal.policies, *([principal.boundary] if principal.boundary else [])]
    for policy in candidates:
        if policy.kind is PolicyKind.TRUST or policy.name.startswith("aws-managed:") or policy.document is None:
            continue
        policies.setdefault(policy.name, policy)
    return [policies[name] for name in sorted(policies)]


def lint_policy(
    policy: Policy, registry: tuple[PolicyLintAcknowledgment, ...] = POLICY_LINT_REGISTRY
) -> list[LintFinding]:
    """parliament's findings on ``policy``, each with its acknowledgment (or ``None``)."""
    analyzed = analyze_policy_string(json.dumps(policy.document))
    findings = []
    for finding in analyzed.findings:
        ack = next(
            (a for a in registry if a.issue == finding.issue and fnmatchcase(policy.name, a.policy)), None
        )
        findings.append(LintFinding(policy.name, finding.issue, json.dumps(finding.detail, default=str), ack))
    return findings
