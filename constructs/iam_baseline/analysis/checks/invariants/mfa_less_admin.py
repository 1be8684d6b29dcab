"""INV-NO-MFA-LESS-ADMIN: no path without MFA reaches an administrator.

The ways in without MFA: a machine role (``machine_roles:``), a role an OIDC provider's
workloads assume (``AssumeRoleWithWebIdentity``), a role AWS services assume (service roles,
compute execution roles), and a hop from the identity account that its trust admits without
MFA (an edge whose :class:`~...graph.nodes.HopMfa` is "without MFA"). AWS carries no MFA
context for any of them (engine/context_rules.py), and the graph decides their requests so
(``aws:MultiFactorAuthPresent`` false). IAM users' long-term access keys are the other way in
without MFA; INV-NO-MFA-SELF-SERVICE-ONLY proves they do nothing but self-service. A SAML
session is federated sign-in, MFA (if any) at the identity provider: not a way in without MFA.

Decided over the analysis graph (as INV-ONLY-ADMINS-ADMIN): from each such entry of the scope no
chain reaches an admin-equivalent node. An entry that is itself a declared administrator (an
OIDC deploy role the config lets deploy with the CDK bootstrap roles) is the config's decision
and passes, saying so; a declared administrator role reached by a hop without MFA fails. The counterexample is the chain's first request; the note prints it.
"""

from __future__ import annotations

from ....config.models import BaselineConfig
from ...engine.context_rules import SessionOrigin
from ...engine.evaluator import evaluate
from ...engine.request import Request
from ...graph.admin import admin_probes
from ...graph.nodes import PRINCIPAL_KINDS, HopMfa, NodeKind
from ...graph.shared import graph_for
from ...model.accounts import AccountScope
from .base import Counterexample, Finding, Invariant, NotProven, Proven

#: Why an entry is one when a hop reaches it without MFA (never the config's decision).
HOP_WITHOUT_MFA = "reached without MFA"

#: Session origins that are ways in without MFA (SAML is sign-in at the identity provider).
MFA_LESS = frozenset({SessionOrigin.ASSUME_ROLE_WITHOUT_MFA, SessionOrigin.WEB_IDENTITY})


def entries(graph, scope: AccountScope) -> dict[str, str]:
    """Node id -> why it is a way in without MFA, for the nodes of ``scope``."""
    out = {}
    for node in graph.nodes.values():
        if node.scope != scope.label or node.kind is not NodeKind.ROLE:
            continue
        origin = graph.world.subject_of[node.id].principal.session_origin
        if origin in MFA_LESS:
            out[node.id] = ("an OIDC workload's role" if origin is SessionOrigin.WEB_IDENTITY
                            else "a machine or service role (no MFA)")
    for edge in graph.edges:
        if edge.mfa is HopMfa.NONE and graph.nodes[edge.target].scope == scope.label:
            out.setdefault(edge.target, f"{HOP_WITHOUT_MFA} from {graph.nodes[edge.source].label}")
    return out


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    """One finding per way in without MFA of ``scope``."""
    graph = graph_for(scope, scope.top_config or config)
    labels = graph.labels()
    findings = []
    for node_id, why in sorted(entries(graph, scope).items()):
        node = graph.nodes[node_id]
        subject = f"{node.ref or node.label} ({why})"
        if node.declared_admin and not why.startswith(HOP_WITHOUT_MFA):
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
    return findings


INVARIANT = Invariant(
    id="INV-NO-MFA-LESS-ADMIN",
    promise="no way in without MFA (machine role, OIDC workload, service role, a hop its trust admits without MFA) "
    "reaches an administrator; SAML sign-in counts as a sign-in at the identity provider (no MFA seen by AWS)",
    rule="IAM User Guide, 'AWS global condition context keys' > aws:MultiFactorAuthPresent; 'Configuring "
    "MFA-protected API access'; RULES.md (the techniques of the graph)",
    check=check,
)
