"""The access diff: what a new cloud assembly allows that the old one denies, and the reverse.

Two assemblies are read into account scopes (:mod:`..model.accounts`); their subjects are
matched by scope label (``account 111122223333``, ``StackSet member Security``) and ARN. Each
subject is compared on its surfaces (:class:`Surface`), each a difference question of the
symbolic engine (:func:`..engine.difference.new_accesses`) asked in both directions:

* what a principal may do (users, roles, permission sets; a user with its groups'
  policies): its identity-based policies, permissions boundary and the SCP levels of its
  scope, for requests it makes itself (every action, resource and context);
* who may become a role: its trust policy, for a caller of any kind and account whose own
  identity-based policies allow everything (a caller outside the assembly; the accounts the
  policies name, the scope's own, and one standing for every other, see :func:`_callers`), on
  ``sts:AssumeRole``, ``sts:AssumeRoleWithSAML`` and ``sts:AssumeRoleWithWebIdentity``;
* who may use a resource: its resource-based policy (KMS key, SNS topic, S3 bucket), for the
  same worst-case caller, the policy required to allow as for a cross-account request (IAM
  User Guide, "Cross-account policy evaluation logic");
* who may sign in to a permission set: IAM Identity Center assignments and the people they
  reach (:mod:`..model.identity_center`), compared as sets.

A subject whose policies are equal documents on both sides is not asked (nothing can
differ). A subject that exists on one side only is added (everything it may do is new
access) or removed. An undecided question (solver timeout, construct not modelled, an
analysis error) is "could not decide", never "no change".
"""

from __future__ import annotations

import enum
import json
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from ...config.models import BaselineConfig
from ..checks.invariants.requests import ALLOW_ALL, FOREIGN_ACCOUNT
from ..engine.difference import AccessDifference, PolicySet, differs, new_accesses
from ..engine.policy import Policy, PolicyKind
from ..engine.request import RequestPrincipal
from ..engine.space import ABSENT, ActionSpace, PrincipalSpace, RequestSpace, ResourceSpace
from ..errors import AnalysisError
from ..model.accounts import AccountScope, load_scopes
from ..model.actions import UnknownAction
from ..model.identity_center import IdentityCenterModel, load_identity_center
from ..model.templates import AccountModel, Principal

#: The actions that make a role session (IAM User Guide, "Methods to assume a role").
ASSUME_ACTIONS = ("sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity")
SESSION_NAME = "access-diff"


class Surface(str, enum.Enum):
    """Which access of a subject is compared."""

    IDENTITY = "what it may do"
    TRUST = "who may become it"
    RESOURCE = "who may use it"


class Presence(str, enum.Enum):
    """Whether the subject exists in both assemblies."""

    BOTH = "changed"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True)
class Subject:
    """One thing compared: a principal's surface or a resource-based policy, on both sides.

    ``space`` is the requests compared; ``new``/``old`` the policy sets (``PolicySet()`` on
    the side where the subject does not exist).
    """

    scope: str
    name: str
    surface: Surface
    presence: Presence
    space: RequestSpace
    new: PolicySet
    old: PolicySet

    @property
    def label(self) -> str:
        return f"{self.scope} {self.name}"


@dataclass(frozen=True)
class Comparison:
    """The answer for one subject: new access (``gained``) and removed access (``lost``).

    ``lost`` is None for an added or removed subject (not asked: the presence says it).
    ``error``: an analysis error that stopped the questions (reported as undecided).
    """

    subject: Subject
    gained: AccessDifference = AccessDifference()
    lost: AccessDifference | None = None
    error: str | None = None

    @property
    def undecided(self) -> list[str]:
        """Why a direction could not be decided (empty when both were)."""
        reasons = [f"new access: {self.gained.undecided}" if self.gained.undecided else None,
                   f"removed access: {self.lost.undecided}" if self.lost and self.lost.undecided else None,
                   self.error]
        return [r for r in reasons if r]


@dataclass(frozen=True)
class AssignmentChange:
    """An IAM Identity Center assignment or a person's reach that one side has and the other lacks."""

    account: str
    permission_set: str
    principal: str  # identity_center_group:Developers, or the person's name for a reach
    people: tuple[str, ...] = ()  # for an assignment: the declared people it reaches
    via: str | None = None  # for a reach: the group it comes through


