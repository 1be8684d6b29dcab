"""Findings in nested stages fail the synth: app.py reads them from the validation report."""

from __future__ import annotations

import json


def test_unacknowledged_findings_are_read_from_every_plugin_report(tmp_path):
    from iam_baseline.compliance.report import unacknowledged_findings

    assert unacknowledged_findings(tmp_path) == []  # no report: nothing was checked, nothing to fail on
    (tmp_path / "validation-report.json").write_text(
        json.dumps(
            {
                "pluginReports": [
                    {"pluginName": "AwsSolutions", "violations": [], "suppressedViolations": [{"ruleName": "ignored"}]},
                    {
                        "pluginName": "NIST.800.53.R5",
                        "violations": [
                            {
                                "ruleName": "NIST.800.53.R5-LambdaDLQ",
                                "violatingConstructs": [
                                    {"constructPath": "StackSetMemberSandbox/AccountBaseline/PasswordPolicy/Handler/Resource"},
                                    {"constructPath": "StackSetMemberSecurity/AccountBaseline/PasswordPolicy/Handler/Resource"},
                                ],
                            }
                        ],
                    },
                ]
            }
        )
    )
    assert unacknowledged_findings(tmp_path) == [
        "NIST.800.53.R5-LambdaDLQ at StackSetMemberSandbox/AccountBaseline/PasswordPolicy/Handler/Resource",
        "NIST.800.53.R5-LambdaDLQ at StackSetMemberSecurity/AccountBaseline/PasswordPolicy/Handler/Resource",
    ]


def test_acknowledgments_match_paths_relative_to_a_nested_stack():
    from aws_cdk import App, Stack, Stage

    from iam_baseline.compliance.acknowledgments import Acknowledgment, apply_acknowledgments
    from iam_baseline.identity import ForceMfaPolicy

    app = App()
    ForceMfaPolicy(Stack(Stage(app, "Member"), "Baseline"), "ForceMfa")
    ForceMfaPolicy(Stack(app, "Top"), "ForceMfa")
    registry = (Acknowledgment("AwsSolutions-IAM5", "ForceMfa/Resource/Resource", "test"),)
    assert apply_acknowledgments(app, registry=registry) == 2
