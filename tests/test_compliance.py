"""Compliance: four cdk-nag packs and CDK's own template validation reject insecure IAM; the
baseline passes with every acknowledgment in one registry, each with a reason, none dead."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

from template_tools import CDK_CONTEXT, ROOT, VARIANTS

PACK_PLUGINS = {"AwsSolutions", "NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321"}
CFN_VALIDATE = "CloudFormation Validate"


def _findings(report: dict) -> list[tuple[str, str, str]]:
    """(acknowledgment id, stack id, construct path below the stack) of every violation."""
    found = []
    for plugin in report["pluginReports"]:
        for violation in plugin["violations"]:
            rule = violation["ruleName"]
            ack_id = f"CloudFormation-Validate::{rule}" if plugin["pluginName"] == CFN_VALIDATE else rule
            for construct in violation["violatingConstructs"]:
                stack, relative = construct["constructPath"].split("/", 1)
                found.append((ack_id, stack, relative))
    return found


def _rule_of(entry, config) -> str:
    return entry.rule.format(iam_path=config.iam_path, workload_role_path=config.workload_role_path)


def test_builtin_template_validation_is_on_in_cdk_json():
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    assert context["@aws-cdk/core:validateAgainstDefaultRules"] is True


def test_four_packs_are_registered():
    from iam_baseline.compliance import NAG_PACKS

    assert [p.__name__ for p in NAG_PACKS] == [
        "AwsSolutionsChecks",
        "NIST80053R5Checks",
        "HIPAASecurityChecks",
        "PCIDSS321Checks",
    ]


def test_default_app_has_no_unacknowledged_finding(default_assembly):
    report = json.loads((Path(default_assembly.directory) / "validation-report.json").read_text())
    assert _findings(report) == []
    # CDK's validator ran (its one finding is acknowledged in the registry).
    (cfn,) = [p for p in report["pluginReports"] if p["pluginName"] == CFN_VALIDATE]
    assert [s["acknowledgedId"] for s in cfn["suppressedViolations"]] == ["CloudFormation-Validate::W2512"]


def test_insecure_role_is_rejected_by_every_pack(default_config, tmp_path):
    """A role with *:* and an unconditioned trust, added to the real app (packs and registry
    applied): synth fails, naming the rules, and only the insecure role is reported."""
    from aws_cdk import aws_iam as iam

    from app import build_app

    app = build_app(default_config, outdir=str(tmp_path), context=CDK_CONTEXT)
    stack = app.node.find_child("AccountBaseline")
    backdoor = iam.Role(stack, "Backdoor", assumed_by=iam.AccountRootPrincipal())  # no MFA condition
    backdoor.add_to_policy(iam.PolicyStatement(actions=["*"], resources=["*"]))
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    findings = _findings(json.loads((tmp_path / "validation-report.json").read_text()))
    assert {path for _, _, path in findings} == {"Backdoor/DefaultPolicy/Resource"}
    assert {rule for rule, _, _ in findings} >= {
        "AwsSolutions-IAM5[Action::*]",
        "AwsSolutions-IAM5[Resource::*]",
        "NIST.800.53.R5-IAMPolicyNoStatementsWithAdminAccess",
        "HIPAA.Security-IAMPolicyNoStatementsWithAdminAccess",
        "PCI.DSS.321-IAMPolicyNoStatementsWithAdminAccess",
        "NIST.800.53.R5-IAMNoInlinePolicy",
    }
    reporting = {p["pluginName"] for p in json.loads((tmp_path / "validation-report.json").read_text())["pluginReports"]
                 if p["violations"]}
    assert reporting == PACK_PLUGINS


def test_every_acknowledgment_has_a_reason_of_substance():
    from iam_baseline.compliance import REGISTRY

    for entry in REGISTRY:
        assert len(entry.reason) >= 60, entry
        assert entry.reason.rstrip().endswith("."), entry
        assert not entry.reason.lower().startswith(("needed", "required", "necessary", "suppress")), entry
        assert "::" not in entry.rule.split("[")[0] or entry.rule.startswith("CloudFormation-Validate::"), (
            f"{entry.rule}: nag rule ids carry no 'Pack::' prefix"
        )
    assert len({(e.rule, e.path) for e in REGISTRY}) == len(REGISTRY), "duplicate registry entries"


def test_no_dead_acknowledgment(unacknowledged_variants, default_config):
    """Each registry entry matches a real finding on the default config or one of its variants
    (no users; each read-only policy), on a construct its path pattern selects."""
    from iam_baseline.compliance import REGISTRY

    _, report = unacknowledged_variants
    findings = _findings(report)
    dead = [
        entry for entry in REGISTRY
        if not any(rule == _rule_of(entry, default_config) and fnmatchcase(path, entry.path)
                   for rule, _, path in findings)
    ]
    assert dead == []


def test_default_config_needs_all_but_the_config_dependent_entries(unacknowledged_variants, default_config):
    """Against the default config (which has users and ViewOnlyAccess) only the entries for
    empty groups and the other read-only policies stay unused."""
    from iam_baseline.compliance import REGISTRY

    _, report = unacknowledged_variants
    findings = [(rule, path) for rule, stack, path in _findings(report) if stack == "DefaultConfig"]
    unused = sorted(
        entry.rule for entry in REGISTRY
        if not any(rule == _rule_of(entry, default_config) and fnmatchcase(path, entry.path) for rule, path in findings)
    )
    assert unused == [
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess]",
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/SecurityAudit]",
        "HIPAA.Security-IAMGroupHasUsers",
        "PCI.DSS.321-IAMGroupHasUsers",
    ]


@pytest.mark.parametrize("stack_id", VARIANTS)
def test_every_finding_of_every_variant_is_acknowledged(unacknowledged_variants, default_config, stack_id):
    """The variants would synthesize clean with the registry: no finding without an entry."""
    from iam_baseline.compliance import REGISTRY

    _, report = unacknowledged_variants
    findings = [(rule, path) for rule, stack, path in _findings(report) if stack == stack_id]
    assert findings, "the packs ran"
    uncovered = [
        (rule, path) for rule, path in findings
        if not any(rule == _rule_of(e, default_config) and fnmatchcase(path, e.path) for e in REGISTRY)
    ]
    assert uncovered == []
