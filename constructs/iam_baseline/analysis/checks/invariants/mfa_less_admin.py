"""INV-NO-MFA-LESS-ADMIN: no path without MFA reaches an administrator.

The ways in without MFA: a machine role (``machine_roles:``), a role an OIDC provider's
workloads assume (``AssumeRoleWithWebIdentity``), a role AWS services assume (service roles,
compute execution roles), and a hop from the identity account that its trust admits without
MFA (an edge whose :class:`~...graph.nodes.HopMfa` is "without MFA"). AWS carries no MFA
context for any of them (engine/context_rules.py), and the graph decides their requests so
(``aws:MultiFactorAuthPresent`` false). IAM users' long-term access keys are the other way in
without MFA: every IAM user (and every group, standing for a future member) is a subject too,
its requests made with the MFA keys absent, as a request signed with an access key carries
them (IAM User Guide, "AWS global condition context keys" > aws:MultiFactorAuthPresent: "not
present ... when the principal uses long-term credentials"). INV-NO-MFA-SELF-SERVICE-ONLY
proves such a user does nothing but self-service; this one proves no chain of the graph from
it reaches an administrator without MFA, whatever its policies (:func:`long_term_key_findings`).
A SAML session is federated sign-in, MFA (if any) at the identity provider, which AWS does not
see: a SAML role is a way in without MFA unless every provider its trust policy names declares
MFA at the identity provider (``federation.saml.providers[i].mfa_at_identity_provider`` with its
reason, :mod:`.saml_mfa`); an undeclared one is an entry, and so is a role it hops to (its edge
is "sign-in at the identity provider"), each failing when it is or reaches an administrator,
a declared one (``persona:admin``) included. Machine roles are entries in every scope, StackSet variants of several accounts
included (their cross-account hops: the graph rule ``assume-member-role``).

Decided over the analysis graph (as INV-ONLY-ADMINS-ADMIN): from each such entry of the scope no
chain reaches an admin-equivalent node. An entry that is itself a declared administrator (an
OIDC deploy role the config lets deploy with the CDK bootstrap roles) is the config's decision
and passes, saying so; a declared administrator role reached by a hop without MFA fails. The counterexample is the chain's first request; the note prints it.
"""

from __future__ import annotations

from ....config.models import BaselineConfig
from ...engine.context_rules import MFA_AGE, MFA_PRESENT, SessionOrigin
from ...engine.evaluator import evaluate
from ...engine.request import Request
from ...graph.admin import admin_probes
from ...graph.build import decide_request
from ...graph.nodes import PRINCIPAL_KINDS, HopMfa, NodeKind
from ...graph.shared import graph_for
from ...model.accounts import AccountScope
from ...model.stack_reader import PLACEHOLDER_ACCOUNT
from .base import Counterexample, Finding, Invariant, NotProven, Proven
from .saml_mfa import saml_mfa

#: Why an entry is one when a hop reaches it without MFA (never the config's decision).
HOP_WITHOUT_MFA = "reached without MFA"

#: Why a SAML role is an entry (its providers do not all declare MFA at the identity provider).
SAML_WITHOUT_MFA = "a SAML role without a declared exception"

#: Session origins that are ways in without MFA (SAML is sign-in at the identity provider).
MFA_LESS = frozenset({SessionOrigin.ASSUME_ROLE_WITHOUT_MFA, SessionOrigin.WEB_IDENTITY})


def undeclared_saml_roles(graph, config: BaselineConfig | None) -> dict[str, str]:
    """Node id -> why, for every SAML role of the graph (all scopes) some provider of which (as its
    trust policy names them) declares no ``mfa_at_identity_provider`` in ``config``."""
    out = {}
    for node in graph.nodes.values():
        if node.kind is NodeKind.ROLE and graph.world.subject_of[node.id].principal.session_origin is SessionOrigin.SAML:
            principal = graph.world.principal_of[node.id]
            found = saml_mfa(config, principal.name, principal.trust)
            if not found.declared:
                out[node.id] = found.describe()
    return out


def hops_without_mfa(graph, scope: AccountScope, undeclared: dict[str, str]) -> dict[str, object]:
    """Node id of ``scope`` -> the first edge reaching it without MFA: a hop its trust admits
    without MFA, or one from a SAML role of ``undeclared``."""
    out: dict[str, object] = {}
    for edge in sorted(graph.edges, key=lambda e: (e.target, e.source)):
        if graph.nodes[edge.target].scope == scope.label and (
                edge.mfa is HopMfa.NONE or (edge.mfa is HopMfa.IDENTITY_PROVIDER and edge.source in undeclared)):
            out.setdefault(edge.target, edge)
    return out


