"""The names lock: a rename of a recorded IAM identity is refused until accepted; new and
removed identities are listed, not refused."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
import yaml
from template_tools import DEFAULT_CONFIG_FILE, FIXTURES

from iam_baseline.config.names_lock import (
    IdentityKind,
    NamedIdentity,
    NamesLockError,
    accept_renames,
    check_names_lock,
    lock_path_for,
    read_lock,
    write_lock,
)

ACCOUNT = "111122223333"
STACK = "AccountBaseline"


def group(name: str, members=("alice", "bob"), key="AdminsGroup"):
    return NamedIdentity(IdentityKind.GROUP, f"{STACK}/{key}", name, f"arn:aws:iam::{ACCOUNT}:group/{name}",
                         tuple(members), "groups.admins")


def user(name: str):
    return NamedIdentity(IdentityKind.USER, f"{STACK}/User{name.replace('.', '')}", name,
                         f"arn:aws:iam::{ACCOUNT}:user/{name}", (), "users[0]")


def role(name: str, key="AdminRole"):
    return NamedIdentity(IdentityKind.ROLE, f"{STACK}/{key}", name, f"arn:aws:iam::{ACCOUNT}:role/{name}", (), "roles.admin")


def test_lock_path_sits_next_to_the_config():
    assert lock_path_for("config/prod.yaml").as_posix() == "config/prod.names.lock"


def test_the_first_synth_records_every_name(tmp_path):
    lock = tmp_path / "b.names.lock"
    assert check_names_lock([group("Admins")], ACCOUNT, lock) == (
        f"recorded the names of 1 IAM identities in {lock}; commit it with the config"
    )
    assert not lock.exists()  # written by app.py only after a clean synth


def test_a_group_with_members_renamed_is_refused_until_accepted(tmp_path):
    lock = tmp_path / "b.names.lock"
    write_lock(lock, [group("Admins"), role("Admin")], ACCOUNT)
    renamed = [group("PlatformAdmins"), role("Admin")]
    with pytest.raises(NamesLockError) as caught:
        check_names_lock(renamed, ACCOUNT, lock)
    message = str(caught.value)
    assert (
        "  - group 'Admins' -> 'PlatformAdmins' (groups.admins): the group is deleted: its members are dropped "
        "(users this stack adds join the new group; members added outside the stack are lost) and their access "
        "through it ends; members of 'Admins': alice, bob; old ARN arn:aws:iam::111122223333:group/Admins"
    ) in message
    assert "`make accept-renames`" in message
    assert accept_renames(lock, renamed, ACCOUNT, today=date(2026, 12, 7)) == (
        f"updated {lock}; commit it in a reviewed change:\n  - accepted group 'Admins' -> 'PlatformAdmins'"
    )
    assert read_lock(lock)["history"] == [{"date": "2026-12-07", "kind": "group", "old": "Admins", "new": "PlatformAdmins"}]
    assert check_names_lock(renamed, ACCOUNT, lock) is None
    # The history is kept by later recordings.
    write_lock(lock, renamed + [user("carol")], ACCOUNT)
    assert len(read_lock(lock)["history"]) == 1


def test_a_user_renamed_changes_its_logical_id_and_is_still_a_rename(tmp_path):
    """A user's construct id holds its name: one user gone and one new in the same stack."""
    lock = tmp_path / "b.names.lock"
    write_lock(lock, [user("alice.admin"), group("Admins")], ACCOUNT)
    with pytest.raises(NamesLockError, match=r"user 'alice.admin' -> 'alice.root' \(users\[0\]\): the user is deleted"):
        check_names_lock([user("alice.root"), group("Admins")], ACCOUNT, lock)


def test_a_role_rename_names_the_old_arn(tmp_path):
    lock = tmp_path / "b.names.lock"
    write_lock(lock, [role("Admin")], ACCOUNT)
    with pytest.raises(NamesLockError) as caught:
        check_names_lock([role("Administrator")], ACCOUNT, lock)
    assert "its sessions end, and every trust policy, resource-based policy and assignment outside this stack " \
           "that names the old ARN stops matching; old ARN arn:aws:iam::111122223333:role/Admin" in str(caught.value)


def test_new_and_removed_identities_are_listed_not_refused(tmp_path):
    lock = tmp_path / "b.names.lock"
    write_lock(lock, [group("Admins"), user("alice")], ACCOUNT)
    # A new role (no role was recorded) and a removed user (no user is new): not renames.
    note = check_names_lock([group("Admins"), role("Data", key="DataRole")], ACCOUNT, lock)
    assert note == f"updated {lock}:\n  - new role 'Data' (in AccountBaseline)\n  - removed user 'alice' (in AccountBaseline)"


def policy(name: str, stack: str, account: str = "<account>"):
    return NamedIdentity(IdentityKind.MANAGED_POLICY, f"{stack}/Policy{name}", name,
                         f"arn:aws:iam::{account}:policy/baseline/{name}", (), f"policies.{name}")


