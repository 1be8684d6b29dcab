"""The baseline rolled out as service-managed StackSets: properties, and a template that
deploys in any account (no asset, no bootstrap rule, no account literal)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from organization_helpers import member_stack_ids, resources_of
from template_tools import CIS_PASSWORD_POLICY_PARAMETERS, DEFAULT_CONFIG_FILE, ORGANIZATION_CONFIG_FILE


def _stack_sets(templates: dict) -> dict[str, dict]:
    sets = resources_of(templates["OrganizationRollout"], "AWS::CloudFormation::StackSet")
    return {r["Properties"]["StackSetName"]: r["Properties"] for r in sets.values()}


def test_one_service_managed_auto_deploying_stackset_per_variant(org_templates, org_config):
    sets = _stack_sets(org_templates)
    assert sorted(sets) == ["IamBaseline-development", "IamBaseline-production", "IamBaseline-sandbox", "IamBaseline-security"]
    production = {k: v for k, v in sets["IamBaseline-production"].items() if k != "TemplateBody"}
    assert production == {
        "StackSetName": "IamBaseline-production",
        "Description": "Production workloads - short developer sessions, view-only reads.",
        "PermissionModel": "SERVICE_MANAGED",
        "CallAs": "DELEGATED_ADMIN",
        "AutoDeployment": {"Enabled": True, "RetainStacksOnAccountRemoval": False},
        "Capabilities": ["CAPABILITY_NAMED_IAM"],
        "ManagedExecution": {"Active": True},
        "OperationPreferences": {
            "MaxConcurrentPercentage": 25,
            "FailureTolerancePercentage": 10,
            "ConcurrencyMode": "SOFT_FAILURE_TOLERANCE",
            "RegionConcurrencyType": "SEQUENTIAL",
            "RegionOrder": ["eu-west-1"],
        },
        # The home region only: IAM is global, a second region would create everything twice.
        "StackInstancesGroup": [{"DeploymentTargets": {"OrganizationalUnitIds": ["ou-a1b2-pr0d0001"]}, "Regions": ["eu-west-1"]}],
        "Tags": production["Tags"],
    }


def test_the_stackset_stack_lives_in_the_delegated_admin(org_synth):
    assembly, _ = org_synth
    rollout = assembly.get_stack_by_name("IamBaselineOrganization")
    assert rollout.environment.account == "222200000001" and rollout.environment.region == "eu-west-1"


def test_without_delegated_admin_the_stackset_calls_as_self(tmp_path):
    from app import build_app
    from organization_helpers import example_data, parse

    data = example_data()
    del data["organization"]["delegated_admin_account_id"]
    app = build_app(parse(data), outdir=str(tmp_path))
    from stacks.organization import OrganizationRolloutStack

    rollout = next(c for c in app.node.children if isinstance(c, OrganizationRolloutStack))
    assert {s.resource.call_as for s in rollout.stack_sets.values()} == {"SELF"}
    assert rollout.account == "111111111111"


def test_template_body_is_the_synthesized_member_baseline(org_templates):
    sets = _stack_sets(org_templates)
    for variant in ("security", "production", "development", "sandbox"):
        member = org_templates[f"StackSetMember{variant.title()}/AccountBaseline"]
        assert json.loads(sets[f"IamBaseline-{variant}"]["TemplateBody"]) == member
        assert len(sets[f"IamBaseline-{variant}"]["TemplateBody"].encode()) < 51_200  # TemplateBody limit


def test_member_templates_deploy_in_any_account(org_templates, org_config):
    account_ids = {a.id for _, a in org_config.organization.member_accounts()} | {"111111111111"}
    for stack_id in member_stack_ids(org_templates):
        template = org_templates[stack_id]
        body = json.dumps(template)
        # No BootstrapVersion parameter and rule (no CDK bootstrap in member accounts), no asset.
        assert "Parameters" not in template and "Rules" not in template, stack_id
        assert "cdk-hnb659fds" not in body and "S3Bucket" not in body, stack_id
        assert not [a for a in account_ids if a in body], stack_id
        assert not re.search(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:", body), stack_id
        for role in resources_of(template, "AWS::IAM::Role").values():
            for statement in role["Properties"]["AssumeRolePolicyDocument"]["Statement"]:
                principal = json.dumps(statement["Principal"])
                assert re.search(r"\d{12}", principal) is None, principal


def test_member_roles_trust_their_own_account_with_mfa(org_templates):
    template = org_templates["StackSetMemberProduction/AccountBaseline"]
    roles = {r["Properties"]["RoleName"]: r["Properties"] for r in resources_of(template, "AWS::IAM::Role").values() if "RoleName" in r["Properties"]}
    assert roles["Developer"]["MaxSessionDuration"] == 14400
    (statement,) = roles["Admin"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {
        "AWS": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":root"]]}
    }
    assert statement["Condition"] == {
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
        "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
    }


def test_member_password_policy_ships_its_handler_inline(org_templates):
    template = org_templates["StackSetMemberSecurity/AccountBaseline"]
    (policy,) = resources_of(template, "Custom::AccountPasswordPolicy").values()
    assert json.loads(policy["Properties"]["Policy"]) == CIS_PASSWORD_POLICY_PARAMETERS
    (function,) = resources_of(template, "AWS::Lambda::Function").values()
    assert set(function["Properties"]["Code"]) == {"ZipFile"}
    assert "import cfnresponse" in function["Properties"]["Code"]["ZipFile"]
    (grant,) = [p for k, p in resources_of(template, "AWS::IAM::ManagedPolicy").items() if k.startswith("PasswordPolicyHandlerPolicy")]
    actions = [sorted(s["Action"]) if isinstance(s["Action"], list) else s["Action"] for s in grant["Properties"]["PolicyDocument"]["Statement"]]
    assert actions == [
        ["iam:DeleteAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy"],
        "logs:CreateLogGroup",
        ["logs:CreateLogStream", "logs:PutLogEvents"],
    ]


def test_member_password_policy_handler_sits_under_the_protected_path(org_templates):
    """The handler's role and policy live under the baseline's IAM path, which the
    ProtectBaseline SCP guards in member accounts (a generated name at "/" was outside it, so
    a member account's administrator could edit the role that sets the password policy)."""
    for stack_id in member_stack_ids(org_templates):
        template = org_templates[stack_id]
        handler = {
            k: r["Properties"].get("Path") for k, r in template["Resources"].items()
            if k.startswith(("PasswordPolicyHandlerRole", "PasswordPolicyHandlerPolicy"))
        }
        assert len(handler) == 2 and set(handler.values()) == {"/baseline/"}, (stack_id, handler)


def test_no_member_account_gets_users_or_oidc_roles(org_templates):
    for stack_id in member_stack_ids(org_templates):
        types = {r["Type"] for r in org_templates[stack_id]["Resources"].values()}
        assert not types & {"AWS::IAM::User", "AWS::SecretsManager::Secret", "AWS::IAM::OIDCProvider"}, stack_id
    assert "AWS::IAM::SAMLProvider" not in {r["Type"] for r in org_templates["StackSetMemberSandbox/AccountBaseline"]["Resources"].values()}


def test_single_account_deploy_is_unchanged(org_templates, baseline_template):
    """The management account (and any single account) keeps plain `cdk deploy`: bootstrap
    rule, literal account principal, CDK's AwsCustomResource for the password policy."""
    for template in (org_templates["AccountBaseline"], baseline_template):
        assert "BootstrapVersion" in template["Parameters"]
        (policy,) = resources_of(template, "Custom::AccountPasswordPolicy").values()
        assert "Create" in policy["Properties"]  # AwsCustomResource's SDK call
    admin = next(
        r["Properties"] for r in resources_of(baseline_template, "AWS::IAM::Role").values() if r["Properties"].get("RoleName") == "Admin"
    )
    # cdk.json's @aws-cdk/core:enablePartitionLiterals renders the partition of a known region.
    assert admin["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}


def test_a_stackset_member_cannot_declare_users():
    from aws_cdk import App

    from iam_baseline.config import load_config
    from iam_baseline.errors import BaselineError
    from stacks.account_baseline import AccountBaselineStack
    from stacks.placement import StackSetMember

    with pytest.raises(BaselineError, match="a StackSet member baseline cannot declare IAM users"):
        AccountBaselineStack(App(), "Member", config=load_config(DEFAULT_CONFIG_FILE), placement=StackSetMember())


def test_nag_findings_in_member_templates_fail_the_synth(org_synth):
    """The CLI ignores findings in nested stages; app.py reads the report for them."""
    from iam_baseline.compliance.report import unacknowledged_findings

    assembly, _ = org_synth
    assert unacknowledged_findings(assembly.directory) == []
    report = json.loads((Path(assembly.directory) / "validation-report.json").read_text())
    checked = {
        c["constructPath"].split("/")[0]
        for plugin in report["pluginReports"]
        for v in plugin.get("suppressedViolations", [])
        for c in v["violatingConstructs"]
    }
    assert {"StackSetMemberSecurity", "StackSetMemberSandbox"} <= checked


def test_access_check_passes_on_the_organization_example(org_synth, capsys):
    """The pull-request workflow runs `make check` on this config: it must hold."""
    from iam_baseline.analysis.check import main

    assembly, _ = org_synth
    assert main(["--out", str(assembly.directory), "--config", str(ORGANIZATION_CONFIG_FILE)]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.endswith(" checks, 0 failed")


def test_organization_wide_stacks_have_termination_protection(org_synth):
    """Deleting the rollout or an Identity Center stack would remove the baseline or access
    across accounts at once."""
    assembly, _ = org_synth
    protected = {s.stack_name: s.termination_protection for s in assembly.stacks}
    assert protected and all(protected.values()), protected


def test_a_template_over_the_stackset_body_limit_is_a_clear_error(tmp_path, monkeypatch, capsys):
    """The limit is checked inside synth (a jsii aspect): `cdk synth` must still print one error
    line naming the StackSet group, its size and the limit, exit 2, and write no stack template
    (here the limit is lowered so the organization fixture crosses it)."""
    import app
    from iam_baseline.organization import stackset

    monkeypatch.setattr(stackset, "TEMPLATE_BODY_MAX_BYTES", 1_000)
    monkeypatch.setenv("CDK_CONTEXT_JSON", json.dumps({"config": str(ORGANIZATION_CONFIG_FILE)}))
    monkeypatch.setenv("CDK_OUTDIR", str(tmp_path / "cdk.out"))
    assert app.main([]) == 2
    err = capsys.readouterr().err
    assert re.search(r"error: the StackSet template of StackSetMember\w+/AccountBaseline is \d+ bytes, \d+ over the "
                     r"1000-byte TemplateBody limit of AWS::CloudFormation::StackSet", err), err
    assert "Traceback" not in err
    assert not list((tmp_path / "cdk.out").glob("*.template.json"))


def test_check_fails_when_a_stackset_deploys_a_template_it_did_not_prove(org_synth, tmp_path, capsys):
    """`make check` reads the member templates of the stages; CloudFormation deploys the
    rollout's TemplateBody. A body that drifts from them (here: a role's trust without its MFA
    condition, in the body only) fails the check under its StackSet's name."""
    import shutil

    from iam_baseline.analysis.check import main

    assembly, _ = org_synth
    out = tmp_path / "cdk.out"
    shutil.copytree(assembly.directory, out)
    rollout = next(out.glob("OrganizationRollout*.template.json"))
    template = json.loads(rollout.read_text())
    stackset = next(r for r in template["Resources"].values() if r["Type"] == "AWS::CloudFormation::StackSet")
    body = json.loads(stackset["Properties"]["TemplateBody"])
    role = next(r for r in body["Resources"].values()
                if r["Type"] == "AWS::IAM::Role" and "Condition" in r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0])
    del role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]
    stackset["Properties"]["TemplateBody"] = json.dumps(body, separators=(",", ":"))
    rollout.write_text(json.dumps(template))
    assert main(["--out", str(out), "--config", str(ORGANIZATION_CONFIG_FILE)]) == 1
    failures = [line for line in capsys.readouterr().out.splitlines() if line.startswith("FAIL ")]
    name = stackset["Properties"]["StackSetName"]
    assert failures == [f"FAIL stackset-template-proven: StackSet {name} (IamBaselineOrganization/"
                        f"{next(k for k, v in template['Resources'].items() if v is stackset)}): its TemplateBody is not "
                        "any template of the assembly that make check proved; synthesize again (make synth) and check that assembly"]