def entries(graph, scope: AccountScope, config: BaselineConfig | None = None) -> dict[str, str]:
    """Node id -> why it is a way in without MFA, for the nodes of ``scope`` (``config``: the
    top-level config, whose ``federation.saml.providers`` declare MFA at the identity provider)."""
    undeclared = undeclared_saml_roles(graph, config)
    out = {}
    for node in graph.nodes.values():
        if node.scope != scope.label or node.kind is not NodeKind.ROLE:
            continue
        origin = graph.world.subject_of[node.id].principal.session_origin
        if origin in MFA_LESS:
            out[node.id] = ("an OIDC workload's role" if origin is SessionOrigin.WEB_IDENTITY
                            else "a machine or service role (no MFA)")
        elif node.id in undeclared:
            out[node.id] = f"{SAML_WITHOUT_MFA}: {undeclared[node.id]}"
    for target, edge in hops_without_mfa(graph, scope, undeclared).items():
        source = graph.nodes[edge.source].label
        out.setdefault(target, f"{HOP_WITHOUT_MFA} from {source}" + (f" ({undeclared[edge.source]})"
                                                                      if edge.source in undeclared else ""))
    return out


def _account(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 else ""


def _in_hop_account(graph, chain, labels: dict[str, str], scope_label: str, hop_resource: str) -> dict[str, str]:
    """The chain's labels with a StackSet template's placeholder account read as the account the
    hop's request entered (its member role's account): the nodes after the hop, in the same
    template, are in that account. Left to AccountNames, the placeholder would be shown as a
    member account the line does not name yet, another one."""
    account = _account(hop_resource)
    return {i: (labels.get(i, i).replace(PLACEHOLDER_ACCOUNT, account) if account and graph.nodes[i].scope == scope_label
                else labels.get(i, i)) for i in chain.node_ids}


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    """One finding per way in without MFA of ``scope``."""
    top = scope.top_config or config
    graph = graph_for(scope, top)
    labels = graph.labels()
    findings = []
    hops = hops_without_mfa(graph, scope, undeclared_saml_roles(graph, top))
    for node_id, why in sorted(entries(graph, scope, top).items()):
        node = graph.nodes[node_id]
        subject = f"{node.ref or node.label} ({why})"
        if node.declared_admin and not why.startswith((HOP_WITHOUT_MFA, SAML_WITHOUT_MFA)):
            findings.append(Finding(subject, Proven("a declared administrator of the config (access_matrix, OIDC deploy "
                                                    "role): its way in without MFA is the config's decision")))
            continue
        chain = graph.shortest_chain(node_id)
        if chain is None:
            undecided = [u for u in graph.undecided if u[0] == node_id]
            findings.append(Finding(subject, NotProven(f"'{undecided[0][1]}' is undecided: {undecided[0][3]}") if undecided
                                    else Proven(f"no chain of the analysis graph reaches one of {len(graph.admins)} "
                                                "administrators")))
            continue
        first = _hop_request(graph, hops.get(node_id)) if why.startswith(HOP_WITHOUT_MFA) else None
        if first is not None:
            # Reached by a hop without MFA: that hop's request (as made without MFA) is the chain's first one.
            hop = hops[node_id]
            here = _in_hop_account(graph, chain, labels, graph.nodes[hop.target].scope, first[0].resource)
            path = f"{labels.get(hop.source, hop.source)} -[{hop.rule}]-> {chain.describe(here)}"
            why_admin = chain.why_admin.replace(PLACEHOLDER_ACCOUNT, _account(first[0].resource))
            findings.append(Finding(subject, Counterexample(*first, f"reaches an administrator without MFA: {path}; "
                                                            f"{why_admin}")))
            continue
        if not chain.edges and node.kind in PRINCIPAL_KINDS:
            # Itself an administrator: the first admin probe is the counterexample.
            held = graph.world.subject_of[node_id]
            action, resource, extra = admin_probes(graph.world.model(node))[0]
            request = Request(held.principal, action, resource, dict(held.context) | extra)
            decision = evaluate(request, identity=held.identity, boundary=held.boundary,
                                scps=graph.world.scope_of[node_id].scps)
            findings.append(Finding(subject, Counterexample(request, decision, "is itself an administrator without MFA: "
                                                            + chain.why_admin)))
            continue
        first = next((e for e in chain.edges if e.steps), None)
        if first is None:
            findings.append(Finding(subject, NotProven(f"is or reaches an administrator ({chain.why_admin}) by "
                                                       f"structural edges: {chain.describe(labels)}")))
            continue
        findings.append(Finding(subject, Counterexample(first.steps[0].request, first.steps[0].decision,
                                                        f"reaches an administrator without MFA: {chain.describe(labels)}; "
                                                        f"{chain.why_admin}")))
    return findings + long_term_key_findings(graph, scope)


def _hop_request(graph, hop):
    """(request, decision) of ``hop``'s first step as made without MFA, or None: a SAML
    session's request is so already; a hop its trust admits without MFA is decided again with
    the MFA keys absent (the graph decided it with MFA)."""
    if hop is None or not hop.steps:
        return None
    if hop.mfa is HopMfa.IDENTITY_PROVIDER:
        return hop.steps[0].request, hop.steps[0].decision
    decided, denied = _replayed(graph, (hop,))
    return decided[0] if denied is None and decided else None


#: What a request signed with a long-term access key lacks (the MFA keys are absent).
KEYS = "long-term access keys, no MFA"


def _without_mfa(request: Request) -> Request:
    context = {k: v for k, v in request.context.items() if k.lower() not in (MFA_PRESENT, MFA_AGE)}
    return Request(request.principal, request.action, request.resource, context)


def _replayed(graph, edges) -> tuple[list, int | None]:
    """Every request of ``edges`` decided again with the MFA keys absent: (the decisions, the
    index of the first edge one of whose requests is then denied, or None)."""
    decided = []
    for index, edge in enumerate(edges):
        for step in edge.steps:
            request = _without_mfa(step.request)
            decision = decide_request(graph.world, graph.nodes[edge.source], request)
            if not decision.allowed:
                return decided, index
            decided.append((request, decision))
    return decided, None


def long_term_key_findings(graph, scope: AccountScope) -> list[Finding]:
    """One finding per IAM user and group of ``scope`` acting with long-term access keys.

    Admin-equivalent itself: the admin probes with the MFA keys absent (a counterexample when
    allowed). Else every edge of the graph from it whose requests are still allowed without MFA
    leads somewhere; when that somewhere reaches an administrator, the whole chain is replayed
    without MFA: allowed at every step, a counterexample (its first request); denied at a later
    step, not proven (that chain needs MFA further on, another might not). Edges are decided
    with MFA first: a request allowed without MFA and denied with it is not looked for (no
    policy of the baseline grants more without MFA).
    """
    findings = []
    for node in sorted(graph.nodes.values(), key=lambda n: n.id):
        if node.scope != scope.label or node.kind not in (NodeKind.USER, NodeKind.GROUP):
            continue
        subject = f"{node.ref or node.label} ({KEYS})"
        if node.id in graph.admins:
            held = graph.world.subject_of[node.id]
            context = _without_mfa(Request(held.principal, "", "", dict(held.context))).context
            probes = [Request(held.principal, action, resource, dict(context) | extra)
                      for action, resource, extra in admin_probes(graph.world.model(node))]
            decisions = [evaluate(r, identity=held.identity, boundary=held.boundary, scps=graph.world.scope_of[node.id].scps)
                         for r in probes]
            if all(d.allowed for d in decisions):
                findings.append(Finding(subject, Counterexample(probes[0], decisions[0], "is itself an administrator with "
                                                                "long-term access keys (no MFA)")))
                continue
        undecided = [u for u in graph.undecided if u[0] == node.id]
        if undecided:
            findings.append(Finding(subject, NotProven(f"'{undecided[0][1]}' is undecided: {undecided[0][3]}")))
            continue
        verdict = None
        for edge in graph.edges_from(node.id):
            if not edge.steps or _replayed(graph, (edge,))[1] is not None:
                continue  # needs MFA
            chain = graph.shortest_chain(edge.target)
            if chain is None:
                continue
            decided, denied = _replayed(graph, (edge, *chain.edges))
            described = f"{node.ref or node.label} -[{edge.rule}]-> {chain.describe(graph.labels())}"
            if denied is None:
                verdict = Counterexample(decided[0][0], decided[0][1], f"reaches an administrator with long-term access "
                                         f"keys (no MFA): {described}; {chain.why_admin}")
                break
            verdict = verdict or NotProven(f"reaches {graph.nodes[edge.target].label} without MFA, and from there an "
                                           f"administrator only with MFA along the shortest chain ({described}); other "
                                           "chains are not replayed without MFA")
        findings.append(Finding(subject, verdict or Proven(
            "with the MFA keys absent no edge of the analysis graph from it leads to an administrator")))
    return findings


INVARIANT = Invariant(
    id="INV-NO-MFA-LESS-ADMIN",
    promise="no way in without MFA (machine role, OIDC workload, service role, a hop its trust admits without MFA, "
    "an IAM user's long-term access keys, a SAML role some provider of which declares no mfa_at_identity_provider) "
    "reaches an administrator; a SAML role whose providers all declare it counts as a sign-in at the identity "
    "provider with MFA (its reason in the report; no MFA seen by AWS)",
    rule="IAM User Guide, 'AWS global condition context keys' > aws:MultiFactorAuthPresent; 'Configuring "
    "MFA-protected API access'; RULES.md (the techniques of the graph)",
    check=check,
)
