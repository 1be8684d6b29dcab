"""Sound statement-level proofs shared by the invariants.

Each helper returns the statement that proves a for-all property, or None when the policies
do not have the shape it recognises (the invariant then searches a counterexample and, if it
finds none, reports "not proven"). Soundness rests on the evaluation rules of the IAM User
Guide, "Policy evaluation logic": an explicit Deny that applies overrides every Allow; a
permissions boundary (or the identity-based policies) without an applicable Allow denies.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...engine.policy import Policy, Statement
from ...engine.patterns import action_matches

#: Action-name prefixes of the Read and List access levels (Service Authorization Reference,
#: "Access level"): a ``NotAction`` Deny that exempts only these denies every write.
READ_PREFIXES = ("get", "list", "describe", "head", "view", "generate", "simulate", "batchget", "search")


def _is_read_pattern(pattern: str) -> bool:
    service, _, name = pattern.lower().partition(":")
    return bool(service) and name.startswith(READ_PREFIXES)


def denies_all_writes_on(policies: Iterable[Policy], service: str, resource: str) -> tuple[Policy, Statement] | None:
    """An unconditional Deny covering ``resource`` and every write action of ``service``."""
    for policy in policies:
        for statement in policy.statements:
            if statement.effect != "Deny" or statement.conditions:
                continue
            if statement.principals is not None or statement.not_principals is not None:
                continue
            if not statement.covers_resource(resource, None):
                continue
            if statement.actions is not None and any(p in ("*", f"{service}:*") for p in statement.actions):
                return policy, statement
            if statement.not_actions is not None and all(_is_read_pattern(p) for p in statement.not_actions):
                return policy, statement
    return None


def denies_unconditionally(policies: Iterable[Policy], action: str, resource: str) -> tuple[Policy, Statement] | None:
    """An unconditional Deny covering ``action`` on ``resource``."""
    for policy in policies:
        for statement in policy.statements:
            if (
                statement.effect == "Deny"
                and not statement.conditions
                and statement.covers_action(action)
                and statement.covers_resource(resource, None)
            ):
                return policy, statement
    return None


def _pins_key(statement: Statement, key: str, allowed: set[str], negated: bool) -> bool:
    """Whether the statement's conditions, all on ``key``, hold only for values in ``allowed``
    (``negated``: only for values *outside* it, absent key included)."""
    if not statement.conditions:
        return False
    for condition in statement.conditions:
        op = condition.operator
        if condition.key != key.lower() or op.set_operator or op.if_exists:
            return False
        if negated and op.base not in ("stringnotequals", "arnnotequals"):
            return False
        if not negated and op.base not in ("stringequals", "arnequals"):
            return False
        if any("*" in v or "?" in v or "${" in v for v in condition.values) or not set(condition.values) <= allowed:
            return False
    return True


def only_with_key(policies: Iterable[Policy], action: str, key: str, allowed: set[str]) -> str | None:
    """Why ``action`` is allowed only when ``key`` is one of ``allowed``, or None.

    Either a Deny on every resource whose only conditions are negated operators on ``key``
    over values within ``allowed`` (true for any other value and for an absent key), or, in
    one policy set that must allow (the boundary, or all identity-based policies), every
    Allow covering ``action`` pins ``key`` to values within ``allowed``.
    """
    policies = list(policies)
    for policy in policies:
        for statement in policy.statements:
            if (
                statement.effect == "Deny"
                and statement.covers_action(action)
                and statement.resources is not None and "*" in statement.resources
                and _pins_key(statement, key, allowed, negated=True)
            ):
                label = statement.sid or f"#{statement.index}"
                return f"Deny {label} of {policy.name} refuses any other {key}"
    return None


def never_allowed_by(policies: Iterable[Policy], action: str, resource: str | None = None) -> bool:
    """No Allow of ``policies`` covers ``action`` (on ``resource``, when given; policy
    variables count as covering): with these as a set that must allow, the action is denied."""
    for policy in policies:
        for statement in policy.statements:
            if statement.effect != "Allow" or not statement.covers_action(action):
                continue
            if resource is None or statement.covers_resource(resource, None) or _has_variables(statement):
                return False
    return True


def _has_variables(statement: Statement) -> bool:
    return any("${" in p for p in (statement.resources or ()) + (statement.not_resources or ()))


def action_covered(patterns: Iterable[str], action: str) -> bool:
    return any(action_matches(p, action) for p in patterns)
