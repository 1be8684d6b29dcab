"""Compliance: the cdk-nag packs and the single registry of acknowledged findings.

:mod:`.registry` is plain data (no aws_cdk import), read by the offline checks too; the
CDK-facing functions are exported lazily so that importing the registry never starts jsii.
"""

from __future__ import annotations

from ..lazy import lazy_exports

_EXPORTS = {
    "REGISTRY": ".registry",
    "POLICY_LINT_REGISTRY": ".registry",
    "Acknowledgment": ".registry",
    "PolicyLintAcknowledgment": ".registry",
    "persona_acknowledgments": ".registry",
    "apply_acknowledgments": ".acknowledgments",
    "NAG_PACKS": ".packs",
    "register_nag_packs": ".packs",
}

__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
