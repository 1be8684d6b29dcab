"""Compliance: the cdk-nag packs and the single registry of acknowledged findings.

:mod:`.registry` (and :mod:`.lint_registry`, :mod:`.config_acknowledgments`) are plain data or
plain code (no aws_cdk import), read by the offline checks too; the
CDK-facing functions are exported lazily so that importing the registry never starts jsii.
"""

from __future__ import annotations

from ..lazy import lazy_exports

_EXPORTS = {
    "REGISTRY": ".registry",
    "POLICY_LINT_REGISTRY": ".lint_registry",
    "Acknowledgment": ".registry",
    "PolicyLintAcknowledgment": ".lint_registry",
    "persona_acknowledgments": ".config_acknowledgments",
    "apply_acknowledgments": ".acknowledgments",
    "NAG_PACKS": ".packs",
    "register_nag_packs": ".packs",
}

__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
