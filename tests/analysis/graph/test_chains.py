"""Chains of 2, 3 and 5 hops across two accounts, each replayed request by request on the
concrete evaluator; breaking one link (a trust, a PassRole condition) removes the chain.
Also the Identity Center and organizations families, which need the config's accounts."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from iam_baseline.analysis.graph import build_graph

from .small import A, ADMIN, B, allow, chain_from, escalates_by, graph_of, role, rules_of, scope, trust, trust_service, user


def arn(account: str, name: str) -> str:
    return f"arn:aws:iam::{account}:role/{name}"


def trusts(account: str, name: str):
    return trust({"AWS": arn(account, name)})


def two_accounts(last_link_ok: bool = True, hops: int = 2):
    """u (A) -> Hop1 (A) -> ... ending at an administrator of B, ``hops`` edges long."""
    in_a = [user("u", allow("sts:AssumeRole", arn(A, "Hop1"))),
            role("Hop1", allow("sts:AssumeRole", [arn(B, "Admin"), arn(B, "Hop2")]), trust=trust({"AWS": f"arn:aws:iam::{A}:user/u"}))]
    if hops == 2:
        in_b = [role("Admin", *ADMIN, account=B, trust=trusts(A, "Hop1" if last_link_ok else "Nobody"))]
    elif hops == 3:
        passed = {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com" if last_link_ok else "ec2.amazonaws.com"}}
        in_b = [role("Hop2", allow("iam:PassRole", arn(B, "Admin"), passed),
                     allow(["lambda:CreateFunction", "lambda:InvokeFunction"]), account=B, trust=trusts(A, "Hop1")),
                role("Admin", *ADMIN, account=B, trust=trust_service("lambda.amazonaws.com"))]
    else:
        fn = f"arn:aws:lambda:eu-west-1:{B}:function:worker"
        in_b = [role("Hop2", allow("sts:AssumeRole", arn(B, "Hop3")), account=B, trust=trusts(A, "Hop1")),
                role("Hop3", allow("lambda:UpdateFunctionCode", fn if last_link_ok else fn + "-other"), account=B,
                     trust=trusts(B, "Hop2")),
                role("Admin", *ADMIN, account=B, trust=trust_service("lambda.amazonaws.com"))]
    functions = [("worker", "Admin")] if hops == 5 else []
    return graph_of(scope(A, *in_a, declared_accounts=(B,)), scope(B, *in_b, functions=functions, declared_accounts=(A,)))


def test_two_hops_across_accounts():
    found = chain_from(two_accounts(), "user:u")
    assert rules_of(found) == ["assume-role", "assume-role"] and found.target == f"{B}/role:Admin"
    assert chain_from(two_accounts(last_link_ok=False), "user:u") is None


def test_three_hops_with_a_passed_role():
    found = chain_from(two_accounts(hops=3), "user:u")
    assert rules_of(found) == ["assume-role", "assume-role", "pass-role-lambda-invoke"]
    assert found.hops == 3 and found.node_ids[-1] == f"{B}/role:Admin"
    assert chain_from(two_accounts(hops=3, last_link_ok=False), "user:u") is None


def test_five_hops_through_existing_compute():
    found = chain_from(two_accounts(hops=5), "user:u")
    assert rules_of(found) == ["assume-role", "assume-role", "assume-role", "update-function-code", "compute-holds-role"]
    assert "user:u -[assume-role]-> role:Hop1" in found.describe(two_accounts(hops=5).labels())
    assert chain_from(two_accounts(hops=5, last_link_ok=False), "user:u") is None


def test_cross_account_assumption_needs_the_callers_own_policy():
    """The trust policy of B's role names Hop1, but Hop1's policies do not allow the call."""
    graph = graph_of(scope(A, role("Hop1", allow("s3:GetObject"))),
                     scope(B, role("Admin", *ADMIN, account=B, trust=trusts(A, "Hop1"))))
    assert chain_from(graph, "role:Hop1") is None


def config_stub(center: str | None = None, management: str | None = None):
    identity_center = SimpleNamespace(account_id=center) if center else None
    return SimpleNamespace(federation=SimpleNamespace(oidc=None, identity_center=identity_center),
                           organization=SimpleNamespace(management_account_id=management) if management else None)


def test_assigning_oneself_an_admin_permission_set():
    from iam_baseline.analysis.model.templates import Principal

    def graph(statements):
        center = scope(A, role("Operator", *statements))
        member = scope(B)
        admin_set = Principal("permission_set", "Admin", f"arn:aws:sso:::permissionSet/ins/ps-admin", "/", "IC", "ps",
                              policies=role("x", *ADMIN).policies)
        member.model.principals[admin_set.arn] = admin_set
        return build_graph([center, member], config_stub(center=A), {center.label: set(), member.label: set()})

    assert escalates_by(graph([allow("sso:CreateAccountAssignment")]), "role:Operator", "sso-assign-permission-set")
    assert chain_from(graph([allow("sso:DescribeAccountAssignmentCreationStatus")]), "role:Operator") is None


@pytest.mark.parametrize("rule, action", [("sso-put-inline-policy", "sso:PutInlinePolicyToPermissionSet"),
                                          ("sso-attach-managed-policy", "sso:AttachManagedPolicyToPermissionSet")])
def test_rewriting_a_permission_set_one_holds(rule, action):
    """A permission set's holder that may rewrite it becomes an administrator of its account;
    one that cannot act as the permission set gains nothing by rewriting it."""
    from iam_baseline.analysis.model.templates import Principal

    def graph(statements, holder: bool):
        if holder:
            statements = [*statements, allow("sso:CreateAccountAssignment")]
        center = scope(A, role("Operator", *statements))
        member = scope(B)
        weak_set = Principal("permission_set", "Weak", "arn:aws:sso:::permissionSet/ins/ps-weak", "/", "IC", "ps",
                             policies=role("x", allow("s3:GetObject")).policies)
        member.model.principals[weak_set.arn] = weak_set
        return build_graph([center, member], config_stub(center=A), {center.label: set(), member.label: set()})

    found = chain_from(graph([allow(action)], holder=True), "role:Operator")
    assert found is not None and rules_of(found) == [rule] and found.target == f"{B}/admin"
    assert chain_from(graph([allow("sso:DescribePermissionSet")], holder=True), "role:Operator") is None
    assert chain_from(graph([allow(action)], holder=False), "role:Operator") is None


def test_the_management_account_reaches_members_through_organization_account_access_role():
    def graph(management):
        return build_graph([scope(A, role("Ops", allow("sts:AssumeRole", "arn:aws:iam::*:role/OrganizationAccountAccessRole"))),
                            scope(B)], config_stub(management=management), {f"account {A}": set(), f"account {B}": set()})

    found = chain_from(graph(A), "role:Ops")
    assert rules_of(found) == ["assume-organization-access-role"] and found.target.startswith(B)
    assert chain_from(graph("999988887777"), "role:Ops") is None


def test_services_assume_the_roles_that_trust_them_and_are_never_reported():
    graph = graph_of(scope(A, role("Worker", *ADMIN, trust=trust_service("lambda.amazonaws.com")), role("Other", *ADMIN)))
    edges = graph.edges_from(f"{A}/service:lambda.amazonaws.com")
    assert [(e.rule, e.target) for e in edges] == [("service-assumes-role", f"{A}/role:Worker")]
    assert all(not c.source.startswith(f"{A}/service:") for c in graph.paths_to_admin())


def test_a_grant_on_a_key_the_caller_chooses_is_found_by_the_z3_engine():
    """The concrete search brings no aws:SourceIp; the z3 engine finds a context that meets the
    grant, and the chain's request (with that IP) replays allowed. A grant on the caller's own
    tag it does not have stays unreachable: its tags are facts, not choices."""
    arn = f"arn:aws:iam::{A}:role/Target"
    from_office = {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
    graph = graph_of(scope(A, user("u", allow("sts:AssumeRole", arn, from_office)), role("Target", *ADMIN)))
    found = chain_from(graph, "user:u")
    assert rules_of(found) == ["assume-role"] and found.first_request.context["aws:sourceip"].startswith("203.0.113.")
    concrete = build_graph(graph.world.scopes, None, {f"account {A}": set()}, symbolic=False)
    assert concrete.shortest_chain(f"{A}/user:u") is None
    team_only = {"StringEquals": {"aws:PrincipalTag/team": "platform"}}
    untagged = graph_of(scope(A, user("u", allow("sts:AssumeRole", arn, team_only)), role("Target", *ADMIN)))
    assert chain_from(untagged, "user:u") is None
    tagged = graph_of(scope(A, user("u", allow("sts:AssumeRole", arn, team_only), tags={"team": "platform"}),
                            role("Target", *ADMIN)))
    assert chain_from(tagged, "user:u") is not None


def test_create_role_requiring_a_boundary_stays_unreachable_symbolically():
    """The technique leaves iam:PermissionsBoundary out: the z3 engine may not choose it."""
    need = {"StringEquals": {"iam:PermissionsBoundary": f"arn:aws:iam::{A}:policy/Boundary"}}
    graph = graph_of(scope(A, role("Dev", allow(["iam:CreateRole", "iam:AttachRolePolicy"], "*", need))))
    assert chain_from(graph, "role:Dev") is None and not graph.undecided
