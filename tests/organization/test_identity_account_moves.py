"""The member identity account moving into or out of its own stack (config/stackset_moves.py).

The IdentityAccount stack (``cdk deploy``) and a StackSet instance hold the same fixed names
(Admin, the persona roles, GlobalEventsForwarding). Into it: IdentityAccount waits for
OrganizationRollout, whose update deletes the account's StackSet instance first. Out of it:
refused, with the two steps (``cdk deploy`` never deletes the old stack, which retains Admin).

Fixtures: tests/fixtures/stackset-moves/before.yaml (no identity account) and identity.yaml
(shop-prod is the identity account).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iam_baseline.config import load_config
from iam_baseline.config.stackset_moves import (
    IDENTITY,
    MovePlan,
    StackSetMoveError,
    check_stackset_lock,
    placements,
    plan_moves,
    read_lock,
    recorded_placements,
    write_lock,
    write_pending,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "stackset-moves"
BEFORE, IDENTITY_YAML = FIXTURES / "before.yaml", FIXTURES / "identity.yaml"
SCANNER = "IamBaseline-workloads-1ad2fd59"  # shop-prod's StackSet in before.yaml
SHOP_PROD = "333300000003"


@pytest.fixture(scope="module")
def pair():
    """(before.yaml, identity.yaml) loaded."""
    return load_config(BEFORE), load_config(IDENTITY_YAML)


@pytest.fixture(scope="module")
def before(pair):
    return pair[0]


@pytest.fixture(scope="module")
def identity(pair):
    return pair[1]


@pytest.fixture(scope="module")
def entering(pair) -> MovePlan:
    """shop-prod entering its IdentityAccount stack: before.yaml's lock, identity.yaml now."""
    return plan_moves(pair[1], placements(pair[0]), str(IDENTITY_YAML))


def _line(path: Path, text: str) -> int:
    return path.read_text().splitlines().index(text) + 1


def test_the_lock_records_the_identity_account_under_its_stack(identity):
    recorded = placements(identity)
    assert recorded[IDENTITY].accounts == (SHOP_PROD,)
    assert not any(SHOP_PROD in p.accounts for name, p in recorded.items() if name != IDENTITY)


def test_an_account_entering_the_identity_account_stack_is_ordered_after_the_rollout(entering, identity):
    (move,) = [m for m in entering.moves if m.account == SHOP_PROD]
    assert (move.old, move.new) == (SCANNER, IDENTITY)
    line = _line(IDENTITY_YAML, "  identity_account: shop-prod")
    assert move.describe(identity, str(IDENTITY_YAML)) == (
        f"account shop-prod ({SHOP_PROD}): StackSet {SCANNER} -> the IdentityAccount stack, by "
        f"organization.identity_account (line {line})"
    )
    assert entering.identity_after == (SCANNER,)
    # Nobody keeps Scanner: it retires (its update deletes the instance), its twin too.
    assert entering.retiring == (SCANNER,) and entering.retiring_forwarding == (SCANNER,)
    assert IDENTITY not in entering.dependencies()  # not a StackSet: a stack dependency (below)
    # Negative control: once accepted, no move and the identity stack waits for nothing.
    assert plan_moves(identity, placements(identity)) == MovePlan()


def test_a_pending_entry_is_recorded_and_listed(before, identity, tmp_path):
    lock = tmp_path / "identity.stacksets.lock"
    write_pending(lock, before)
    plan, note = check_stackset_lock(identity, lock, str(IDENTITY_YAML))
    assert plan.identity_after == (SCANNER,)
    assert "IdentityAccount is deployed after OrganizationRollout (its StackSet instance is deleted first)" in note
    write_pending(lock, identity)
    recorded = recorded_placements(read_lock(lock), identity.account_id)
    assert SHOP_PROD in recorded[SCANNER].accounts and recorded[IDENTITY].pending == (SHOP_PROD,)


@pytest.fixture(scope="module")
def entering_app(identity, entering):
    """identity.yaml built with shop-prod entering its own stack (constructs only, no nag)."""
    from app import build_app
    from template_tools import CDK_CONTEXT

    return build_app(identity, context=CDK_CONTEXT, moves=entering, nag=False)


