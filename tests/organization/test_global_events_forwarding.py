"""Alerts on global events (IAM changes, console sign-ins, the global STS endpoint) outside the
management account, on the shared synth of the hub-and-spoke example (detection on): CloudTrail records them in us-east-1 only,
so the identity account (``IdentityAccount-GlobalEvents``) and every StackSet member (a forwarding
StackSet per baseline StackSet) forward each alert rule's events from there to the home region's
default bus, where the alert rule with the same pattern turns them into a message."""

from __future__ import annotations

import json
from pathlib import Path

from organization_helpers import resources_of

IDENTITY = "666600000001"
HOME = "eu-west-1"
GLOBAL = "us-east-1"
MEMBER_BUS = {"Fn::Join": ["", [f"arn:aws:events:{HOME}:", {"Ref": "AWS::AccountId"}, ":event-bus/default"]]}


def _by_title(template: dict, prefix: str) -> dict[str, dict]:
    """Each EventBridge rule of ``template`` by the title in its description (after ``prefix``)."""
    rules = {}
    for rule in resources_of(template, "AWS::Events::Rule").values():
        description = rule["Properties"]["Description"]
        assert description.startswith(prefix), description
        rules[description.removeprefix(prefix)] = rule["Properties"]
    return rules


def assert_forwarded(alerts: dict, forwarding: dict, bus) -> None:
    """Every alert rule of ``alerts`` has a twin in ``forwarding``: same pattern, sent to ``bus``
    with the forwarding role; and nothing else is forwarded."""
    alert_rules = _by_title(alerts, "Alert: ")
    forwarded = _by_title(forwarding, f"Forward to {HOME}: ")
    assert alert_rules and set(forwarded) == set(alert_rules)
    (role_id,) = resources_of(forwarding, "AWS::IAM::Role")
    for title, rule in alert_rules.items():
        assert forwarded[title]["EventPattern"] == rule["EventPattern"], title
        (target,) = forwarded[title]["Targets"]
        assert target["Arn"] == bus and target["RoleArn"] == {"Fn::GetAtt": [role_id, "Arn"]}, title


def _manifest(outdir: Path) -> dict:
    return json.loads((outdir / "manifest.json").read_text())["artifacts"]


def _template(outdir: Path, name: str) -> dict:
    return json.loads((outdir / f"{name}.template.json").read_text())


def _member_stages(outdir: Path) -> dict[str, tuple[dict, dict]]:
    """Stage name -> (its AccountBaseline template, its GlobalEvents template)."""
    stages = {}
    for folder in sorted(outdir.glob("assembly-StackSetMember*")):
        (baseline,) = folder.glob("*AccountBaseline*.template.json")
        (forwarding,) = folder.glob("*GlobalEvents*.template.json")
        stages[folder.name.removeprefix("assembly-")] = (json.loads(baseline.read_text()), json.loads(forwarding.read_text()))
    return stages


def test_the_identity_account_forwards_each_of_its_alert_rules_from_us_east_1(hub_example_synth):
    _, outdir = hub_example_synth
    outdir = Path(outdir)
    alerts, forwarding = _template(outdir, "IdentityAccount"), _template(outdir, "IdentityAccount-GlobalEvents")
    assert_forwarded(alerts, forwarding, f"arn:aws:events:{HOME}:{IDENTITY}:event-bus/default")
    # The five alerts the verifier found silent, among them the IAM users' sign-in without MFA.
    assert {"Console sign-in without MFA (CIS 4.2, Security Hub CloudWatch.3).",
            "IAM policy, trust or baseline change (CIS 4.4, Security Hub CloudWatch.4)."} <= set(_by_title(forwarding, f"Forward to {HOME}: "))
    artifact = _manifest(outdir)["IdentityAccount-GlobalEvents"]
    assert artifact["environment"] == f"aws://{IDENTITY}/{GLOBAL}"
    assert artifact["properties"]["stackName"] == "IamBaseline-GlobalEvents"
    # Through the identity account's own us-east-1 bootstrap, after IdentityAccount.
    assert f"cdk-hnb659fds-deploy-role-{IDENTITY}-{GLOBAL}" in artifact["properties"]["assumeRoleArn"]
    assert "IdentityAccount" in artifact["dependencies"]
    assert artifact["properties"]["terminationProtection"] is True


