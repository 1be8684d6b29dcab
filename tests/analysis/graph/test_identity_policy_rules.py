"""Identity policy edits: each rule's minimal enabling policy gives a chain to an administrator
naming the rule; the same policy without the enabling action (or with a condition that cannot
be met) gives none."""

from __future__ import annotations

import pytest

from iam_baseline.analysis.engine.policy import PolicyKind

from .small import A, ADMIN, allow, chain_from, escalates_by, graph_of, policy, principal, role, rules_of, scope, user

ME = f"arn:aws:iam::{A}:role/Weak"
NEED_BOUNDARY = {"StringEquals": {"iam:PermissionsBoundary": f"arn:aws:iam::{A}:policy/Boundary"}}

CASES = {
    "attach-policy-to-self": ([allow("iam:AttachRolePolicy", ME)], [allow("iam:PutRolePolicy", "arn:aws:iam::*:role/Other")]),
    "put-policy-on-self": ([allow("iam:PutRolePolicy", ME)], [allow("iam:PutRolePolicy", f"arn:aws:iam::{A}:role/Other")]),
    "create-role-without-boundary": ([allow(["iam:CreateRole", "iam:AttachRolePolicy"])],
                                     [allow(["iam:CreateRole", "iam:AttachRolePolicy"], condition=NEED_BOUNDARY)]),
    "delete-own-boundary": ([allow("iam:DeleteRolePermissionsBoundary", ME)], [allow("iam:GetRole", ME)]),
    "replace-own-boundary": ([allow("iam:PutRolePermissionsBoundary", ME)], [allow("iam:GetRole", ME)]),
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_enabling_policy_gives_a_chain_and_without_it_none(rule):
    enabling, disabled = CASES[rule]
    boundary = (allow("*"),) if rule.endswith("own-boundary") else None
    assert escalates_by(graph_of(scope(A, role("Weak", *enabling, boundary=boundary))), "role:Weak", rule)
    assert chain_from(graph_of(scope(A, role("Weak", *disabled, boundary=boundary))), "role:Weak") is None


@pytest.mark.parametrize("rule, action", [("create-policy-version", "iam:CreatePolicyVersion"),
                                          ("set-default-policy-version", "iam:SetDefaultPolicyVersion")])
def test_new_default_version_of_a_policy_it_holds(rule, action):
    arn = f"arn:aws:iam::{A}:policy/Mine"
    mine = policy("policy/Mine", allow(action, arn))
    other = policy("policy/Mine", allow(action, f"arn:aws:iam::{A}:policy/NotMine"))
    for held, expected in ((mine, [rule]), (other, None)):
        weak = principal("role", "Weak", trust=None)
        weak.policies.append(held)
        small = scope(A, weak)
        small.model.managed_policies[arn] = held
        found = chain_from(graph_of(small), "role:Weak")
        assert (rules_of(found) if found else None) == expected


def test_add_user_to_an_admin_group():
    admins = principal("group", "Admins", *ADMIN)
    found = chain_from(graph_of(scope(A, user("u", allow("iam:AddUserToGroup")), admins)), "user:u")
    assert rules_of(found) == ["add-user-to-group"]
    assert chain_from(graph_of(scope(A, user("u", allow("iam:GetGroup")), admins)), "user:u") is None


@pytest.mark.parametrize("rule, action", [("attach-policy-to-other", "iam:AttachRolePolicy"),
                                          ("put-policy-on-other", "iam:PutRolePolicy")])
def test_editing_another_role_counts_only_when_the_editor_can_act_as_it(rule, action):
    target = f"arn:aws:iam::{A}:role/Target"
    editor = user("u", allow(action, target), allow("sts:AssumeRole", target))
    found = chain_from(graph_of(scope(A, editor, role("Target"))), "user:u")
    assert found is not None and rule in rules_of(found)
    cannot_assume = user("u", allow(action, target))
    assert chain_from(graph_of(scope(A, cannot_assume, role("Target", trust=None))), "user:u") is None


def test_boundary_kind_is_a_boundary():
    weak = role("Weak", allow("*"), boundary=(allow("s3:GetObject"),))
    assert weak.boundary.kind is PolicyKind.BOUNDARY
    assert chain_from(graph_of(scope(A, weak)), "role:Weak") is None
