"""The project's examples (config/examples/*.yaml) pass synth and check.

The suite never reads config/*.yaml, the files a user edits (the default one, a new
config/prod.yaml): their edits change no test result, and `make synth` and `make check`
(which the workflows run) judge them. This module validates each example exactly as those
two commands would, without naming any of its values: it loads, holds no example value unless it is an example, its break-glass and
identity-store locks are current, it synthesizes with no unacknowledged finding, and the
access check (matrix, escalation search, admin equivalence, lint) passes.

One in-process synth per file, shared by that file's tests (a synth costs seconds).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from template_tools import ROOT

#: Every example the project ships, relative to the project root (the app's working directory:
#: relative metadata paths inside the configs resolve against it).
PROJECT_CONFIGS = sorted(path.relative_to(ROOT).as_posix() for path in ROOT.glob("config/examples/*.yaml"))


@pytest.fixture(scope="session", params=PROJECT_CONFIGS)
def project_synth(request, synthesized_config) -> tuple[str, object, Path]:
    """(config path, validated config, cloud assembly directory) of one project config,
    synthesized in-process with the nag packs and the acknowledgments, as `cdk synth` does."""
    from iam_baseline.config import load_config

    path = request.param
    return path, load_config(ROOT / path), synthesized_config(ROOT / path)


def test_what_synth_checks_before_building_passes(project_synth):
    """`make synth` first refuses example values in a config for another account and a
    config whose committed lock records other break-glass names (a missing lock is fine:
    the first clean synth records it)."""
    from app import load_checked

    path, _, _ = project_synth
    load_checked(str(ROOT / path))


def test_no_identity_center_user_is_renamed(project_synth):
    """`make synth` refuses a config that renames an Identity Center user its committed
    identity-store lock records (a missing lock is fine: the first clean synth records it)."""
    from iam_baseline.config.identity_store_lock import check_identity_store_lock, lock_path_for

    path, config, _ = project_synth
    check_identity_store_lock(config, lock_path_for(ROOT / path))


def test_an_example_names_lock_is_current(project_synth, synthesized_config):
    """A synth of an example leaves the working tree clean: its committed names lock records
    exactly the IAM identities it builds (a stale lock is rewritten by `make synth`)."""
    from iam_baseline.config.names_lock import check_names_lock, lock_path_for

    path, config, _ = project_synth
    built = synthesized_config.identities[(ROOT / path).resolve()]
    assert check_names_lock(built, config.account_id, lock_path_for(ROOT / path)) is None


@pytest.mark.parametrize("path", PROJECT_CONFIGS)
def test_an_example_stacksets_lock_is_current(path):
    """A synth of an example with an organization leaves the working tree clean: its committed
    StackSets lock records each member account at its StackSet, with no move pending
    (config/stackset_moves.py; no synth needed, the groups come from the config)."""
    from iam_baseline.config import load_config
    from iam_baseline.config.stackset_moves import MovePlan, check_stackset_lock, lock_path_for

    config = load_config(ROOT / path)
    lock = lock_path_for(ROOT / path)
    assert lock.exists() == (config.organization is not None)
    assert check_stackset_lock(config, lock) == (MovePlan(), None)


def test_synth_leaves_no_unacknowledged_finding(project_synth):
    """app.py fails `cdk synth` on any finding, nested StackSet member templates included."""
    from iam_baseline.compliance.report import unacknowledged_findings

    _, _, outdir = project_synth
    assert unacknowledged_findings(outdir) == []


def test_the_access_check_passes(project_synth, tmp_path, capsys):
    """`make check`: every access-matrix row, the escalation search, admin equivalence, lint."""
    from iam_baseline.analysis.check import main

    path, _, outdir = project_synth
    out = tmp_path / "cdk.out"  # check writes its reports next to the templates: keep the shared one clean
    shutil.copytree(outdir, out)
    status = main(["--out", str(out), "--config", str(ROOT / path)])
    output = capsys.readouterr()
    assert status == 0, f"`make check CONFIG={path}` fails:\n{output.out}{output.err}"


def test_loading_a_config_never_starts_jsii():
    """The config is validated before aws_cdk is imported (app.py, ``app.py --check-config``):
    a config error comes back in a fraction of a second, not after jsii's start-up. Every
    example and fixture config, loaded in a fresh interpreter, leaves ``aws_cdk`` unimported
    (the permission-set check reads the policies a persona uses from ``iam_baseline.identity``,
    whose constructs import aws_cdk)."""
    import subprocess
    import sys

    paths = sorted(str(p) for p in (*ROOT.glob("config/examples/*.yaml"), *ROOT.glob("tests/fixtures/*.yaml")))
    code = (
        "import sys\nfrom iam_baseline.config import load_config\n"
        f"for path in {paths!r}:\n    load_config(path)\n"
        "loaded = [m for m in ('aws_cdk', 'jsii') if m in sys.modules]\n"
        "sys.exit(f'imported while loading configs: {loaded}' if loaded else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
