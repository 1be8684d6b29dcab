"""The construct library works from another CDK app: a tiny app outside this repository
imports `iam_baseline` (installed in the venv from ./constructs) and synthesizes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from template_tools import resources, statements

TINY_APP = textwrap.dedent(
    """
    import iam_baseline
    from aws_cdk import App, Environment, Stack
    from iam_baseline.config import RoleConfig
    from iam_baseline.identity import ForceMfaPolicy, HumanUserGroup, MfaAssumableRole

    app = App()
    stack = Stack(app, "Tiny", env=Environment(account="123456789012", region="us-east-1"))
    force_mfa = ForceMfaPolicy(stack, "ForceMfa")
    ops = MfaAssumableRole(
        stack,
        "Ops",
        role=RoleConfig(name="Ops", max_session_duration_seconds=7200),
        account_id="123456789012",
        mfa_max_age_seconds=600,
        managed_policies=[],
    )
    HumanUserGroup(stack, "Operators", group_name="Operators", path="/", force_mfa_policy=force_mfa.policy,
                   assumable_roles=[ops.role])
    app.synth()
    print(iam_baseline.__file__)
    """
)


def test_tiny_app_imports_and_synthesizes_the_library(tmp_path):
    app_dir = tmp_path / "tiny-app"
    app_dir.mkdir()
    (app_dir / "app.py").write_text(TINY_APP)
    outdir = tmp_path / "cdk.out"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CDK_CONTEXT_JSON")}
    run = subprocess.run(
        [sys.executable, "app.py"],
        cwd=app_dir,  # not the repository: the import must come from the installed distribution
        env={**env, "CDK_OUTDIR": str(outdir)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip().endswith("iam_baseline/__init__.py")

    template = json.loads((outdir / "Tiny.template.json").read_text())
    (policy,) = [
        p for p in resources(template, "AWS::IAM::ManagedPolicy").values()
        if p["Properties"]["ManagedPolicyName"] == "ForceMFA"
    ]
    deny = statements(policy["Properties"]["PolicyDocument"])[-1]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    (role,) = resources(template, "AWS::IAM::Role").values()
    assert role["Properties"]["RoleName"] == "Ops"
    assert role["Properties"]["MaxSessionDuration"] == 7200
    (trust,) = statements(role["Properties"]["AssumeRolePolicyDocument"])
    assert trust["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert trust["Condition"] == {
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
        "NumericLessThan": {"aws:MultiFactorAuthAge": "600"},
    }
    (group,) = resources(template, "AWS::IAM::Group").values()
    assert group["Properties"]["GroupName"] == "Operators"
    assert len(group["Properties"]["ManagedPolicyArns"]) == 2
