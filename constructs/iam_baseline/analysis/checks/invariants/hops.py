"""INV-HOPS-DECLARED: every hop into a member account's persona role is a hop of the config's hop list.

With ``organization.identity_account`` (issue 17) the config declares every hop, one pure
function of it (``config/hub.py`` ``hub_hops``): persona P's role in member account M may be
assumed by P's users (IAM users whose groups name P) and P's SAML roles of the identity
account, in the accounts P's ``reach`` names, and by nobody else. INV-TRUST-DECLARED-WAYS only
proves that a caller brings MFA from a declared account, and INV-ONLY-ADMINS-ADMIN only judges
hops that end at an administrator; this invariant judges *who* reaches *which* persona role
*where*. Decided per persona role of a member account scope (a StackSet template, or the
identity account's own stack):

1. **Both halves** (the analysis graph, :mod:`...graph`): every ``assume-member-role`` edge
   (and ``assume-role`` within an account) into the role, in each member account the graph
   decided it for (:attr:`~...graph.nodes.Edge.accounts`: the caller's identity-based policies
   and the role's trust policy both allow, the concrete evaluator deciding each account), comes
   from a principal the hop list names for P in that account. Counterexample: the caller's
   request in an account where it is undeclared, with the statements of both halves.
2. **The member half alone** (z3, as INV-TRUST-DECLARED-WAYS asks): no IAM user or role session
   of any account outside P's declared principals is admitted by the role's trust policy, with
   the caller's side at its widest (an allow-everything identity-based policy: the identity
   account's administrators could grant the other half at any time). The users and roles the
   trust names are asked as concrete callers first, so a counterexample names them.
3. **The converse**: every hop of the list is an edge of the graph in its account. A declared
   hop that one half refuses is :class:`~.base.Refused`, with the denied request.

The hop list is the one of the run (:attr:`~...model.accounts.AccountScope.reach`, computed once
by the caller). Source: IAM User Guide, "Cross-account policy evaluation logic" (both the
caller's identity-based policy and the role's trust policy must allow); "IAM JSON policy
elements: Principal" (``aws:PrincipalArn`` beside an account principal).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ....config.hub import PersonaReach, identity_account_id, member_role
from ....config.models import BaselineConfig
from ....config.personas import persona_views
from ...engine.evaluator import Decision, Outcome
from ...engine.policy import Policy
from ...engine.request import Request
from ...engine.space import PrincipalKind, PrincipalSpace
from ...graph.build import decide_request
from ...graph.shared import graph_for
from ...graph.world import scope_prefix
from ...model.accounts import AccountScope
from ...model.templates import Principal
from .declared import hop_list
from .base import AccountNames, Counterexample, Finding, Invariant, NotProven, Proven, Refused
from .callers import ask_own_side, own_side
from .solver import first_finding
from .ways import named_callers, space

#: The caller's side of the member-half question: whatever the caller's own policies may come
#: to allow (the identity account's administrators grant that half).
OTHER_HALF = Policy.from_document("assumed: the caller's own policies grant the other half", {
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})

#: The graph's rules of a role assumption (graph/rules/role_trust.py).
HOP_RULES = frozenset({"assume-member-role", "assume-role"})


def persona_roles(scope: AccountScope, config: BaselineConfig) -> dict[str, str]:
    """Role name -> persona key of the persona roles in ``scope``'s member accounts (a variant
    may rename a built-in persona's role; every account of a scope has the same variant)."""
    if not scope.member_accounts or identity_account_id(config) is None:
        return {}
    first = scope.member_accounts[0]
    return {member_role(config, first, key).name: key for key in persona_views(config)}


def _declared(reach: Mapping[str, PersonaReach], persona: str, accounts) -> dict[str, frozenset[str]]:
    """Member account -> the principal ARNs the hop list lets assume ``persona``'s role there."""
    found = reach.get(persona)
    if found is None:
        return {a: frozenset() for a in accounts}
    reached = set(found.accounts)
    principals = frozenset((*found.users, *found.saml_roles))
    return {a: principals if a in reached else frozenset() for a in accounts}


def _in_account(request: Request, shown: str, account: str) -> Request:
    return Request(request.principal, request.action, request.resource.replace(f":{shown}:", f":{account}:", 1),
                   request.context)


