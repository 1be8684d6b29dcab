"""What an invariant is, what deciding one yields, and how a verdict becomes a check result.

An invariant (cdk-nag style: one small module per family, see :mod:`.catalog`) has an id, the
promise in plain words, the AWS documentation rule the proof rests on, and a check function
``(scope, config) -> list[Finding]``. Each finding carries a verdict:

* :class:`Proven`: no request of the space the invariant ranges over is allowed;
* :class:`Counterexample`: one concrete request that the concrete evaluator allows, with its
  :class:`~..engine.evaluator.Decision` (the allowing statements);
* :class:`NotProven`: neither could be established (an unsupported construct, a solver
  ``unknown`` or timeout). **Never a pass** (Cedar/Zelkova practice: unknown is not proven).

The shapes mirror the ``find_allowed`` contract of the symbolic engine
(``engine/space.py``, ``engine/symbolic.py``), so a decider can hand a question to the engine unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...engine.evaluator import Decision

from ...engine.request import Request

if TYPE_CHECKING:
    from ....config.models import BaselineConfig
    from ...model.accounts import AccountScope


@dataclass(frozen=True)
class Proven:
    """No request of the space is allowed; ``method`` says how that was established."""

    method: str


@dataclass(frozen=True)
class Counterexample:
    """One concrete request the concrete evaluator allows, and its decision."""

    request: Request
    decision: Decision
    note: str = ""


@dataclass(frozen=True)
class NotProven:
    """Undecided (unsupported construct, unknown, timeout): a failure, never a pass."""

    reason: str


Verdict = Proven | Counterexample | NotProven


@dataclass(frozen=True)
class Finding:
    """The verdict of one invariant on one subject (a role, a user, a persona, ...)."""

    subject: str
    verdict: Verdict


@dataclass(frozen=True)
class Invariant:
    """One derived invariant.

    Attributes:
        id: stable id, ``INV-...``; printed with every failure.
        promise: the promise in plain words (README "What is proven" quotes it).
        rule: the AWS documentation rule the proof rests on (page and section).
        check: decides the invariant on one account scope; one finding per subject.
    """

    id: str
    promise: str
    rule: str
    check: Callable[[AccountScope, BaselineConfig], Sequence[Finding]]


def describe_request(request: Request) -> str:
    """``principal ... action ... resource ... context`` on one line, keys sorted."""
    context = ", ".join(f"{k}={v}" for k, v in sorted(request.context.items()) if not k.startswith("aws:currenttime")
                        and not k.startswith("aws:epochtime"))
    return (
        f"principal {request.principal.arn} ({request.principal.kind}, account {request.principal.account or '-'}), "
        f"action {request.action}, resource {request.resource}, context {{{context or 'no keys'}}}"
    )


def explain(invariant: Invariant, scope_label: str, finding: Finding) -> tuple[bool, str]:
    """(passed, message) of one finding: only :class:`Proven` passes."""
    head = f"{invariant.id} [{scope_label}] {finding.subject}"
    verdict = finding.verdict
    if isinstance(verdict, Proven):
        return True, f"{head}: proven ({verdict.method})"
    if isinstance(verdict, Counterexample):
        refs = "; ".join(str(r) for r in verdict.decision.deciding) or verdict.decision.reason
        note = f" ({verdict.note})" if verdict.note else ""
        return False, (
            f"{head}: counterexample{note}: {describe_request(verdict.request)} is ALLOWED by [{refs}]"
            f" -- promise broken: {invariant.promise}"
        )
    return False, f"{head}: not proven: {verdict.reason} -- promise: {invariant.promise}"


def mfa_context(age: int | None, present: str | None = "true") -> Mapping[str, str]:
    """The MFA keys of a request: ``present`` None = absent (long-term keys), else its value."""
    if present is None:
        return {}
    keys = {"aws:MultiFactorAuthPresent": present}
    if present == "true" and age is not None:
        keys["aws:MultiFactorAuthAge"] = str(age)
    return keys


@dataclass(frozen=True)
class Probe:
    """A concrete request to replay, with the policies that decide it (for counterexamples)."""

    request: Request
    policies: Mapping[str, object] = field(default_factory=dict)
