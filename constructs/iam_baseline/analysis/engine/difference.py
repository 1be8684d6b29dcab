"""Does one policy set allow a request that another denies? The access diff's question in z3.

The access diff (:mod:`..outputs.access_diff`) compares two cloud assemblies principal by
principal. For each it asks: is there ONE request (same caller, action, resource and context
keys) that the *new* policies allow and the *old* ones do not? The request terms, action
classes and context keys are those of :mod:`.question`, built once over the statements of
both policy sets, so that every class is uniform for both; the formula is
``allowed(new) and not allowed(old)``, each side being :func:`.evaluator.evaluate` in z3
(:class:`.encoder.Encoder`). As everywhere in the engine (Cedar's symbolic compiler asks for a
property's negation the same way):

* unsat: no such request (:class:`~.symbolic.Proven`);
* sat: the model becomes a concrete request, replayed on the concrete evaluator under both
  sets: the new one must ALLOW it and the old one must not, else :class:`DifferenceDisagreement`
  (a bug in one engine) is raised; it is returned as :class:`NewAccess`;
* unknown, timeout, a construct not modelled: :class:`~.symbolic.NotProven` ("could not
  decide"), never "no change".

Polarity: the encoder may encode a pattern with policy variables between wildcards with fresh
"split" terms, which is exact only where the formula is used un-negated (``positive``). The
old set's formula sits under a negation, so every statement is encoded with
``positive=False`` (exact under either polarity, or :class:`~.z3_patterns.Unsupported`, which
becomes NotProven), and a statement both sets hold becomes one term (:class:`_Shared`).

:func:`new_accesses` enumerates distinct new accesses: after each one it blocks the action
class of the request found and asks again, up to a bound; the result says whether the list is
complete.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import z3

from .encoder import Encoder
from .evaluator import Decision, evaluate
from .policy import Policy
from .request import Request
from .question import Question
from .readable import readable_model
from .space import RequestSpace
from .symbolic import EngineDisagreement, NotProven, Proven, _solve
from .z3_conditions import ConditionEncoder
from .z3_patterns import Unsupported

__all__ = ["AccessDifference", "DifferenceDisagreement", "NewAccess", "PolicySet", "differs", "new_accesses"]


@dataclass(frozen=True)
class PolicySet:
    """Everything :func:`.evaluator.evaluate` takes besides the request (same meaning).

    ``PolicySet()`` allows nothing: the policies of a principal that does not exist.
    """

    identity: tuple[Policy, ...] = ()
    boundary: Policy | None = None
    session: tuple[Policy, ...] = ()
    scps: tuple[tuple[Policy, ...], ...] = ()
    resource_policy: Policy | None = None
    resource_policy_required: bool = False

    def keywords(self) -> dict:
        """The keyword arguments of :func:`.evaluator.evaluate` and :func:`.symbolic.find_allowed`."""
        return dict(identity=self.identity, boundary=self.boundary, session=self.session, scps=self.scps,
                    resource_policy=self.resource_policy, resource_policy_required=self.resource_policy_required)

    def policies(self) -> tuple[Policy, ...]:
        """Every policy of the set, in evaluation order."""
        extra = tuple(p for p in (self.boundary, self.resource_policy) if p is not None)
        return (*(p for level in self.scps for p in level), *self.identity, *self.session, *extra)

    @property
    def empty(self) -> bool:
        """No policy could allow anything: no identity-based and no resource-based policy."""
        return not self.identity and self.resource_policy is None


class DifferenceDisagreement(EngineDisagreement):
    """The solver's request is not "allowed by the new set, denied by the old" on the concrete
    evaluator: a bug in one engine.

    Attributes:
        request: the request the solver's model gave.
        decision: the concrete decision that disagrees (new set, or old set).
        side: ``"new"`` or ``"old"``.
    """

    def __init__(self, request: Request, decision: Decision, side: str) -> None:
        expected = "allow" if side == "new" else "deny"
        super(EngineDisagreement, self).__init__(
            f"engine disagreement: the symbolic encoder found a request the {side} policies should "
            f"{expected}, but the concrete evaluator decides '{decision.explain()}': {request}"
        )
        self.request = request
        self.decision = decision
        self.side = side


@dataclass(frozen=True)
class NewAccess:
    """A request the new policies allow and the old ones deny, replayed on the concrete evaluator.

    Attributes:
        request: the concrete request (absent context keys left out).
        new: the concrete decision under the new set (ALLOWED, with its allowing statements).
        old: the concrete decision under the old set (a deny, with its reason).
        actions: every catalog action of the request's action class: actions that no
            statement of either set tells apart, so each of them is newly allowed the same way
            (the request's action first; empty for an open-world action).
    """

    request: Request
    new: Decision
    old: Decision
    actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccessDifference:
    """What :func:`new_accesses` found.

    Attributes:
        found: distinct new accesses (one per action class), in the order found.
        complete: True when the solver proved there is nothing beyond ``found``; False when
            the bound was reached (the list is truncated) or a question was undecided.
        undecided: why the last question was not decided (NotProven's reason), else None.
    """

    found: tuple[NewAccess, ...] = ()
    complete: bool = True
    undecided: str | None = None

    @property
    def truncated(self) -> bool:
        """The bound stopped the enumeration (more new access may exist)."""
        return not self.complete and self.undecided is None


class _Shared(Encoder):
    """One encoder for both sets: every statement exact, equal statements equal terms.

    Both sides are encoded with ``positive=False`` (the old side sits under a negation), and
    the resource and condition formulas are memoized by the statement's *content*: a statement
    kept from the old assembly to the new one (moved, renamed, in another policy) becomes the
    same z3 term on both sides, so ``new and not old`` is contradictory by structure there and
    not by string reasoning (measured: a reordered policy with a ``${aws:username}`` resource
    was a 10 s timeout with one encoding per side, 0.2 s shared).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._by_content: dict[tuple, z3.BoolRef] = {}

    def _memo(self, what: str, statement, variables: bool, build) -> z3.BoolRef:
        key = (what, variables, _content(statement))
        if key not in self._by_content:
            self._by_content[key] = build()
        return self._by_content[key]

    def covers_resource(self, statement, variables: bool, positive: bool) -> z3.BoolRef:
        return self._memo("resource", statement, variables,
                          lambda: super(_Shared, self).covers_resource(statement, variables, False))

    def conditions_hold(self, statement, variables: bool, positive: bool) -> z3.BoolRef:
        return self._memo("conditions", statement, variables,
                          lambda: super(_Shared, self).conditions_hold(statement, variables, False))

    def side(self, policies: PolicySet) -> z3.BoolRef:
        """Whether ``policies`` allow the request, as :func:`.evaluator.evaluate` decides."""
        self.has_boundary = policies.boundary is not None
        self._cache = {}  # keyed by policy identity, and the boundary changes the NotPrincipal rule
        return self.allowed(**policies.keywords())


class _Known(ConditionEncoder):
    """Policy variables over keys the space says are absent are undefined by construction.

    (The access diff says so of ``aws:username`` for a role session.) Without it the variable
    stays a solver term constrained elsewhere, and a pattern such as
    ``user/${aws:username}`` under the exact encoding was a 5 s timeout instead of 0.03 s.
    """

    def __init__(self, keys, fresh, absent: set[str]) -> None:
        super().__init__(keys, fresh)
        self.absent = absent

    def resolve(self, var):
        if var.key in self.absent and var.key in self.keys:
            return z3.BoolVal(False), z3.StringVal("")
        return super().resolve(var)


def _content(statement) -> tuple:
    """What a statement says, without its position and Sid."""
    return (statement.effect, statement.actions, statement.not_actions, statement.resources,
            statement.not_resources, repr(statement.principals), repr(statement.not_principals),
            repr(statement.conditions))


@dataclass
class _DifferenceQuestion(Question):
    """A :class:`.question.Question` over the new set that asks ``new and not old``."""

    old: PolicySet = field(default_factory=PolicySet)

    def formula(self, encoder: Encoder) -> z3.BoolRef:
        absent = {key for key, c in self._space_context().items() if not c.may_be_present}
        conditions = _Known(encoder.conditions.keys, encoder.conditions.fresh, absent)
        shared = _Shared(encoder.classes, encoder.coverage, conditions, encoder.caller, encoder.resource,
                         encoder.five, encoder.action, encoder.open_action, has_boundary=False)
        new = PolicySet(self.identity, self.boundary, self.session, self.scps, self.resource_policy,
                        self.resource_policy_required)
        return z3.And(shared.side(new), z3.Not(shared.side(self.old)))


def new_accesses(
    space: RequestSpace,
    new: PolicySet,
    old: PolicySet,
    *,
    limit: int = 10,
    timeout_ms: int = 10_000,
) -> AccessDifference:
    """Requests of ``space`` that ``new`` allows and ``old`` denies: up to ``limit`` of them,
    one per action class.

    Args:
        space: the requests compared (the caller, actions, resources, context constraints).
        new, old: the two policy sets; ``PolicySet()`` allows nothing.
        limit: the most new accesses to enumerate (>= 1); reaching it truncates the list.
        timeout_ms: the solver's time limit per question, in milliseconds (> 0).

    Raises:
        UnknownAction: a closed-world question names an action the pinned catalog lacks.
        DifferenceDisagreement: the concrete evaluator does not confirm a request found.
        PolicyError: a policy cannot be judged.
    """
    if limit < 1 or timeout_ms <= 0:
        raise ValueError(f"limit must be >= 1 and timeout_ms > 0, got {limit} and {timeout_ms}")
    verdict, question = _first(space, new, old)
    if isinstance(verdict, Proven):
        return AccessDifference()
    if isinstance(verdict, NotProven):
        return AccessDifference(complete=False, undecided=verdict.reason)
    solver, formula = verdict
    found: list[NewAccess] = []
    blocked: list[z3.BoolRef] = []
    while True:
        one = z3.Solver()
        one.add(*solver.assertions())
        model, undecided, sat = _solve(question, one, z3.And(formula, *blocked), timeout_ms)
        if model is not None:  # the example with a readable caller (example-user), when allowed
            model = readable_model(sat, question.request_from(model), timeout_ms) or model
        if model is None:
            if undecided:
                return AccessDifference(tuple(found), complete=False,
                                        undecided=f"solver answered unknown within {timeout_ms} ms ({undecided})")
            return AccessDifference(tuple(found))
        access, index = _replay(question, model, new, old)
        found.append(access)
        if len(found) >= limit:
            return AccessDifference(tuple(found), complete=False)
        blocked.append(question.action != index)


def _first(space: RequestSpace, new: PolicySet, old: PolicySet):
    """(Proven | NotProven | (solver, formula), the question): pruning and encoding once."""
    question = _DifferenceQuestion(space, **new.keywords(), distinguish=old.policies(), old=old)
    if not question.classes:
        return Proven(reason=question.empty_reason, actions=0), question
    try:
        solver, formula = question.build()
    except Unsupported as error:
        return NotProven(f"not modelled: {error}"), question
    return (solver, formula), question


def _replay(question: _DifferenceQuestion, model: z3.ModelRef, new: PolicySet, old: PolicySet) -> tuple[NewAccess, int]:
    request = question.request_from(model)
    index = model.eval(question.action, model_completion=True).as_long()
    new_decision = evaluate(request, **new.keywords())
    if not new_decision.allowed:
        raise DifferenceDisagreement(request, new_decision, "new")
    old_decision = evaluate(request, **old.keywords())
    if old_decision.allowed:
        raise DifferenceDisagreement(request, old_decision, "old")
    members = question.classes[index].members
    for candidate in _readable(request):
        decided = evaluate(candidate, **new.keywords()), evaluate(candidate, **old.keywords())
        if decided[0].allowed and not decided[1].allowed:
            request, (new_decision, old_decision) = candidate, decided
            break
    return NewAccess(request, new_decision, old_decision, tuple(members)), index


def _readable(request: Request) -> list[Request]:
    """Easier-to-read variants of the solver's request, to be confirmed by the caller.

    z3 fills free ARN parts with whatever satisfies the formula (``arn: :s3:::build-/ ``): an
    empty partition, region or account becomes the caller's partition, ``us-east-1`` and the
    caller's account, and other characters outside ``[A-Za-z0-9:/*._-]`` become ``x``. A
    variant is used only when the concrete evaluator still allows it under the new policies
    and denies it under the old ones (:func:`_replay`).
    """
    resource = re.sub(r"[^A-Za-z0-9:/*._@=,+-]", "x", request.resource)
    parts = resource.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        principal = request.principal
        partition = principal.arn.split(":")[1] if principal.arn.startswith("arn:") else "aws"
        filled = [parts[0], parts[1].strip("x") or partition, parts[2],
                  parts[3] and (parts[3].strip("x") or "us-east-1"),
                  parts[4] if parts[4] == "" or parts[4].isdigit() else (principal.account or parts[4]),
                  parts[5]]
        candidates = [":".join(filled), resource]
    else:
        candidates = [resource]
    return [replace(request, resource=c) for c in dict.fromkeys(candidates) if c != request.resource]


def differs(new: Sequence[Policy], old: Sequence[Policy]) -> bool:
    """Whether two policy lists differ as documents (kind and JSON), ignoring their names.

    Equal lists allow exactly the same requests, so the access diff skips the solver for them.
    """
    def key(policies: Sequence[Policy]) -> list:
        return [(p.kind.value, p.version, p.document if p.document is not None else repr(p.statements)) for p in policies]

    return key(new) != key(old)