def test_one_line_per_name_with_the_stacks_it_is_in(tmp_path):
    """A policy of every member account's baseline is one identity per StackSet stack: the note
    lists it once, with its stacks, instead of once per stack without saying where."""
    lock = tmp_path / "b.names.lock"
    members = ("StackSetMemberWorkloads/AccountBaseline", "StackSetMemberSandbox/AccountBaseline")
    gone = [NamedIdentity(IdentityKind.ROLE, f"{stack}/Collector", "Collector", "arn:aws:iam::<account>:role/Collector")
            for stack in members]
    write_lock(lock, [group("Admins"), *gone], ACCOUNT)
    built = [group("Admins"), policy("ReportsRead", STACK, ACCOUNT), *(policy("ReportsRead", stack) for stack in members),
             role("Data", key="DataRole")]
    assert check_names_lock(built, ACCOUNT, lock) == (
        f"updated {lock}:\n"
        "  - new managed policy 'ReportsRead' (in 3 stacks: AccountBaseline, StackSetMemberSandbox/AccountBaseline, "
        "StackSetMemberWorkloads/AccountBaseline)\n"
        "  - new role 'Data' (in AccountBaseline)\n"
        "  - removed role 'Collector' (in 2 stacks: StackSetMemberSandbox/AccountBaseline, "
        "StackSetMemberWorkloads/AccountBaseline)"
    )


def test_a_rename_in_every_member_stack_is_refused_once_with_its_stacks(tmp_path):
    lock = tmp_path / "b.names.lock"
    members = ("StackSetMemberWorkloads/AccountBaseline", "StackSetMemberSandbox/AccountBaseline")
    write_lock(lock, [policy("ReportsRead", stack) for stack in members], ACCOUNT)
    renamed = [policy("MetricsRead", stack) for stack in members]
    with pytest.raises(NamesLockError) as caught:
        check_names_lock(renamed, ACCOUNT, lock)
    rename = "  - managed policy 'ReportsRead' -> 'MetricsRead' (policies.MetricsRead): the policy is deleted"
    assert str(caught.value).count(rename) == 1
    assert ("old ARN arn:aws:iam::<account>:policy/baseline/ReportsRead (in 2 stacks: "
            "StackSetMemberSandbox/AccountBaseline, StackSetMemberWorkloads/AccountBaseline)\n") in str(caught.value)
    assert accept_renames(lock, renamed, ACCOUNT) == (
        f"updated {lock}; commit it in a reviewed change:\n  - accepted managed policy 'ReportsRead' -> 'MetricsRead' "
        "(in 2 stacks: StackSetMemberSandbox/AccountBaseline, StackSetMemberWorkloads/AccountBaseline)"
    )


def test_an_identity_under_another_logical_id_with_its_name_is_no_rename(tmp_path):
    """A construct moved in the tree keeps its IAM name: nothing to refuse or list."""
    lock = tmp_path / "b.names.lock"
    write_lock(lock, [role("Admin"), role("Support", key="SupportRole")], ACCOUNT)
    assert check_names_lock([role("Admin", key="PersonaAdminRole"), role("Support", key="SupportRole")], ACCOUNT, lock) is None


def test_identities_moved_between_the_same_stacks_are_one_line(tmp_path):
    """A StackSet group renamed with its items (its stage id holds their digest) moves all its
    identities, and a policy no longer in every member baseline leaves several stacks for one:
    one line per move, every stack named; the lock then records the new stack, where a later
    rename is refused (with the stale key it would pass as new + removed)."""
    lock = tmp_path / "b.names.lock"
    old, new = "StackSetMemberWorkloadsaaaa/AccountBaseline", "StackSetMemberWorkloadsbbbb/AccountBaseline"
    def developer(stack):
        return NamedIdentity(IdentityKind.ROLE, f"{stack}/DeveloperRole", "Developer", "arn:aws:iam::<account>:role/Developer")

    write_lock(lock, [policy("ReportsRead", STACK, ACCOUNT), policy("ReportsRead", old), policy("Boundary", old),
                      developer(old)], ACCOUNT)
    built = [policy("ReportsRead", new), policy("Boundary", new), developer(new)]
    advice = "(the new stack creates them while the old one still holds them: deploy it after the old stack released them, or import them)"
    assert check_names_lock(built, ACCOUNT, lock) == (
        f"updated {lock}:\n"
        f"  - moved from stack AccountBaseline, {old} to {new}: managed policy 'ReportsRead' {advice}\n"
        f"  - moved from stack {old} to {new}: managed policy 'Boundary', role 'Developer' (StackSet instances: the "
        "rollout deletes the old ones first; `make accept-moves` after the deploy)"
    )
    write_lock(lock, built, ACCOUNT)
    with pytest.raises(NamesLockError, match="'ReportsRead' -> 'MetricsRead'"):
        check_names_lock([policy("MetricsRead", new), *built[1:]], ACCOUNT, lock)


