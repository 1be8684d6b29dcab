"""The Makefile's helpers: synth writes into a clean output folder (and deletes nothing else);
`make diff`/`make deploy` without AWS credentials say how to provide them."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from template_tools import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import aws_hint  # noqa: E402
import clean_output  # noqa: E402


def _assembly(folder):
    (folder / "assembly-Stale").mkdir(parents=True)
    (folder / "assembly-Stale" / "Stale.template.json").write_text("{}")
    (folder / "manifest.json").write_text("{}")
    (folder / "OldStack.template.json").write_text("{}")
    (folder / "access-report.md").write_text("stale report")
    return folder


def test_a_previous_assembly_is_emptied(tmp_path):
    out = _assembly(tmp_path / "cdk.out")
    assert clean_output.main([str(out)]) == 0
    assert out.is_dir() and list(out.iterdir()) == []


def test_a_link_inside_is_removed_not_followed(tmp_path):
    outside = tmp_path / "keep"
    outside.mkdir()
    (outside / "precious.txt").write_text("x")
    out = _assembly(tmp_path / "cdk.out")
    (out / "link").symlink_to(outside, target_is_directory=True)
    clean_output.clean_output(out)
    assert (outside / "precious.txt").read_text() == "x"


def test_an_absent_folder_is_fine(tmp_path):
    assert clean_output.clean_output(tmp_path / "cdk.out") == []


@pytest.mark.parametrize(
    ("make_out", "reason"),
    [
        (lambda tmp: (tmp / "notes.txt").write_text("mine") and tmp, "is not a cloud assembly"),
        (lambda tmp: ROOT, "which holds more than a cloud assembly"),
        (lambda tmp: ROOT.parent, "which holds more than a cloud assembly"),
        (lambda tmp: (tmp / "l").symlink_to(_assembly(tmp / "real")) or tmp / "l", "is a symbolic link"),
    ],
    ids=["not-an-assembly", "project-root", "above-the-project", "symlink"],
)
def test_anything_else_is_refused_and_kept(tmp_path, capsys, make_out, reason):
    out = make_out(tmp_path)
    before = sorted(p.name for p in out.iterdir())
    assert clean_output.main([str(out)]) == 2
    assert reason in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == before


NO_CREDENTIALS = "Need to perform AWS calls for account 111122223333, but no credentials have been configured"


def test_a_credentials_failure_gets_the_hint_and_keeps_its_status(capfd):
    status = aws_hint.main([sys.executable, "-c", f"print({NO_CREDENTIALS!r}); raise SystemExit(1)"])
    out, err = capfd.readouterr()
    assert status == 1
    assert NO_CREDENTIALS in out
    assert "AWS credentials are missing or expired" in err
    assert "AWS_PROFILE=<name> make" in err and "aws sso login --profile <name>" in err


def test_other_failures_get_no_hint(capfd):
    """Negative control: a failure that is not about credentials is passed through alone."""
    assert aws_hint.main([sys.executable, "-c", "print('Stack IamBaseline failed'); raise SystemExit(3)"]) == 3
    assert "AWS credentials" not in capfd.readouterr().err


BAD_ACCOUNT = 'account_id: "12345"\nregion: eu-west-1\n'
BAD_ACCOUNT_PROBLEM = (
    "  - account_id (line 1, column 1): not allowed: expected an AWS account id: exactly 12 digits 0-9, "
    "quoted, e.g. '123456789012' [got: \"12345\"]"
)


def _make(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE") and k != "MFLAGS"}
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_make_synth_ends_a_config_error_with_the_error(tmp_path):
    """The config checks run before the CDK CLI starts: the problem is the last line before
    make's own, with neither the synth banner nor the CLI's "Subprocess exited" around it."""
    config = tmp_path / "bad.yaml"
    config.write_text(BAD_ACCOUNT)
    out = tmp_path / "cdk.out"
    done = _make("synth", f"CONFIG={config}", f"OUT={out}")
    assert done.returncode != 0
    lines = (done.stdout + done.stderr).splitlines()
    assert lines[0] == f"error: invalid baseline config {config}: 1 problem"
    assert lines[1] == BAD_ACCOUNT_PROBLEM
    assert len(lines) == 3 and re.fullmatch(r"make: \*\*\* \[Makefile:\d+: synth\] Error 2", lines[2]), lines
    assert not out.exists()


def test_make_check_starts_a_config_error_with_the_error(tmp_path):
    """`make check` does not echo its command line: the problem is all it prints before make's own line."""
    config = tmp_path / "bad.yaml"
    config.write_text(BAD_ACCOUNT)
    done = _make("check", f"CONFIG={config}", f"OUT={tmp_path / 'cdk.out'}")
    assert done.returncode != 0
    lines = (done.stdout + done.stderr).splitlines()
    assert lines[:2] == [f"error: invalid baseline config {config}: 1 problem", BAD_ACCOUNT_PROBLEM], lines
    assert len(lines) == 3 and re.fullmatch(r"make: \*\*\* \[Makefile:\d+: check\] Error 2", lines[2]), lines