def _listed(names: AccountNames, accounts: list[str]) -> str:
    shown = ", ".join(names.label_of(a) for a in accounts[:4])
    return shown + (f" and {len(accounts) - 4} more" if len(accounts) > 4 else "")


def _graph_over_every_scope(config: BaselineConfig) -> str:
    """What builds the graph over every scope (the escalation search), naming the config key
    that turns it on when the config turns it off."""
    if config.access_matrix is not None and not config.access_matrix.escalation_search:
        return ("access_matrix.escalation_search is false in this config, and only the escalation search builds the "
                "one graph over every scope; set access_matrix.escalation_search: true to prove this invariant")
    return "make check builds one graph over every scope when access_matrix.escalation_search is true"


def check_role(scope: AccountScope, config: BaselineConfig, role: Principal, persona: str,
               reach: Mapping[str, PersonaReach]) -> Finding:
    """The verdict on one persona role of ``scope`` (module docstring)."""
    top = scope.top_config or config
    names = AccountNames.of(scope, top)
    accounts = tuple(scope.member_accounts)
    declared = _declared(reach, persona, accounts)
    subject = f"{role.ref} (persona {persona})"
    graph = graph_for(scope, top)
    world = graph.world
    identity = identity_account_id(top)
    if not any(s.model.account == identity or tuple(s.member_accounts) == (identity,) for s in world.scopes):
        return Finding(subject, NotProven(f"the analysis graph of this run holds no scope of the identity account "
                                          f"{identity}, so its hops cannot be decided; {_graph_over_every_scope(top)}"))
    node_id = f"{scope_prefix(scope)}/{role.ref}"
    reached: dict[str, set[str]] = {}
    for edge in graph.edges_to(node_id):
        if edge.rule not in HOP_RULES or not edge.steps:
            continue
        first = edge.steps[0].request
        caller = first.principal.role_arn or first.principal.arn
        where = list(edge.accounts or accounts)
        reached.setdefault(caller, set()).update(where)
        extra = [a for a in where if caller not in declared.get(a, frozenset())]
        if not extra:
            continue
        shown = first.resource.split(":")[4]
        request = first if shown == extra[0] else _in_account(first, shown, extra[0])
        decision = decide_request(world, graph.nodes[edge.source], request)
        allowed = declared.get(extra[0], frozenset())
        note = (f"{graph.nodes[edge.source].ref or edge.source} of account {names.label_of(first.principal.account)} "
                f"assumes {role.ref} in {_listed(names, extra)}, which the hop list does not declare (persona "
                f"{persona} there: {', '.join(sorted(allowed)) or 'no hop'}); both halves allow it")
        if decision.allowed:
            return Finding(subject, Counterexample(request, decision, note))
        return Finding(subject, NotProven(f"the graph's edge {edge.source} -[{edge.rule}]-> {node_id} is not "
                                          f"replayed in {extra[0]}: {decision.explain()}"))
    everywhere = frozenset.intersection(*declared.values()) if declared else frozenset()
    trusted = _member_half(scope, role, everywhere, persona)
    if not isinstance(trusted.verdict, Proven):
        return Finding(subject, trusted.verdict)
    missing = [(a, p) for a in accounts for p in sorted(declared[a]) if a not in reached.get(p, ())]
    if missing:
        return Finding(subject, _refused(graph, role, missing, names))
    undecided = [u for u in graph.undecided if u[2] == node_id]
    if undecided:
        source, rule, _, why = undecided[0]
        return Finding(subject, NotProven(f"'{rule}' from {source} is undecided: {why}"))
    hops = sum(len(declared[a]) for a in accounts)
    return Finding(subject, Proven(f"the graph's {hops} hop(s) into it over {len(accounts)} member account(s) are "
                                   f"exactly the hop list's; {trusted.verdict.method}"))


