"""Derived invariants on a user's own config: other people, no federation, no detection and no
access matrix pass ``make check`` without writing any expectation; the same harness fails on a
broken trust; and a matrix row naming a principal the assembly lacks is a config error listed
once with the rows that name it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from iam_baseline.analysis.check import main
from template_tools import DEFAULT_CONFIG_FILE, FIXTURES

ROOT = Path(__file__).resolve().parents[2]
#: The shipped example itself: the issue asks that this very file passes.
SMALL_TEAM = ROOT / "config" / "examples" / "small-team.yaml"


@pytest.fixture(scope="session")
def small_team_assembly(synthesized_config) -> Path:
    """The example small team's assembly, synthesized once (shared with test_project_configs)."""
    return synthesized_config(SMALL_TEAM)


def test_a_user_config_is_proven_without_expectations(small_team_assembly, tmp_path, capsys):
    out = tmp_path / "cdk.out"
    shutil.copytree(small_team_assembly, out)
    assert main(["--out", str(out), "--config", str(SMALL_TEAM)]) == 0
    output = capsys.readouterr().out
    assert "invariants: " in output and " decided over 1 account scope in" in output


def test_the_same_config_fails_on_an_unconditioned_trust(small_team_assembly, tmp_path, capsys):
    out = tmp_path / "cdk.out"
    shutil.copytree(small_team_assembly, out)
    path = out / "AccountBaseline.template.json"
    template = json.loads(path.read_text())
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::IAM::Role" and resource["Properties"].get("RoleName") == "Developer":
            resource["Properties"]["AssumeRolePolicyDocument"]["Statement"][0].pop("Condition")
    path.write_text(json.dumps(template))
    assert main(["--out", str(out), "--config", str(SMALL_TEAM)]) == 1
    failures = [line for line in capsys.readouterr().out.splitlines() if line.startswith("FAIL ")]
    # The declared-ways invariant may show any undeclared request (z3 picks the model: no MFA, or
    # MFA older than mfa.max_age_seconds); the one without MFA is shown by the MFA-less invariant.
    assert any(line.startswith("FAIL INV-TRUST-DECLARED-WAYS:") and "role:Developer: counterexample" in line
               for line in failures), failures
    assert any(line.startswith("FAIL INV-MFA-LESS-ONLY-MACHINE:") and "role:Developer: counterexample" in line
               and "context {no keys}" in line for line in failures), failures


def test_a_row_naming_a_missing_principal_is_a_config_error(default_assembly, tmp_path, capsys):
    data = yaml.safe_load(DEFAULT_CONFIG_FILE.read_text())
    data["access_matrix"]["expectations"] += [
        # Names the config check at load lets through (patterns, generated-looking role names,
        # resources): the assembly decides, once, at `make check` start.
        {"id": "ghost-one", "principal": "user:zed*", "action": "s3:ListAllMyBuckets", "expect": "denied",
         "because": "x"},
        {"id": "ghost-two", "principal": "user:zed*", "action": "s3:ListAllMyBuckets", "expect": "denied",
         "because": "x"},
        {"id": "ghost-role", "principal": "group:Developers", "action": "sts:AssumeRole", "resource": "role:Nope",
         "expect": "denied", "because": "x"},
    ]
    config = tmp_path / "baseline.yaml"
    config.write_text(yaml.safe_dump(data))
    # Files a config names are resolved next to it: bring the fixture's along.
    shutil.copy(FIXTURES / "baseline.break-glass.lock", tmp_path / "baseline.break-glass.lock")
    shutil.copytree(FIXTURES / "saml", tmp_path / "saml")
    code = main(["--out", str(default_assembly.directory), "--config", str(config)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("user:zed*") == 1 and "user:zed* (rows: ghost-one, ghost-two)" in err
    assert "role:Nope (rows: ghost-role)" in err