@dataclass
class AccessDiff:
    """Everything one access diff found."""

    comparisons: list[Comparison] = field(default_factory=list)
    assignments_added: list[AssignmentChange] = field(default_factory=list)
    assignments_removed: list[AssignmentChange] = field(default_factory=list)
    reach_added: list[AssignmentChange] = field(default_factory=list)
    reach_removed: list[AssignmentChange] = field(default_factory=list)
    unchanged: int = 0
    seconds: float = 0.0

    @property
    def new_access(self) -> list[Comparison]:
        return [c for c in self.comparisons if c.gained.found]

    @property
    def removed_access(self) -> list[Comparison]:
        return [c for c in self.comparisons if (c.lost and c.lost.found) or c.subject.presence is Presence.REMOVED]

    @property
    def undecided(self) -> list[Comparison]:
        return [c for c in self.comparisons if c.undecided]

    @property
    def grants_new_access(self) -> bool:
        """New access, or a change that could not be decided (it may hide new access)."""
        return bool(self.new_access or self.assignments_added or self.reach_added or self.undecided)


def _caller(model: AccountModel, principal: Principal) -> tuple[RequestPrincipal, dict]:
    if principal.kind == "user":
        return RequestPrincipal(principal.arn, model.account, "user"), {}
    session = f"arn:{model.partition}:sts::{model.account}:assumed-role/{principal.name}/{SESSION_NAME}"
    # A role session has no aws:username: said explicitly, so ${aws:username} resolves to nothing.
    return RequestPrincipal(session, model.account, "role_session", role_arn=principal.arn), {"aws:username": ABSENT}


def _identity(scope: AccountScope, principal: Principal) -> PolicySet:
    return PolicySet(identity=tuple(scope.model.identity_policies(principal)), boundary=principal.boundary,
                     scps=scope.scps)


def _all(policies: PolicySet) -> list[Policy]:
    return list(policies.policies())


def _subjects_of_principal(scope: str, new: AccountScope | None, old: AccountScope | None, arn: str) -> list[Subject]:
    n = new.model.principals.get(arn) if new else None
    o = old.model.principals.get(arn) if old else None
    presence = Presence.BOTH if n and o else Presence.ADDED if n else Presence.REMOVED
    here, model = (n, new.model) if n else (o, old.model)  # type: ignore[union-attr]
    subjects = []
    caller, context = _caller(model, here)
    subjects.append(Subject(scope, here.ref, Surface.IDENTITY, presence, RequestSpace(principals=(caller,), context=context),
                            _identity(new, n) if n else PolicySet(), _identity(old, o) if o else PolicySet()))
    if here.kind == "role":
        callers = _callers(model.partition, model.account, n and n.trust, o and o.trust)
        space = RequestSpace(principals=callers, actions=ActionSpace(include=ASSUME_ACTIONS),
                             resources=ResourceSpace(include=(here.arn,)))
        subjects.append(Subject(scope, here.ref, Surface.TRUST, presence, space, _trust(n), _trust(o)))
    return subjects


def _callers(partition: str, account: str, *sides: Policy | None) -> PrincipalSpace:
    """Callers of every kind from the accounts that matter: those the policies name, the
    scope's own, and one that nobody names (``FOREIGN_ACCOUNT``, standing for all others).

    All unnamed accounts are alike to these policies unless a pattern puts a wildcard next to
    account digits (``1111*``): then every account is a caller. Finite accounts make a trust
    question ~80x faster (measured 0.25 s against 20 s on the default assembly's OIDC role).
    """
    text = json.dumps([p.document for p in sides if p is not None])
    if re.search(r"\d[*?]|[*?]\d", text):
        return PrincipalSpace(partition=partition)
    named = set(re.findall(r"(?<!\d)\d{12}(?!\d)", text))
    return PrincipalSpace(partition=partition, accounts=frozenset(named | {account, FOREIGN_ACCOUNT}))


def _trust(principal: Principal | None) -> PolicySet:
    if principal is None or principal.trust is None:
        return PolicySet()
    return PolicySet(identity=(ALLOW_ALL,), resource_policy=principal.trust, resource_policy_required=True)


def _subjects_of_resource(scope: str, new: AccountScope | None, old: AccountScope | None, arn: str) -> Subject:
    n = new.model.resource_policies.get(arn) if new else None
    o = old.model.resource_policies.get(arn) if old else None
    presence = Presence.BOTH if n and o else Presence.ADDED if n else Presence.REMOVED
    here = n or o
    model = (new or old).model  # type: ignore[union-attr]
    callers = _callers(model.partition, model.account, n and n.policy, o and o.policy)
    # A bucket policy also governs the bucket's objects; a key or a topic is its ARN alone
    # (a needless "ARN/*" pattern measured 1 s -> 30 s unknown on a topic question).
    objects = (f"{arn}/*",) if here.kind == "S3 bucket policy" else ()  # type: ignore[union-attr]
    space = RequestSpace(principals=callers, resources=ResourceSpace(include=(arn, *objects)))

    def side(r) -> PolicySet:
        return PolicySet(identity=(ALLOW_ALL,), resource_policy=r.policy, resource_policy_required=True) if r else PolicySet()

    return Subject(scope, f"{here.kind} {arn}", Surface.RESOURCE, presence, space, side(n), side(o))  # type: ignore[union-attr]


