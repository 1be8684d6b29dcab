"""Small hand-built account scopes for the graph tests (no synth: a few principals each).

``role("Dev", allow("iam:PassRole"), trust=trust_account())`` builds a principal;
``scope(A, ...)`` an :class:`AccountScope`; ``graph_of(...)`` the analysis graph with no
declared admin. ``ADMIN_POLICY`` allows everything (an administrator).
"""

from __future__ import annotations

from iam_baseline.analysis.engine.policy import Policy, PolicyKind
from iam_baseline.analysis.graph import build_graph, replay
from iam_baseline.analysis.model.accounts import AccountScope
from iam_baseline.analysis.model.templates import AccountModel, LambdaFunction, Principal

A = "111122223333"
B = "444455556666"


def statement(effect: str, actions, resources="*", condition=None, **extra) -> dict:
    out = {"Effect": effect, "Action": actions, "Resource": resources} | extra
    if condition:
        out["Condition"] = condition
    return out


def allow(actions, resources="*", condition=None) -> dict:
    return statement("Allow", actions, resources, condition)


def deny(actions, resources="*", condition=None) -> dict:
    return statement("Deny", actions, resources, condition)


def policy(name: str, *statements: dict, kind: PolicyKind = PolicyKind.IDENTITY) -> Policy:
    return Policy.from_document(name, {"Version": "2012-10-17", "Statement": list(statements)}, kind)


ADMIN = (allow("*"),)


def trust(principal: dict, condition=None) -> Policy:
    entry = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": principal}
    if condition:
        entry["Condition"] = condition
    return Policy.from_document("trust", {"Version": "2012-10-17", "Statement": [entry]}, PolicyKind.TRUST)


def trust_account(account: str = A) -> Policy:
    return trust({"AWS": f"arn:aws:iam::{account}:root"})


def trust_service(service: str) -> Policy:
    return trust({"Service": service})


def principal(kind: str, name: str, *statements: dict, account: str = A, trust: Policy | None = None,
              boundary: tuple[dict, ...] | None = None, groups=(), tags=None) -> Principal:
    arn = f"arn:aws:iam::{account}:{kind}/{name}"
    return Principal(kind, name, arn, "/", "Small", name,
                     policies=[policy(f"inline:{name}", *statements)] if statements else [],
                     boundary=policy(f"boundary:{name}", *boundary, kind=PolicyKind.BOUNDARY) if boundary else None,
                     trust=trust, groups=list(groups), tags=dict(tags or {}))


def role(name: str, *statements: dict, **kw) -> Principal:
    kw.setdefault("trust", trust_account(kw.get("account", A)))
    return principal("role", name, *statements, **kw)


def user(name: str, *statements: dict, **kw) -> Principal:
    return principal("user", name, *statements, **kw)


def scope(account: str, *principals: Principal, functions=(), declared_accounts=()) -> AccountScope:
    model = AccountModel(account, "aws", "eu-west-1")
    for p in principals:
        model.principals[p.arn] = p
    for name, role_name in functions:
        model.functions.append(LambdaFunction(f"arn:aws:lambda:eu-west-1:{account}:function:{name}",
                                              f"arn:aws:iam::{account}:role/{role_name}", "Small", name))
    return AccountScope(f"account {account}", model, declared_accounts=frozenset({account, *declared_accounts}))


def graph_of(*scopes: AccountScope, declared: dict[str, set[str]] | None = None):
    return build_graph(list(scopes), None, declared or {s.label: set() for s in scopes})


def node_id(ref: str, account: str = A) -> str:
    return f"{account}/{ref}"


def chain_from(graph, ref: str, account: str = A):
    """The shortest chain to an administrator from ``ref``, every request replayed allowed."""
    chain = graph.shortest_chain(node_id(ref, account))
    if chain is not None:
        assert all(d.allowed for d in replay(graph, chain)), "a request of the chain is not allowed on replay"
    return chain


def rules_of(chain) -> list[str]:
    return [e.rule for e in chain.edges]


def escalates_by(graph, ref: str, rule: str, account: str = A) -> bool:
    """``ref`` has an edge of ``rule`` to a node from which an administrator is reachable,
    and that chain replays allowed."""
    for edge in graph.edges_from(node_id(ref, account)):
        if edge.rule == rule:
            rest = graph.shortest_chain(edge.target)
            if rest is not None:
                assert all(d.allowed for d in replay(graph, rest))
                assert all(graph_step_allowed(graph, edge))
                return True
    return False


def graph_step_allowed(graph, edge):
    from iam_baseline.analysis.graph.build import decide_request

    return [decide_request(graph.world, graph.nodes[edge.source], s.request).allowed for s in edge.steps]
