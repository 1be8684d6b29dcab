"""Who can reach admin: people, federated principals and CI identities, with the chain that gets them there.

The report's first section and the red path of its graph. :func:`who_can_reach_admin` is the
one place that computes the chains, all read from the analysis graph (:mod:`..graph`,
``CheckRun.graph``): its shortest chain from a principal of the analysed account to an
administrator (a role or permission set that may attach AdministratorAccess, write role
policies and create users; the CDK bootstrap ``cfn-exec`` role a deploy role hands
CloudFormation, AWS CDK Developer Guide, "Bootstrapping"; what editing one's own policies
yields; ...), every request of it decided by the concrete evaluator.

Entry points (IAM User Guide, "Roles terms and concepts"; IAM Identity Center User Guide,
"Permission sets"):

* people: every IAM user (its groups' policies included: the hop says which group allows it)
  and every IAM Identity Center user (through its group, to the permission sets assigned to
  it in the analysed account);
* federated principals: the identities of a SAML provider that a role's trust policy admits;
* CI identities: the identities of an OIDC provider (``sts:AssumeRoleWithWebIdentity``);
* machine roles (``machine_roles:``) of every scope, the StackSet variants deployed to several
  accounts included: automation and third parties, no MFA by construction (the config refuses
  ``admin`` for them, so any chain of theirs to an administrator is undeclared).

The graph's nodes are principals of the accounts, not identity providers or directory
users: the first hop of a federated or Identity Center chain (which role a provider's
identities may assume and under which conditions, who is assigned which permission set) is
read here from the trust policy and the Identity Center model, and the rest from the graph.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..engine.evaluator import Decision

from ..engine.policy import PolicyKind
from ..graph import AccessGraph, Chain
from ..graph.admin import admin_refs
from ..graph.world import scope_prefix
from ..model.accounts import AccountScope
from ..model.templates import AccountModel, Principal

if TYPE_CHECKING:  # pragma: no cover - type names only
    from ..check import CheckRun


class EntryKind(enum.Enum):
    """Who starts a chain."""

    PERSON = "person"  # an IAM user or an IAM Identity Center user
    FEDERATED = "federated principal"  # identities of a SAML provider
    CI = "CI identity"  # identities of an OIDC provider (web identity)
    MACHINE = "machine role"  # a role of machine_roles: automation or a third party


@dataclass(frozen=True)
class Hop:
    """One step of a chain: the node reached (``node``: a graph node id or an entry ref), its
    label, and the technique (catalogue rule) or relation that reaches it."""

    node: str
    label: str
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
    start: str = ""  # the entry's graph node id (an IAM user's), else the entry itself
    account: str = ""  # the node id prefix (account, or stackset:<variant>) of the scope the chain starts in

    @property
    def nodes(self) -> tuple[str, ...]:
        """The entry's node and every node reached, in order."""
        return (self.start or self.entry, *(h.node for h in self.hops))


@dataclass(frozen=True)
class FederatedTrust:
    """A role's trust policy admits the identities of ``provider`` (an ARN) under ``conditions``."""

    provider: str
    role: Principal
    oidc: bool
    conditions: str

    @property
    def entry(self) -> str:
        """``federated:oidc-provider/token.actions.githubusercontent.com``."""
        return f"federated:{self.provider.split(':', 5)[-1]}"

    @property
    def action(self) -> str:
        return "sts:AssumeRoleWithWebIdentity" if self.oidc else "sts:AssumeRoleWithSAML"


def analysed_scope(run: CheckRun) -> AccountScope | None:
    """The account scope of the analysed account (its permission sets placed in it), if the run has one."""
    return next((s for s in run.scopes if s.variant is None and s.model.account == run.model.account), None)


def analysed_model(run: CheckRun) -> AccountModel:
    """The analysed account's scope model: it holds the permission sets assigned to the account
    even when the IAM Identity Center stack deploys to another account (``run.model`` does not)."""
    scope = analysed_scope(run)
    return scope.model if scope is not None else run.model


def federated_trusts(model: AccountModel) -> list[FederatedTrust]:
    """Every (provider, role) an Allow statement of a trust policy names, with its conditions."""
    found = []
    for role in sorted((p for p in model.principals.values() if p.kind == "role" and p.trust), key=lambda p: p.ref):
        for statement in role.trust.statements:
            if statement.effect != "Allow":
                continue
            for provider in (statement.principals or {}).get("Federated", ()):
                oidc = provider in model.oidc_providers or "oidc-provider/" in provider
                gate = " AND ".join(c.describe() for c in statement.conditions) or "no condition"
                found.append(FederatedTrust(provider, role, oidc, gate))
    return found


def node_id(prefix: str, ref: str) -> str:
    """The graph node id of the principal ``ref`` in the scope whose ids start with ``prefix``
    (its account; ``stackset:<variant>`` for a StackSet member: :func:`..graph.world.scope_prefix`)."""
    return f"{prefix}/{ref}"


