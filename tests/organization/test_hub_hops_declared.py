"""INV-HOPS-DECLARED on the hub example (issue 17): every hop into a member account's persona
role is a hop of the config's hop list (``config/hub.py hub_hops``), and every hop of the list
exists. The verifier's two mutants fail it; the unmutated example passes (negative control).

A mutant replaces principals of the shared synth's scopes (``hub_synth``) as a broken template
would read; the graph is built over the identity account's scope and the mutated member scope
only (what the invariant reads), and shared as ``make check`` shares its graph.
"""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from iam_baseline.analysis.checks.invariants import hops
from iam_baseline.analysis.checks.invariants.catalog import run_invariants
from iam_baseline.analysis.engine.policy import Policy, PolicyKind
from iam_baseline.analysis.graph import build_graph
from iam_baseline.analysis.graph.build import decide_request
from iam_baseline.analysis.graph.shared import share
from iam_baseline.analysis.outputs.mfa_reach import hop_lines

from test_hub_mutants import IDENTITY, WORKLOADS, _label_of, _mutate, _scope

CAROL = f"arn:aws:iam::{IDENTITY}:user/baseline/carol.auditor"
DEVELOPER = "arn:aws:iam::{}:role/baseline/Developer"
USERS_SID = "IdentityAccountUsersWithMfa"  # the member trust's statement of the identity account's users


def _trust_also_admitting(arn: str):
    """The member role's trust with ``arn`` added to the users' ``aws:PrincipalArn`` list."""
    def change(role):
        document = copy.deepcopy(role.trust.document)
        statement = next(s for s in document["Statement"] if s.get("Sid") == USERS_SID)
        statement["Condition"]["ArnEquals"]["aws:PrincipalArn"].append(arn)
        return replace(role, trust=Policy.from_document(role.trust.name, document, PolicyKind.TRUST))
    return change


def _member_roles_policy(name: str, edit):
    """The group with its ``<group>-MemberRoles`` policy's Resource list edited by ``edit``."""
    def change(group):
        policies = []
        for policy in group.policies:
            if policy.name.endswith(f"/{name}"):
                document = copy.deepcopy(policy.document)
                statement = document["Statement"][0]
                statement["Resource"] = edit(list(statement["Resource"]))
                policy = Policy.from_document(policy.name, document, policy.kind)
            policies.append(policy)
        return replace(group, policies=policies)
    return change


def _mutate_ref(scopes, label: str, ref: str, change):
    """``scopes`` with principal ``ref`` (``group:ReadOnly``: the role has the same name) of scope ``label`` changed."""
    scope = _scope(scopes, label)
    model = copy.copy(scope.model)
    model.principals = {arn: change(p) if p.ref == ref else p for arn, p in scope.model.principals.items()}
    mutated = replace(scope, model=model)
    return [mutated if s is scope else s for s in scopes]


def _run(scopes, config, label):
    """INV-HOPS-DECLARED on the scope ``label`` over a graph of it and the identity account's scope
    (whose principals answer a counterexample with their own policies, as in ``make check``)."""
    target, identity = _scope(scopes, label), _scope(scopes, f"account {IDENTITY}")
    graph = build_graph([identity, target], config)
    share([identity, target], graph)
    try:
        results, _ = run_invariants([target], config, (hops.INVARIANT,), [identity, target])
    finally:
        share([], graph)
    return graph, {"role:" + r.subject.split(" role:", 1)[1]: r for r in results}


@pytest.fixture(scope="module")
def workloads(hub_synth):
    config, _, scopes = hub_synth
    return config, scopes, _label_of(config, WORKLOADS)


def test_negative_control_the_hub_example_passes(workloads):
    config, scopes, label = workloads
    _, results = _run(scopes, config, label)
    assert set(results) == {"role:Admin (persona admin)", "role:Developer (persona developer)",
                            "role:ReadOnly (persona read_only)"}
    assert all(r.passed for r in results.values()), [r.message for r in results.values() if not r.passed]
    assert "exactly the hop list's" in results["role:Developer (persona developer)"].message


def test_a_read_only_person_added_to_the_developer_trust_fails(workloads):
    """The verifier's first mutant: carol.auditor (persona read_only) in the member Developer
    role's aws:PrincipalArn list. Her own policies do not grant the other half, so the graph has
    no hop; the member half alone admits a principal the hop list does not declare."""
    config, scopes, label = workloads
    mutated, _ = _mutate(scopes, label, "Developer", _trust_also_admitting(CAROL))
    _, results = _run(mutated, config, label)
    result = results["role:Developer (persona developer)"]
    assert not result.passed and "counterexample" in result.message, result.message
    assert result.request.principal.arn == CAROL and result.decision.allowed
    assert "carol.auditor" in result.message and "role/baseline/Developer" in result.message
    assert all(r.passed for subject, r in results.items() if "Developer" not in subject)
    # Said as what it is: the trust alone admits her, her own policies do not grant the other half.
    assert ": the trust alone admits user:carol.auditor; the user's own policies do not grant it today: principal " \
        f"{CAROL} (user, account {IDENTITY} (identity)), action sts:AssumeRole, resource " in result.message
    assert ("one of 3 with this StackSet template is admitted by the trust policy alone [trust policy trust:Developer "
            "statement IdentityAccountUsersWithMfa (Allow)] -- promise broken") in result.message
    assert "ALLOWED" not in result.message and "assumed" not in result.message


