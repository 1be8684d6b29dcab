"""Hops from an identity account into StackSet member accounts ("assume-member-role"): both
halves must allow, and each edge records the MFA state of the session it yields."""

from __future__ import annotations

from iam_baseline.analysis.engine.context_rules import SessionOrigin
from iam_baseline.analysis.graph.build import decide_request
from iam_baseline.analysis.graph.nodes import HopMfa

from .hub_small import I, M1, allow, hop_policy, identity_scope, member_arn, member_scope, admin_trust
from .small import graph_of

ADMIN = "stackset:Workloads/role:Admin"


def _hops(graph, source: str):
    return {e.target: e for e in graph.edges_from(f"{I}/{source}") if e.rule == "assume-member-role"}


def test_alice_reaches_the_member_admin_role_only_with_mfa_and_every_step_replays():
    graph = graph_of(identity_scope(), member_scope())
    edge = _hops(graph, "user:alice")[ADMIN]
    assert edge.mfa is HopMfa.MFA
    assert edge.steps[0].request.resource == member_arn("Admin", M1)
    assert all(decide_request(graph.world, graph.nodes[edge.source], s.request).allowed for s in edge.steps)
    assert "stackset:Workloads/role:Scanner" not in _hops(graph, "user:alice")


def test_the_saml_role_reaches_it_with_mfa_at_the_identity_provider():
    graph = graph_of(identity_scope(), member_scope())
    assert graph.world.subject_of[f"{I}/role:SamlOps"].principal.origin is SessionOrigin.SAML
    assert _hops(graph, "role:SamlOps")[ADMIN].mfa is HopMfa.IDENTITY_PROVIDER


def test_a_hop_is_mfa_less_only_when_both_halves_admit_a_caller_without_mfa():
    graph = graph_of(identity_scope(), member_scope(admin=admin_trust(user_mfa=False)))
    assert _hops(graph, "user:alice")[ADMIN].mfa is HopMfa.MFA  # the identity half still demands MFA
    graph = graph_of(identity_scope(alice_hop=hop_policy(mfa=False)), member_scope(admin=admin_trust(user_mfa=False)))
    assert _hops(graph, "user:alice")[ADMIN].mfa is HopMfa.NONE


def test_negative_control_one_half_alone_is_no_hop():
    # the identity half missing: alice's policy names another role
    graph = graph_of(identity_scope(alice_hop=allow("sts:AssumeRole", member_arn("Other", M1))), member_scope())
    assert ADMIN not in _hops(graph, "user:alice")
    # the member half missing: the trust admits nobody of the identity account
    nobody = admin_trust()
    graph = graph_of(identity_scope(), member_scope(admin=type(nobody)(nobody.name, nobody.kind, ())))
    assert not _hops(graph, "user:alice") and not _hops(graph, "role:SamlOps")


def test_an_identity_policy_without_mfa_still_needs_the_member_trusts_mfa():
    graph = graph_of(identity_scope(alice_hop=hop_policy(mfa=False)), member_scope())
    assert _hops(graph, "user:alice")[ADMIN].mfa is HopMfa.MFA


def test_each_member_account_is_decided_and_the_edge_keeps_those_reached():
    """The identity half grants only M2's Admin role: the hop exists into M2 alone (before, only
    the variant's first account M1 was asked, and the hop was missed); both accounts when granted."""
    from .hub_small import M2

    graph = graph_of(identity_scope(alice_hop=allow("sts:AssumeRole", member_arn("Admin", M2))), member_scope())
    edge = _hops(graph, "user:alice")[ADMIN]
    assert edge.accounts == (M2,) and edge.steps[0].request.resource == member_arn("Admin", M2)
    assert _hops(graph_of(identity_scope(), member_scope()), "user:alice")[ADMIN].accounts == (M1, M2)