def test_the_identity_account_stack_depends_on_the_rollout(entering_app):
    stack = entering_app.node.find_child("IdentityAccount")
    assert "OrganizationRollout" in {d.node.id for d in stack.dependencies}
    # Its us-east-1 twin (GlobalEventsForwarding) follows it, so follows the rollout too.
    forwarding = entering_app.node.find_child("IdentityAccount-GlobalEvents")
    assert "IdentityAccount" in {d.node.id for d in forwarding.dependencies}
    rollout = entering_app.node.find_child("OrganizationRollout")
    assert sorted(rollout.retiring) == ["workloads-1ad2fd59", "workloads-1ad2fd59-GlobalEvents"]


def test_without_a_move_the_identity_account_stack_does_not_wait_for_the_rollout(hub_synth):
    """Negative control of the above: the hub example's identity account has no move."""
    _, outdir, _ = hub_synth
    manifest = json.loads((Path(outdir) / "manifest.json").read_text())
    assert "OrganizationRollout" not in manifest["artifacts"]["IdentityAccount"].get("dependencies", [])


def test_an_account_leaving_the_identity_account_stack_is_refused_with_two_steps(before, identity):
    """The lock records shop-prod's IdentityAccount stack; before.yaml names no identity account,
    so shop-prod would join Scanner: refused at organization.identity_account."""
    with pytest.raises(StackSetMoveError) as raised:
        plan_moves(before, placements(identity), str(BEFORE))
    message = str(raised.value)
    line = _line(BEFORE, "organization:")  # the key is not written: its nearest written ancestor
    assert message.startswith(
        f"refusing to synthesize: organization.identity_account (line {line}) is not set: account shop-prod "
        f"({SHOP_PROD}) would leave its IdentityAccount stack (IamBaseline; the StackSets lock records it as deployed "
        f"there, or maybe deployed) for StackSet {SCANNER}, whose stack instance creates the same IAM names (Admin, "
    )
    assert "Allowed: an account whose IdentityAccount stack is gone." in message
    assert "(1) with the config deployed now (organization.identity_account: shop-prod), run `cdk destroy " \
           "IdentityAccount-GlobalEvents IdentityAccount`, then delete the role Admin it retains in shop-prod" in message
    assert f'(2) remove {SHOP_PROD} from the "IdentityAccount" entry of the StackSets lock' in message


def test_a_pending_entry_reverted_is_refused_too(before, identity, tmp_path):
    """shop-prod's entry synthesized (maybe deployed), then reverted before `make accept-moves`:
    the IdentityAccount stack may exist, so it is refused as well."""
    lock = tmp_path / "identity.stacksets.lock"
    write_pending(lock, before)
    write_pending(lock, identity)
    with pytest.raises(StackSetMoveError, match="would leave its IdentityAccount stack"):
        check_stackset_lock(before, lock, str(BEFORE))


def test_step_two_of_the_procedure_lifts_the_refusal(before, identity, tmp_path):
    """With shop-prod removed from the lock's IdentityAccount entry (its stack destroyed), it is an
    account the lock does not know: it joins Scanner like a new account, no move."""
    lock = tmp_path / "identity.stacksets.lock"
    recorded = placements(identity)
    del recorded[IDENTITY]
    write_lock(lock, identity.account_id, recorded)
    plan, _ = check_stackset_lock(before, lock, str(BEFORE))
    assert not any(m.account == SHOP_PROD for m in plan.moves)


def test_a_new_identity_account_is_refused_for_the_one_that_leaves(identity):
    """identity.yaml deployed (shop-prod), then payments-prod named instead: payments-prod's entry
    alone could be ordered, but shop-prod would leave its IdentityAccount stack: refused, naming it."""
    moved = FIXTURES / "identity-moved.yaml"
    with pytest.raises(StackSetMoveError) as raised:
        plan_moves(load_config(moved), placements(identity), str(moved))
    line = _line(moved, "  identity_account: payments-prod")
    assert str(raised.value).startswith(
        f"refusing to synthesize: organization.identity_account (line {line}) is 'payments-prod': account shop-prod "
        f"({SHOP_PROD}) would leave its IdentityAccount stack"
    )
