"""The access diff (issue 14): what a new assembly allows that the old one denies.

Every case copies the session's default assembly (tests/fixtures/baseline.yaml, synthesized
once) and edits its templates as a pull request would change them; the CLI runs in-process.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from iam_baseline.analysis.diff import main
from iam_baseline.analysis.engine.evaluator import evaluate
from iam_baseline.analysis.outputs.access_diff import Surface, access_diff
from template_tools import DEFAULT_CONFIG_FILE

CONFIG = str(DEFAULT_CONFIG_FILE)
GITHUB_DIFF_POLICY = "FederationOidcDeployRoleGitHubDiffPermissionsB953C29D"
GITHUB_DEPLOY_ROLE = "FederationOidcDeployRoleGitHubDeploy6AA56D90"
FORCE_MFA = "ForceMfaA3BF5E12"


@pytest.fixture(scope="module")
def base(default_assembly) -> Path:
    return Path(default_assembly.directory)


def changed(base: Path, tmp_path: Path, *edits, stack: str = "AccountBaseline") -> Path:
    """A copy of ``base`` with each ``edit(resources)`` applied to ``stack``'s template."""
    out = tmp_path / "new.out"
    shutil.copytree(base, out)
    path = out / f"{stack}.template.json"
    template = json.loads(path.read_text())
    for edit in edits:
        edit(template["Resources"])
    path.write_text(json.dumps(template))
    return out


def statements(resources: dict, logical_id: str) -> list:
    return resources[logical_id]["Properties"]["PolicyDocument"]["Statement"]


