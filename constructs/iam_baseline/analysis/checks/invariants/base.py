"""What an invariant is, what deciding one yields, and how a verdict becomes a check result.

An invariant (cdk-nag style: one small module per family, see :mod:`.catalog`) has an id, the
promise in plain words, the AWS documentation rule the proof rests on, and a check function
``(scope, config) -> list[Finding]``. Each finding carries a verdict:

* :class:`Proven`: no request of the space the invariant ranges over is allowed;
* :class:`Counterexample`: one concrete request that the concrete evaluator allows, with its
  :class:`~..engine.evaluator.Decision` (the allowing statements);
* :class:`Refused`: a request the config declares (a hop of the hop list) that the concrete
  evaluator denies, with its decision: one half of a declared grant is missing;
* :class:`NotProven`: neither could be established (an unsupported construct, a solver
  ``unknown`` or timeout). **Never a pass** (Cedar/Zelkova practice: unknown is not proven).

The shapes mirror the ``find_allowed`` contract of the symbolic engine
(``engine/space.py``, ``engine/symbolic.py``), so a decider can hand a question to the engine unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...engine.evaluator import Decision
from ...engine.policy import PolicyKind
from ...engine.request import Request
from ...model.stack_reader import PLACEHOLDER_ACCOUNT

if TYPE_CHECKING:
    from ....config.models import BaselineConfig
    from ...model.accounts import AccountScope


@dataclass(frozen=True)
class Proven:
    """No request of the space is allowed; ``method`` says how that was established; ``aside``
    what a reader should know beside it (callers the trust alone admits, :mod:`.callers`)."""

    method: str
    aside: str = ""


@dataclass(frozen=True)
class Counterexample:
    """One concrete request the concrete evaluator allows, and its decision."""

    request: Request
    decision: Decision
    note: str = ""
    #: How the caller is introduced, e.g. "a principal outside this assembly, e.g. " (:mod:`.callers`).
    caller: str = ""
    #: Set when only the resource's side (a role's trust) admits the request and the caller's own
    #: policies do not grant it today, e.g. "the trust alone admits user:carol.auditor; the user's own
    #: policies do not grant it today": the message says so and names only the trust's statements.
    alone: str = ""


@dataclass(frozen=True)
class Refused:
    """A request the config declares that the concrete evaluator denies, and its decision."""

    request: Request
    decision: Decision
    note: str = ""


@dataclass(frozen=True)
class NotProven:
    """Undecided (unsupported construct, unknown, timeout): a failure, never a pass."""

    reason: str


Verdict = Proven | Counterexample | Refused | NotProven


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


_PLACEHOLDER = re.compile(rf"(?<![0-9]){PLACEHOLDER_ACCOUNT}(?![0-9])")
_ACCOUNT_ID = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
#: What a StackSet template's own account reads as when no member account has the template.
NO_MEMBER = "<member account>"


@dataclass(frozen=True)
class AccountNames:
    """How a counterexample names accounts: ``444400000002 (orders-dev)``, and which member
    account it shows for a StackSet template's own account.

    A StackSet member template names no account: CloudFormation deploys it to each of its
    accounts with ``AWS::AccountId`` = that account, and the model reads it with the
    placeholder :data:`~...model.stack_reader.PLACEHOLDER_ACCOUNT`. A counterexample in such
    a scope holds in every one of its ``members``; it is *shown* in one of them, renamed
    consistently everywhere in the request (the template is the same in each: the evaluator
    decides the renamed request as the replayed one). A member account the request already names
    (e.g. the caller's) is never the one shown: that would merge two accounts into one.

    Attributes:
        names: account id -> its name in the config (``organization.organizational_units``,
            ``management`` for the management account).
        members: the member accounts the scope's template is deployed to (empty: the scope's
            account is a real one, or a template that no member account has today: then the
            placeholder reads :data:`NO_MEMBER`).
    """

    names: Mapping[str, str] = field(default_factory=dict)
    members: tuple[str, ...] = ()
    #: The scope is a StackSet template (its account is the placeholder), even with no members.
    template: bool = False
    #: The scope's label: it may name the part's own member (``... in Workloads/Dev (444400000002)``),
    #: which is not an account the text names, so :meth:`show` sets it aside.
    label: str = ""

    @classmethod
    def of(cls, scope: AccountScope, config: BaselineConfig | None) -> AccountNames:
        """The names of ``config``'s organization (if any) and, for a StackSet member scope, its members."""
        top = scope.top_config or config
        names: dict[str, str] = {}
        organization = top.organization if top is not None else None
        if organization is not None:
            names = {a.id: a.name for ou in organization.organizational_units for a in ou.accounts}
            names[organization.management_account_id] = "management"
        for role in top.machine_roles if top is not None else ():
            if role.third_party is not None:
                names.setdefault(role.third_party.account_id, f"third party of {role.name}")
        placeholder = scope.model.account == PLACEHOLDER_ACCOUNT
        return cls(names, tuple(sorted(scope.member_accounts)) if placeholder else (), placeholder, scope.label)

    def label_of(self, account: str) -> str:
        """``444400000002 (orders-dev)``, or the id alone when the config does not name it."""
        return f"{account} ({self.names[account]})" if account in self.names else account

    def shown_member(self, text: str) -> str | None:
        """The member account shown for the placeholder in ``text``: the first the text does not
        already name (the scope's label aside); None when the text holds no placeholder (or
        names every member)."""
        if not self.members or not _PLACEHOLDER.search(text):
            return None
        named = set(_ACCOUNT_ID.findall(text.replace(self.label, "") if self.label else text))
        return next((m for m in self.members if m not in named), None)

    def show(self, text: str) -> str:
        """``text`` in the member account :meth:`shown_member` picks: the placeholder renamed to
        it everywhere, its first ``account <id>`` labelled, and "shown in member account ..."
        appended; ``text`` unchanged when it holds no placeholder (or the scope is a real account).
        Never the placeholder itself: a template no member account has, or whose every member the
        text already names, reads :data:`NO_MEMBER` (``<member account>``) and says why. The one
        renderer of a StackSet template's account for the console and the report."""
        if not (self.template or self.members) or not _PLACEHOLDER.search(text):
            return text
        aside = text.replace(self.label, "\0") if self.label else text
        member = self.shown_member(text)
        if member is None:
            why = ("a StackSet template no member account has today (an account added to its OUs gets it)"
                   if not self.members else f"{NO_MEMBER}: another account that gets this StackSet template (the text "
                   f"names each of its member accounts today: {', '.join(self.label_of(m) for m in self.members)})")
            return _PLACEHOLDER.sub(NO_MEMBER, aside).replace("\0", self.label) + f"; {why}"
        count = len(self.members)
        return (
            _PLACEHOLDER.sub(member, aside).replace(f"account {member}", f"account {self.label_of(member)}", 1)
            .replace("\0", self.label)
            + f"; shown in member account {self.label_of(member)}"
            + (f", one of {count} with this StackSet template" if count > 1 else "")
        )

    def everywhere(self, text: str) -> str:
        """``text`` with every placeholder left (a subject, a note, a proof's reason) renamed to the
        member account the text already shows ("shown in member account ..."), else :meth:`show`."""
        if not (self.template or self.members) or not _PLACEHOLDER.search(text):
            return text
        shown = _SHOWN.search(text)
        return _PLACEHOLDER.sub(shown.group(1), text) if shown else self.show(text)


