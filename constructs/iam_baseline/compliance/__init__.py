"""Compliance: the cdk-nag packs and the single registry of acknowledged findings."""

from .acknowledgments import REGISTRY, Acknowledgment, apply_acknowledgments
from .packs import NAG_PACKS, register_nag_packs

__all__ = ["NAG_PACKS", "REGISTRY", "Acknowledgment", "apply_acknowledgments", "register_nag_packs"]
