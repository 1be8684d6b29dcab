"""The identity-store lock: renaming an Identity Center user is refused before synth unless
recorded on purpose; onboarding and offboarding pass and are recorded."""

from __future__ import annotations

import json

import pytest
import yaml

from template_tools import ACCOUNT, REGION

USERS = [
    {"user_name": "alice", "display_name": "Alice Example", "given_name": "Alice", "family_name": "Example", "email": "alice@example.com"},
    {"user_name": "bob", "display_name": "Bob Example", "given_name": "Bob", "family_name": "Example", "email": "bob@example.com"},
]


def _data(users: list[dict]) -> dict:
    return {
        "account_id": ACCOUNT,
        "region": REGION,
        "federation": {
            "identity_center": {
                "instance_arn": "arn:aws:sso:::instance/ssoins-0123456789abcdef",
                "identity_store_id": "d-0123456789",
                "account_id": "444455556666",
                "region": "eu-west-1",
                "permission_sets": [{"name": "Admin", "persona": "admin"}],
                "identity_store": {"users": users, "groups": [{"name": "Team", "members": [u["user_name"] for u in users]}]},
            }
        },
    }


def _config(users: list[dict]):
    from iam_baseline.config import parse_config

    return parse_config(yaml.safe_dump(_data(users)), "people.yaml")


@pytest.fixture
def lock(tmp_path):
    """A lock recorded from alice and bob; returns its path."""
    from iam_baseline.config.identity_store_lock import lock_path_for, write_lock

    path = lock_path_for(tmp_path / "people.yaml")
    write_lock(path, _config(USERS))
    return path


def _rename(**changes) -> list[dict]:
    return [{**USERS[0], **changes}, USERS[1]]


def test_lock_sits_next_to_the_config_and_records_per_store(lock, tmp_path):
    assert lock == tmp_path / "people.identity-store.lock"
    assert json.loads(lock.read_text()) == {
        "version": 1,
        "stores": {
            "d-0123456789": {
                "users": {
                    "alice": {"display_name": "Alice Example", "email": "alice@example.com"},
                    "bob": {"display_name": "Bob Example", "email": "bob@example.com"},
                }
            }
        },
    }


@pytest.mark.parametrize(
    "changes",
    [{"user_name": "alice.example"}, {"user_name": "Alice"}, {"user_name": "al", "display_name": "Al", "email": "ALICE@example.com"}],
)
def test_a_rename_is_refused_with_an_explanation(lock, changes):
    from iam_baseline.config.identity_store_lock import IdentityStoreLockError, check_identity_store_lock
    from iam_baseline.errors import BaselineError

    with pytest.raises(IdentityStoreLockError) as info:
        check_identity_store_lock(_config(_rename(**changes)), lock)
    message = str(info.value)
    assert isinstance(info.value, BaselineError)
    assert message.startswith(
        f"refusing to synthesize: the config renames Identity Center users recorded in {lock}\n"
        f"  - identity_store.users: 'alice' -> {changes['user_name']!r}\n"
    )
    assert "registered MFA devices" in message and "`make identity-store-lock`" in message


def test_offboarding_onboarding_and_attribute_changes_pass(lock):
    from iam_baseline.config.identity_store_lock import check_identity_store_lock

    carol = {"user_name": "carol", "display_name": "Carol", "given_name": "Carol", "family_name": "C", "email": "carol@example.com"}
    assert check_identity_store_lock(_config(USERS), lock) is None
    # Alice leaves and Carol joins in one change: a different person, not a rename.
    note = check_identity_store_lock(_config([USERS[1], carol]), lock)
    assert note == f"recorded the changed Identity Center users of d-0123456789 in {lock}; commit it with the config"
    # A new e-mail address for the same user name is an update in place, not a rename.
    assert check_identity_store_lock(_config(_rename(email="alice@new.example.com")), lock)


def test_recording_accepts_the_rename(lock):
    from iam_baseline.config.identity_store_lock import check_identity_store_lock, write_lock

    renamed = _config(_rename(user_name="alice.example"))
    write_lock(lock, renamed)
    assert check_identity_store_lock(renamed, lock) is None


def test_first_synth_records_and_a_broken_lock_is_refused(tmp_path):
    from iam_baseline.config.identity_store_lock import IdentityStoreLockError, check_identity_store_lock

    path = tmp_path / "x.identity-store.lock"
    assert check_identity_store_lock(_config(USERS), path).startswith("recorded the Identity Center users of d-0123456789")
    assert not path.exists()  # written only after a clean synth, by app.py
    path.write_text('{"version": 9}')
    with pytest.raises(IdentityStoreLockError, match="is not a version 1 identity-store lock; restore it from git"):
        check_identity_store_lock(_config(USERS), path)


def test_app_refuses_the_rename_before_synth_and_records_on_request(tmp_path, monkeypatch, capsys):
    """Through app.main, as `cdk synth` and `make identity-store-lock` run it (no synth happens)."""
    import app
    from iam_baseline.config.identity_store_lock import check_identity_store_lock, lock_path_for

    config_file = tmp_path / "people.yaml"
    monkeypatch.setenv("CDK_CONTEXT_JSON", json.dumps({"config": str(config_file)}))
    config_file.write_text(yaml.safe_dump(_data(USERS)))
    assert app.main(["--record-identity-store-lock"]) == 0
    config_file.write_text(yaml.safe_dump(_data(_rename(user_name="alice.example"))))
    assert app.main([]) == 2
    assert "error: refusing to synthesize: the config renames Identity Center users" in capsys.readouterr().err
    assert app.main(["--record-identity-store-lock"]) == 0
    assert check_identity_store_lock(_config(_rename(user_name="alice.example")), lock_path_for(config_file)) is None