def test_both_halves_widened_for_a_read_only_person_fail_with_the_hop(workloads):
    """The verifier's second mutant: ReadOnly-MemberRoles (carol's group) also allows the
    Developer role of payments-prod, and the Developer trust admits her: the graph finds the hop,
    allowed by both halves, which the hop list does not declare."""
    config, scopes, label = workloads
    mutated, _ = _mutate(scopes, label, "Developer", _trust_also_admitting(CAROL))
    mutated = _mutate_ref(mutated, f"account {IDENTITY}", "group:ReadOnly", _member_roles_policy(
        "ReadOnly-MemberRoles", lambda r: [*r, DEVELOPER.format(WORKLOADS)]))
    graph, results = _run(mutated, config, label)
    result = results["role:Developer (persona developer)"]
    assert not result.passed, result.message
    request = result.request
    assert (request.principal.arn, request.resource) == (CAROL, DEVELOPER.format(WORKLOADS))
    assert ("user:carol.auditor of account 666600000001 (identity) assumes role:Developer in 333300000001 "
            "(payments-prod), which the hop list does not declare") in result.message
    # both halves allowed it: carol's group policy and the Developer role's trust policy
    assert "ReadOnly-MemberRoles" in result.message and "trust" in result.message
    carol = graph.world.by_arn[CAROL]
    assert decide_request(graph.world, graph.nodes[carol], request).allowed  # replayed


def test_a_declared_hop_with_one_half_missing_fails_and_the_report_lists_only_the_granted_accounts(workloads):
    """The converse: the Developers' identity half no longer lists orders-prod's Developer role.
    The declared hops of bob and dave into orders-prod are refused (one half missing); the
    report's hop list names the accounts the graph proves reachable, not every account of the
    StackSet template (payments-prod, orders-prod, payments-dev)."""
    config, scopes, label = workloads
    orders_prod = "333300000002"
    assert orders_prod in _scope(scopes, label).member_accounts
    mutated = _mutate_ref(scopes, f"account {IDENTITY}", "group:Developers", _member_roles_policy(
        "Developers-MemberRoles", lambda r: [a for a in r if a != DEVELOPER.format(orders_prod)]))
    graph, results = _run(mutated, config, label)
    result = results["role:Developer (persona developer)"]
    assert not result.passed and "declared but refused" in result.message, result.message
    assert result.request.resource == DEVELOPER.format(orders_prod) and not result.decision.allowed
    assert "user:bob.developer may assume role:Developer in 333300000002 (orders-prod)" in result.message
    assert "2 declared hops missing" in result.message
    lines = hop_lines(type("Run", (), {"graph": graph})())
    bob = [line for line in lines if "`user:bob.developer`" in line and "`role:Developer`" in line]
    assert bob == ["- `user:bob.developer` (account 666600000001) → `role:Developer` in 333300000001, 444400000001: **MFA**"]
    _, control = _run(scopes, config, label)
    assert control["role:Developer (persona developer)"].passed


def test_the_hop_list_is_computed_once_per_run_and_read_by_the_invariants(hub_synth, monkeypatch):
    """load_scopes computes the hop list once and hands it to every scope (AccountScope.reach);
    the invariants read it from there, never derive it again per scope or trust policy."""
    from iam_baseline.analysis.checks.invariants import declared, mfa_less
    from iam_baseline.config.hub import persona_reach

    config, _, scopes = hub_synth
    assert len({id(s.reach) for s in scopes}) == 1 and scopes[0].reach == persona_reach(config)

    def recomputed(_config):
        raise AssertionError("the hop list was derived again")

    monkeypatch.setattr(declared, "persona_reach", recomputed)
    scope = _scope(scopes, _label_of(config, WORKLOADS))
    assert [f for f in mfa_less.check(scope, config)]  # reads scope.reach
    with pytest.raises(AssertionError, match="derived again"):  # the control: a scope built by hand derives it
        mfa_less.check(replace(scope, reach=None), config)


def test_without_the_escalation_search_it_is_not_proven_and_names_the_key_to_turn_on(workloads):
    """access_matrix.escalation_search: false: make check builds no graph over every scope, so
    a member scope's graph lacks the identity account and its hops cannot be decided: "not
    proven" (never a pass), naming the key. The control: the same scope with the shared graph
    of the search passes (test_negative_control_the_hub_example_passes)."""
    from iam_baseline.config.access_matrix import AccessMatrixConfig

    config, scopes, label = workloads
    off = config.model_copy(update={"access_matrix": AccessMatrixConfig(escalation_search=False)})
    share([], None)  # no shared graph: the invariant builds one over this scope alone
    results, _ = run_invariants([replace(_scope(scopes, label), top_config=off)], off, (hops.INVARIANT,))
    assert [r.subject.split(" role:")[1] for r in results] == [
        "Admin (persona admin)", "Developer (persona developer)", "ReadOnly (persona read_only)"]
    assert not any(r.passed for r in results)
    assert {r.message.split("): ", 1)[1].split(" -- ")[0] for r in results} == {
        f"not proven: the analysis graph of this run holds no scope of the identity account {IDENTITY}, so its hops "
        "cannot be decided; access_matrix.escalation_search is false in this config, and only the escalation search "
        "builds the one graph over every scope; set access_matrix.escalation_search: true to prove this invariant"
    }
