"""The GitHub Actions workflows: valid against the published workflow schema, OIDC only (no
AWS keys), production deploys behind a manual approval, and trust policies that admit exactly
the tokens these jobs present."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from template_tools import ORGANIZATION_CONFIG_FILE
from iam_baseline.config.files import DEFAULT_CONFIG

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
CREDENTIALS_ACTION = "aws-actions/configure-aws-credentials"


def _validate(*paths: Path) -> subprocess.CompletedProcess:
    """check-jsonschema with its vendored copy of the GitHub workflow schema (SchemaStore)."""
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
        capture_output=True,
        text=True,
    )


def _load(name: str) -> dict:
    # PyYAML reads the `on:` key as True (YAML 1.1); the workflow schema check reads it right.
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())


def _steps_using(job: dict, action: str) -> list[dict]:
    return [s for s in job["steps"] if s.get("uses", "").startswith(action + "@")]


def test_workflows_match_the_github_workflow_schema():
    assert [p.name for p in WORKFLOWS] == ["deploy.yml", "pull-request.yml"]
    result = _validate(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("name: broken\non: push\njobs:\n  build:\n    steps:\n      - run: make test\n")  # no runs-on
    result = _validate(broken)
    assert result.returncode == 1 and "runs-on" in result.stdout


def test_no_long_lived_aws_keys_anywhere():
    for path in WORKFLOWS:
        text = path.read_text()
        for secret in ("aws-access-key-id", "aws-secret-access-key", "AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID"):
            assert secret not in text, f"{path.name} mentions {secret}"
        assert _load(path.name)["permissions"] == {"contents": "read"}  # nothing more by default


def test_main_deploys_through_oidc_behind_the_production_approval():
    workflow = _load("deploy.yml")
    assert workflow[True]["push"] == {"branches": ["main"]}
    deploy = workflow["jobs"]["deploy"]
    assert deploy["environment"] == "production"
    assert deploy["needs"] == "verify"
    assert deploy["permissions"] == {"contents": "read", "id-token": "write"}
    (credentials,) = _steps_using(deploy, CREDENTIALS_ACTION)
    assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_DEPLOY_ROLE_ARN }}"
    assert "cdk deploy --all --require-approval never" in deploy["steps"][-1]["run"]
    verify = " ".join(s.get("run", "") for s in workflow["jobs"]["verify"]["steps"])
    assert "make test" in verify and "make synth" in verify
    assert "id-token" not in workflow["jobs"]["verify"].get("permissions", {})


def test_pull_requests_test_synth_check_and_post_a_diff_summary():
    workflow = _load("pull-request.yml")
    test = " ".join(s.get("run", "") for s in workflow["jobs"]["test"]["steps"])
    for command in ("make install", "make test", "make synth", "make check"):
        assert command in test
    assert "permissions" not in workflow["jobs"]["test"]  # no OIDC token for the test job
    diff = workflow["jobs"]["diff"]
    assert diff["permissions"] == {"contents": "read", "id-token": "write"}
    (credentials,) = _steps_using(diff, CREDENTIALS_ACTION)
    assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_DIFF_ROLE_ARN }}"
    assert "cdk diff --all" in diff["steps"][-1]["run"] and '>> "$GITHUB_STEP_SUMMARY"' in diff["steps"][-1]["run"]


@pytest.mark.parametrize(("role", "job_sub"), [("GitHubDeploy", "environment:production"), ("GitHubDiff", "pull_request")])
def test_the_trust_policies_admit_the_tokens_of_these_jobs(role, job_sub):
    """GitHub sends `repo:<org>/<repo>:environment:production` for the deploy job (it has an
    environment) and `repo:<org>/<repo>:pull_request` for the diff job."""
    from iam_baseline.config import load_config

    config = load_config(ORGANIZATION_CONFIG_FILE)
    roles = {r.name: r for r in config.federation.oidc.deploy_roles}
    assert f"repo:example-org/iam-baseline:{job_sub}" in roles[role].sub_values()


def test_every_action_is_pinned_by_commit_sha():
    """A tag can be moved to other code; a commit SHA cannot (GitHub, "Security hardening for
    GitHub Actions": pin actions to a full-length commit SHA)."""
    import re

    for path in WORKFLOWS:
        for job in _load(path.name)["jobs"].values():
            for step in job["steps"]:
                if "uses" in step:
                    assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), f"{path.name}: {step['uses']}"


def test_the_config_path_comes_from_one_repository_variable():
    for path in WORKFLOWS:
        assert _load(path.name)["env"] == {"CONFIG": f"${{{{ vars.IAM_BASELINE_CONFIG || '{DEFAULT_CONFIG}' }}}}"}
        assert "config/examples" not in path.read_text()


def test_deploy_proves_the_assembly_it_deploys():
    steps = _load("deploy.yml")["jobs"]["deploy"]["steps"]
    runs = [s.get("run", "") for s in steps]
    synth, check, deploy = (next(i for i, r in enumerate(runs) if c in r) for c in ("make synth", "make check", "cdk deploy"))
    assert synth < check < deploy
    assert "--app cdk.out" in runs[deploy]  # exactly the checked templates, not a new synth


@pytest.mark.parametrize("config_file", ["DEFAULT", "ORGANIZATION"])
def test_both_example_shapes_have_a_read_only_diff_role(config_file):
    """The pull-request job assumes a GitHubDiff role: the single-account example declares one
    too, trusting pull requests only and limited to the CDK lookup role."""
    import template_tools

    from iam_baseline.config import load_config

    config = load_config(getattr(template_tools, f"{config_file}_CONFIG_FILE"))
    (diff,) = [r for r in config.federation.oidc.deploy_roles if r.name == "GitHubDiff"]
    assert diff.cdk_roles == ("lookup",)
    assert [s.rsplit(":", 1)[-1] for s in diff.sub_values()] == ["pull_request"]


def test_pull_requests_post_the_access_diff_against_the_target_branch():
    """Issue 14: the target branch's assembly is synthesized from its own checkout, then the
    access diff writes its Markdown to the job summary; new access fails the job unless the
    pull request carries the `allow-new-access` label."""
    steps = _load("pull-request.yml")["jobs"]["test"]["steps"]
    runs = [s.get("run", "") for s in steps]
    base = next(i for i, r in enumerate(runs) if "make -C ../base synth" in r)
    diff = next(i for i, r in enumerate(runs) if "make access-diff" in r)
    assert runs.index(next(r for r in runs if "make synth" in r and "../base" not in r)) < base < diff
    assert "github.base_ref" in steps[base]["env"]["BASE_REF"]
    assert 'OUT="$PWD/cdk.out.base"' in runs[base] and "BASE=cdk.out.base" in runs[diff]
    assert "--summary $GITHUB_STEP_SUMMARY" in runs[diff] and "$ALLOW" in runs[diff]
    assert "'allow-new-access'" in steps[diff]["env"]["ALLOW"]


def test_every_workflow_test_step_requires_the_browser():
    """The report's Chromium test skips where no browser exists; in the workflows that would hide
    a broken page, so every `make test` step sets REQUIRE_BROWSER=1 (a missing browser fails)."""
    steps = [
        step
        for path in WORKFLOWS
        for job in _load(path.name)["jobs"].values()
        for step in job["steps"]
        if step.get("run", "").strip() == "make test"
    ]
    assert len(steps) == 2
    assert all(step.get("env", {}).get("REQUIRE_BROWSER") == "1" for step in steps)