def test_a_lock_of_another_account_binds_nothing(tmp_path):
    lock = tmp_path / "b.names.lock"
    write_lock(lock, [group("Admins")], "444455556666")
    assert "not binding" in check_names_lock([group("Renamed")], ACCOUNT, lock)


def test_a_damaged_lock_is_refused(tmp_path):
    lock = tmp_path / "b.names.lock"
    lock.write_text('{"version": 1}')
    with pytest.raises(NamesLockError, match="is not a version 1 names lock; restore it from git"):
        check_names_lock([group("Admins")], ACCOUNT, lock)


# ----------------------------------------------------------------- through app.py
def test_synth_refuses_a_renamed_group_with_its_members_until_accepted(tmp_path, monkeypatch, capsys):
    """``make accept-renames`` records the lock; a renamed persona group is refused by
    ``cdk synth`` (before any template) with its members; accepted, it is recorded."""
    import app
    from iam_baseline.identity.named_identities import named_identities

    config = tmp_path / "baseline.yaml"
    data = yaml.safe_load(DEFAULT_CONFIG_FILE.read_text())
    data.pop("access_matrix", None)  # it names the principals a change may rename
    config.write_text(yaml.safe_dump(data))
    shutil.copytree(FIXTURES / "saml", tmp_path / "saml")
    monkeypatch.setenv("CDK_CONTEXT_JSON", json.dumps({"config": str(config)}))
    assert app.main(["--accept-renames"]) == 0
    recorded = read_lock(lock_path_for(config))["identities"]
    admins = next(v for v in recorded.values() if v["kind"] == "group" and v["name"] == "Admins")
    assert admins["members"] == ["alice.admin"]
    assert {"user", "group", "role", "managed policy", "SAML provider"} <= {v["kind"] for v in recorded.values()}

    data["groups"]["admins"]["name"] = "PlatformAdmins"
    config.write_text(yaml.safe_dump(data))
    capsys.readouterr()
    assert app.main([]) == 2
    err = capsys.readouterr().err
    assert "error: refusing to synthesize: the config renames IAM identities" in err
    assert "  - group 'Admins' -> 'PlatformAdmins' (groups.admins): the group is deleted" in err
    assert "members of 'Admins': alice.admin" in err

    assert app.main(["--accept-renames"]) == 0
    assert "accepted group 'Admins' -> 'PlatformAdmins'" in capsys.readouterr().err
    assert read_lock(lock_path_for(config))["history"][-1] == {
        "date": date.today().isoformat(), "kind": "group", "old": "Admins", "new": "PlatformAdmins"
    }
    built = named_identities(app.build_app(app.load_config(str(config)), context={}, nag=False))
    assert check_names_lock(built, data["account_id"], lock_path_for(config)) is None


def test_an_identity_moved_to_another_stack_is_listed_and_recorded(tmp_path):
    """The identity account's users leaving its StackSet member stack for ``IdentityAccount``:
    the same name in another stack is no rename, but it is listed (the old stack still holds it)."""
    lock = tmp_path / "b.names.lock"
    def admin(key):
        return NamedIdentity(IdentityKind.ROLE, key, "Admin", f"arn:aws:iam::{ACCOUNT}:role/Admin", (), "roles.admin")

    write_lock(lock, [admin("StackSetMemberIdentity1/AccountBaseline/AdminRole")], ACCOUNT)
    moved = [admin("IdentityAccount/AdminRole")]
    note = check_names_lock(moved, ACCOUNT, lock)
    assert note == (f"updated {lock}:\n  - moved from stack StackSetMemberIdentity1/AccountBaseline to IdentityAccount: "
                    "role 'Admin' (the new stack creates them while the old one still holds them: deploy it after the "
                    "old stack released them, or import them)")
    write_lock(lock, moved, ACCOUNT)
    assert check_names_lock(moved, ACCOUNT, lock) is None


def test_an_identity_moved_between_stackset_templates_points_to_the_ordered_rollout(tmp_path):
    """Between two StackSet member templates the rollout orders the move (config/stackset_moves.py):
    the note says so instead of asking for a hand-made deployment order."""
    lock = tmp_path / "b.names.lock"

    def admin(key):
        return NamedIdentity(IdentityKind.ROLE, key, "Admin", f"arn:aws:iam::{ACCOUNT}:role/Admin", (), "roles.admin")

    write_lock(lock, [admin("StackSetMemberSandbox6c24219c/AccountBaseline/AdminRole")], ACCOUNT)
    note = check_names_lock([admin("StackSetMemberSandboxa9112ca6/AccountBaseline/AdminRole")], ACCOUNT, lock)
    assert note == (f"updated {lock}:\n  - moved from stack StackSetMemberSandbox6c24219c/AccountBaseline to "
                    "StackSetMemberSandboxa9112ca6/AccountBaseline: role 'Admin' (StackSet instances: the rollout deletes "
                    "the old ones first; `make accept-moves` after the deploy)")