def subjects(new_scopes: list[AccountScope], old_scopes: list[AccountScope]) -> list[Subject]:
    """Every subject of both assemblies, matched by scope label and ARN, in a stable order."""
    new_by, old_by = {s.label: s for s in new_scopes}, {s.label: s for s in old_scopes}
    out: list[Subject] = []
    for label in sorted(new_by.keys() | old_by.keys()):
        new, old = new_by.get(label), old_by.get(label)
        arns = {a for s in (new, old) if s for a, p in s.model.principals.items() if p.kind != "group"}
        for arn in sorted(arns):
            out += _subjects_of_principal(label, new, old, arn)
        resources = {a for s in (new, old) if s for a in s.model.resource_policies}
        out += [_subjects_of_resource(label, new, old, arn) for arn in sorted(resources)]
    return out


def compare(subject: Subject, *, limit: int, timeout_ms: int) -> Comparison | None:
    """The comparison of one subject; None when its policies are equal documents on both sides."""
    if subject.presence is Presence.BOTH and not differs(_all(subject.new), _all(subject.old)):
        return None
    if subject.presence is Presence.REMOVED:
        return Comparison(subject)
    space = subject.space
    for attempt in ("closed", "open"):
        try:
            gained = new_accesses(space, subject.new, subject.old, limit=limit, timeout_ms=timeout_ms)
            lost = None
            if subject.presence is Presence.BOTH:
                lost = new_accesses(space, subject.old, subject.new, limit=limit, timeout_ms=timeout_ms)
            return Comparison(subject, gained, lost)
        except UnknownAction:
            if attempt == "open":
                raise
            # A policy names an action the pinned catalog lacks (an AWS managed policy lists
            # retired ones): ask in the open world, where any service:action string is one.
            space = replace(space, actions=replace(space.actions, open_world=True))
        except AnalysisError as error:
            return Comparison(subject, error=f"could not decide: {error}")
    raise AssertionError("unreachable")


def _assignments(center: IdentityCenterModel) -> dict[tuple[str, str, str], tuple[str, ...]]:
    out = {}
    for a in center.assignments:
        people = tuple(sorted(center.groups.get(a.principal.name, ()))) if a.principal.kind.value == "GROUP" else ()
        out[(a.account, a.permission_set, a.principal.ref)] = people
    return out


def _reach(center: IdentityCenterModel) -> dict[tuple[str, str, str], str | None]:
    return {(r.account, r.permission_set, r.person): r.via.ref if r.via else None for r in center.reach()}


def compare_identity_center(new: IdentityCenterModel, old: IdentityCenterModel, diff: AccessDiff) -> None:
    """Assignments and people's reach that one side has and the other lacks, into ``diff``."""
    na, oa = _assignments(new), _assignments(old)
    diff.assignments_added = [AssignmentChange(*k, people=na[k]) for k in sorted(na.keys() - oa.keys())]
    diff.assignments_removed = [AssignmentChange(*k, people=oa[k]) for k in sorted(oa.keys() - na.keys())]
    nr, orr = _reach(new), _reach(old)
    diff.reach_added = [AssignmentChange(*k, via=nr[k]) for k in sorted(nr.keys() - orr.keys())]
    diff.reach_removed = [AssignmentChange(*k, via=orr[k]) for k in sorted(orr.keys() - nr.keys())]


def access_diff(new_out: str | Path, old_out: str | Path, new_config: BaselineConfig, old_config: BaselineConfig,
                *, limit: int = 5, timeout_ms: int = 10_000) -> AccessDiff:
    """Compare the assemblies in ``new_out`` and ``old_out`` (each read with its config).

    Args:
        limit: the most new (or removed) accesses enumerated per subject and direction (>= 1).
        timeout_ms: the solver's limit per question, in milliseconds.

    Raises:
        FileNotFoundError, TemplateError, UnknownPolicy, PolicyError: an assembly cannot be
            read (see :func:`..model.accounts.load_scopes`).
    """
    start = time.perf_counter()
    new_scopes, old_scopes = load_scopes(new_out, new_config), load_scopes(old_out, old_config)
    diff = AccessDiff()
    for subject in subjects(new_scopes, old_scopes):
        comparison = compare(subject, limit=limit, timeout_ms=timeout_ms)
        if comparison is None:
            diff.unchanged += 1
        else:
            diff.comparisons.append(comparison)
    compare_identity_center(load_identity_center(new_out), load_identity_center(old_out), diff)
    diff.seconds = time.perf_counter() - start
    return diff


def statement_of(policies: PolicySet, policy_name: str, kind: PolicyKind, index: int):
    """The statement a decision names (by policy name, kind and index), or None."""
    for policy in policies.policies():
        if policy.name == policy_name and policy.kind is kind and index < len(policy.statements):
            return policy.statements[index]
    return None
