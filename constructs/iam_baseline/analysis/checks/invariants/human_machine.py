"""INV-HUMAN-NO-MACHINE-ROLE: no person reaches a machine or service role unless the config grants it.

Machine roles (``machine_roles:``) are for automation and third parties, service roles
(``service_roles:``) for AWS services; a person who can act as one holds its permissions
outside the persona model and, for a machine role, without MFA. Decided over the analysis graph
(:mod:`...graph`, every technique of the catalogue, each request decided by the concrete
evaluator, z3 for conditioned Allows; the graph ``make check`` built over every scope, so a hop
from the identity account counts): from every person of the scope (IAM users, groups, permission
sets and roles people assume: not machine, service or OIDC roles, nor the config's
administrators, who may do everything by design) no chain reaches a machine or service role of
any scope, except the grants of the config:

* passing a service role (``iam:PassRole`` with ``iam:PassedToService``) by a persona its
  ``passed_by`` names (IAM User Guide, "Grant a user permissions to pass a role to an AWS
  service"; INV-SERVICE-ROLE-PASS proves it goes to that service only), or running commands on
  compute that holds it (nothing more than passing it to new compute): reached by that
  persona's role, or by a person who assumes that role (role trust edges only) first;
* a machine role's declared automation principal (``aws:PrincipalArn``).

The counterexample is the chain's first request (replayed allowed); the note prints the chain.
"""

from __future__ import annotations

from ....config.models import BaselineConfig
from ....config.personas import persona_views
from ...engine.context_rules import SessionOrigin
from ...graph.nodes import PRINCIPAL_KINDS, Family, Node, NodeKind
from ...graph.shared import graph_for
from ...model.accounts import AccountScope
from .base import Counterexample, Finding, Invariant, NotProven, Proven


def _config_of(graph, node: Node, config: BaselineConfig) -> BaselineConfig:
    scope = graph.world.scope_of[node.id]
    return scope.config or scope.top_config or config


def machine_and_service_roles(graph, config: BaselineConfig) -> dict[str, str]:
    """Node id -> ``machine role`` / ``service role`` for every such role of every scope."""
    out = {}
    for node in graph.nodes.values():
        if node.kind is not NodeKind.ROLE:
            continue
        own = _config_of(graph, node, config)
        name = graph.world.principal_of[node.id].name
        if any(m.name == name for m in own.machine_roles):
            out[node.id] = "machine role"
        elif any(s.name == name for s in own.service_roles):
            out[node.id] = "service role"
    return out


def is_person(graph, node: Node) -> bool:
    """A principal people use: not a role only services, machines or OIDC workloads assume."""
    if node.kind not in PRINCIPAL_KINDS:
        return False
    origin = graph.world.subject_of[node.id].principal.session_origin
    return origin is None or origin.carries_mfa or origin is SessionOrigin.SAML


def granted(graph, config: BaselineConfig, person: Node, target: Node, first_family: Family) -> bool:
    """The config grants ``person`` the way to ``target`` (module docstring)."""
    own = _config_of(graph, target, config)
    name = graph.world.principal_of[target.id].name
    for machine in own.machine_roles:
        if machine.name == name:
            return person.arn is not None and machine.principal_arn == person.arn
    views = persona_views(own)
    for service_role in own.service_roles:
        if service_role.name == name and first_family in (Family.PASS_ROLE, Family.EXISTING_COMPUTE):
            passers = {views[p].role.name for p in service_role.passed_by if p in views}
            return person.kind is NodeKind.ROLE and graph.world.principal_of[person.id].name in passers
    return False


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    """One finding per person of ``scope`` who is not an administrator."""
    top = scope.top_config or config
    graph = graph_for(scope, top)
    targets = machine_and_service_roles(graph, config)
    if not targets:
        return []
    labels = graph.labels()
    findings = []
    for node in sorted(graph.nodes.values(), key=lambda n: n.ref or ""):
        if node.scope != scope.label or not is_person(graph, node) or node.declared_admin or node.id in graph.admins:
            continue
        verdict = None
        for target_id in sorted(targets):
            chain = graph.shortest_chain(node.id, {target_id})
            if chain is None or not chain.edges:
                continue
            *ways, last = chain.edges
            # The persona's own role, or a person who becomes it by assuming it, uses the grant.
            if all(e.family is Family.ROLE_TRUST for e in ways) and granted(
                graph, config, graph.nodes[last.source], graph.nodes[target_id], last.family
            ):
                continue
            first = next((e for e in chain.edges if e.steps), None)
            if first is None:
                verdict = NotProven(f"reaches {targets[target_id]} {labels[target_id]} by structural edges only: "
                                    f"{chain.describe(labels)}")
                break
            verdict = Counterexample(first.steps[0].request, first.steps[0].decision,
                                     f"reaches {targets[target_id]} {labels[target_id]} without a grant of the config: "
                                     f"{chain.describe(labels)}")
            break
        if verdict is None:
            undecided = [u for u in graph.undecided if u[0] == node.id]
            verdict = NotProven(f"'{undecided[0][1]}' towards {undecided[0][2]} is undecided: {undecided[0][3]}") \
                if undecided else Proven(f"no chain of the analysis graph reaches one of the {len(targets)} machine "
                                         "and service roles but the config's grants")
        findings.append(Finding(node.ref or node.id, verdict))
    return findings


INVARIANT = Invariant(
    id="INV-HUMAN-NO-MACHINE-ROLE",
    promise="no person (user, group, permission set, persona or SAML role) reaches a machine or service role unless "
    "the config grants it (passed_by for a service role, the declared automation principal for a machine role); "
    "administrators excepted",
    rule="IAM User Guide, 'Grant a user permissions to pass a role to an AWS service'; 'Switch to an IAM role'; "
    "'Access to AWS accounts owned by third parties'; RULES.md (the techniques of the graph)",
    check=check,
)
