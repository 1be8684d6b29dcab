"""The bridge from an invariant's question to the symbolic engine (``find_allowed``).

The invariants first try a sound statement-level proof and a concrete counterexample search;
what neither settles is asked of the z3 encoder over a :class:`~...engine.space.RequestSpace`
(unsat: proven; sat: a counterexample the concrete evaluator has replayed; unknown, timeout
or an unmodelled construct: not proven, never a pass). An action the pinned catalog does not
know is "not proven" here, with the engine's message naming the nearest actions.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...engine.evaluator import Policy
from ...engine.space import RequestSpace
from ...engine.symbolic import Counterexample as SolverCounterexample
from ...engine.symbolic import Proven as SolverProven
from ...engine.symbolic import find_allowed
from ...errors import AnalysisError
from .base import Counterexample, NotProven, Proven, Verdict

#: Per question: load on 2 shared cores turns seconds into timeouts; a timeout is "not proven".
TIMEOUT_MS = 10_000


def ask(space: RequestSpace, *, identity: Sequence[Policy] = (), boundary: Policy | None = None,
        scps: Sequence[Sequence[Policy]] = (), note: str = "", **policies) -> Verdict:
    """The engine's verdict on ``space``, in the invariants' terms (``policies``: the other
    keywords of ``find_allowed``: ``rcps``, ``session``, ``resource_policy``...)."""
    try:
        verdict = find_allowed(space, identity=identity, boundary=boundary, scps=scps, timeout_ms=TIMEOUT_MS, **policies)
    except AnalysisError as error:
        return NotProven(f"symbolic engine: {error}")
    if isinstance(verdict, SolverProven):
        return Proven(f"z3: no request of the space is allowed ({verdict.reason})")
    if isinstance(verdict, SolverCounterexample):
        return Counterexample(verdict.request, verdict.decision, note or "found by z3, replayed by the evaluator")
    return NotProven(f"symbolic engine: {verdict.reason}")
