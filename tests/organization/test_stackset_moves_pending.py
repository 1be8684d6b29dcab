"""A move while an earlier one is not yet accepted, the forwarding twins the lock records, older
locks, and the hop list computed once (config/stackset_moves.py, config/stackset_lock.py).

Fixtures: tests/fixtures/stackset-moves/before.yaml -> after.yaml (payments-dev and shop-prod
move to workloads-<MetricsCollector+Scanner>) -> later.yaml (shop-prod, its move not accepted,
goes on to the plain workloads StackSet).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from iam_baseline.config import load_config
from iam_baseline.config.stackset_moves import (
    MovePlan,
    Placement,
    StackSetMoveError,
    accept_moves,
    check_stackset_lock,
    placements,
    plan_moves,
    read_lock,
    recorded_placements,
    write_lock,
    write_pending,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "stackset-moves"
BEFORE, AFTER, LATER = FIXTURES / "before.yaml", FIXTURES / "after.yaml", FIXTURES / "later.yaml"
METRICS = "IamBaseline-workloads-bca2a8d4"  # MetricsCollector
SCANNER = "IamBaseline-workloads-1ad2fd59"  # Scanner
BOTH = "IamBaseline-workloads-c596ded5"  # MetricsCollector + Scanner
PLAIN = "IamBaseline-workloads"
PAYMENTS_PROD, PAYMENTS_DEV, SHOP_PROD = "333300000001", "333300000002", "333300000003"


@pytest.fixture(scope="module")
def configs():
    return {path.stem: load_config(path) for path in (BEFORE, AFTER, LATER)}


@pytest.fixture
def pending_lock(configs, tmp_path) -> Path:
    """The lock after a synth of before.yaml, then one of after.yaml (its moves pending: deployed
    or not, nobody has said)."""
    lock = tmp_path / "org.stacksets.lock"
    write_pending(lock, configs["before"])
    write_pending(lock, configs["after"])
    return lock


def _without_pending(recorded: dict[str, Placement]) -> dict[str, Placement]:
    """The lock as it was before it recorded pending moves (negative control)."""
    return {name: replace(p, pending=()) for name, p in recorded.items()}


def test_the_lock_records_a_synthesized_move_as_pending_beside_the_recorded_stackset(configs, pending_lock):
    recorded = recorded_placements(read_lock(pending_lock), configs["after"].account_id)
    assert SHOP_PROD in recorded[SCANNER].accounts and SHOP_PROD in recorded[BOTH].pending
    assert PAYMENTS_DEV in recorded[METRICS].accounts and PAYMENTS_DEV in recorded[BOTH].pending
    entry = json.loads(pending_lock.read_text())["stacksets"]["placements"][BOTH]
    assert entry["pending"] == [PAYMENTS_DEV, SHOP_PROD] and entry["accounts"] == [] and entry["forwarding"] is True


def test_a_second_move_before_acceptance_waits_for_every_stackset_that_may_hold_the_account(configs, pending_lock):
    """shop-prod is in Scanner (after.yaml never deployed) or in Both (deployed, not accepted):
    the plain StackSet it joins depends on both; the update of the one that does not hold it
    deletes nothing."""
    later = configs["later"]
    plan, note = check_stackset_lock(later, pending_lock, str(LATER))
    (shop,) = [m for m in plan.moves if m.account == SHOP_PROD]
    assert (shop.old, shop.maybe, shop.new) == (SCANNER, (BOTH,), PLAIN)
    assert plan.dependencies()[PLAIN] == tuple(sorted((BOTH, SCANNER)))
    assert plan.dependencies()[BOTH] == (METRICS,)  # payments-dev's first move, still ordered
    assert plan.retiring == (SCANNER,)  # Both keeps payments-dev
    assert (f"pending move, ordered in the rollout: account shop-prod ({SHOP_PROD}): StackSet {SCANNER} (or StackSet "
            f"{BOTH}, if an earlier synthesized move was deployed) -> {PLAIN}, by machine_roles[1].targets (line ") in note
    # Negative control: without the pending record the plain StackSet waited for Scanner alone,
    # while a deployed first move left shop-prod's instance in Both.
    stale = _without_pending(recorded_placements(read_lock(pending_lock), later.account_id))
    assert plan_moves(later, stale).dependencies()[PLAIN] == (SCANNER,)


def test_reverting_a_move_before_acceptance_is_still_ordered(configs, pending_lock):
    """Back to before.yaml with after.yaml's moves maybe deployed: both accounts may sit in Both,
    which no account keeps now: it retires, and the StackSets they return to wait for it."""
    before = configs["before"]
    plan, _ = check_stackset_lock(before, pending_lock, str(BEFORE))
    assert sorted((m.account, m.old, m.new) for m in plan.moves) == [(PAYMENTS_DEV, BOTH, METRICS), (SHOP_PROD, BOTH, SCANNER)]
    assert plan.dependencies() == {METRICS: (BOTH,), SCANNER: (BOTH,)}
    assert plan.retiring == (BOTH,) and plan.retiring_forwarding == (BOTH,)
    # Negative control: the lock without its pending record saw no move at all, and Both would be
    # deleted in the cleanup phase, after Metrics and Scanner created the same names.
    assert plan_moves(before, _without_pending(recorded_placements(read_lock(pending_lock), before.account_id))) == MovePlan()


def test_pending_stacksets_stay_recorded_until_accepted(configs, pending_lock):
    later = configs["later"]
    write_pending(pending_lock, later)
    recorded = recorded_placements(read_lock(pending_lock), later.account_id)
    assert SHOP_PROD in recorded[SCANNER].accounts
    assert SHOP_PROD in recorded[BOTH].pending and SHOP_PROD in recorded[PLAIN].pending
    assert accept_moves(later, pending_lock).startswith(f"updated {pending_lock}; commit it:\n  - accepted account payments-dev")
    assert recorded_placements(read_lock(pending_lock), later.account_id) == placements(later)
    assert check_stackset_lock(later, pending_lock) == (MovePlan(), None)


def test_a_cycle_through_a_pending_move_says_how_to_accept_it_first(configs):
    """payments-prod recorded in Scanner with a pending move to Both, payments-dev in Metrics; now
    payments-prod goes to Metrics and payments-dev to Both: Metrics waits for Both (payments-prod
    may be there) and Both for Metrics. Refused, with the acceptance of the pending move first."""
    after = configs["after"]
    recorded = placements(after)
    recorded[METRICS] = replace(recorded[METRICS], accounts=(PAYMENTS_DEV,))
    recorded[BOTH] = replace(recorded[BOTH], accounts=(SHOP_PROD,), pending=(PAYMENTS_PROD,))
    recorded[SCANNER] = replace(placements(configs["before"])[SCANNER], accounts=(PAYMENTS_PROD,))
    with pytest.raises(StackSetMoveError) as raised:
        plan_moves(after, recorded, str(AFTER))
    message = str(raised.value)
    assert "accounts swap StackSets" in message
    assert f"account payments-prod ({PAYMENTS_PROD}): StackSet {SCANNER} (or StackSet {BOTH}, if an earlier " in message
    assert "A move not yet accepted takes part" in message and "`make accept-moves` with the config of that deploy first" in message
    # Negative control: the same swap without a pending move has no acceptance step.
    recorded[BOTH] = replace(recorded[BOTH], accounts=(PAYMENTS_PROD, SHOP_PROD), pending=())
    del recorded[SCANNER]
    with pytest.raises(StackSetMoveError) as raised:
        plan_moves(after, recorded, str(AFTER))
    assert "accounts swap StackSets" in str(raised.value) and "A move not yet accepted" not in str(raised.value)


@pytest.mark.parametrize(("forwarding", "retires"), [(True, True), (None, True), (False, False)])
def test_a_twin_retires_only_when_the_lock_says_it_may_exist(configs, forwarding, retires):
    """Scanner retires (shop-prod leaves it, nobody stays). Its twin Scanner-GlobalEvents is kept
    as a retiring twin only if the lock says it may exist (None: an older lock, which cannot say)."""
    recorded = placements(configs["before"])
    recorded[SCANNER] = replace(recorded[SCANNER], forwarding=forwarding)
    plan = plan_moves(configs["after"], recorded)
    assert plan.retiring == (SCANNER,)
    assert plan.retiring_forwarding == ((SCANNER,) if retires else ())


def test_no_twin_retires_when_the_config_does_not_forward_now(configs):
    """No twin is created now, so none can clash: the recorded twins are deleted in the cleanup phase."""
    after = configs["after"]
    current = {name: replace(p, forwarding=False) for name, p in placements(after).items()}
    plan = plan_moves(after, placements(configs["before"]), current=current)
    assert plan.retiring == (SCANNER,) and plan.retiring_forwarding == ()


def test_a_lock_without_the_new_records_is_read_and_rewritten(configs, tmp_path):
    """A lock written before `pending`, `forwarding` and the identity account's entry: read as
    "no pending move, twins may exist"; the next clean synth records every field."""
    after = configs["after"]
    lock = tmp_path / "old.stacksets.lock"
    old = {name: {"variant": p.variant, "items": list(p.items), "accounts": list(p.accounts)}
           for name, p in placements(configs["before"]).items()}
    lock.write_text(json.dumps({"version": 1, "stacksets": {"account_id": after.account_id, "placements": old}}))
    plan, note = check_stackset_lock(after, lock)
    assert [m.account for m in plan.moves] == [PAYMENTS_DEV, SHOP_PROD] and plan.retiring_forwarding == (SCANNER,)
    assert note.startswith(f"updated {lock}:")
    # Without a move, the note says why the lock changes.
    old = {name: {"variant": p.variant, "items": list(p.items), "accounts": list(p.accounts)}
           for name, p in placements(after).items()}
    lock.write_text(json.dumps({"version": 1, "stacksets": {"account_id": after.account_id, "placements": old}}))
    plan, note = check_stackset_lock(after, lock)
    assert plan == MovePlan()
    assert note == f"updated {lock}:\n  - the lock now records the forwarding twins and the identity account's own stack"
    write_pending(lock, after)
    assert check_stackset_lock(after, lock) == (MovePlan(), None)


def test_a_damaged_lock_entry_is_refused_with_its_name_and_what_is_allowed(configs, tmp_path):
    after = configs["after"]
    lock = tmp_path / "bad.stacksets.lock"
    write_lock(lock, after.account_id, placements(after))
    data = json.loads(lock.read_text())
    data["stacksets"]["placements"][METRICS]["pending"] = "333300000002"
    lock.write_text(json.dumps(data))
    with pytest.raises(StackSetMoveError) as raised:
        check_stackset_lock(after, lock)
    assert str(raised.value).startswith(f"{lock}: placement '{METRICS}' is {{")
    assert "allowed: variant (text), items and accounts (lists of text), optionally pending (list of text) and " \
           "forwarding (true or false). Restore it from git." in str(raised.value)


def test_the_lock_reads_the_hop_list_it_is_given(monkeypatch, tmp_path):
    """The hop list (persona_reach, about half a second at 500 accounts) is computed once per
    synth (app.py) and handed to the lock's functions: given, they compute it not once; not
    given, placements() computes it once for the StackSet groups and the identity account's group."""
    from iam_baseline.config import hub, stackset_lock

    config = load_config(FIXTURES / "identity.yaml")
    reach = hub.persona_reach(config)
    assert reach  # the fixture has an identity account: the hop list is not empty
    calls = []
    real = hub.persona_reach
    for module in (hub, stackset_lock):
        monkeypatch.setattr(module, "persona_reach", lambda c: calls.append(c) or real(c))
    lock = tmp_path / "identity.stacksets.lock"
    write_pending(lock, config, reach)
    assert check_stackset_lock(config, lock, None, reach) == (MovePlan(), None)
    assert calls == []
    assert placements(config) == placements(config, reach)
    assert len(calls) == 1  # negative control: not given, it is computed (once)


