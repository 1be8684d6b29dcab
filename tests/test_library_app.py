"""examples/library-app: a CDK app of a library user synthesizes with the four nag packs and
the library's acknowledgments (and fails without them), and stays in step with the project's
pins and feature flags."""

from __future__ import annotations

import importlib.util
import json

import pytest
from template_tools import CDK_CONTEXT, ROOT, resources, statements

APP_DIR = ROOT / "examples" / "library-app"


def _example_module():
    spec = importlib.util.spec_from_file_location("library_app", APP_DIR / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # defines the stack; synthesizes only under __main__
    return module


def _synth(tmp_path, *, acknowledge: bool):
    from aws_cdk import App

    context = {**json.loads((APP_DIR / "cdk.json").read_text())["context"], "aws:cdk:enable-path-metadata": True}
    app = App(outdir=str(tmp_path), context=context, stack_traces=False)
    stack = _example_module().build(app, acknowledge=acknowledge)
    return app.synth().get_stack_by_name(stack.stack_name).template


def test_the_library_app_synthesizes_with_the_nag_packs(tmp_path):
    template = _synth(tmp_path, acknowledge=True)
    policies = {p["Properties"]["ManagedPolicyName"]: p for p in resources(template, "AWS::IAM::ManagedPolicy").values()}
    assert {"ForceMFA", "DeveloperBoundary", "Operators-AssumeRoles"} <= set(policies)
    deny = statements(policies["ForceMFA"]["Properties"]["PolicyDocument"])[-1]
    assert (deny["Effect"], deny["Condition"]) == ("Deny", {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}})
    roles = {r["Properties"]["RoleName"]: r["Properties"] for r in resources(template, "AWS::IAM::Role").values()
             if "RoleName" in r["Properties"]}  # fmt: skip
    assert set(roles) == {"Operator", "Auditor"}
    for role in roles.values():
        (trust,) = statements(role["AssumeRolePolicyDocument"])
        assert trust["Condition"] == {
            "Bool": {"aws:MultiFactorAuthPresent": "true"},
            "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
        }
    assert "PermissionsBoundary" in roles["Operator"] and "PermissionsBoundary" not in roles["Auditor"]
    (password_policy,) = [r for r in template["Resources"].values() if r["Type"] == "Custom::AccountPasswordPolicy"]
    assert '\\"MinimumPasswordLength\\":16' in json.dumps(password_policy["Properties"])


def test_without_the_acknowledgments_the_packs_fail_the_synth(tmp_path):
    """Negative control: the packs do run on the library app."""
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        _synth(tmp_path, acknowledge=False)


def test_the_example_pins_and_flags_follow_the_project():
    """Its requirements pin the project's versions; its cdk.json carries the project's flags and telemetry setting."""
    project_pins = dict(
        line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines() if "==" in line
    )
    example = [line for line in (APP_DIR / "requirements.txt").read_text().splitlines() if line and line[0] != "#"]
    assert example[0] == "../../constructs"
    for line in example[1:]:
        name, version = line.split("==")
        assert project_pins[name] == version, name
    flags = {k: v for k, v in CDK_CONTEXT.items() if k.startswith("@aws-cdk/")}
    # ... and the project's CLI telemetry setting (off: README, "CDK CLI telemetry: off").
    flags["cli-telemetry"] = CDK_CONTEXT["cli-telemetry"]
    assert json.loads((APP_DIR / "cdk.json").read_text())["context"] == flags


def test_the_library_version_has_one_place():
    """constructs/pyproject.toml holds the version; the package reports the installed one."""
    import tomllib

    import iam_baseline

    declared = tomllib.loads((ROOT / "constructs" / "pyproject.toml").read_text())["project"]["version"]
    assert iam_baseline.__version__ == declared
    assert declared not in (ROOT / "constructs" / "iam_baseline" / "__init__.py").read_text()  # not written twice
