"""Strength: may one principal do something another may not? Decided by the z3 engine.

"T is stronger than P" when some request (any action of the pinned catalog, any resource,
any context) is allowed for T and not for P. With ``find_allowed`` that is a few questions
about T's policies (Cedar-style: ask for the negation, unsat = holds):

1. T allows it and no Allow of P's identity-based policies covers it (P's Allows added to
   T's policies as Denies, same conditions);
2. T allows it and P's permissions boundary does not (the boundary's Allows as Denies);
3. T allows it and one of P's own Denies covers it (that Deny as a session policy, which
   must allow).

Any counterexample (replayed on the concrete evaluator by the engine) makes T stronger; all
proven makes it not stronger; otherwise undecided (None), which is never read as "weaker".
P's statements are evaluated with T's request context (policy variables then name T): a
simplification the tests keep to statements without variables.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.policy import Policy, PolicyKind
from ..engine.space import ActionSpace, RequestSpace, ResourceSpace
from ..engine.symbolic import Counterexample, Proven, find_allowed
from ..errors import AnalysisError
from ..model.subjects import Subject

TIMEOUT_MS = 5_000


def _statements(policy: Policy) -> list[dict]:
    raw = (policy.document or {}).get("Statement", [])
    return [s for s in (raw if isinstance(raw, list) else [raw]) if isinstance(s, dict)]


def _flipped(policies: Sequence[Policy], effect: str, to: str, kind: PolicyKind, name: str) -> Policy | None:
    """The ``effect`` statements of ``policies`` with effect ``to`` (Sids dropped), or None."""
    statements = [{k: v for k, v in s.items() if k != "Sid"} | {"Effect": to}
                  for policy in policies for s in _statements(policy) if s.get("Effect") == effect]
    if not statements:
        return None
    return Policy.from_document(name, {"Version": "2012-10-17", "Statement": statements}, kind)


def stronger(target: Subject, source: Subject, timeout_ms: int = TIMEOUT_MS) -> bool | None:
    """Whether ``target`` may make some request ``source`` may not (None: undecided)."""
    return _stronger(target, source, timeout_ms)


def _stronger(target: Subject, source: Subject, timeout_ms: int) -> bool | None:
    space = RequestSpace(principals=(target.principal,), actions=ActionSpace(), resources=ResourceSpace())
    questions: list[dict] = []
    identity_denies = _flipped(source.identity, "Allow", "Deny", PolicyKind.IDENTITY, f"not-allowed-for:{source.label}")
    questions.append(dict(identity=(*target.identity, *([identity_denies] if identity_denies else ())),
                          boundary=target.boundary))
    if source.boundary is not None:
        boundary_denies = _flipped([source.boundary], "Allow", "Deny", PolicyKind.IDENTITY, f"outside-boundary:{source.label}")
        if boundary_denies is not None:
            questions.append(dict(identity=(*target.identity, boundary_denies), boundary=target.boundary))
    for policy in (*source.identity, *([source.boundary] if source.boundary else ())):
        denied = _flipped([policy], "Deny", "Allow", PolicyKind.SESSION, f"denied-for:{source.label}")
        if denied is not None:
            questions.append(dict(identity=target.identity, boundary=target.boundary, session=(denied,)))
    undecided = False
    for question in questions:
        try:
            verdict = find_allowed(space, timeout_ms=timeout_ms, **question)
        except AnalysisError:
            undecided = True
            continue
        if isinstance(verdict, Counterexample):
            return True
        if not isinstance(verdict, Proven):
            undecided = True
    return None if undecided else False