#: The member account :meth:`AccountNames.show` named.
_SHOWN = re.compile(r"; shown in member account ([0-9]{12})")


def describe_request(request: Request, accounts: AccountNames | None = None) -> str:
    """``principal ... action ... resource ... context`` on one line, keys sorted; accounts
    named by ``accounts`` (see :class:`AccountNames`)."""
    accounts = accounts or AccountNames()
    context = ", ".join(f"{k}={v}" for k, v in sorted(request.context.items()) if not k.startswith("aws:currenttime")
                        and not k.startswith("aws:epochtime"))
    p = request.principal
    text = (
        f"principal {p.arn} ({p.kind}, account {accounts.label_of(p.account) if p.account else '-'}), "
        f"action {request.action}, resource {request.resource}, context {{{context or 'no keys'}}}"
    )
    return accounts.show(text)


def explain(invariant: Invariant, scope_label: str, finding: Finding,
            accounts: AccountNames | None = None) -> tuple[bool, str]:
    """(passed, message) of one finding: only :class:`Proven` passes; every account is named by
    ``accounts`` (:meth:`AccountNames.everywhere`: a StackSet template's own account as one
    member account, never the placeholder)."""
    accounts = accounts or AccountNames()
    passed, message = _explain(invariant, scope_label, finding, accounts)
    return passed, accounts.everywhere(message)


def _explain(invariant: Invariant, scope_label: str, finding: Finding, accounts: AccountNames) -> tuple[bool, str]:
    head = f"{invariant.id} [{scope_label}] {finding.subject}"
    verdict = finding.verdict
    if isinstance(verdict, Proven):
        return True, f"{head}: proven ({verdict.method})" + (f"; {verdict.aside}" if verdict.aside else "")
    if isinstance(verdict, Counterexample) and verdict.alone:
        trust = Decision(verdict.decision.outcome, verdict.decision.reason,
                         tuple(r for r in verdict.decision.deciding if r.kind is PolicyKind.TRUST))
        note = f" ({verdict.note})" if verdict.note else ""
        return False, (
            f"{head}: counterexample{note}: {verdict.alone}: {describe_request(verdict.request, accounts)} is admitted "
            f"by the trust policy alone [{trust.statements()}] -- promise broken: {invariant.promise}"
        )
    if isinstance(verdict, Counterexample):
        refs = verdict.decision.statements() or verdict.decision.reason
        note = f" ({verdict.note})" if verdict.note else ""
        return False, (
            f"{head}: counterexample{note}: {verdict.caller}{describe_request(verdict.request, accounts)} is ALLOWED by [{refs}]"
            f" -- promise broken: {invariant.promise}"
        )
    if isinstance(verdict, Refused):
        return False, (
            f"{head}: declared but refused ({verdict.note}): {describe_request(verdict.request, accounts)} is DENIED "
            f"({verdict.decision.reason}) -- promise broken: {invariant.promise}"
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
