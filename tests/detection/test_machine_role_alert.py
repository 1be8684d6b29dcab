"""The alert on a machine role assumed from outside its declared principal's account, fed sample
CloudTrail AssumeRole records (cross-account: userIdentity type AWSAccount) through EventBridge's
pattern matcher."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from cloudtrail_events import api_call
from detection_helpers import matches

HUB = Path(__file__).resolve().parents[1] / "fixtures" / "hub-and-spoke.yaml"
MEMBER = "333300000001"


def _cross_account(account: str) -> dict:
    """The role account's record of an AssumeRole made from ``account`` (CloudTrail User Guide,
    "CloudTrail userIdentity element": type AWSAccount, the caller's account, no ARN)."""
    return {"type": "AWSAccount", "principalId": "AROACKCEVSQ6C2EXAMPLE:probe", "accountId": account}


def _assume(account: str, role: str, *, error: str | None = None) -> dict:
    return api_call(
        _cross_account(account),
        "AssumeRole",
        {"roleArn": f"arn:aws:iam::{MEMBER}:role/baseline/{role}", "roleSessionName": "probe"},
        event_source="sts.amazonaws.com",
        error_code=error,
    )


@pytest.fixture(scope="module")
def rules():
    from iam_baseline.config import load_config
    from iam_baseline.config.member_config import member_baseline_config
    from iam_baseline.config.stackset_groups import stackset_groups
    from iam_baseline.detection.patterns import detection_rules

    config = load_config(HUB)
    group = next(g for g in stackset_groups(config) if MEMBER in g.accounts)
    member = member_baseline_config(config, group.variant, group.machine_roles)
    if member.detection is None:  # the example keeps detection off: the rules are what a config with it gets
        data = yaml.safe_load(HUB.read_text())
        data["detection"] = {}
        from iam_baseline.config import parse_config

        config = parse_config(yaml.safe_dump(data), "hub.yaml", folder=HUB.parent)
        member = member_baseline_config(config, group.variant, group.machine_roles)
    return {r.id: r.pattern for r in detection_rules(member)}


def test_one_alert_per_machine_role_of_the_account(rules):
    assert {"MachineRoleOutsiderCspmScanner", "MachineRoleOutsiderMetricsCollector"} <= rules.keys()


@pytest.mark.parametrize(
    ("rule", "caller", "role", "error", "alerts"),
    [
        ("MachineRoleOutsiderCspmScanner", "999988887777", "CspmScanner", None, False),  # the vendor: expected
        ("MachineRoleOutsiderCspmScanner", "123456789012", "CspmScanner", None, True),  # anyone else
        ("MachineRoleOutsiderCspmScanner", "123456789012", "CspmScanner", "AccessDenied", True),  # refused attempts too
        ("MachineRoleOutsiderMetricsCollector", "222200000001", "MetricsCollector", None, False),
        ("MachineRoleOutsiderMetricsCollector", "999988887777", "MetricsCollector", None, True),
        ("MachineRoleOutsiderMetricsCollector", "999988887777", "Admin", None, False),  # another role: not this alert
    ],
)
def test_the_alert_fires_only_outside_the_expected_account(rules, rule, caller, role, error, alerts):
    assert matches(rules[rule], _assume(caller, role, error=error)) is alerts
