"""Accounts moving between StackSets (config/stackset_moves.py): found against the StackSets lock,
ordered in the rollout (the StackSet an account leaves goes first; one no account keeps retires
for a deploy), refused when one deploy cannot order them (accounts swapping StackSets), recorded
as pending until `make accept-moves`.

Fixture pair: tests/fixtures/stackset-moves/before.yaml -> after.yaml. payments-dev leaves
workloads-<MetricsCollector> (kept by payments-prod) and shop-prod leaves workloads-<Scanner> (no
account keeps it), both for workloads-<MetricsCollector+Scanner>.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iam_baseline.config import load_config
from iam_baseline.config.stackset_moves import (
    MovePlan,
    StackSetMoveError,
    accept_moves,
    check_stackset_lock,
    pending_placements,
    placements,
    plan_moves,
    read_lock,
    recorded_placements,
    write_lock,
    write_pending,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "stackset-moves"
BEFORE, AFTER = FIXTURES / "before.yaml", FIXTURES / "after.yaml"
METRICS = "IamBaseline-workloads-bca2a8d4"  # MetricsCollector
SCANNER = "IamBaseline-workloads-1ad2fd59"  # Scanner
BOTH = "IamBaseline-workloads-c596ded5"  # MetricsCollector + Scanner
PAYMENTS_PROD, PAYMENTS_DEV, SHOP_PROD = "333300000001", "333300000002", "333300000003"


@pytest.fixture(scope="module")
def before():
    return load_config(BEFORE)


@pytest.fixture(scope="module")
def after():
    return load_config(AFTER)


@pytest.fixture(scope="module")
def plan(before, after) -> MovePlan:
    return plan_moves(after, placements(before), str(AFTER))


def test_the_fixture_pair_moves_two_accounts(before, after):
    was, now = placements(before), placements(after)
    assert was[METRICS].accounts == (PAYMENTS_PROD, PAYMENTS_DEV) and was[SCANNER].accounts == (SHOP_PROD,)
    assert now[METRICS].accounts == (PAYMENTS_PROD,) and now[BOTH].accounts == (PAYMENTS_DEV, SHOP_PROD)
    assert SCANNER not in now


def test_each_move_names_the_account_both_stacksets_and_the_config_key_with_its_line(plan, after):
    assert [(m.account, m.old, m.new) for m in plan.moves] == [(PAYMENTS_DEV, METRICS, BOTH), (SHOP_PROD, SCANNER, BOTH)]
    dev, shop = plan.moves
    lines = AFTER.read_text().splitlines()
    scanner_targets = lines.index("    targets:", lines.index("  - name: Scanner")) + 1
    assert dev.describe(after, str(AFTER)) == (
        f"account payments-dev ({PAYMENTS_DEV}): StackSet {METRICS} -> {BOTH}, by machine_roles[1].targets (line {scanner_targets})"
    )
    assert dev.config_keys(after) == ["machine_roles[1].targets"]
    assert shop.config_keys(after) == ["machine_roles[0].targets"]


def test_the_joined_stackset_depends_on_the_ones_its_accounts_leave_and_the_abandoned_one_retires(plan):
    assert plan.dependencies() == {BOTH: (SCANNER, METRICS)} or plan.dependencies() == {BOTH: (METRICS, SCANNER)}
    assert set(plan.dependencies()[BOTH]) == {METRICS, SCANNER}
    # METRICS keeps payments-prod: its own update deletes payments-dev's instance, no retiring copy.
    assert plan.retiring == (SCANNER,)


def test_no_lock_and_no_change_mean_no_move(before, after):
    assert plan_moves(after, None) == MovePlan()
    assert plan_moves(after, placements(after)) == MovePlan()
    # Accounts the lock does not know (new to the organization) are no moves either.
    recorded = placements(before)
    recorded[METRICS] = recorded[METRICS].__class__(recorded[METRICS].variant, recorded[METRICS].items, (PAYMENTS_PROD,))
    recorded.pop(SCANNER)
    assert plan_moves(after, recorded) == MovePlan()


def test_accounts_swapping_stacksets_are_refused_with_the_two_step_procedure(after):
    """payments-prod BOTH -> METRICS while payments-dev METRICS -> BOTH: each StackSet would have to
    delete its old instance before the other creates one; CloudFormation refuses a circular DependsOn."""
    recorded = placements(after)
    recorded[METRICS] = recorded[METRICS].__class__(recorded[METRICS].variant, recorded[METRICS].items, (PAYMENTS_DEV,))
    recorded[BOTH] = recorded[BOTH].__class__(recorded[BOTH].variant, recorded[BOTH].items, (PAYMENTS_PROD, SHOP_PROD))
    with pytest.raises(StackSetMoveError) as raised:
        plan_moves(after, recorded, str(AFTER))
    message = str(raised.value)
    assert "accounts swap StackSets" in message
    assert f"account payments-prod ({PAYMENTS_PROD}): StackSet {BOTH} -> {METRICS}, by machine_roles[1].targets (line " in message
    assert f"account payments-dev ({PAYMENTS_DEV}): StackSet {METRICS} -> {BOTH}, by machine_roles[1].targets (line " in message
    assert "Allowed: moves in one direction per pair of StackSets" in message
    assert "revert the change for account" in message and "`make accept-moves`" in message
    # Negative control: one direction alone is ordered, not refused.
    recorded[BOTH] = recorded[BOTH].__class__(recorded[BOTH].variant, recorded[BOTH].items, (SHOP_PROD,))
    recorded[METRICS] = recorded[METRICS].__class__(recorded[METRICS].variant, recorded[METRICS].items, (PAYMENTS_PROD, PAYMENTS_DEV))
    assert [m.account for m in plan_moves(after, recorded).moves] == [PAYMENTS_DEV]


def test_a_move_stays_pending_in_the_lock_until_accepted(before, after, tmp_path):
    """The lock records what is deployed: a clean synth keeps a moved account at its old StackSet
    (so every synth before the deploy still orders the move); `make accept-moves` records it."""
    lock = tmp_path / "after.stacksets.lock"
    plan, note = check_stackset_lock(before, lock)
    assert note == f"recorded the StackSet of each member account in {lock}; commit it with the config" and not plan.moves
    write_pending(lock, before)
    assert check_stackset_lock(before, lock) == (MovePlan(), None)

    plan, note = check_stackset_lock(after, lock, str(AFTER))
    assert [m.account for m in plan.moves] == [PAYMENTS_DEV, SHOP_PROD]
    assert f"pending move, ordered in the rollout: account shop-prod ({SHOP_PROD})" in note
    assert f"retiring StackSet {SCANNER}: kept without stack instances until `make accept-moves`" in note
    write_pending(lock, after)
    pending = recorded_placements(read_lock(lock), after.account_id)
    assert pending[METRICS].accounts == (PAYMENTS_PROD, PAYMENTS_DEV) and pending[SCANNER].accounts == (SHOP_PROD,)
    assert pending[BOTH].accounts == ()
    # A second synth before the deploy orders the same moves.
    again, _ = check_stackset_lock(after, lock)
    assert again == plan_moves(after, placements(before))

    assert accept_moves(after, lock).startswith(f"updated {lock}; commit it:\n  - accepted account payments-dev")
    assert recorded_placements(read_lock(lock), after.account_id) == placements(after)
    assert check_stackset_lock(after, lock) == (MovePlan(), None)


def test_a_lock_of_another_account_binds_nothing(after, tmp_path):
    lock = tmp_path / "x.stacksets.lock"
    write_lock(lock, "999999999999", placements(after))
    plan, note = check_stackset_lock(after, lock)
    assert plan == MovePlan() and "not binding; replaced" in note


def test_an_unreadable_lock_is_refused(after, tmp_path):
    lock = tmp_path / "x.stacksets.lock"
    lock.write_text(json.dumps({"version": 1, "names": {}}))
    with pytest.raises(StackSetMoveError, match="is not a version 1 StackSets lock; restore it from git"):
        check_stackset_lock(after, lock)


def test_pending_placements_keep_every_stackset_of_the_config(before, after):
    pending = pending_placements(after, placements(before))
    assert set(pending) == set(placements(after)) | {SCANNER}


@pytest.fixture(scope="module")
def moved_rollout(after, plan, tmp_path_factory):
    """The rollout template of after.yaml synthesized with the moves from before.yaml (nag packs included)."""
    from app import build_app
    from template_tools import CDK_CONTEXT

    outdir = tmp_path_factory.mktemp("moves.out")
    build_app(after, outdir=str(outdir), context=CDK_CONTEXT, moves=plan).synth()
    return outdir, json.loads((outdir / "OrganizationRollout.template.json").read_text())


def test_the_rollout_orders_the_moves_with_depends_on(moved_rollout):
    _, template = moved_rollout
    by_name = {r["Properties"]["StackSetName"]: (k, r) for k, r in template["Resources"].items()
               if r["Type"] == "AWS::CloudFormation::StackSet"}
    joined = by_name[BOTH][1]
    assert sorted(joined["DependsOn"]) == sorted([by_name[METRICS][0], by_name[SCANNER][0]])
    # The forwarding twins hold the fixed-name role GlobalEventsForwarding: ordered the same way.
    twin = by_name[f"{BOTH}-GlobalEvents"][1]
    assert sorted(twin["DependsOn"]) == sorted([by_name[f"{METRICS}-GlobalEvents"][0], by_name[f"{SCANNER}-GlobalEvents"][0]])
    # Only the joined StackSet and its twin wait: the others deploy as before.
    assert sorted(name for name, (_, r) in by_name.items() if "DependsOn" in r) == [BOTH, f"{BOTH}-GlobalEvents"]


def test_the_abandoned_stackset_retires_in_place_without_stack_instances(moved_rollout):
    from iam_baseline.organization.stackset import RETIRING_TEMPLATE_BODY

    _, template = moved_rollout
    ids = []
    for name, construct in ((SCANNER, "StackSetWorkloads1ad2fd59"), (f"{SCANNER}-GlobalEvents", "StackSetWorkloads1ad2fd59GlobalEvents")):
        logical_id, retiring = next((k, r) for k, r in template["Resources"].items()
                                    if r["Type"] == "AWS::CloudFormation::StackSet" and r["Properties"]["StackSetName"] == name)
        # The logical id it had (construct StackSet<key>[GlobalEvents]/Resource): updated in place.
        assert logical_id.startswith(construct)
        ids.append(logical_id)
        assert "StackInstancesGroup" not in retiring["Properties"]
        assert retiring["Properties"]["TemplateBody"] == RETIRING_TEMPLATE_BODY
        assert retiring["Properties"]["PermissionModel"] == "SERVICE_MANAGED"
    assert not ids[0].startswith("StackSetWorkloads1ad2fd59GlobalEvents")


def test_make_check_proves_every_deployed_body_and_skips_the_retiring_one(moved_rollout):
    from iam_baseline.analysis.checks.deployed_templates import deployed_template_results

    outdir, _ = moved_rollout
    results = deployed_template_results(outdir)
    assert results and all(r.passed for r in results)
    assert not any(SCANNER in r.subject for r in results)
    assert any(BOTH in r.subject for r in results)


#: Properties that name a resource in its account (the same name cannot exist twice there).
NAME_PROPERTIES = ("RoleName", "GroupName", "UserName", "ManagedPolicyName", "InstanceProfileName", "TopicName",
                   "AnalyzerName", "FunctionName", "LogGroupName", "Name", "AliasName")


def test_no_stackset_member_retains_a_named_resource(hub_synth):
    """A retained resource outlives its stack instance: after a move the new instance would fail to
    create its name ("already exists"). The hub's member Admin roles (retained in the management
    account for the break-glass users) are deleted with their instance in a StackSet member."""
    _, outdir, _ = hub_synth
    members = sorted(Path(outdir).glob("assembly-StackSetMember*/*.template.json"))
    assert members
    admins = 0
    for path in members:
        for logical_id, resource in json.loads(path.read_text())["Resources"].items():
            named = [p for p in NAME_PROPERTIES if p in resource.get("Properties", {})]
            admins += resource.get("Properties", {}).get("RoleName") == "Admin"
            assert not (named and resource.get("DeletionPolicy") == "Retain"), (path.name, logical_id, named)
    assert admins  # the hub's members do create an Admin role


def test_the_management_accounts_admin_role_stays_retained(hub_synth):
    """Negative control of the above: outside the StackSets the Admin role is retained as before."""
    _, outdir, _ = hub_synth
    template = json.loads((Path(outdir) / "AccountBaseline.template.json").read_text())
    (admin,) = [r for r in template["Resources"].values() if r.get("Properties", {}).get("RoleName") == "Admin"]
    assert admin["DeletionPolicy"] == "Retain"


def test_app_refuses_swapping_accounts_before_building_and_records_accepted_moves(after, tmp_path, monkeypatch, capsys):
    """Through app.py: `make synth` refuses the swap (exit 2, before any construct is built);
    `make accept-moves` records each account at its StackSet now, and synth then has no move."""
    import shutil

    import app
    from iam_baseline.config.stackset_moves import lock_path_for

    config = tmp_path / "org.yaml"
    shutil.copy(AFTER, config)
    lock = lock_path_for(config)
    assert lock == tmp_path / "org.stacksets.lock"
    recorded = placements(after)
    recorded[METRICS] = recorded[METRICS].__class__(recorded[METRICS].variant, recorded[METRICS].items, (PAYMENTS_DEV,))
    recorded[BOTH] = recorded[BOTH].__class__(recorded[BOTH].variant, recorded[BOTH].items, (PAYMENTS_PROD, SHOP_PROD))
    write_lock(lock, after.account_id, recorded)
    monkeypatch.setenv("CDK_CONTEXT_JSON", json.dumps({"config": str(config)}))
    assert app.main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: refusing to synthesize: accounts swap StackSets")
    assert f"by machine_roles[1].targets (line " in err and str(config) not in err.split("\n")[0]

    assert app.main(["--accept-moves"]) == 0
    assert "accepted account payments-dev" in capsys.readouterr().err
    assert recorded_placements(read_lock(lock), after.account_id) == placements(after)
    assert check_stackset_lock(after, lock) == (MovePlan(), None)


def test_a_new_stackset_name_prefix_is_refused_at_its_key(after):
    """A new prefix renames every StackSet: each new one would create its instances before the old
    one is deleted (cleanup phase). Refused, naming the key, its value and what is allowed."""
    recorded = {name.replace("IamBaseline-", "Baseline-"): p for name, p in placements(after).items()}
    with pytest.raises(StackSetMoveError) as raised:
        plan_moves(after, recorded, str(AFTER))
    message = str(raised.value)
    # The key is not written in the file: the line is its nearest written ancestor's, `organization:`.
    line = AFTER.read_text().splitlines().index("organization:") + 1
    assert message.startswith(f"refusing to synthesize: organization.stacksets.name_prefix (line {line}) is 'IamBaseline', "
                              "but the deployed StackSets (recorded in the StackSets lock) are named Baseline-security, ")
    assert "Allowed: the prefix the lock records; keep it." in message
    # Negative control: the recorded prefix passes.
    assert plan_moves(after, placements(after)) == MovePlan()