def widen(resources: dict) -> None:
    statements(resources, GITHUB_DIFF_POLICY).append(
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::build-*/*"})


def reorder_rename_split(resources: dict) -> None:
    force_mfa = statements(resources, FORCE_MFA)
    force_mfa.reverse()
    for i, statement in enumerate(force_mfa):
        statement["Sid"] = f"Renamed{i}"
    multi = next(i for i, s in enumerate(force_mfa) if isinstance(s.get("Action"), list) and len(s["Action"]) > 1)
    actions = force_mfa[multi]["Action"]
    force_mfa[multi:multi + 1] = [dict(force_mfa[multi], Action=actions[:1], Sid="SplitA"),
                                  dict(force_mfa[multi], Action=actions[1:], Sid="SplitB")]


def narrow(resources: dict) -> None:
    first = statements(resources, FORCE_MFA)[0]
    assert first["Action"] == ["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"]
    first["Action"] = ["iam:ListVirtualMFADevices"]


def loosen_trust(resources: dict) -> None:
    condition = resources[GITHUB_DEPLOY_ROLE]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]
    condition["StringEquals"].pop("token.actions.githubusercontent.com:sub")
    condition["StringLike"] = {"token.actions.githubusercontent.com:sub": "repo:example-org/*"}


def run(capsys, base: Path, new: Path, *extra: str) -> tuple[int, str]:
    code = main(["--base", str(base), "--new", str(new), "--config", CONFIG, *extra])
    return code, capsys.readouterr().out


def test_a_widened_role_is_new_access_with_one_concrete_request(base, tmp_path, capsys, default_config):
    new = changed(base, tmp_path, widen)
    code, text = run(capsys, base, new)
    assert code == 1
    assert "### New access" in text and "role:GitHubDiff** (what it may do)" in text
    assert "`s3:GetObject`, `s3:PutObject`" in text and "resource `arn:aws:s3:::build-*/*`" in text
    assert "old assembly: implicit deny" in text
    assert "Result: new access, exit 1" in text
    # The request printed is one the new assembly allows and the old one denies.
    diff = access_diff(new, base, default_config, default_config)
    [comparison] = diff.new_access
    [access] = comparison.gained.found
    assert access.request.action in ("s3:GetObject", "s3:PutObject")
    assert access.request.principal.role_arn.endswith(":role/baseline/GitHubDiff")
    assert access.request.resource.startswith("arn:aws:s3:::build-") and " " not in access.request.resource
    subject = comparison.subject
    assert evaluate(access.request, **subject.new.keywords()).allowed
    assert not evaluate(access.request, **subject.old.keywords()).allowed
    assert comparison.lost is not None and not comparison.lost.found  # nothing was taken away


def test_allow_new_access_reports_but_exits_zero_and_the_summary_gets_the_same_text(base, tmp_path, capsys):
    summary = tmp_path / "step-summary.md"
    summary.write_text("## cdk diff\n")  # appended to, as $GITHUB_STEP_SUMMARY is
    code, text = run(capsys, base, changed(base, tmp_path, widen), "--allow-new-access", "--summary", str(summary))
    assert code == 0
    assert "role:GitHubDiff" in text and "accepted with --allow-new-access" in text
    assert summary.read_text() == "## cdk diff\n" + text


def test_reordering_renaming_and_splitting_statements_is_silent(base, tmp_path, capsys):
    code, text = run(capsys, base, changed(base, tmp_path, reorder_rename_split))
    assert code == 0, text
    assert "### New access" not in text and "### Removed access" not in text and "Could not decide" not in text
    assert "Result: no new access, exit 0" in text
    # Negative control: the same edit plus a widening is not silent.
    code, _ = run(capsys, base, changed(base, tmp_path / "w", reorder_rename_split, widen))
    assert code == 1


def test_removed_access_is_reported_and_exits_zero(base, tmp_path, capsys):
    code, text = run(capsys, base, changed(base, tmp_path, narrow))
    assert code == 0
    assert "### Removed access" in text and "### New access" not in text
    assert "`iam:GetAccountPasswordPolicy`" in text and "new assembly: implicit deny" in text


def test_a_loosened_trust_policy_is_new_access(base, tmp_path, default_config):
    new = changed(base, tmp_path, loosen_trust)
    diff = access_diff(new, base, default_config, default_config, limit=1, timeout_ms=60_000)
    trust = [c for c in diff.comparisons if c.subject.surface is Surface.TRUST]
    assert [c.subject.name for c in trust] == ["role:GitHubDeploy"]
    [access] = trust[0].gained.found
    assert access.request.action == "sts:AssumeRoleWithWebIdentity"
    sub = access.request.context["token.actions.githubusercontent.com:sub"]
    assert sub.startswith("repo:example-org/") and sub != "repo:example-org/infrastructure:environment:production"
    assert diff.grants_new_access


def test_an_added_assignment_is_new_access(base, tmp_path, capsys):
    def assign_admin_to_developers(resources: dict) -> None:
        developer = next(r for r in resources.values() if r["Type"] == "AWS::SSO::Assignment"
                         and r["Properties"]["PermissionSetArn"]["Fn::GetAtt"][0].startswith("PermissionSetDeveloper"))
        admin = next(k for k, r in resources.items() if r["Type"] == "AWS::SSO::PermissionSet"
                     and r["Properties"]["Name"] == "Admin")
        props = dict(developer["Properties"], PermissionSetArn={"Fn::GetAtt": [admin, "PermissionSetArn"]})
        resources["ExtraAssignment"] = {"Type": "AWS::SSO::Assignment", "Properties": props}

    code, text = run(capsys, base, changed(base, tmp_path, assign_admin_to_developers, stack="IdentityCenter"))
    assert code == 1
    assert "`identity_center_group:Developers` is assigned permission set `Admin` in account 111122223333" in text


def test_unreadable_assembly_exits_two(tmp_path, capsys, base):
    assert main(["--base", str(tmp_path), "--new", str(base), "--config", CONFIG]) == 2
    assert "manifest.json" in capsys.readouterr().err


def test_a_widened_resource_policy_is_new_access_for_the_account_it_names(base, tmp_path, default_config):
    def share_topic(resources: dict) -> None:
        policy = next(r for r in resources.values() if r["Type"] == "AWS::SNS::TopicPolicy")
        topic = policy["Properties"]["PolicyDocument"]["Statement"][0]["Resource"]
        policy["Properties"]["PolicyDocument"]["Statement"].append(
            {"Effect": "Allow", "Action": "sns:Publish", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
             "Resource": topic})

    diff = access_diff(changed(base, tmp_path, share_topic), base, default_config, default_config, limit=1)
    [comparison] = diff.comparisons
    assert comparison.subject.surface is Surface.RESOURCE and comparison.subject.name.startswith("SNS topic policy")
    [access] = comparison.gained.found
    assert access.request.action == "sns:Publish" and access.request.principal.account == "444455556666"
    assert not comparison.lost.found


def test_an_undecided_question_is_reported_and_fails_never_no_change(base, tmp_path, capsys):
    def binary_condition(resources: dict) -> None:  # BinaryEquals: not modelled by the z3 engine
        statements(resources, GITHUB_DIFF_POLICY).append(
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {"BinaryEquals": {"aws:UserAgent": "QUJD"}}})

    code, text = run(capsys, base, changed(base, tmp_path, binary_condition))
    assert code == 1
    assert "### Could not decide" in text and "role:GitHubDiff" in text and "not modelled" in text
    assert "Result: could not decide 1 subject (may hide new access), exit 1" in text and "no new access" not in text


def test_trust_and_resource_questions_ask_every_account_when_a_pattern_could_tell_them_apart():
    from iam_baseline.analysis.engine.policy import Policy, PolicyKind
    from iam_baseline.analysis.outputs.access_diff import _callers

    def trust(principal: str) -> Policy:
        return Policy.from_document("t", {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"},
             "Condition": {"StringLike": {"aws:PrincipalArn": principal}}}]}, PolicyKind.TRUST)

    named = _callers("aws", "111122223333", trust("arn:aws:iam::444455556666:role/ci-*"), None)
    assert named.accounts == {"111122223333", "444455556666", "999999999999"}
    # "4444*" matches some unnamed accounts and not others: no representative, every account.
    assert _callers("aws", "111122223333", trust("arn:aws:iam::4444*:role/ci"), None).accounts is None