@pytest.fixture(scope="module")
def rollout_without_scanner_twin(configs):
    """after.yaml's rollout (constructs only, no nag) with a lock saying Scanner had no twin
    (alerts were off when it was deployed)."""
    from app import build_app
    from template_tools import CDK_CONTEXT

    recorded = placements(configs["before"])
    recorded[SCANNER] = replace(recorded[SCANNER], forwarding=False)
    app = build_app(configs["after"], context=CDK_CONTEXT, moves=plan_moves(configs["after"], recorded), nag=False)
    return app.node.find_child("OrganizationRollout")


def test_the_rollout_retires_no_twin_that_never_existed(rollout_without_scanner_twin):
    """Scanner retires without a twin; Both's twin waits for Metrics' twin only (payments-dev's),
    Both itself for Metrics and the retiring Scanner."""
    rollout = rollout_without_scanner_twin
    assert sorted(rollout.retiring) == ["workloads-1ad2fd59"]
    by_name = {s.resource.stack_set_name: s.resource for s in
               [*rollout.stack_sets.values(), *rollout.forwarding_stack_sets.values(), *rollout.retiring.values()]}
    assert f"{SCANNER}-GlobalEvents" not in by_name
    assert {d.stack_set_name for d in by_name[f"{BOTH}-GlobalEvents"].obtain_dependencies()} == {f"{METRICS}-GlobalEvents"}
    assert {d.stack_set_name for d in by_name[BOTH].obtain_dependencies()} == {METRICS, SCANNER}
