"""Who can reach admin: people, federated principals and CI identities, with the chain that gets them there.

The report's first section and the red path of its graph. :func:`who_can_reach_admin` is the
ONE place that computes the chains: today from what the checks already decide (the
admin-equivalence probes of :func:`~..checks.escalation.is_admin_equivalent` and the
``sts:AssumeRole`` chain search of INV-ONLY-ADMINS-ADMIN, with its model of the CDK bootstrap
deploy role, :func:`~..checks.invariants.admin.deploy_roles`); when the analysis graph
(issue 19, ``analysis/graph``) lands, only this function changes.

Entry points (IAM User Guide, "Roles terms and concepts"; IAM Identity Center User Guide,
"Permission sets"):

* people: every IAM user (its groups' policies included) and every IAM Identity Center user
  (through its group, to the permission sets assigned in the analysed account);
* federated principals: the identities of a SAML provider a role's trust policy admits;
* CI identities: the identities of an OIDC provider (``sts:AssumeRoleWithWebIdentity``).

A chain is a list of hops ``(target, how)``; its last target is an administrator: a role or
permission set that may attach AdministratorAccess, write role policies and create users, or
a CDK bootstrap deploy role (it hands CloudFormation the ``cfn-exec`` role, which holds
AdministratorAccess: AWS CDK Developer Guide, "Bootstrapping"). Requests carry the strongest
context a person brings (MFA present and fresh), as the invariant does.
"""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..checks.escalation import is_admin_equivalent
from ..checks.invariants.admin import CONTEXT, admin_refs, deploy_roles
from ..checks.matrix import decide
from ..engine.evaluator import Decision, PolicyKind
from ..model.accounts import AccountScope
from ..model.subjects import Subject, subject_for
from ..model.templates import AccountModel, Principal

if TYPE_CHECKING:  # pragma: no cover - type names only
    from ..check import CheckRun

#: Why a role that passes the admin-equivalence probes is an administrator.
ADMIN_BY_ITSELF = "may attach AdministratorAccess, write role policies and create users"
#: Why a CDK bootstrap deploy role is one (AWS CDK Developer Guide, "Bootstrapping").
ADMIN_BY_DEPLOY_ROLE = "CDK bootstrap deploy role: CloudFormation deploys with the cfn-exec role (AdministratorAccess)"


class EntryKind(enum.Enum):
    """Who starts a chain."""

    PERSON = "person"  # an IAM user or an IAM Identity Center user
    FEDERATED = "federated principal"  # identities of a SAML provider
    CI = "CI identity"  # identities of an OIDC provider (web identity)


@dataclass(frozen=True)
class Hop:
    """One step of a chain: the principal reached and the request (or relation) that reaches it."""

    target: str  # a ref (``role:Admin``) or, for a role outside the assembly, its ARN
    how: str


@dataclass(frozen=True)
class AdminChain:
    """``entry`` reaches an administrator through ``hops``; ``admin`` says why the last one is.

    ``declared``: the entry, or a principal on its way, is listed in (or derived from)
    ``access_matrix.admin_principals``; otherwise the checks fail on it.
    """

    entry: str
    kind: EntryKind
    hops: tuple[Hop, ...]
    admin: str
    declared: bool

    @property
    def refs(self) -> tuple[str, ...]:
        """The entry and every target, in order."""
        return (self.entry, *(h.target for h in self.hops))


def analysed_scope(run: CheckRun) -> AccountScope | None:
    """The account scope of the analysed account (its permission sets placed in it), if the run has one."""
    return next((s for s in run.scopes if s.variant is None and s.model.account == run.model.account), None)


def analysed_model(run: CheckRun) -> AccountModel:
    """The analysed account's scope model: it holds the permission sets assigned to the account
    even when the IAM Identity Center stack deploys to another account (``run.model`` does not)."""
    scope = analysed_scope(run)
    return scope.model if scope is not None else run.model


def who_can_reach_admin(run: CheckRun) -> list[AdminChain]:
    """Every person, federated principal and CI identity that reaches an administrator of the
    analysed account, with its shortest chain (see the module). Sorted by kind, then entry."""
    scope = analysed_scope(run)
    model = scope.model if scope is not None else run.model
    config = scope.top_config if scope is not None and scope.top_config is not None else run.config
    search = _Search(model, deploy_roles(scope, config) if scope is not None and config is not None else [])
    declared = admin_refs(model, config) if config is not None else set()
    chains: list[AdminChain] = []
    for user in (p for p in model.principals.values() if p.kind == "user"):
        found = search.from_principal(user)
        if found is not None:
            chains.append(_chain(user.ref, EntryKind.PERSON, found, declared))
    chains += _people(run, model, search, declared)
    chains += _federated(model, search, declared)
    return sorted(chains, key=lambda c: (list(EntryKind).index(c.kind), c.entry))


def _chain(entry: str, kind: EntryKind, found: tuple[tuple[Hop, ...], str], declared: set[str]) -> AdminChain:
    """Declared: the entry or a principal on the way is an admin principal. The administrator
    at the end does not count (reaching it is the question), except the role a federated
    entry assumes first: the identity provider decides who gets that role."""
    hops, why = found
    on_the_way = (entry, *(h.target for h in hops[:-1]))
    if kind is not EntryKind.PERSON:
        on_the_way += (hops[0].target,)
    return AdminChain(entry, kind, hops, why, any(ref in declared for ref in on_the_way))


