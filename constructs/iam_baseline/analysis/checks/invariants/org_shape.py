"""Statement-level proofs for the organization invariants: a Deny that provably covers a question.

An SCP level holding a ``Deny`` statement that covers every action and every resource of a
question, and whose conditions either read keys the question pins (and hold for them) or only
exempt principals by ``aws:PrincipalArn`` patterns that the question's callers are excluded
from anyway, denies every request of the question: "an explicit
deny in any policy overrides any allows" (IAM User Guide, "Policy evaluation logic"). Checking
that shape is exact and instant where the solver needs seconds per resource class; a question
whose policies lack it goes to the concrete search and then to the solver.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache

from ...engine.policy import Policy, Statement
from ...model.actions import catalog

#: Negated ARN operators on aws:PrincipalArn: they spare the principals they list.
_EXEMPTING = {"arnnotlike", "arnnotequals", "stringnotlike", "stringnotequals"}


@cache
def space_actions(include: tuple[str, ...], exclude: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The catalog actions of an action space (cached: the catalog is pinned)."""
    actions = catalog()
    names = {a.name for p in include for a in actions.matching(p)}
    return tuple(sorted(names - {a.name for p in exclude for a in actions.matching(p)}))


@cache
def _format_regex(arn_format: str) -> re.Pattern:
    parts = re.split(r"\$\{[^}]*\}", arn_format)
    return re.compile(".+".join(re.escape(p) for p in parts))


def takes(action: str, resource: str) -> bool:
    """Whether the catalog lets ``action`` act on ``resource`` (one of its resource types'
    ARN formats; an action without resource types takes only ``*``)."""
    info = catalog().get(action)
    if info is None or not info.resource_arns:
        return resource == "*"
    return any(_format_regex(f).fullmatch(resource) for f in info.resource_arns)


def pattern_covers(pattern: str, covered: str) -> bool:
    """Whether every ARN that ``covered`` (a Resource pattern) matches is matched by ``pattern``.

    Conservative (False when unsure): segment by segment, a lone ``*`` or the same text; in the
    resource part the same text or a ``*``-terminated literal prefix of it.
    """
    if pattern in ("*", covered):
        return True
    if "?" in pattern:
        return False
    p, c = pattern.split(":", 5), covered.split(":", 5)
    if len(p) < 6 or len(c) < 6:
        return False
    if any(ps != "*" and ps != cs for ps, cs in zip(p[:5], c[:5], strict=True)):
        return False
    if p[5] == c[5] or p[5] == "*":
        return True
    return p[5].endswith("*") and "*" not in p[5][:-1] and "${" not in p[5] and c[5].startswith(p[5][:-1])


def _conditions_hold(statement: Statement, exempt: Iterable[str], pinned: Mapping[str, object] | None) -> bool:
    """Every condition holds for every request of the question: it reads a key the question
    pins (``pinned``: key -> value, None = absent) and holds for that value, or it only spares
    ``aws:PrincipalArn`` patterns of ``exempt``, which the question's callers never match."""
    allowed = set(exempt)
    pins = {k.lower(): v for k, v in (pinned or {}).items()}
    context = {k: v for k, v in pins.items() if v is not None}
    for c in statement.conditions:
        if c.key in pins and not any("${" in v for v in c.values):
            if not c.holds(context, None):
                return False
        elif not (c.key == "aws:principalarn" and c.operator.base in _EXEMPTING and not c.operator.set_operator
                  and set(c.values) <= allowed):
            return False
    return True


def covering_deny(levels: Sequence[Sequence[Policy]], actions: Sequence[str], resources: Sequence[str],
                  exempt: Iterable[str] = (), pinned: Mapping[str, object] | None = None) -> str | None:
    """The Deny statement (described) that refuses every request of the question, or None.

    Only actions that take one of the resources count (the catalog's resource types: an
    action never pairs with another type's ARN, as in the solver's question).
    """
    exempt = tuple(exempt)
    if "*" not in resources:
        actions = [a for a in actions if any(takes(a, r.replace("*", "probe")) for r in resources)]
    for level in levels:
        for policy in level:
            for s in policy.statements:
                if s.effect != "Deny" or s.resources is None or not _conditions_hold(s, exempt, pinned):
                    continue
                every = s.actions is not None and "*" in s.actions  # no need to try 17,000 actions
                if (every or all(s.covers_action(a) for a in actions)) and all(
                        any(pattern_covers(p, r) for p in s.resources) for r in resources):
                    return f"SCP {policy.name} statement {s.sid or '#' + str(s.index)} denies every such request"
    return None
