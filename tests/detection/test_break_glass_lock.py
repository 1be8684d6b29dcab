"""The break-glass lock: a config that renames the retained last way in is refused before synth."""

from __future__ import annotations

import json
import shutil
from types import SimpleNamespace

import pytest
import yaml
from template_tools import DEFAULT_CONFIG_FILE, FIXTURES

from iam_baseline.config import load_config
from iam_baseline.config.break_glass_lock import (
    BreakGlassLockError,
    check_break_glass_lock,
    lock_path_for,
    locked_names,
    write_lock,
)

DEFAULT_TEXT = DEFAULT_CONFIG_FILE.read_text()


@pytest.fixture
def project(tmp_path):
    """A copy of the default config and its lock, recorded from it, in a temporary folder."""
    config_file = tmp_path / "baseline.yaml"
    config_file.write_text(DEFAULT_TEXT)
    shutil.copytree(FIXTURES / "saml", tmp_path / "saml")  # the metadata it names, next to it
    write_lock(lock_path_for(config_file), load_config(config_file))
    return config_file


def edit(config_file, change):
    data = yaml.safe_load(config_file.read_text())
    data.pop("access_matrix", None)  # it names the principals a change may rename
    change(data)
    config_file.write_text(yaml.safe_dump(data))
    return load_config(config_file)


def rename_user(data):
    data["break_glass"]["users"] = ["breakglass.one", "breakglass.2"]


def test_lock_path_sits_next_to_the_config():
    assert lock_path_for("config/prod.yaml").as_posix() == "config/prod.break-glass.lock"


def test_the_fixture_lock_matches_the_fixture_config():
    config = load_config(DEFAULT_CONFIG_FILE)
    recorded = json.loads(lock_path_for(DEFAULT_CONFIG_FILE).read_text())
    assert recorded == {"version": 1, "names": locked_names(config)}
    assert check_break_glass_lock(config, lock_path_for(DEFAULT_CONFIG_FILE), write_missing=False) is None


def test_renaming_a_break_glass_user_is_refused_with_an_explanation(project):
    config = edit(project, rename_user)
    with pytest.raises(BreakGlassLockError) as caught:
        check_break_glass_lock(config, lock_path_for(project))
    message = str(caught.value)
    assert message.startswith(f"refusing to synthesize: the config changes break-glass names recorded in {lock_path_for(project)}\n")
    assert "  - break_glass.users: 'breakglass.two' is recorded but no longer configured\n" in message
    assert "  - break_glass.users: 'breakglass.2' is configured but not recorded\n" in message
    assert "retained (RemovalPolicy.RETAIN)" in message and "orphan the old one" in message
    assert "`make break-glass-lock`" in message


@pytest.mark.parametrize(
    ("change", "line"),
    [
        (lambda d: d["roles"]["admin"].update(name="Administrator"), "roles.admin.name: recorded 'Admin', configured 'Administrator'"),
        (lambda d: d["break_glass"].update(group_name="Emergency"), "break_glass.group_name: recorded 'BreakGlass', configured 'Emergency'"),
        (lambda d: d.update(iam_path="/base/"), "iam_path: recorded '/baseline/', configured '/base/'"),
        (lambda d: d.update(break_glass=None), "break_glass: removed from the config, but the lock records break-glass resources"),
    ],
)
def test_other_locked_changes_are_refused(project, change, line):
    config = edit(project, change)
    with pytest.raises(BreakGlassLockError, match=f"\n  - {line.replace('(', '.').replace(')', '.')}\n"):
        check_break_glass_lock(config, lock_path_for(project))


def test_unlocked_changes_pass(project):
    config = edit(project, lambda d: d["roles"]["developer"].update(name="Engineer"))
    assert check_break_glass_lock(config, lock_path_for(project)) is None


def test_first_synth_records_the_lock(tmp_path):
    config_file = tmp_path / "new.yaml"
    config_file.write_text(DEFAULT_TEXT)
    shutil.copytree(FIXTURES / "saml", tmp_path / "saml")
    note = check_break_glass_lock(load_config(config_file), lock_path_for(config_file))
    assert note == f"recorded the break-glass names in {tmp_path / 'new.break-glass.lock'}; commit it with the config"
    assert json.loads(lock_path_for(config_file).read_text())["names"]["break_glass.users"] == ["breakglass.one", "breakglass.two"]


def test_a_damaged_lock_is_refused(project):
    lock_path_for(project).write_text("{}")
    with pytest.raises(BreakGlassLockError, match="is not a version 1 break-glass lock; restore it from git"):
        check_break_glass_lock(load_config(project), lock_path_for(project))


def test_app_refuses_the_rename_before_building_anything(project, monkeypatch, capsys):
    """`cdk synth` runs app.main: the rename exits 2 with the explanation and writes no template."""
    import app

    edit(project, rename_user)
    monkeypatch.setenv("CDK_CONTEXT_JSON", json.dumps({"config": str(project)}))
    monkeypatch.setattr(app, "build_app", lambda *a, **k: pytest.fail("build_app must not run"))
    lock_before = lock_path_for(project).read_text()

    assert app.main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: refusing to synthesize: the config changes break-glass names")
    assert "'breakglass.two' is recorded but no longer configured" in err
    assert lock_path_for(project).read_text() == lock_before


