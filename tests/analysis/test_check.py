"""``make check`` on the default baseline: passes with >= 50 checks, fails naming MFA when the
force-MFA Deny is removed, and writes the reports. Uses the session's synthesized assembly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from iam_baseline.analysis.check import main
from template_tools import DEFAULT_CONFIG_FILE

ROOT = Path(__file__).resolve().parents[2]
CONFIG = str(DEFAULT_CONFIG_FILE)


@pytest.fixture()
def assembly_copy(default_assembly, tmp_path) -> Path:
    target = tmp_path / "cdk.out"
    shutil.copytree(default_assembly.directory, target)
    return target


def _summary(output: str) -> tuple[int, int]:
    last = output.strip().splitlines()[-1]
    total, failed = last.replace(" checks,", "").replace(" failed", "").split()
    return int(total), int(failed)


def test_check_passes_on_the_default_baseline(assembly_copy, capsys):
    assert main(["--out", str(assembly_copy), "--config", CONFIG]) == 0
    output = capsys.readouterr().out
    total, failed = _summary(output)
    assert total >= 50 and failed == 0
    assert "checks per second" in output
    report = (assembly_copy / "access-report.md").read_text()
    assert "## Admin-equivalent principals" in report and "- `role:Admin`" in report
    assert "### role `Developer`" in report and "DenyBaselineResourcesByName" in report
    page = (assembly_copy / "access-report.html").read_text()
    assert "<svg" in page and "role:Admin" in page and "group:Developers" in page


def test_check_fails_naming_mfa_without_the_force_mfa_deny(assembly_copy, capsys):
    template_path = assembly_copy / "AccountBaseline.template.json"
    template = json.loads(template_path.read_text())
    document = template["Resources"]["ForceMfaA3BF5E12"]["Properties"]["PolicyDocument"]
    document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != "DenyAllExceptListedIfNoMFA"]
    template_path.write_text(json.dumps(template))

    assert main(["--out", str(assembly_copy), "--config", CONFIG]) == 1
    output = capsys.readouterr().out
    failures = [line for line in output.splitlines() if line.startswith("FAIL ")]
    assert failures and all("MFA" in line for line in failures)
    # Users hold nothing but self-service and MFA-gated role assumption, so what the Deny
    # protected is the MFA device itself: without MFA, it could be removed.
    assert any(line.startswith("FAIL access-key-cannot-deactivate-mfa:") for line in failures)
    assert _summary(output)[1] == len(failures)


def test_check_reports_a_missing_assembly(tmp_path, capsys):
    assert main(["--out", str(tmp_path), "--config", CONFIG]) == 2
    assert "synthesize first" in capsys.readouterr().err


def test_the_checks_never_import_aws_cdk():
    import subprocess
    import sys

    code = "import sys, iam_baseline.analysis.check; sys.exit('aws_cdk' in sys.modules or 'moto' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_check_fails_on_an_unacknowledged_lint_finding(assembly_copy, capsys):
    template_path = assembly_copy / "AccountBaseline.template.json"
    template = json.loads(template_path.read_text())
    (logical_id,) = [
        k for k, r in template["Resources"].items()
        if r["Type"] == "AWS::IAM::ManagedPolicy" and r["Properties"].get("ManagedPolicyName") == "ForceMFA"
    ]
    statements = template["Resources"][logical_id]["Properties"]["PolicyDocument"]["Statement"]
    statements.append({"Effect": "Allow", "Action": "iam:GetUserz", "Resource": "*"})
    template_path.write_text(json.dumps(template))

    assert main(["--out", str(assembly_copy), "--config", CONFIG]) == 1
    failures = [line for line in capsys.readouterr().out.splitlines() if line.startswith("FAIL ")]
    assert any(line.startswith("FAIL policy-lint: policy/baseline/ForceMFA:") and "UNKNOWN_ACTION" in line for line in failures)


def test_check_fails_when_developers_may_assume_roles_outside_the_workload_path(assembly_copy, capsys):
    """Roles outside the assembly (the CDK bootstrap deploy role) have unknown trust policies;
    the caller's own policies decide, so removing the guard-rail Deny must show."""
    template_path = assembly_copy / "AccountBaseline.template.json"
    template = json.loads(template_path.read_text())
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::IAM::ManagedPolicy":
            document = resource["Properties"]["PolicyDocument"]
            document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != "DenyAssumeRoleOutsideWorkload"]
    template_path.write_text(json.dumps(template))

    assert main(["--out", str(assembly_copy), "--config", CONFIG]) == 1
    failures = [line for line in capsys.readouterr().out.splitlines() if line.startswith("FAIL ")]
    assert any(line.startswith("FAIL developer-no-cdk-bootstrap-deploy-role:") for line in failures)
    assert any(line.startswith("FAIL developer-no-foreign-account-trusting-role:") for line in failures)


def test_check_fails_when_federated_trust_conditions_are_removed(assembly_copy, capsys):
    """Each federated role trusts only its provider, audience and subject: without the
    conditions, the matrix rows for a foreign audience, repository or branch job fail."""
    template_path = assembly_copy / "AccountBaseline.template.json"
    template = json.loads(template_path.read_text())
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::IAM::Role" and resource["Properties"].get("RoleName") in ("FederatedAdmin", "GitHubDeploy"):
            for statement in resource["Properties"]["AssumeRolePolicyDocument"]["Statement"]:
                statement.pop("Condition", None)
    template_path.write_text(json.dumps(template))

    assert main(["--out", str(assembly_copy), "--config", CONFIG]) == 1
    failed = {line.split(":")[0].removeprefix("FAIL ") for line in capsys.readouterr().out.splitlines() if line.startswith("FAIL ")}
    assert failed == {
        "saml-admin-wrong-audience",
        "ci-no-deploy-from-unapproved-branch-job",
        "ci-no-deploy-from-other-repository",
        "ci-no-deploy-with-other-audience",
        "INV-TRUST-DECLARED-WAYS",  # the derived invariant finds it without any row
    }
