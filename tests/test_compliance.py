"""Compliance: four cdk-nag packs and CDK's own template validation reject insecure IAM; the
baseline passes with every acknowledgment in one registry, each with a reason, none dead."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from template_tools import CDK_CONTEXT, ROOT, VARIANTS

PACK_PLUGINS = {"AwsSolutions", "NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321"}
CFN_VALIDATE = "CloudFormation Validate"


def _findings(report: dict) -> list[tuple[str, str, str]]:
    """(acknowledgment id, stack id, construct path below the stack, full construct path) of
    every violation.

    A stack inside a Stage (a StackSet member template) sits one level deeper; the registry
    matches paths below the stack either way. Stages are recognised by their nested
    assembly (``assembly-<Stage>/``) in the template paths of the report."""
    violations = [
        (plugin, violation, construct)
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
    ]
    stages = {
        c.get("cloudFormationResource", {}).get("templatePath", "").split("/")[0].removeprefix("assembly-")
        for _, _, c in violations
        if c.get("cloudFormationResource", {}).get("templatePath", "").startswith("assembly-")
    }
    found = []
    for plugin, violation, construct in violations:
        rule = violation["ruleName"]
        ack_id = f"CloudFormation-Validate::{rule}" if plugin["pluginName"] == CFN_VALIDATE else rule
        parts = construct["constructPath"].split("/")
        depth = 2 if parts[0] in stages else 1
        found.append((ack_id, "/".join(parts[:depth]), "/".join(parts[depth:]), construct["constructPath"]))
    return found


def _rule_of(entry, config) -> str:
    return entry.rule.format(iam_path=config.iam_path, workload_role_path=config.workload_role_path)


def _classes(outdir: Path) -> dict[str, dict[str, str]]:
    """construct path -> {class -> path below its instance} (conftest's construct-classes.json)."""
    return json.loads((outdir / "construct-classes.json").read_text())


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
    assert {path for _, _, path, _ in findings} == {"Backdoor/DefaultPolicy/Resource"}
    assert {rule for rule, _, _, _ in findings} >= {
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
    assert len({(e.rule, e.construct, e.path) for e in REGISTRY}) == len(REGISTRY), "duplicate registry entries"


def _covers(entry, config, finding: tuple[str, str, str, str], classes: dict[str, dict[str, str]]) -> bool:
    """Whether ``entry`` acknowledges ``finding`` as apply_acknowledgments would: below an
    instance of its construct class when it names one, else below the stack."""
    from iam_baseline.compliance.acknowledgments import entry_matches

    rule, _, path, full_path = finding
    return rule == _rule_of(entry, config) and entry_matches(entry, path, classes.get(full_path, {}))


def test_no_dead_acknowledgment(unacknowledged_variants, default_config):
    """Each registry entry matches a real finding on the default config or one of its variants
    (no users; each read-only policy; the optional parts), on a construct its path pattern
    selects, in any stack of the app."""
    from iam_baseline.compliance import REGISTRY

    findings = [(f, _classes(out)) for out, report in unacknowledged_variants.values() for f in _findings(report)]
    dead = [
        entry for entry in REGISTRY
        if not any(_covers(entry, default_config, finding, classes) for finding, classes in findings)
    ]
    assert dead == []


def test_default_config_needs_all_but_the_config_dependent_entries(unacknowledged_variants, default_config):
    """Against the default config (users, ViewOnlyAccess, break-glass users, no alias, SAML
    roles for three personas, Identity Center groups looked up by name) only the entries for
    what it leaves out stay unused."""
    from iam_baseline.compliance import REGISTRY

    outdir, report = unacknowledged_variants["DefaultConfig"]
    assert sorted(p.name for p in outdir.glob("*.template.json")) == [
        "AccountBaseline.template.json", "GlobalEvents.template.json", "IdentityCenter.template.json"
    ]
    findings, classes = _findings(report), _classes(outdir)
    unused = sorted(
        (entry.rule, entry.path) for entry in REGISTRY
        if not any(_covers(entry, default_config, finding, classes) for finding in findings)
    )
    read_only = "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/{}]"
    assert unused == sorted([
        # Other read-only policies (NoUsersReadOnlyAccess, SecurityAudit).
        *((read_only.format(name), path) for name in ("ReadOnlyAccess", "SecurityAudit")
          for path in ("ReadOnlyRole/Resource/Resource", "Federation/SamlReadOnlyRole*/Resource/Resource")),
        # Empty groups (NoUsersReadOnlyAccess).
        ("HIPAA.Security-IAMGroupHasUsers", "Resource/Resource"),  # below HumanUserGroup
        ("PCI.DSS.321-IAMGroupHasUsers", "Resource/Resource"),
        # The optional parts (OptionalParts): break-glass role, account alias, SAML Support
        # role, an Identity Center user looked up by name.
        ("AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AdministratorAccess]",
         "BreakGlass/Resource/Resource"),
        ("AwsSolutions-IAM5[Resource::*]", "AccountAlias/Resource/CustomResourcePolicy/Resource"),
        *((read_only.format(name), f"{kind}-*/Resource/Resource") for kind in ("Machine", "Service")
          for name in ("job-function/ViewOnlyAccess", "ReadOnlyAccess", "SecurityAudit", "CloudWatchReadOnlyAccess")),
        *((f"{pack}-IAMNoInlinePolicy", "AccountAlias/Resource/CustomResourcePolicy/Resource")
          for pack in ("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")),
        ("AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSSupportAccess]",
         "Federation/SamlSupportRole*/Resource/Resource"),
        ("AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:identitystore:::user/*]",
         "PrincipalLookup*/Resource/CustomResourcePolicy/Resource"),
        # StackSet member templates (Organization): the inline password-policy handler.
        # (below AccountPasswordPolicy)
        ("AwsSolutions-IAM5[Resource::*]", "HandlerPolicy/Resource"),
        ("AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:"
         "/iam-baseline/account-password-policy:log-stream:*]", "HandlerPolicy/Resource"),
        *((f"{pack}-{rule}", "Handler/Resource")
          for pack in ("NIST.800.53.R5", "HIPAA.Security")
          for rule in ("LambdaConcurrency", "LambdaDLQ", "LambdaInsideVPC")),
        ("PCI.DSS.321-LambdaInsideVPC", "Handler/Resource"),
        # The organization guard rails (Organization): the organization features handler.
        ("AwsSolutions-IAM5[Resource::*]", "OrganizationFeatures/HandlerPolicy/Resource"),
        ("AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:"
         "/iam-baseline/organization-features:log-stream:*]", "OrganizationFeatures/HandlerPolicy/Resource"),
        *((f"{pack}-{rule}", "OrganizationFeatures/Handler/Resource")
          for pack in ("NIST.800.53.R5", "HIPAA.Security")
          for rule in ("LambdaConcurrency", "LambdaDLQ", "LambdaInsideVPC")),
        ("PCI.DSS.321-LambdaInsideVPC", "OrganizationFeatures/Handler/Resource"),
    ])


@pytest.mark.parametrize("variant_id", VARIANTS)
def test_every_finding_of_every_variant_is_acknowledged(unacknowledged_variants, default_config, variant_id):
    """The variants would synthesize clean with the registry: no finding without an entry."""
    from iam_baseline.compliance import REGISTRY

    outdir, report = unacknowledged_variants[variant_id]
    findings, classes = _findings(report), _classes(outdir)
    assert findings, "the packs ran"
    uncovered = [
        finding[:3] for finding in findings
        if not any(_covers(e, default_config, finding, classes) for e in REGISTRY)
    ]
    assert uncovered == []


#: cdk-nag rules that report one finding per wildcard or managed policy: never acknowledged
#: rule-wide, which would accept every future finding of the rule on that construct unseen.
GRANULAR_RULES = {"AwsSolutions-IAM4", "AwsSolutions-IAM5"}


def test_no_rule_wide_acknowledgment_of_a_granular_rule():
    from iam_baseline.compliance import REGISTRY

    assert [e for e in REGISTRY if e.rule in GRANULAR_RULES] == []


@pytest.mark.parametrize("variant_id", ["DefaultConfig", "Organization"])
def test_iam5_runs_on_the_developer_boundary(unacknowledged_variants, variant_id):
    """cdk-nag 3.0.2's IAM5 throws on a NotAction Allow statement; the boundary lets it read
    that statement, so the rule reports its granular findings instead of one error."""
    _, report = unacknowledged_variants[variant_id]
    boundary = {
        violation["ruleName"]: violation["description"]
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
        if construct["constructPath"].endswith("/DeveloperBoundary/Resource/Resource")
        and violation["ruleName"].startswith("AwsSolutions-IAM5")
    }
    assert not [d for d in boundary.values() if "threw an error" in d]
    iam = "arn:<AWS::Partition>:iam::<AWS::AccountId>"
    assert set(boundary) == {
        "AwsSolutions-IAM5[Action::*]", "AwsSolutions-IAM5[Resource::*]",
        "AwsSolutions-IAM5[Action::iam:Get*]", "AwsSolutions-IAM5[Action::iam:List*]",
        f"AwsSolutions-IAM5[Resource::{iam}:role/workload/*]", f"AwsSolutions-IAM5[Resource::{iam}:policy/workload/*]",
    }  # fmt: skip


def test_the_boundary_deploys_its_not_action_statement(baseline_template):
    """What the rule is shown is not what is deployed: the template keeps the NotAction form."""
    from template_tools import resources

    (boundary,) = [
        r["Properties"]["PolicyDocument"] for r in resources(baseline_template, "AWS::IAM::ManagedPolicy").values()
        if r["Properties"]["ManagedPolicyName"] == "DeveloperBoundary"
    ]
    assert boundary["Statement"][0] == {
        "Sid": "AllowServiceAccess", "Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"],
        "Resource": "*",
    }  # fmt: skip