def test_recording_on_purpose_accepts_the_rename(project, monkeypatch):
    import app

    config = edit(project, rename_user)
    monkeypatch.setenv("CDK_CONTEXT_JSON", json.dumps({"config": str(project)}))
    assert app.main(["--record-break-glass-lock"]) == 0
    assert check_break_glass_lock(config, lock_path_for(project)) is None


def test_a_failed_build_records_no_lock(tmp_path, monkeypatch, capsys):
    """The lock of a new config is written only once its synth succeeded."""
    import app
    from iam_baseline.errors import BaselineError

    config_file = tmp_path / "new.yaml"
    config_file.write_text(DEFAULT_TEXT)
    shutil.copytree(FIXTURES / "saml", tmp_path / "saml")
    monkeypatch.setenv("CDK_CONTEXT_JSON", json.dumps({"config": str(config_file)}))

    def refuse(*args, **kwargs):
        raise BaselineError("trust policy of role X is 2337 characters (whitespace excluded), 289 over the quota of 2048")

    monkeypatch.setattr(app, "build_app", refuse)
    assert app.main([]) == 2
    assert "error: trust policy of role X" in capsys.readouterr().err
    assert not lock_path_for(config_file).exists()


# --------------------------------------------------------------- one config, one account
def other_account(data):
    data["account_id"] = "210987654321"


def test_a_lock_of_another_account_is_not_binding_and_is_replaced(project):
    """The example's lock never blocks a user who edits the example in place for their account."""
    config = edit(project, lambda d: (other_account(d), rename_user(d)))
    note = check_break_glass_lock(config, lock_path_for(project))
    assert note == f"{lock_path_for(project)} recorded account '111122223333', not '210987654321': not binding; " \
        "replaced with this config's break-glass names"
    assert json.loads(lock_path_for(project).read_text())["names"] == locked_names(config)


def test_a_lock_of_another_account_is_removed_when_break_glass_is_off(project):
    config = edit(project, lambda d: (other_account(d), d.update(break_glass=None)))
    note = check_break_glass_lock(config, lock_path_for(project))
    assert note.endswith("not binding; removed (break-glass is off)")
    assert not lock_path_for(project).exists()


def test_the_same_account_stays_bound(project):
    """Negative control: only another account unbinds the lock."""
    config = edit(project, lambda d: (d.update(region="eu-central-1"), rename_user(d)))
    with pytest.raises(BreakGlassLockError):
        check_break_glass_lock(config, lock_path_for(project))


def test_synth_of_another_account_replaces_the_lock_after_a_clean_synth(project, monkeypatch, capsys, tmp_path):
    import app

    config = edit(project, lambda d: (other_account(d), rename_user(d)))
    monkeypatch.setenv("CDK_CONTEXT_JSON", json.dumps({"config": str(project)}))
    monkeypatch.setattr(app, "refuse_example_values", lambda *a: None)  # the example's people are kept here
    monkeypatch.setattr(app, "build_app", lambda *a, **k: SimpleNamespace(synth=lambda: SimpleNamespace(directory=str(tmp_path))))
    monkeypatch.setattr(app, "built_identities", lambda built: [])  # the fake app builds no identity
    assert app.main([]) == 0
    assert "not binding; replaced with this config's break-glass names" in capsys.readouterr().err
    assert json.loads(lock_path_for(project).read_text())["names"] == locked_names(config)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: None, "{lock} already records the break-glass names of {config}: unchanged"),
        (rename_user, "updated {lock} with the break-glass names of {config}; commit it in a reviewed change:\n"
                      "  - break_glass.users: 'breakglass.two' is recorded but no longer configured\n"
                      "  - break_glass.users: 'breakglass.2' is configured but not recorded"),
        (lambda d: d.update(break_glass=None), "removed {lock}: break-glass is off in {config}"),
        (other_account, "replaced {lock}: it recorded account '111122223333', not '210987654321' of {config}, "
                        "so it bound nothing this config deploys; commit it with the config"),
    ],
    ids=["unchanged", "updated", "removed", "replaced"],
)
def test_make_break_glass_lock_says_what_it_did(project, monkeypatch, capsys, change, message):
    import app

    edit(project, change)
    monkeypatch.setenv("CDK_CONTEXT_JSON", json.dumps({"config": str(project)}))
    assert app.main(["--record-break-glass-lock"]) == 0
    assert capsys.readouterr().err.strip() == message.format(lock=lock_path_for(project), config=project)


def test_make_break_glass_lock_records_a_new_lock_or_none(tmp_path, monkeypatch, capsys):
    import app

    config_file = tmp_path / "new.yaml"
    config_file.write_text(DEFAULT_TEXT)
    shutil.copytree(FIXTURES / "saml", tmp_path / "saml")
    monkeypatch.setenv("CDK_CONTEXT_JSON", json.dumps({"config": str(config_file)}))
    assert app.main(["--record-break-glass-lock"]) == 0
    lock = lock_path_for(config_file)
    assert capsys.readouterr().err.strip() == (
        f"recorded the break-glass names of {config_file} in {lock} (there was no lock); commit it with the config"
    )
    lock.unlink()
    edit(config_file, lambda d: d.update(break_glass=None))
    assert app.main(["--record-break-glass-lock"]) == 0
    assert capsys.readouterr().err.strip() == f"no lock written: break-glass is off in {config_file} (and there was no lock)"
    assert not lock.exists()
