"""Is any request of a space allowed? The symbolic encoder's question, answered with z3.

The encoder mirrors :func:`.evaluator.evaluate` rule by rule (same keywords, same order:
explicit deny anywhere, SCP levels, RCP levels where they govern the request, the resource-based or trust policy with its
principal-match ranks, identity-based policies, permissions boundary, session policies). A
question is asked as its negation, as Cedar's symbolic compiler does: "is there a request in
the space that is allowed?" Unsat means no request is (:class:`Proven`); sat gives a model,
turned into a concrete :class:`~.request.Request` and replayed on the concrete evaluator
(:class:`Counterexample`); a disagreement raises :class:`EngineDisagreement`. An ``unknown``
answer, a timeout, or a construct the encoder does not model is :class:`NotProven`: never a
pass.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import z3

from ..errors import AnalysisError
from .evaluator import Decision, evaluate
from .policy import Policy
from .readable import readable_model
from .request import Request
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
    rcps: Sequence[Sequence[Policy]] = (),
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
                    scps=tuple(tuple(level) for level in scps), rcps=tuple(tuple(level) for level in rcps),
                    resource_policy=resource_policy,
                    resource_policy_required=resource_policy_required)
    question = Question(space, **policies)
    if not question.classes:
        return Proven(reason=question.empty_reason, actions=0)
    try:
        solver, allowed = question.build()
    except Unsupported as error:
        return NotProven(f"not modelled: {error}")
    model, undecided, sat = _solve(question, solver, allowed, timeout_ms)
    if model is None and not undecided:
        return Proven(reason="unsat", actions=question.action_count)
    if model is None:
        return NotProven(f"solver answered unknown within {timeout_ms} ms ({undecided})")
    request = question.request_from(model)
    # The same question with a readable caller (example-user, not user/+), when one is allowed.
    readable = readable_model(sat, request, timeout_ms)
    if readable is not None:
        request = question.request_from(readable)
    decision = evaluate(request, **policies)
    if not decision.allowed:
        raise EngineDisagreement(request, decision)
    return Counterexample(request, decision)


def _solve(question, solver: z3.Solver, allowed: z3.BoolRef, timeout_ms: int
           ) -> tuple[z3.ModelRef | None, str, z3.Solver]:
    """(a model, "", the solver that found it) when sat; (None, "", solver) when unsat; (None,
    why, solver) when undecided.

    First the whole question with a third of the time; then, if z3 answers unknown, one
    action class at a time with the class fixed and the formula simplified (measured on the
    default assembly: "anything without MFA" for a bounded role was unknown at 20 s whole, and
    111 of its 126 classes were sat within milliseconds each); a first pass gives each class an
    equal slice, a second pass shares what is left among the undecided ones.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    solver.set("timeout", max(1, timeout_ms // 3) if len(question.classes) > 1 else timeout_ms)
    solver.add(allowed)
    # Taken before check(): afterwards z3 may hand back its preprocessed assertions, with the
    # variables it solved for (the caller's ARN...) eliminated.
    assertions = list(solver.assertions())
    answer = solver.check()
    if answer == z3.sat:
        return solver.model(), "", solver
    if answer == z3.unsat:
        return None, "", solver
    reason = solver.reason_unknown()
    if len(question.classes) == 1:
        return None, reason, solver
    pending = list(range(len(question.classes)))
    for share in (len(pending), None):
        undecided = []
        for position, index in enumerate(pending):
            left = deadline - time.monotonic()
            if left <= 0:
                undecided += pending[position:]
                break
            slice_ms = int(1000 * left / (share or (len(pending) - position)))
            fixed = [z3.simplify(z3.substitute(a, (question.action, z3.IntVal(index)))) for a in assertions]
            one = z3.Solver()
            one.set("timeout", max(1, slice_ms))
            one.add(*fixed, question.action == index)
            answer = one.check()
            if answer == z3.sat:
                return one.model(), "", one
            if answer != z3.unsat:
                undecided.append(index)
        pending = undecided
        if not pending:
            return None, "", solver
    return None, f"{reason}; {len(pending)} of {len(question.classes)} action classes undecided", solver
