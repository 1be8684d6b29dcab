"""IAM Access Analyzer placement: the organization analyzers in the delegated administrator, account
analyzers in every listed region of every account, the unused-access analyzer once, and the
config errors (unknown account, unknown region, retention days out of range)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from template_tools import FIXTURES, assembly_stacks

from iam_baseline.config import ConfigError, parse_config

FIXTURE = FIXTURES / "access-analyzer-organization.yaml"
MANAGEMENT, AUDIT, STACKSETS_ADMIN = "111111111111", "222200000003", "222200000001"
EXTERNAL, UNUSED = "iam-baseline-external-access", "iam-baseline-unused-access"


def _analyzers(template: dict) -> dict[str, tuple[str, int | None]]:
    """Analyzer name -> (Type, unused access age in days or None)."""
    return {
        r["Properties"]["AnalyzerName"]: (
            r["Properties"]["Type"],
            r["Properties"].get("AnalyzerConfiguration", {}).get("UnusedAccessConfiguration", {}).get("UnusedAccessAge"),
        )
        for r in template["Resources"].values()
        if r["Type"] == "AWS::AccessAnalyzer::Analyzer"
    }


@pytest.fixture(scope="module")
def outdir(synthesized_config) -> Path:
    return synthesized_config(FIXTURE)


@pytest.fixture(scope="module")
def placed(outdir) -> dict[tuple[str, str], dict[str, tuple[str, int | None]]]:
    """(account, region) -> the analyzers deployed there by cdk deploy (StackSets excluded)."""
    found: dict[tuple[str, str], dict] = {}
    for stack in assembly_stacks(outdir):
        found.setdefault((stack.account, stack.region), {}).update(_analyzers(json.loads(stack.template.read_text())))
    return {key: value for key, value in found.items() if value}


def test_each_account_and_region_gets_exactly_its_analyzers(placed):
    organization = {f"{EXTERNAL}-organization": ("ORGANIZATION", None)}
    assert placed == {
        # The management account: account analyzers only (the organization's are the audit account's),
        # and no unused-access analyzer (the organization's covers it).
        (MANAGEMENT, "eu-west-1"): {EXTERNAL: ("ACCOUNT", None)},
        (MANAGEMENT, "eu-central-1"): {EXTERNAL: ("ACCOUNT", None)},
        (MANAGEMENT, "us-east-1"): {EXTERNAL: ("ACCOUNT", None)},
        # The delegated administrator: the organization analyzers, unused access in the home region only.
        (AUDIT, "eu-west-1"): {**organization, f"{UNUSED}-organization": ("ORGANIZATION_UNUSED_ACCESS", 90)},
        (AUDIT, "eu-central-1"): organization,
        (AUDIT, "us-east-1"): organization,
    }


def test_member_templates_hold_an_account_analyzer_without_unused_access(outdir):
    members = [s for s in assembly_stacks(outdir / "assembly-StackSetMemberSecurity") if "AccountBaseline" in s.artifact_id]
    members += [s for s in assembly_stacks(outdir / "assembly-StackSetMemberWorkloads") if "AccountBaseline" in s.artifact_id]
    assert len(members) == 2
    for stack in members:
        assert _analyzers(json.loads(stack.template.read_text())) == {EXTERNAL: ("ACCOUNT", None)}


def test_members_get_account_analyzers_in_the_other_regions_through_one_stackset(outdir):
    stack = next(s for s in assembly_stacks(outdir) if s.artifact_id == "AccessAnalyzerRegions")
    assert (stack.account, stack.region) == (STACKSETS_ADMIN, "eu-west-1")
    template = json.loads(stack.template.read_text())
    (stack_set,) = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::CloudFormation::StackSet"]
    assert stack_set["StackSetName"] == "IamBaseline-AccessAnalyzer"
    assert stack_set["PermissionModel"] == "SERVICE_MANAGED" and stack_set["CallAs"] == "DELEGATED_ADMIN"
    (instances,) = stack_set["StackInstancesGroup"]
    # The home region is the baseline StackSets' (listing it changes nothing); OU Suspended has no baseline.
    assert instances["Regions"] == ["eu-central-1", "us-east-1"]
    assert instances["DeploymentTargets"] == {"OrganizationalUnitIds": ["ou-a1b2-5ecur001", "ou-a1b2-w0rk1oad"]}
    assert _analyzers(json.loads(stack_set["TemplateBody"])) == {EXTERNAL: ("ACCOUNT", None)}


def test_without_the_new_keys_no_stack_is_added(default_assembly):
    assert not [s for s in default_assembly.stacks if "AccessAnalyzer" in s.stack_name]


# ------------------------------------------------------------------ config errors
BASE = yaml.safe_load(FIXTURE.read_text())


def problems(**analyzer) -> list[str]:
    """The problem lines of the fixture with ``detection.access_analyzer`` keys replaced."""
    data = json.loads(json.dumps(BASE))
    data["detection"]["access_analyzer"].update(analyzer)
    with pytest.raises(ConfigError) as caught:
        parse_config(yaml.safe_dump(data), "test.yaml", folder=FIXTURES)
    return [re.sub(r" \(line \d+, column \d+\)", "", str(p).strip()) for p in caught.value.problems]


def test_unknown_delegated_administrator_names_the_nearest():
    assert problems(delegated_administrator="audti") == [
        "- detection.access_analyzer.delegated_administrator: unknown account 'audti'; nearest: 'audit' [got: \"audti\"]"
    ]


def test_delegated_administrator_by_id_must_be_a_member_account():
    (problem,) = problems(delegated_administrator="123456789012")
    assert problem.startswith(
        "- detection.access_analyzer.delegated_administrator: account 123456789012 is not a member account of any declared OU"
    )


def test_the_management_account_is_no_delegated_administrator():
    (problem,) = problems(delegated_administrator=MANAGEMENT)
    assert "is the management account, which creates organization analyzers without a delegated administrator" in problem


def test_delegated_administrator_needs_organization_scope():
    (problem,) = problems(scope="account")
    assert problem.startswith("- detection.access_analyzer.delegated_administrator: delegated_administrator names the "
                              "account of the organization analyzers: set scope: organization")


def test_delegated_administrator_needs_an_organization():
    data = {key: value for key, value in BASE.items() if key != "organization"}
    with pytest.raises(ConfigError) as caught:
        parse_config(yaml.safe_dump(data), "test.yaml", folder=FIXTURES)
    assert [str(p).strip() for p in caught.value.problems][0].startswith(
        "- detection.access_analyzer.delegated_administrator"
    )
    assert "needs the organization section" in str(caught.value)


def test_unknown_region_suggests_the_nearest():
    (problem,) = problems(regions=["eu-central-1", "eu-cnetral-2"])
    assert problem.startswith("- detection.access_analyzer.regions[1]: 'eu-cnetral-2' is not an AWS region")
    assert "did you mean 'eu-central-2'?" in problem


def test_region_of_another_partition_is_refused():
    (problem,) = problems(regions=["cn-north-1"])
    assert "region 'cn-north-1' is in partition aws-cn, the home region 'eu-west-1' in aws" in problem


def test_duplicate_region_is_refused():
    (problem,) = problems(regions=["us-east-1", "us-east-1"])
    assert problem.startswith("- detection.access_analyzer.regions")


@pytest.mark.parametrize("days", [0, 366, -5])
def test_unused_access_retention_out_of_range(days):
    (problem,) = problems(unused_access={"unused_access_age_days": days})
    assert problem.startswith("- detection.access_analyzer.unused_access.unused_access_age_days: ")
    assert ("greater than or equal to 1" if days < 1 else "less than or equal to 365") in problem


@pytest.mark.parametrize("days", [1, 365])
def test_unused_access_retention_bounds_are_accepted(days):
    data = json.loads(json.dumps(BASE))
    data["detection"]["access_analyzer"]["unused_access"] = {"unused_access_age_days": days}
    config = parse_config(yaml.safe_dump(data), "test.yaml", folder=FIXTURES)
    assert config.detection.access_analyzer.unused_access.unused_access_age_days == days


def test_cfn_lint_finds_no_error_in_the_analyzer_stacks(outdir):
    from cfnlint.api import ManualArgs, lint

    stacks = [s for s in assembly_stacks(outdir) if "AccessAnalyzer" in s.artifact_id]
    stacks += assembly_stacks(outdir / "assembly-AccessAnalyzerRegionsMember")
    assert len(stacks) == 7  # own account x2 regions, delegated administrator x3, the StackSet and its template
    errors = {
        s.artifact_id: [
            m.rule.id
            for m in lint(s.template.read_text(), config=ManualArgs(regions=[s.region.replace("unknown-region", "eu-central-1")]))
            if m.rule.id.startswith("E")
        ]
        for s in stacks
    }
    assert errors == {s.artifact_id: [] for s in stacks}


def test_the_management_account_registers_the_delegated_administrator_first(outdir):
    """Custom::OrganizationFeatures (guard rails stack) enables trusted access for Access Analyzer
    and registers the audit account; the organization analyzer stacks deploy after it."""
    manifest = json.loads((outdir / "manifest.json").read_text())["artifacts"]
    guardrails = next(s for s in assembly_stacks(outdir) if s.artifact_id == "OrganizationGuardrails")
    template = json.loads(guardrails.template.read_text())
    (features,) = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "Custom::OrganizationFeatures"]
    settings = json.loads(features["Settings"])
    assert settings["AnalyzerAdministrator"] == AUDIT
    assert settings["TrustedAccess"] == ["iam.amazonaws.com", "access-analyzer.amazonaws.com"]
    for artifact_id in ("AccessAnalyzerOrganization", "AccessAnalyzerOrganizationEuCentral1", "AccessAnalyzerOrganizationUsEast1"):
        assert "OrganizationGuardrails" in manifest[artifact_id]["dependencies"]
