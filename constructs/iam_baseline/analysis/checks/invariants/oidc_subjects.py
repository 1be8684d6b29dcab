"""The OIDC ``sub`` of a trust policy as a language inclusion (issue 9): the set of ``sub``
strings the trust admits must lie inside the set the config declares for the role.

Read from the trust: every Allow statement that can admit the provider (it names the provider,
or ``*``) must pin ``<issuer>:sub`` with one ``StringEquals`` or ``StringLike`` condition;
its patterns are compared with the declared ones by :mod:`...engine.glob_inclusion` (exact,
milliseconds). Then:

* included: the z3 question about this provider leaves ``sub`` out of the declared way (every
  ``sub`` the trust admits is declared) and asks only about the rest (``aud``, the action);
* not included: the first ``sub`` outside is pinned in the z3 question, which the concrete
  evaluator then replays: the counterexample names that ``sub``;
* another shape (no ``sub`` condition, ``...IfExists``, a set operator, two conditions on
  ``sub``, a policy variable), or a pinned question that the engine proves: the full z3
  question with the declared ``sub`` patterns as a ``StringLike`` Deny decides it (z3 may
  then take long on long literal prefixes; a timeout is "not proven", never a pass).
"""

from __future__ import annotations

from ....config.models import BaselineConfig
from ...engine.policy import Policy
from ...engine.request import RequestPrincipal
from ...engine.glob_inclusion import first_outside
from ...engine.space import exactly
from ...model.accounts import AccountScope
from ...model.templates import Principal
from .declared import declared_subjects
from .ways import declared_ways, space

_OPERATORS = ("stringequals", "stringlike")


def admitted_patterns(trust: Policy, provider: str, key: str) -> list[str] | None:
    """The ``StringLike`` patterns of ``key`` over every Allow statement that can admit
    ``provider``, or ``None`` when one of them has another shape (module docstring)."""
    out: list[str] = []
    for statement in trust.statements:
        if statement.effect != "Allow":
            continue
        principals = statement.principals or {}
        if statement.not_principals is None and not ({provider, "*"} & set(principals.get("Federated", ()))
                                                     or "*" in principals.get("AWS", ())):
            continue  # cannot name this federated caller
        conditions = [c for c in statement.conditions if c.key == key.lower()]
        if statement.not_principals is not None or len(conditions) != 1:
            return None
        op = conditions[0].operator
        values = conditions[0].values
        if op.set_operator or op.if_exists or op.base not in _OPERATORS or any("${" in v for v in values):
            return None
        if op.base == "stringequals" and any(c in v for v in values for c in "*?"):
            return None  # a literal wildcard character: not a StringLike pattern
        out += values
    return out


def questions(scope: AccountScope, config: BaselineConfig, role: Principal, provider: str):
    """``(family, space, identity-based policies)`` for the OIDC ``provider`` (module docstring)."""
    issuer = provider.split(":oidc-provider/", 1)[1]
    key = f"{issuer}:sub"
    caller = (RequestPrincipal(provider, scope.model.account, "federated"),)
    family = f"provider {provider}"
    full = declared_ways(scope, config, role, provider)
    patterns = admitted_patterns(role.trust, provider, key)
    declared = declared_subjects(config, role.name)
    if patterns is None:
        return [(family, space(role, caller), tuple(p for p in (full,) if p))]
    outside = next((s for s in (first_outside(p, declared) for p in patterns) if s is not None), None)
    if outside is None:
        narrowed = declared_ways(scope, config, role, provider, subjects=False)
        return [(f"{family} (every sub the trust admits is declared)", space(role, caller),
                 tuple(p for p in (narrowed,) if p))]
    return [(f"{family}, sub {outside!r} outside the declared subjects",
             space(role, caller, {key: exactly(outside)}), tuple(p for p in (full,) if p)),
            (family, space(role, caller), tuple(p for p in (full,) if p))]
