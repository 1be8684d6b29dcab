"""The proof's view of the organization: SCP levels per member account read from the templates,
and the access matrix rows about member accounts, each with a broken template it must reject."""

from __future__ import annotations

import copy

import pytest

from iam_baseline.analysis.checks.member_accounts import check_member_expectation
from iam_baseline.analysis.model.organization_policies import organization_policies


@pytest.fixture(scope="module")
def levels(org_templates, org_config):
    return organization_policies(list(org_templates.values()), org_config)


def _rows(config, *ids):
    rows = {e.id: e for e in config.access_matrix.expectations}
    return [rows[i] for i in ids]


def test_levels_run_from_the_root_through_each_ou_to_the_account(levels):
    names = [[p.name for p in level] for level in levels.scp_levels["333300000001"]]  # Workloads/Prod
    assert names == [
        ["FullAWSAccess", "IamBaseline-Guardrails"],  # root
        ["FullAWSAccess", "IamBaseline-Guardrails-2"],  # Workloads
        ["FullAWSAccess"],  # Workloads/Prod
        ["FullAWSAccess"],  # the account
    ]
    assert [[p.name for p in level] for level in levels.scp_levels["222200000001"]] == [
        ["FullAWSAccess", "IamBaseline-Guardrails"], ["FullAWSAccess"], ["FullAWSAccess"]
    ]
    assert levels.rcp_levels["555500000001"][0][1].name == "IamBaseline-ResourceGuardrails"
    assert levels.accounts_of("Workloads") == [f"3333000000{i:02d}" for i in range(1, 7)] + [f"4444000000{i:02d}" for i in range(1, 7)]
    assert levels.accounts_of("444400000002") == ["444400000002"] and len(levels.accounts_of("*")) == 20


def test_member_rows_of_the_example_hold(levels, org_config):
    member_rows = [e for e in org_config.access_matrix.expectations if e.principal.startswith("member:")]
    assert len(member_rows) >= 7
    for row in member_rows:
        results = check_member_expectation(levels, org_config, row, "aws")
        assert results and all(r.passed for r in results), [r.message for r in results if not r.passed]


def _without(templates, sid=None, mutate=None):
    broken = copy.deepcopy(templates)
    for resource in broken["OrganizationGuardrails"]["Resources"].values():
        if resource["Type"] == "AWS::Organizations::Policy":
            statements = resource["Properties"]["Content"]["Statement"]
            if sid:
                statements[:] = [s for s in statements if s.get("Sid") != sid]
            if mutate:
                for statement in statements:
                    mutate(statement)
    return list(broken.values())


@pytest.mark.parametrize(
    ("row", "broken"),
    [
        ("member-cannot-leave-organization", {"sid": "DenyLeaveOrganization"}),
        ("member-root-denied-outside-root-sessions", {"sid": "DenyRootUser"}),
        # A root deny without the AssumeRoot exemption would break centralized root tasks.
        ("member-root-session-works", {"mutate": lambda s: s.get("Condition", {}).pop("Null", None)}),
        ("member-admin-cannot-change-baseline", {"sid": "DenyBaselineIamChanges"}),
        ("member-admin-cannot-silence-alerts", {"sid": "DenyDetectionChanges"}),
        ("workloads-no-iam-users", {"sid": "DenyIamUsersAndKeys"}),
        ("member-admin-cannot-change-baseline-stacks", {"sid": "DenyBaselineStackChanges"}),
        # Guard rails that stop exempting the StackSet execution roles lock out the deployer.
        ("stackset-execution-updates-baseline", {"mutate": lambda s: s.get("Condition", {}).pop("ArnNotLike", None)}),
        ("stackset-execution-updates-alerts", {"mutate": lambda s: s.get("Condition", {}).pop("ArnNotLike", None)}),
    ],
)
def test_each_member_row_rejects_a_template_without_its_guard_rail(org_templates, org_config, row, broken):
    levels = organization_policies(_without(org_templates, **broken), org_config)
    (expectation,) = _rows(org_config, row)
    results = check_member_expectation(levels, org_config, expectation, "aws")
    assert results and not any(r.passed for r in results)
    assert f"expected {expectation.expect}, got" in results[0].message
