"""Is any request of a space allowed? The symbolic encoder's question, answered with z3.

The encoder mirrors :func:`.evaluator.evaluate` rule by rule (same keywords, same order:
explicit deny anywhere, SCP levels, the resource-based or trust policy with its
principal-match ranks, identity-based policies, permissions boundary, session policies). A
question is asked as its negation, as Cedar's symbolic compiler does: "is there a request in
the space that is allowed?" Unsat means no request is (:class:`Proven`); sat gives a model,
turned into a concrete :class:`~.evaluator.Request` and replayed on the concrete evaluator
(:class:`Counterexample`); a disagreement raises :class:`EngineDisagreement`. An ``unknown``
answer, a timeout, or a construct the encoder does not model is :class:`NotProven`: never a
pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import z3

from ..errors import AnalysisError
from .evaluator import Decision, Policy, Request, evaluate
from .space import RequestSpace
from .z3_patterns import Unsupported

__all__ = ["Counterexample", "EngineDisagreement", "NotProven", "Proven", "Verdict", "find_allowed"]


class EngineDisagreement(AnalysisError):
    """The concrete evaluator does not allow the request the solver found: a bug in one engine.

    Attributes:
        request: the request the solver's model gave.
        decision: what the concrete evaluator decided for it.
    """

    def __init__(self, request: Request, decision: Decision) -> None:
        super().__init__(
            "engine disagreement: the symbolic encoder found an allowed request that the concrete "
            f"evaluator decides as '{decision.explain()}': {request}"
        )
        self.request = request
        self.decision = decision


@dataclass(frozen=True)
class Proven:
    """No request of the space is allowed (the solver answered unsat, or pruning left nothing).

    Attributes:
        reason: how it was decided (``"unsat"`` or the pruning that emptied the question).
        actions: how many actions the question ranged over after pruning.
    """

    reason: str = "unsat"
    actions: int = 0


@dataclass(frozen=True)
class Counterexample:
    """A request of the space that is allowed, confirmed by the concrete evaluator.

    Attributes:
        request: principal, action, resource and context keys (absent keys are left out).
        decision: the concrete evaluator's decision on it (always ALLOWED, with the
            statements that allow it).
    """

    request: Request
    decision: Decision


@dataclass(frozen=True)
class NotProven:
    """The question is undecided: solver ``unknown``, timeout, or a construct not modelled.

    Never a pass: a check that gets this fails (or reports "not proven").
    """

    reason: str


Verdict = Proven | Counterexample | NotProven


def find_allowed(
    space: RequestSpace,
    *,
    identity: Sequence[Policy] = (),
    boundary: Policy | None = None,
    session: Sequence[Policy] = (),
    scps: Sequence[Sequence[Policy]] = (),
    resource_policy: Policy | None = None,
    resource_policy_required: bool = False,
    timeout_ms: int = 5000,
) -> Verdict:
    """Is any request of ``space`` ALLOWED by these policies? :class:`Proven` means none is.

    The keywords are those of :func:`.evaluator.evaluate`, with the same meaning.

    Args:
        space: the requests the question ranges over.
        timeout_ms: the solver's time limit for this question, in milliseconds (> 0).

    Raises:
        UnknownAction: a closed-world question names an action (in a policy or the space) that
            the pinned catalog does not list.
        EngineDisagreement: the concrete evaluator does not allow the solver's request.
        PolicyError: a policy cannot be judged (as :func:`.evaluator.evaluate` raises).
    """
    if timeout_ms <= 0:
        raise ValueError(f"timeout_ms must be > 0, got {timeout_ms}")
    from .question import Question  # the encoder's parts; imported here to keep this module the API

    policies = dict(identity=tuple(identity), boundary=boundary, session=tuple(session),
                    scps=tuple(tuple(level) for level in scps), resource_policy=resource_policy,
                    resource_policy_required=resource_policy_required)
    question = Question(space, **policies)
    if not question.classes:
        return Proven(reason=question.empty_reason, actions=0)
    try:
        solver, allowed = question.build()
    except Unsupported as error:
        return NotProven(f"not modelled: {error}")
    solver.set("timeout", timeout_ms)
    solver.add(allowed)
    answer = solver.check()
    if answer == z3.unsat:
        return Proven(reason="unsat", actions=question.action_count)
    if answer != z3.sat:
        return NotProven(f"solver answered {answer} ({solver.reason_unknown()}) within {timeout_ms} ms")
    request = question.request_from(solver.model())
    decision = evaluate(request, **policies)
    if not decision.allowed:
        raise EngineDisagreement(request, decision)
    return Counterexample(request, decision)