def _member_half(scope: AccountScope, role: Principal, declared: frozenset[str], persona: str) -> Finding:
    """The trust policy admits no caller outside ``declared`` (z3; module docstring, 2)."""
    named = named_callers(role)
    undeclared = tuple(c for c in named if (c.role_arn or c.arn) not in declared)
    excluded = tuple(sorted({*(c.role_arn or c.arn for c in named), *declared}))
    families = [("the users and roles the trust names", undeclared)] if undeclared else []
    families.append(("IAM users and role sessions of every account", PrincipalSpace(
        kinds=frozenset({PrincipalKind.USER, PrincipalKind.ROLE_SESSION}), partition=scope.model.partition,
        arn_not_like=excluded)))
    questions = [(family, space(role, callers), {"identity": (OTHER_HALF,), "trust": role.trust})
                 for family, callers in families]
    finding = first_finding(role.ref, questions, f"its trust policy admits only the {len(declared)} principal(s) the "
                            f"hop list declares for persona {persona}", f"the member half of persona {persona} admits "
                            "a principal the hop list does not declare")
    return Finding(finding.subject, _own_side(scope, role, finding.verdict))


def _own_side(scope: AccountScope, role: Principal, verdict):
    """A counterexample of the member half alone whose caller is a principal of the assembly,
    asked again with that caller's own policies (:func:`.callers.ask_own_side`): when they grant
    the other half, their counterexample (both halves allow); else the same request, said as
    what it is: the trust alone admits the caller, whose own policies do not grant it today (the
    member half still breaks the promise: the identity account's administrators may grant the
    other half at any time). A caller outside the assembly keeps the stand-in for its side."""
    if not isinstance(verdict, Counterexample):
        return verdict
    caller = verdict.request.principal
    side = own_side(scope, caller)
    if not isinstance(side, tuple):
        return verdict
    mine = ask_own_side(scope, space(role, (caller,)), caller, side, trust=role.trust)
    if isinstance(mine, Counterexample):
        return mine
    kind = "user" if caller.kind == "user" else "role"
    today = "do not grant it today" if isinstance(mine, Proven) else f"are not proven to refuse it ({mine.reason})"
    return replace(verdict, alone=f"the trust alone admits {side[0].label}; the {kind}'s own policies {today}")


def _refused(graph, role: Principal, missing: list[tuple[str, str]], names: AccountNames) -> Refused:
    """The first declared hop of ``missing`` (account, principal ARN) that the graph lacks, decided again."""
    account, caller = missing[0]
    arn = role.arn.replace(f":{role.arn.split(':')[4]}:", f":{account}:", 1)
    more = f" ({len(missing)} declared hops missing)" if len(missing) > 1 else ""
    source = graph.world.by_arn.get(caller)
    if source is None:
        from ...engine.request import RequestPrincipal

        request = Request(RequestPrincipal(caller, caller.split(":")[4], "user" if ":user/" in caller else "role_session",
                                           None if ":user/" in caller else caller), "sts:AssumeRole", arn, {})
        return Refused(request, Decision(Outcome.IMPLICIT_DENY, f"the assembly holds no principal {caller}"),
                       f"a hop of the hop list into {names.label_of(account)}{more}")
    subject = graph.world.subject_of[source]
    request = Request(subject.principal, "sts:AssumeRole", arn, dict(subject.context))
    decision = decide_request(graph.world, graph.nodes[source], request)
    return Refused(request, decision, f"{graph.nodes[source].ref} may assume {role.ref} in {names.label_of(account)} by the "
                   f"hop list, but one half refuses it{more}")


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    """One finding per persona role of ``scope``'s member accounts (none without an identity account)."""
    top = scope.top_config or config
    roles = persona_roles(scope, top)
    if not roles:
        return []
    reach = hop_list(scope, top)
    found = sorted((p for p in scope.model.principals.values() if p.kind == "role" and p.trust and p.name in roles),
                   key=lambda p: p.ref)
    return [check_role(scope, top, role, roles[role.name], reach) for role in found]


INVARIANT = Invariant(
    id="INV-HOPS-DECLARED",
    promise="every hop into a member account's persona role is a hop of the config's hop list (the persona's users "
    "and SAML roles of the identity account, in the accounts its reach names), in both halves and in the member "
    "half alone, and every hop of the list exists",
    rule="IAM User Guide, 'Cross-account policy evaluation logic' (the caller's identity-based policy and the role's "
    "trust policy both allow); 'IAM JSON policy elements: Principal'; config/hub.py hub_hops",
    check=check,
)