def test_check_config_checks_without_writing(tmp_path, capsys):
    """``app.py --check-config``: 0 for a good config and nothing written (no lock, no
    assembly); 2 with the error for a bad one (the negative control)."""
    from app import main

    good = tmp_path / "good.yaml"
    good.write_text('account_id: "210987654321"\nregion: eu-west-1\n')
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["--check-config", str(good)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_ACCOUNT)
    assert main(["--check-config", str(bad)]) == 2
    assert capsys.readouterr().err == f"error: invalid baseline config {bad}: 1 problem\n{BAD_ACCOUNT_PROBLEM}\n"


_FAKE_CDK = """#!/bin/bash
# What the CDK CLI prints around a --quiet synth of several stacks (findings go through).
echo "[Warning at /IamBaseline/Role] a finding"
case " $* " in *" --no-notices "*) ;; *) printf 'NOTICES         (What is this? https://github.com/aws/aws-cdk/wiki/CLI-Notices)\\n';; esac
echo
echo "Supply a stack id (AccountBaseline, IdentityAccount) to display its template."
echo "Successfully synthesized to /somewhere/cdk.out"
exit "${FAKE_CDK_STATUS:-0}"
"""


@pytest.mark.parametrize("target", ["synth", "hub-picture"])
def test_make_synth_and_hub_picture_print_the_findings_only(tmp_path, target):
    """The synth line of `make synth` and `make hub-picture` (their recipe, run with a stand-in
    `cdk` that prints what the CLI prints) shows the findings and none of the CLI's banner lines,
    and keeps the CLI's exit status."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "cdk").write_text(_FAKE_CDK)
    (fake / "cdk").chmod(0o755)
    out = tmp_path / "out"
    planned = _make("-n", target, f"OUT={out}", "CONFIG=config/examples/hub-and-spoke.yaml").stdout.replace("\\\n", "")
    recipe = next(line for line in planned.splitlines() if "cdk synth --quiet" in line)
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}"}
    shown = subprocess.run(["bash", "-c", recipe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0
    lines = shown.stdout.splitlines()
    assert lines[0] == "[Warning at /IamBaseline/Role] a finding"
    assert lines[1:] == ([] if target == "hub-picture" else [lines[1]]), lines
    if target == "synth":
        assert re.fullmatch(rf"== synthesized {out} \(0 templates, \d+ s\); next: make check CONFIG=\S+ OUT={out}", lines[1])
    failed = subprocess.run(["bash", "-c", recipe], cwd=ROOT, env={**env, "FAKE_CDK_STATUS": "1"}, capture_output=True, text=True)
    assert failed.returncode == 1 and "synthesized" not in failed.stdout


#: The minutes-long test files `make test-fast` leaves out and `make test` runs.
HEAVY_TESTS = ("tests/test_boundary_equivalence.py", "tests/organization/test_hub_scale.py")


def test_make_test_fast_leaves_the_heavy_tests_out_and_make_test_runs_them():
    planned = _make("-n", "test-fast").stdout.splitlines()
    command = next(line for line in planned if " -m pytest -m " in line)
    expression = command.split(" -m pytest -m ", 1)[1].strip().strip('"')

    def collected(*options: str) -> str:
        done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", *options, *HEAVY_TESTS],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
        return done.stdout

    fast = collected("-m", expression)
    assert "::" not in fast and "deselected" in fast, fast
    everything = collected()  # make test: pytest with no marker expression
    assert all(f"{path}::" in everything for path in HEAVY_TESTS), everything
