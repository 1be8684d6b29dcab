"""The catalogue of "can become" edges, one module per family (cdk-nag style: one small rule
object per technique). :data:`RULES` lists them in order; ``RULES.md`` is generated from it."""

from __future__ import annotations

from . import credentials, existing_compute, identity_center, identity_policy, organizations, pass_role, role_trust, stacks
from .base import Ask, Attempt, Rule

RULES: tuple[Rule, ...] = (
    *identity_policy.RULES,
    *credentials.RULES,
    *role_trust.RULES,
    *pass_role.RULES,
    *existing_compute.RULES,
    *stacks.RULES,
    *identity_center.RULES,
    *organizations.RULES,
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

__all__ = ["Ask", "Attempt", "BY_ID", "RULES", "Rule"]
