"""`make scan`'s cfn-guard step (scripts/guard_scan.py): a Control Tower finding fails the scan
unless it is registered with its reason, and the registration covers only the resources it
names. The real binary and rules are installed by `make scan` only, so these tests run the
script against a stand-in cfn-guard that prints what cfn-guard 3 prints."""

from __future__ import annotations

import json
import platform
import sys

import pytest
from template_tools import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import guard_scan  # noqa: E402

RULE = """rule lambda_inside_vpc_check when is_cfn_template(%INPUT_DOCUMENT) {
    check(%functions.Properties)
        <<
        [CT.LAMBDA.PR.3]: Require an AWS Lambda function to be deployed inside a VPC
        >>
}
"""


def _package(tmp_path, logical_ids: list[str]):
    """A package folder shaped like @cdklabs/cdk-validator-cfnguard, with a cfn-guard that
    reports ``logical_ids`` as non-compliant with the rule above (exit 19, as cfn-guard does)."""
    package = tmp_path / "pkg"
    rules = package / "rules" / "control-tower" / "cfn-guard" / "lambda"
    rules.mkdir(parents=True)
    (rules / "ct-lambda-pr-3.guard").write_text(RULE)
    report = {
        "name": "t", "status": "FAIL",
        "not_compliant": [{"Rule": {"name": "lambda_inside_vpc_check", "checks": [
            {"Clause": {"Unary": {"check": {"UnResolved": {"value": {"traversed_to": {
                "path": f"/Resources/{lid}/Properties", "value": {}}}}}}}} for lid in logical_ids]}}],
    }
    system = {"Linux": "ubuntu", "Darwin": "macos"}[platform.system()]
    arch = {"x86_64": "x86_64", "AMD64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}[platform.machine()]
    binary = package / "bin" / system / arch / "cfn-guard"
    binary.parent.mkdir(parents=True)
    binary.write_text(f"#!/bin/sh\ncat <<'EOF'\n{json.dumps(report)}\nEOF\nexit 19\n")
    binary.chmod(0o755)
    templates = tmp_path / "cdk.out"
    templates.mkdir()
    (templates / "AccountBaseline.template.json").write_text("{}")
    return package, templates


def test_a_registered_finding_passes_with_its_reason(tmp_path, capsys):
    package, templates = _package(tmp_path, ["PasswordPolicyHandler8F092B65"])
    assert guard_scan.main([str(package), str(templates)]) == 0
    out = capsys.readouterr().out
    assert "CT.LAMBDA.PR.3" in out and "reasoned: the StackSet members' inline password-policy handler" in out
    assert "0 new finding(s)" in out


def test_a_new_finding_fails_the_scan(tmp_path, capsys):
    # Negative control: the same control on a resource nobody registered.
    package, templates = _package(tmp_path, ["PasswordPolicyHandler8F092B65", "SomeNewFunction1234"])
    assert guard_scan.main([str(package), str(templates)]) == 1
    out = capsys.readouterr().out
    assert "SomeNewFunction1234\n    NEW" in out and "1 new finding(s)" in out


@pytest.mark.parametrize(("control", "logical_id", "registered"), [
    ("CT.IAM.PR.3", "DeveloperBoundary01F3AD52", True),
    ("CT.IAM.PR.3", "DataTeamPolicy01F3AD52", False),  # a persona's own policy is not covered
    ("CT.KMS.PR.3", "AlertTopicKey863797D7", False),  # the baseline's keys must pass CT.KMS.PR.3
])
def test_registrations_name_control_and_resource(control, logical_id, registered):
    assert (guard_scan.reason_for(control, logical_id) is not None) is registered


def test_a_missing_package_says_how_to_install_it(tmp_path):
    with pytest.raises(SystemExit, match="run `make scan`"):
        guard_scan.guard_binary(tmp_path / "absent")
