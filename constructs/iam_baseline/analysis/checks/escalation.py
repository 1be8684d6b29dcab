"""The privilege-escalation check, read from the analysis graph (:mod:`..graph`).

One result per (principal that is not a declared administrator, rule of the catalogue that
applies to it): failed when an edge of that rule leaves the principal towards

* a node from which an administrator is reachable (the message prints the whole chain, every
  request of it allowed by the concrete evaluator), or
* a principal stronger than itself (:mod:`..graph.strength`: some request allowed for the
  target and not for the source, decided by the z3 engine); passing or reaching an equal or
  weaker role is not escalation. Assuming a role its trust policy admits is the access the
  matrix rows judge, so ``assume-role`` edges count only when they lead to an administrator.

An undecided strength or edge ("unknown", a timeout or a construct the engine does not model)
fails as "not proven", never passes.

A failure names the principal's account (with its config name; a StackSet template's own
account is shown as one of its member accounts, as the invariants' counterexamples are) and,
per escalating edge, every request of the technique in order (``iam:PassRole`` on the role with
``iam:PassedToService``, then the service action that uses it) with every statement that
allowed it, of every policy type (SCPs, permissions boundary, identity-based policies).
"""

from __future__ import annotations

from ..graph.admin import is_admin_equivalent  # noqa: F401 - the admin predicate, kept importable here
from ..graph.graph import AccessGraph
from ..graph.nodes import PRINCIPAL_KINDS, Chain, Edge, Node, NodeKind
from ..graph.rules import RULES
from ..graph.strength import stronger
from ..graph.world import SEARCH_CONTEXT  # noqa: F401 - the search's request context
from ..engine.evaluator import Decision
from ..model.actions import catalog
from ..model.subjects import Subject
from .invariants.base import AccountNames
from .matrix import CheckResult

#: Rules whose edges are the intended access the matrix judges (escalation only towards an admin);
#: the identity account's hops are the config's ``reach`` (the derived invariants judge their MFA).
INTENDED = frozenset({"assume-role", "assume-member-role"})


def _label(graph: AccessGraph, node: Node, main_account: str | None) -> str:
    return node.label if main_account in (None, node.account) else f"{node.scope} {node.label}"


def _held(graph: AccessGraph, node_id: str) -> list[Subject]:
    """The callers whose permissions reaching ``node_id`` gives (a compute node: its roles)."""
    node = graph.nodes[node_id]
    if node.kind in PRINCIPAL_KINDS:
        return [graph.world.subject_of[node_id]]
    if node.kind in (NodeKind.COMPUTE, NodeKind.UNSEEN_COMPUTE):
        return [s for e in graph.edges_from(node_id) for s in _held(graph, e.target)]
    return []


def _verdict(graph: AccessGraph, source: Node, edge: Edge, chains: dict[str, Chain | None]) -> tuple[bool | None, str]:
    """(escalates, why) of one edge: True escalates, False does not, None undecided."""
    if edge.target not in chains:
        chains[edge.target] = graph.shortest_chain(edge.target)
    rest = chains[edge.target]
    if rest is not None:
        whole = Chain(source.id, rest.target, (edge, *rest.edges), rest.why_admin)
        return True, f"reaches an administrator: {whole.describe(graph.labels())} ({rest.why_admin})"
    if edge.rule in INTENDED:
        return False, ""
    mine = graph.world.subject_of[source.id]
    undecided = False
    for held in _held(graph, edge.target):
        verdict = stronger(held, mine)
        if verdict:
            return True, f"obtains {held.label}, which may do more than {mine.label}"
        undecided |= verdict is None
    if undecided:
        return None, f"not proven that {graph.nodes[edge.target].label} is no stronger than {mine.label}"
    return False, ""


def allowed_by(decision: Decision) -> str:
    """Every statement that allowed ``decision``, each once (:meth:`~..engine.evaluator.Decision.statements`)."""
    return decision.statements() or decision.reason


def _key_name(action: str, key: str) -> str:
    """A condition key as AWS spells it for ``action`` (the request stores keys lower-case)."""
    info = catalog().get(action)
    return next((k for k in (info.condition_keys if info else ()) if k.lower() == key), key)


def edge_requests(edge: Edge) -> str:
    """``(1) principal ... iam:PassRole on <role> with iam:PassedToService=<service> ALLOWED by
    [...]; (2) ec2:RunInstances on ...``: the requests of one edge, the caller named once, with
    the keys the technique sets (the search's own session keys, MFA present and fresh, left out)."""
    parts = []
    for number, step in enumerate(edge.steps, 1):
        request = step.request
        keys = ", ".join(f"{_key_name(request.action, k)}={v}" for k, v in sorted(request.context.items())
                         if not k.startswith("aws:"))
        who = f"principal {request.principal.arn} ({request.principal.kind}) " if number == 1 else ""
        parts.append(f"({number}) {who}{request.action} on {request.resource}" + (f" with {keys}" if keys else "")
                     + f" ALLOWED by [{allowed_by(step.decision)}]")
    return "; ".join(parts)


def escalation_results(graph: AccessGraph, main_account: str | None = None) -> list[CheckResult]:
    """One :class:`CheckResult` per (non-admin principal, applicable rule), ``escalation:<rule>``."""
    results: list[CheckResult] = []
    chains: dict[str, Chain | None] = {}
    for node in sorted(graph.nodes.values(), key=lambda n: n.id):
        if node.kind not in PRINCIPAL_KINDS or node.declared_admin:
            continue
        label = _label(graph, node, main_account)
        names = AccountNames.of(graph.world.scope_of[node.id], graph.world.config)
        edges = graph.edges_from(node.id)
        for rule in RULES:
            if rule.attempts is None or node.kind not in rule.sources:
                continue
            failures, request, decision = [], None, None
            for edge in (e for e in edges if e.rule == rule.id):
                escalates, why = _verdict(graph, node, edge, chains)
                if escalates is False:
                    continue
                failures.append(f"{why}; requests: {edge_requests(edge)}" if escalates and edge.steps else why)
                if request is None and edge.steps:
                    request, decision = edge.steps[0].request, edge.steps[0].decision
            failures += [f"not proven: '{rule.id}' towards {graph.nodes[t].label if t in graph.nodes else t} is "
                         f"undecided ({why})" for source, rule_id, t, why in graph.undecided
                         if source == node.id and rule_id == rule.id]
            passed = not failures
            message = (f"{label}: '{rule.id}' not reachable" if passed else names.show(
                f"{label} (account {names.label_of(node.account)}): privilege escalation '{rule.id}' is reachable: "
                + " | ".join(failures)))
            results.append(CheckResult(f"escalation:{rule.id}", label, rule.title, passed, message, decision, request))
    return results
