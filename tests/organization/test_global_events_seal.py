"""The identity account's global-events stack (``IdentityAccount-GlobalEvents``, us-east-1) is
deployed with ``cdk deploy`` through that region's CDK bootstrap: ProtectBaseline spares its
execution role there and seals the way to it as for ``IdentityAccount`` (only the management
account deploys it); INV-ORG-BASELINE-CHANGES-DECLARED proves the seal and fails without it."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from organization_helpers import ROOT
from test_guardrail_policies import NAMES, decide, scp_levels

from iam_baseline.analysis.checks.invariants import org_baseline_changes
from iam_baseline.analysis.checks.invariants.catalog import run_invariants
from iam_baseline.analysis.engine.request import RequestPrincipal
from iam_baseline.analysis.model.accounts import load_scopes
from iam_baseline.config.organization_policies import ServiceControlPoliciesConfig
from iam_baseline.organization.service_control_policies import default_guardrails

from analysis.test_mutation import materialize

IDENTITY = "666600000001"
EXAMPLE = ROOT / "config" / "examples" / "hub-and-spoke.yaml"
FORWARDING_STACK = f"arn:aws:cloudformation:us-east-1:{IDENTITY}:stack/IamBaseline-GlobalEvents/0a1b2c3d"


def _session(name: str, path: str = "/") -> RequestPrincipal:
    return RequestPrincipal(f"arn:aws:sts::{IDENTITY}:assumed-role/{name}/s", IDENTITY, "role_session",
                            f"arn:aws:iam::{IDENTITY}:role{path}{name}")


@pytest.fixture(scope="module")
def deployment():
    from iam_baseline.config import load_config
    from iam_baseline.config.identity_deployment import identity_deployment, identity_stack_deployers

    config = load_config(EXAMPLE)
    found = identity_deployment(config)
    assert found.regions == ("eu-west-1", "us-east-1")
    assert identity_stack_deployers(config) == found.execution_roles
    return found


def _levels(deployment, *, names=NAMES):
    guardrails = {g.name: g for g in default_guardrails(ServiceControlPoliciesConfig(), names, "eu-west-1",
                                                         deployers=deployment.execution_roles, identity=deployment)}
    return scp_levels(*guardrails["ProtectBaseline"].statements, *guardrails["ProtectDetection"].statements)


def test_only_the_management_account_deploys_the_global_events_stack_of_the_identity_account(deployment):
    deploy_role, exec_role = deployment.deploy_roles[1], deployment.execution_roles[1]
    assert deploy_role == f"arn:aws:iam::{IDENTITY}:role/cdk-hnb659fds-deploy-role-{IDENTITY}-us-east-1"
    assert deployment.stacks[1] == f"arn:aws:cloudformation:us-east-1:{IDENTITY}:stack/IamBaseline-GlobalEvents/*"
    admin = _session("AWSReservedSSO_FederatedAdmin_0123456789abcdef", "/aws-reserved/sso.amazonaws.com/")
    deploy, execution = (_session(arn.rsplit("/", 1)[1]) for arn in (deploy_role, exec_role))
    tagged = {"aws:ResourceTag/iam-baseline:protected": "true"}
    home_only = replace(deployment, regions=deployment.regions[:1], deploy_roles=deployment.deploy_roles[:1],
                        execution_roles=deployment.execution_roles[:1], stacks=deployment.stacks[:1])
    for sealed, levels in ((True, _levels(deployment)), (False, _levels(home_only))):  # home_only: the negative control
        # An administrator of the identity account neither assumes the us-east-1 bootstrap roles,
        # nor passes its execution role, nor changes the forwarding stack (which keeps that role).
        assert decide(admin, "sts:AssumeRole", deploy_role, levels).allowed is not sealed
        assert decide(admin, "iam:PassRole", exec_role, levels).allowed is not sealed
        for action in ("cloudformation:UpdateStack", "cloudformation:ExecuteChangeSet", "cloudformation:DeleteStack"):
            assert decide(admin, action, FORWARDING_STACK, levels).allowed is not sealed, action
        # The us-east-1 execution role creates the forwarding role under the baseline's path and
        # changes the tagged forwarding rules (spared like the home region's).
        assert decide(execution, "iam:CreateRole", f"arn:aws:iam::{IDENTITY}:role/baseline/GlobalEventsForwarding",
                      levels).allowed is sealed
        assert decide(execution, "events:PutRule", f"arn:aws:events:us-east-1:{IDENTITY}:rule/IamBaseline-GlobalEvents-x",
                      levels, **tagged).allowed is sealed
    levels = _levels(deployment)
    assert decide(deploy, "iam:PassRole", exec_role, levels).allowed
    assert decide(deploy, "cloudformation:ExecuteChangeSet", FORWARDING_STACK, levels).allowed
    # Nobody else of the account changes the tagged forwarding rules or role.
    assert not decide(admin, "events:DeleteRule", f"arn:aws:events:us-east-1:{IDENTITY}:rule/IamBaseline-GlobalEvents-x",
                      levels, **tagged).allowed
    assert not decide(admin, "iam:UpdateAssumeRolePolicy", f"arn:aws:iam::{IDENTITY}:role/baseline/GlobalEventsForwarding",
                      levels, **tagged).allowed


GUARDRAILS = "OrganizationGuardrails.template.json"


def _deploy_findings(config, out) -> list:
    results, _ = run_invariants(load_scopes(out, config), config, (org_baseline_changes.INVARIANT,))
    return [r for r in results if "its cdk deploy" in r.message]


def _unsealed(source, target, resource: str):
    """A copy of the assembly whose seal leaves ``resource`` out of every statement naming it."""
    template = json.loads((source / GUARDRAILS).read_text())
    dropped = 0
    for policy in template["Resources"].values():
        if policy["Type"] != "AWS::Organizations::Policy":
            continue
        for statement in policy["Properties"]["Content"]["Statement"]:
            found = statement.get("Resource", [])
            resources = found if isinstance(found, list) else [found]
            if resource in resources and statement.get("Sid", "").startswith("DenyIdentity"):
                statement["Resource"] = [r for r in resources if r != resource]
                dropped += 1
    assert dropped
    return materialize(source, target, {GUARDRAILS: template})


def test_the_invariant_proves_the_seal_of_both_regions_and_fails_when_us_east_1_is_left_unsealed(
        hub_example_synth, deployment, tmp_path):
    config, out = hub_example_synth
    (finding,) = _deploy_findings(config, out)
    assert finding.passed, finding.message
    for index, resource in enumerate((deployment.stacks[1], deployment.deploy_roles[1])):
        (mutant,) = _deploy_findings(config, _unsealed(out, tmp_path / f"mutant{index}", resource))
        assert not mutant.passed, (resource, mutant.message)
        # The chain names the region left unsealed: us-east-1's CDK roles (the graph has the
        # bootstrap of each environment), not the home region's, which the seal still covers.
        assert "CDK cfn-exec role (hnb659fds) of 666600000001 in us-east-1" in mutant.message, mutant.message
        resource = mutant.request.resource
        assert "us-east-1" in resource and "eu-west-1" not in resource, resource


def test_a_region_allow_list_without_us_east_1_is_refused_at_its_key():
    """The allow-list denies the identity account's CDK roles outside its regions: the us-east-1
    deploy of IdentityAccount-GlobalEvents would fail, so the config is refused at ``regions``."""
    import yaml

    from iam_baseline.config import ConfigError, parse_config

    data = yaml.safe_load(EXAMPLE.read_text())

    def parsed(regions):
        data["organization"]["service_control_policies"]["region_allow_list"] = {"enabled": True, "regions": regions}
        return parse_config(yaml.safe_dump(data, sort_keys=False), "hub.yaml", folder=EXAMPLE.parent)

    with pytest.raises(ConfigError) as caught:
        parsed(["eu-central-1"])
    message = str(caught.value)
    assert "organization.service_control_policies.region_allow_list.regions (line " in message
    assert "regions ['eu-central-1'] leave out 'us-east-1'" in message and "add 'us-east-1'" in message
    assert parsed(["eu-central-1", "us-east-1"]).organization is not None  # negative control: listed, accepted
    data.pop("detection")  # no detection: nothing deploys there
    assert parsed(["eu-central-1"]).organization is not None