def _people(run: CheckRun, model: AccountModel, search: _Search, declared: set[str]) -> list[AdminChain]:
    """IAM Identity Center users: person -> group -> permission set (in the analysed account) -> ..."""
    chains = []
    seen: set[str] = set()
    for reach, _verdict in run.people:
        if reach.account != model.account or reach.person in seen:
            continue
        principal = _find(model, f"permission_set:{reach.permission_set}")
        found = search.from_principal(principal) if principal is not None else None
        if found is None:
            continue
        seen.add(reach.person)
        hops = (Hop(reach.via.ref, "member of the group"),) if reach.via else ()
        hops += (Hop(principal.ref, f"account assignment in {reach.account} (AWS access portal sign-in)"),)
        chains.append(_chain(f"identity_center_user:{reach.person}", EntryKind.PERSON, (hops + found[0], found[1]), declared))
    return chains


def _federated(model: AccountModel, search: _Search, declared: set[str]) -> list[AdminChain]:
    """The identities a role's trust policy admits from a SAML or OIDC provider of the assembly.

    The hop states the trust statement's conditions (the claims the identity must bring); the
    analysis graph will decide it with the engines instead.
    """
    chains = []
    for role in sorted((p for p in model.principals.values() if p.kind == "role" and p.trust), key=lambda p: p.ref):
        found = None
        for statement in role.trust.statements:
            if statement.effect != "Allow":
                continue
            for provider in (statement.principals or {}).get("Federated", ()):
                found = found or search.from_principal(role)
                if found is None:
                    break
                oidc = provider in model.oidc_providers or "oidc-provider/" in provider
                action = "sts:AssumeRoleWithWebIdentity" if oidc else "sts:AssumeRoleWithSAML"
                gate = " AND ".join(c.describe() for c in statement.conditions) or "no condition"
                entry = f"federated:{provider.split(':', 5)[-1]}"
                hop = Hop(role.ref, f"{action}, trust policy admits it when {gate}")
                kind = EntryKind.CI if oidc else EntryKind.FEDERATED
                chains.append(_chain(entry, kind, ((hop, *found[0]), found[1]), declared))
    return chains


def _find(model: AccountModel, ref: str) -> Principal | None:
    return next((p for p in model.principals.values() if p.ref == ref), None)


class _Search:
    """Breadth-first over ``sts:AssumeRole`` (trust policy and the caller's policies both allow),
    stopping at the first administrator; results memoized per starting principal."""

    def __init__(self, model: AccountModel, bootstrap: list[str]) -> None:
        self.model = model
        self.bootstrap = bootstrap
        self.roles = sorted((p for p in model.principals.values() if p.kind == "role" and p.trust), key=lambda p: p.ref)
        self.subjects: dict[str, Subject] = {}
        self.admin: dict[str, bool] = {}
        self.found: dict[str, tuple[tuple[Hop, ...], str] | None] = {}

    def subject(self, principal: Principal) -> Subject:
        if principal.arn not in self.subjects:
            self.subjects[principal.arn] = subject_for(self.model, principal, CONTEXT)
        return self.subjects[principal.arn]

    def is_admin(self, principal: Principal) -> bool:
        if principal.arn not in self.admin:
            self.admin[principal.arn] = is_admin_equivalent(self.model, self.subject(principal))
        return self.admin[principal.arn]

    def from_principal(self, start: Principal) -> tuple[tuple[Hop, ...], str] | None:
        """The shortest chain from ``start`` to an administrator: (hops, why), or None."""
        if start.arn not in self.found:
            self.found[start.arn] = self._search(start)
        return self.found[start.arn]

    def _search(self, start: Principal) -> tuple[tuple[Hop, ...], str] | None:
        queue: deque[tuple[Principal, tuple[Hop, ...]]] = deque([(start, ())])
        seen = {start.arn}
        while queue:
            principal, hops = queue.popleft()
            if self.is_admin(principal):
                return hops, ADMIN_BY_ITSELF
            subject = self.subject(principal)
            for arn in self.bootstrap:
                decision = decide(self.model, subject, "sts:AssumeRole", arn)
                if decision.allowed:
                    return (*hops, self._hop(arn, decision)), ADMIN_BY_DEPLOY_ROLE
            for role in self.roles:
                if role.arn in seen:
                    continue
                decision = decide(self.model, subject, "sts:AssumeRole", role.arn)
                if decision.allowed:
                    seen.add(role.arn)
                    queue.append((role, (*hops, *self._group_hop(principal, decision), self._hop(role.ref, decision))))
        return None

    def _hop(self, target: str, decision: Decision) -> Hop:
        allowing = next((r for r in decision.deciding if r.kind is PolicyKind.IDENTITY), None)
        by = f" (allowed by {allowing.policy} {allowing.sid or '#' + str(allowing.index)})" if allowing else ""
        return Hop(target, f"sts:AssumeRole{by}")

    def _group_hop(self, principal: Principal, decision: Decision) -> tuple[Hop, ...]:
        """A user allowed by a group's policy reaches the role as a member of that group: say so."""
        if principal.kind != "user":
            return ()
        policies = {r.policy for r in decision.deciding}
        for name in principal.groups:
            group = _find(self.model, f"group:{name}")
            if group is not None and policies & {p.name for p in group.policies}:
                return (Hop(group.ref, "member of the group"),)
        return ()