def test_every_member_template_has_its_forwarding_twin_deployed_to_the_same_accounts_in_us_east_1(hub_example_synth):
    _, outdir = hub_example_synth
    outdir = Path(outdir)
    stages = _member_stages(outdir)
    assert len(stages) >= 6
    for stage, (alerts, forwarding) in stages.items():
        assert_forwarded(alerts, forwarding, MEMBER_BUS)
        assert "Parameters" not in forwarding and "Rules" not in forwarding, stage  # no bootstrap in members
    rollout = resources_of(_template(outdir, "OrganizationRollout"), "AWS::CloudFormation::StackSet")
    sets = {r["Properties"]["StackSetName"]: r["Properties"] for r in rollout.values()}
    baselines = {name: props for name, props in sets.items() if not name.endswith("-GlobalEvents")}
    assert len(sets) == 2 * len(baselines) == 2 * len(stages)
    for name, baseline in baselines.items():
        twin = sets[f"{name}-GlobalEvents"]
        (group,), (twin_group,) = baseline["StackInstancesGroup"], twin["StackInstancesGroup"]
        assert (group["Regions"], twin_group["Regions"]) == ([HOME], [GLOBAL]), name
        assert twin_group["DeploymentTargets"] == group["DeploymentTargets"], name
        assert twin["PermissionModel"] == "SERVICE_MANAGED" and twin["AutoDeployment"]["Enabled"] is True
        # Its body is the GlobalEvents template of the baseline's own stage.
        body = json.loads(twin["TemplateBody"])
        alerts = json.loads(baseline["TemplateBody"])
        assert_forwarded(alerts, body, MEMBER_BUS)
        assert len(twin["TemplateBody"].encode()) < 51_200


def test_the_forwarding_role_has_its_fixed_name_under_the_baseline_path_and_only_puts_events_home(hub_example_synth):
    """In the member and identity accounts the role is ``/baseline/GlobalEventsForwarding`` (the
    ProtectBaseline SCP covers the path, ProtectDetection the protection tag); only this
    account's EventBridge assumes it, to put events on the home region's default bus."""
    _, outdir = hub_example_synth
    outdir = Path(outdir)
    forwarding = [_template(outdir, "IdentityAccount-GlobalEvents"), *(f for _, f in _member_stages(outdir).values())]
    for template in forwarding:
        (role,) = resources_of(template, "AWS::IAM::Role").values()
        props = role["Properties"]
        assert (props["Path"], props["RoleName"]) == ("/baseline/", "GlobalEventsForwarding")
        assert {"Key": "iam-baseline:protected", "Value": "true"} in props["Tags"]
        (statement,) = props["AssumeRolePolicyDocument"]["Statement"]
        assert statement["Principal"] == {"Service": "events.amazonaws.com"}
        assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
        (policy,) = resources_of(template, "AWS::IAM::ManagedPolicy").values()
        assert policy["Properties"]["Path"] == "/baseline/"
        (grant,) = policy["Properties"]["PolicyDocument"]["Statement"]
        assert grant["Action"] == "events:PutEvents" and grant["Resource"] in (
            MEMBER_BUS, f"arn:aws:events:{HOME}:{IDENTITY}:event-bus/default")
    # The management account keeps its generated name (SCPs do not govern it; no replacement).
    (role,) = resources_of(_template(outdir, "GlobalEvents"), "AWS::IAM::Role").values()
    assert "RoleName" not in role["Properties"]


def test_the_management_account_forwards_exactly_its_baselines_alert_rules(hub_example_synth):
    _, outdir = hub_example_synth
    outdir = Path(outdir)
    assert_forwarded(_template(outdir, "AccountBaseline"), _template(outdir, "GlobalEvents"),
                     f"arn:aws:events:{HOME}:111111111111:event-bus/default")


def test_the_twin_check_refuses_a_missing_or_different_forwarding_rule(hub_example_synth):
    """Negative control of :func:`assert_forwarded`: a forwarding template that lacks one alert's
    rule, or forwards it with another pattern or to another bus, is refused."""
    import copy

    import pytest

    _, outdir = hub_example_synth
    outdir = Path(outdir)
    alerts, forwarding = _template(outdir, "IdentityAccount"), _template(outdir, "IdentityAccount-GlobalEvents")
    bus = f"arn:aws:events:{HOME}:{IDENTITY}:event-bus/default"
    rule_id = next(k for k in resources_of(forwarding, "AWS::Events::Rule") if "ConsoleSignInWithoutMfa" in k)
    dropped = copy.deepcopy(forwarding)
    del dropped["Resources"][rule_id]
    narrowed = copy.deepcopy(forwarding)
    narrowed["Resources"][rule_id]["Properties"]["EventPattern"]["detail"]["userIdentity"]["type"] = ["Root"]
    for broken in (dropped, narrowed):
        with pytest.raises(AssertionError):
            assert_forwarded(alerts, broken, bus)
    with pytest.raises(AssertionError):
        assert_forwarded(alerts, forwarding, MEMBER_BUS)
