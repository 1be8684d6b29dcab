"""The region allow-list SCP against the stacks ``cdk deploy`` puts in member accounts.

The allow-list spares the StackSet execution roles, not the CDK CLI's roles: the IAM Access
Analyzer delegated administrator's ``...-AccessAnalyzerOrganization-<region>`` stacks (one per
region of ``detection.access_analyzer.regions`` besides the home region) and the identity
account's ``IdentityAccount-GlobalEvents`` (us-east-1) would fail to deploy in a region it
leaves out, so the config is refused at ``region_allow_list.regions``, with its line, through
the loader as a user meets it (a file next to its SAML metadata).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from iam_baseline.config import ConfigError, load_config
from organization_helpers import HUB
from template_tools import HUB_DETECTION as DETECTION

LAST_SCP = "    deny_iam_users: {targets: [Workloads, Sandbox], exclude: [orders-dev]}\n"


@pytest.fixture()
def write(tmp_path):
    """Writes the hub fixture with ``allow_list`` (the region_allow_list line) and detection."""
    shutil.copytree(HUB.parent / "saml", tmp_path / "saml")

    def written(allow_list: str, detection: str = DETECTION) -> str:
        text = HUB.read_text()
        assert text.count(LAST_SCP) == 1
        path = tmp_path / "hub.yaml"
        path.write_text(text.replace(LAST_SCP, LAST_SCP + f"    region_allow_list: {allow_list}\n") + detection)
        return str(path)

    return written


def refusal(path: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert len(caught.value.problems) == 1, str(caught.value)
    return str(caught.value)


#: (allow-list, the refusal after its path and position): a region where the delegated
#: administrator deploys its analyzer, and the identity account's us-east-1, in one shape.
REFUSED = {
    "analyzer region": (
        "{enabled: true, regions: [us-east-1]}",
        "regions ['us-east-1'] leave out 'eu-central-1', where the IAM Access Analyzer delegated administrator audit "
        "(222200000003) deploys IamBaseline-AccessAnalyzerOrganization-eu-central-1 with cdk deploy (the organization "
        "analyzer of a region detection.access_analyzer.regions lists); the allow-list would deny its CDK roles "
        "there: add 'eu-central-1' (allowed: the home region 'eu-west-1', always, and the regions listed), or take "
        "'eu-central-1' out of detection.access_analyzer.regions",
    ),
    "identity account's us-east-1": (
        "{enabled: true, regions: [eu-central-1]}",
        "regions ['eu-central-1'] leave out 'us-east-1', where the identity account 666600000001 deploys "
        "IdentityAccount-GlobalEvents with cdk deploy (its IAM, sign-in and global STS events arrive there); the "
        "allow-list would deny its CDK roles there: add 'us-east-1' (allowed: the home region 'eu-west-1', always, "
        "and the regions listed)",
    ),
}


@pytest.mark.parametrize(("allow_list", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_a_region_the_allow_list_leaves_out_is_refused_at_its_regions(write, allow_list, message):
    path = write(allow_list)
    line = Path(path).read_text().splitlines().index(f"    region_allow_list: {allow_list}") + 1
    assert refusal(path) == (
        f"invalid baseline config {path}: 1 problem\n"
        f"  - organization.service_control_policies.region_allow_list.regions (line {line}, column 40): {message}"
    )


@pytest.mark.parametrize(
    "allow_list",
    [
        "{enabled: true, regions: [us-east-1, eu-central-1]}",  # both regions listed
        "{enabled: true, regions: [us-east-1], exclude: [audit]}",  # the allow-list spares the administrator
        "{enabled: true, regions: [us-east-1], targets: [Workloads, Identity]}",  # ... or does not reach it
        "{enabled: false, regions: []}",  # no allow-list
    ],
)
def test_negative_controls_a_listed_region_or_an_unreached_administrator_is_accepted(write, allow_list):
    assert load_config(write(allow_list)).organization.service_control_policies.region_allow_list is not None


def test_members_analyzers_need_no_entry_they_come_from_a_stackset(write):
    """Without a delegated administrator, the analyzers outside the home region are the
    management account's (SCPs never apply to it) and the members' StackSet (stacksets-exec-*
    is spared): nothing to refuse."""
    config = load_config(write("{enabled: true, regions: [us-east-1]}", DETECTION.replace("    delegated_administrator: audit\n", "")))
    assert config.detection.access_analyzer.regions == ("eu-west-1", "eu-central-1")