def who_can_reach_admin(run: CheckRun) -> list[AdminChain]:
    """Every person, federated principal, CI identity and machine role that reaches an administrator, with its
    shortest chain (see the module): entries of every account scope, the analysed account's
    first; an entry of another scope names it (``user:x (StackSet member Security)``). Sorted
    by scope, kind, then entry. Empty when the run has no graph
    (``access_matrix.escalation_search: false``)."""
    graph = run.graph
    if graph is None:
        return []
    analysed = analysed_model(run)
    declared = {i for i, n in graph.nodes.items() if n.declared_admin}
    if run.config is not None:
        refs = admin_refs(analysed, run.config)
        declared |= {node_id(analysed.account, r) for r in refs} | {r for r in refs if r.startswith("identity_center_")}
    scopes = [(s.label, s.model, scope_prefix(s)) for s in run.scopes if s.model is not analysed]
    machines = {m.name for m in run.config.machine_roles} if run.config is not None else set()
    chains: list[AdminChain] = []
    for label, model, prefix in [("", analysed, analysed.account), *scopes]:
        where = f" ({label})" if label else ""
        for user in sorted((p for p in model.principals.values() if p.kind == "user"), key=lambda p: p.ref):
            chain = graph.shortest_chain(node_id(prefix, user.ref))
            if chain is not None:
                chains.append(_admin_chain(node_id(prefix, user.ref), user.ref + where, EntryKind.PERSON, (), chain, graph,
                                           (model, prefix), declared))
        for trust in federated_trusts(model):
            chain = graph.shortest_chain(node_id(prefix, trust.role.ref))
            if chain is None:
                continue
            first = (Hop(chain.source, trust.role.ref, f"{trust.action}, trust policy admits it when {trust.conditions}"),)
            kind = EntryKind.CI if trust.oidc else EntryKind.FEDERATED
            chains.append(_admin_chain(trust.entry, trust.entry + where, kind, first, chain, graph, (model, prefix), declared))
        for role in sorted((p for p in model.principals.values() if p.kind == "role" and p.name in machines),
                           key=lambda p: p.ref):
            chain = graph.shortest_chain(node_id(prefix, role.ref))
            if chain is not None:
                chains.append(_admin_chain(node_id(prefix, role.ref), role.ref + where, EntryKind.MACHINE, (), chain, graph,
                                           (model, prefix), declared))
    chains += _people(run, graph, declared)
    home = analysed.account
    return sorted(chains, key=lambda c: (c.account != home, c.account, list(EntryKind).index(c.kind), c.entry,
                                         c.hops[0].node if c.hops else ""))


def _people(run: CheckRun, graph: AccessGraph, declared: set[str]) -> list[AdminChain]:
    """IAM Identity Center users: person -> group -> permission set in an account -> the graph's chain.
    One chain per (person, account): the first permission set (by name) that reaches an administrator."""
    models = {s.model.account: s.model for s in run.scopes if s.variant is None}
    models.setdefault(run.model.account, analysed_model(run))
    chains = []
    seen: set[tuple[str, str]] = set()
    for reach, _verdict in run.people:
        model = models.get(reach.account)
        ref = f"identity_center_user:{reach.person}"
        chain = graph.shortest_chain(node_id(reach.account, f"permission_set:{reach.permission_set}")) if model else None
        if chain is None or (ref, reach.account) in seen:
            continue
        seen.add((ref, reach.account))
        first = (Hop(reach.via.ref, reach.via.ref, "member of the group"),) if reach.via else ()
        first += (Hop(chain.source, _label(graph, chain.source), f"account assignment in {reach.account}"),)
        chains.append(_admin_chain(ref, ref, EntryKind.PERSON, first, chain, graph, (model, reach.account), declared))
    return chains


def _label(graph: AccessGraph, node: str) -> str:
    found = graph.nodes.get(node)
    return found.ref or found.label if found is not None else node


def _admin_chain(start: str, entry: str, kind: EntryKind, first: tuple[Hop, ...], chain: Chain, graph: AccessGraph,
                 where: tuple[AccountModel, str], declared: set[str]) -> AdminChain:
    """Declared: the entry or a principal on the way is an admin principal. The administrator
    at the end does not count (reaching it is the question), except the first node a
    federated or Identity Center entry reaches: the identity provider or the directory
    decides who gets that role or permission set."""
    hops = first
    source = start
    for edge in chain.edges:
        hops += _group_hop(where, graph, source, edge.steps[0].decision if edge.steps else None)
        mfa = f" [{edge.mfa.value}]" if edge.mfa is not None else ""  # a hop into a member account
        how = edge.rule + mfa + (f": {edge.note}" if edge.note else "") + _allowed_by(edge.steps[0].decision if edge.steps else None)
        hops += (Hop(edge.target, _label(graph, edge.target), how),)
        source = edge.target
    on_the_way = {start, entry, *(h.node for h in hops[:-1])}
    if first:
        on_the_way.add(first[-1].node)
    why = chain.why_admin or "administrator"
    return AdminChain(entry, kind, hops, why, bool(on_the_way & declared), start, where[1])


def _allowed_by(decision: Decision | None) -> str:
    allowing = next((r for r in decision.deciding if r.kind is PolicyKind.IDENTITY), None) if decision else None
    return f" (allowed by {allowing.policy} {allowing.sid or '#' + str(allowing.index)})" if allowing else ""


def _group_hop(where: tuple[AccountModel, str], graph: AccessGraph, source: str, decision: Decision | None) -> tuple[Hop, ...]:
    """A user allowed by a group's policy acts as a member of that group: say so. ``where``: the
    scope's model and node id prefix."""
    model, prefix = where
    node = graph.nodes.get(source)
    if decision is None or node is None or node.ref is None or not node.ref.startswith("user:"):
        return ()
    user = next((p for p in model.principals.values() if p.ref == node.ref), None)
    policies = {r.policy for r in decision.deciding}
    for name in user.groups if user is not None else ():
        group = next((p for p in model.principals.values() if p.ref == f"group:{name}"), None)
        if group is not None and policies & {p.name for p in group.policies}:
            return (Hop(node_id(prefix, group.ref), group.ref, "member of the group"),)
    return ()
