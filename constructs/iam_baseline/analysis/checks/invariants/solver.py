"""The bridge from an invariant's question to the symbolic engine (``find_allowed``).

The invariants first try a sound statement-level proof and a concrete counterexample search;
what neither settles is asked of the z3 encoder over a :class:`~...engine.space.RequestSpace`
(unsat: proven; sat: a counterexample the concrete evaluator has replayed; unknown, timeout
or an unmodelled construct: not proven, never a pass). An action the pinned catalog does not
know is "not proven" here, with the engine's message naming the nearest actions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from ...engine.policy import Policy
from ...engine.space import RequestSpace
from ...engine.symbolic import Counterexample as SolverCounterexample
from ...engine.symbolic import Proven as SolverProven
from ...engine.symbolic import find_allowed
from ...errors import AnalysisError
from .base import Counterexample, Finding, NotProven, Proven, Verdict

#: Per question: load on 2 shared cores turns seconds into timeouts; a timeout is "not proven".
TIMEOUT_MS = 10_000


def ask(space: RequestSpace, *, identity: Sequence[Policy] = (), boundary: Policy | None = None,
        scps: Sequence[Sequence[Policy]] = (), resource_policy: Policy | None = None,
        resource_policy_required: bool = False, trust: Policy | None = None, note: str = "",
        rcps: Sequence[Sequence[Policy]] = ()) -> Verdict:
    """The engine's verdict on ``space``, in the invariants' terms (``rcps``: the RCP levels of
    the account that owns the resources).

    ``trust``: a role's trust policy, as ``resource_policy`` that must allow by itself
    (:func:`~...engine.evaluator.evaluate_assume_role`).
    """
    if trust is not None:
        resource_policy, resource_policy_required = trust, True
    key = repr((space.principals, space.actions, space.resources, sorted(space.context.items()), tuple(identity),
                boundary, tuple(map(tuple, scps)), tuple(map(tuple, rcps)), resource_policy, resource_policy_required))
    if key in _DECIDED:
        verdict = _DECIDED[key]
        return replace(verdict, note=note or verdict.note) if isinstance(verdict, Counterexample) else verdict
    verdict = _ask(space, identity, boundary, scps, rcps, resource_policy, resource_policy_required, note)
    if not isinstance(verdict, NotProven):  # an undecided question may be decided with more time
        if len(_DECIDED) >= _CACHE_SIZE:
            _DECIDED.pop(next(iter(_DECIDED)))
        _DECIDED[key] = verdict
    return verdict


#: Decided questions by their full text (space and policies): the same role in every StackSet
#: variant, and every role a mutant leaves alone, is decided once per process.
_DECIDED: dict[str, Verdict] = {}
_CACHE_SIZE = 4096


def _ask(space, identity, boundary, scps, rcps, resource_policy, resource_policy_required, note) -> Verdict:
    try:
        verdict = find_allowed(space, identity=identity, boundary=boundary, scps=scps, rcps=rcps,
                               resource_policy=resource_policy,
                               resource_policy_required=resource_policy_required, timeout_ms=TIMEOUT_MS)
    except AnalysisError as error:
        return NotProven(f"symbolic engine: {error}")
    if isinstance(verdict, SolverProven):
        return Proven(f"z3: no request of the space is allowed ({verdict.reason})")
    if isinstance(verdict, SolverCounterexample):
        return Counterexample(verdict.request, verdict.decision, note or "found by z3, replayed by the evaluator")
    return NotProven(f"symbolic engine: {verdict.reason}")


def first_finding(subject: str, questions: Sequence[tuple[str, RequestSpace, dict]], proven: str, note: str,
                  asker: Callable[..., Verdict] | None = None) -> Finding:
    """Ask each ``(family, space, ask keywords)`` in turn (with ``asker``, default :func:`ask`):
    the first counterexample (its note names ``note`` and the family); else "not proven"
    listing every undecided family; else :class:`Proven` with z3's reason and ``proven``."""
    undecided, asides = [], []
    for family, space, policies in questions:
        verdict = (asker or ask)(space, **policies, note=f"{note} ({family})")
        if isinstance(verdict, Counterexample):
            return Finding(subject, verdict)
        if isinstance(verdict, NotProven):
            undecided.append(f"{family}: {verdict.reason}")
        elif getattr(verdict, "aside", ""):
            asides.append(f"{family}: {verdict.aside}")
    if undecided:
        return Finding(subject, NotProven("; ".join(undecided)))
    return Finding(subject, Proven(f"z3: {proven}", "; ".join(asides)))
