"""Targeting of customer managed policies (``policies.<name>.targets``) and of the data-perimeter
RCP (``accounts``/``ous``/``exclude`` as the SCPs): created or attached only where the targets
reach, every user of a targeted policy living only there, unknown names refused with the nearest."""

from __future__ import annotations

import json

import pytest
from organization_helpers import member_plan, without_organization, config_error, example_data, hub_data, hub_error, parse, parse_hub

READ = {"description": "Read the reports bucket.", "targets": {"ous": ["Workloads"]},
        "statements": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}
WORKLOADS = ("333300000001", "333300000002", "444400000001", "444400000002")


def _with_policy(**changes) -> dict:
    data = hub_data()
    data["policies"] = {**data.get("policies", {}), "ReportsBucketRead": {**READ, **changes}}
    return data


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (lambda d: d["policies"]["ReportsBucketRead"].update(targets={"ous": ["Workload"]}),
         "policies.ReportsBucketRead.targets.ous[0]", "unknown OU 'Workload'; nearest: 'Workloads'"),
        (lambda d: d["policies"]["ReportsBucketRead"].update(targets={"ous": ["Workloads"], "exclude": ["orders-prd"]}),
         "policies.ReportsBucketRead.targets.exclude[0]", "nearest: 'orders-prod'"),
        (lambda d: d.update(personas={"reporter": {"name": "Reporter", "customer_managed_policies": ["ReportsBucketRead"]}}),
         "personas.reporter.customer_managed_policies[0]",
         "policy ReportsBucketRead is created only in the accounts its targets reach (333300000001, 333300000002, "
         "444400000001, 444400000002: policies.ReportsBucketRead.targets), but persona reporter exists in account "
         "111111111111 too, where the policy does not"),
        (lambda d: d["service_roles"][0].update(customer_managed_policies=["ReportsBucketRead"]),
         "service_roles[0].customer_managed_policies[0]", "but service role ReportsInstance exists in account 111111111111 too"),
        (lambda d: (d["policies"]["ReportsBucketRead"].update(targets={"ous": ["Workloads/Prod"]}),
                    d["machine_roles"][1].update(customer_managed_policies=["ReportsBucketRead"])),
         "machine_roles[1].customer_managed_policies[0]", "but machine role MetricsCollector exists in account 444400000001 too"),
    ],
)
def test_a_targeted_policy_used_where_it_is_not_created_is_refused(change, where, message):
    data = _with_policy()
    change(data)
    error = hub_error(data)
    assert f"{where} (line" in error and message in error, error


def test_a_targeted_policy_needs_an_organization():
    data = _with_policy()
    without_organization(data)
    error = hub_error(data)
    assert "policies.ReportsBucketRead.targets (line" in error and "targets need the organization section" in error, error


def test_a_targeted_policy_is_created_in_its_accounts_only_and_moves_no_other_account():
    data = _with_policy()
    data["machine_roles"][1]["customer_managed_policies"] = ["ReportsBucketRead"]  # MetricsCollector: Workloads
    after = member_plan(data)
    assert {a for a, (_, _, policies) in after.items() if "ReportsBucketRead" in policies} == set(WORKLOADS)
    before = member_plan(hub_data())
    assert after.keys() == before.keys()
    assert sorted(a for a in before if before[a][:2] != after[a][:2]) == list(WORKLOADS)
    # The config's own account does not create it (nor could a role there carry it).
    config = parse_hub(data)
    assert config.policies["ReportsBucketRead"].targets is not None


def test_the_management_account_stack_leaves_a_targeted_policy_out(tmp_path):
    from aws_cdk import App

    from stacks.account_baseline import AccountBaselineStack
    from template_tools import CDK_CONTEXT

    config = parse_hub(_with_policy())
    app = App(outdir=str(tmp_path), context=CDK_CONTEXT)
    stack = AccountBaselineStack(app, "AccountBaseline", config=config)
    template = app.synth().get_stack_by_name(stack.stack_name).template
    names = {r["Properties"].get("ManagedPolicyName") for r in template["Resources"].values() if r["Type"] == "AWS::IAM::ManagedPolicy"}
    assert "ReportsRead" in names and "ReportsBucketRead" not in names  # untargeted: here; targeted: not


def _rcp_levels(data):
    from iam_baseline.analysis.model.organization_policies import POLICY_TYPE, organization_policies
    from stacks.organization_guardrails import policy_specs

    config = parse(data)
    ids = {ou.path: ou.id for ou in config.organization.organizational_units} | {"root": config.organization.root_id}
    resources = {
        spec.name: {"Type": POLICY_TYPE, "Properties": {"Name": spec.name, "Type": spec.type.value, "Content": dict(spec.document),
                                                          "TargetIds": [ids.get(t, t) for t in spec.targets]}}
        for spec in policy_specs(config)
    }
    return organization_policies([{"Resources": resources}], config).rcp_levels


def _has_perimeter(levels) -> bool:
    return any("ResourceGuardrails" in policy.name for level in levels for policy in level)


def test_the_data_perimeter_spares_the_excluded_accounts():
    data = example_data()
    perimeter = data["organization"]["resource_control_policies"]["data_perimeter"]
    members = sorted({a["id"] for ou in data["organization"]["organizational_units"] for a in ou.get("accounts", [])})
    excluded = members[0]
    perimeter.update(targets=["root"], exclude=[excluded])
    levels = _rcp_levels(data)
    assert not _has_perimeter(levels[excluded])
    assert all(_has_perimeter(levels[a]) for a in members[1:])
    # Negative control: without the exclusion the root attachment reaches it too.
    perimeter.pop("exclude")
    assert _has_perimeter(_rcp_levels(data)[excluded])


def test_a_data_perimeter_target_name_is_checked_with_the_nearest():
    data = example_data()
    data["organization"]["resource_control_policies"]["data_perimeter"]["exclude"] = ["Sandbx"]
    error = config_error(data)
    assert "organization.resource_control_policies.data_perimeter.exclude[0] (line" in error, error
    assert "nearest: 'Sandbox'" in error, error
    data = example_data()
    data["organization"]["resource_control_policies"]["data_perimeter"]["targets"] = ["Sandbx"]
    error = config_error(data)
    assert "unknown target 'Sandbx'" in error and "nearest: 'Sandbox'" in error, error


# Permission sets (IAM Identity Center) whose persona uses a targeted policy: every assigned
# account must hold the policy, or Identity Center cannot provision the set there.

@pytest.fixture
def reporter_center() -> dict:
    """The hub example with a Reporter persona (no IAM role: Identity Center only) using the
    Workloads-targeted ReportsBucketRead, its permission set, and assignments in Workloads only."""
    data = _with_policy()
    data["personas"] = {"reporter": {"name": "Reporter", "mfa_role": False,
                                     "customer_managed_policies": ["ReportsBucketRead"]}}
    data["federation"]["identity_center"] = {
        "instance_arn": "arn:aws:sso:::instance/ssoins-0123456789abcdef",
        "identity_store_id": "d-0123456789",
        "account_id": "222200000001",
        "region": "eu-west-1",
        "permission_sets": [{"name": "Reporter", "persona": "reporter"}, {"name": "Auditor", "aws_managed_policies": ["SecurityAudit"]}],
        "assignments": [
            {"permission_set": "Reporter", "principal_type": "GROUP", "principal_id": "11111111-2222-3333-4444-555555555555",
             "account_ids": ["333300000001", "444400000002"]},
            {"permission_set": "Auditor", "principal_type": "GROUP", "principal_id": "11111111-2222-3333-4444-555555555555",
             "account_ids": ["222200000003"]},
        ],
    }
    return data


def test_a_permission_set_assigned_where_its_persona_s_policy_exists_is_accepted(reporter_center):
    config = parse_hub(reporter_center)
    assert [s.name for s in config.federation.identity_center.permission_sets] == ["Reporter", "Auditor"]


@pytest.mark.parametrize(
    ("change", "where", "account"),
    [
        (lambda d: d["federation"]["identity_center"]["assignments"][0]["account_ids"].append("222200000003"),
         "federation.identity_center.assignments[0].account_ids[2]", "222200000003 (audit)"),
        (lambda d: d["federation"]["identity_center"]["assignments"][1].update(permission_set="Reporter"),
         "federation.identity_center.assignments[1].account_ids[0]", "222200000003 (audit)"),
        (lambda d: d["federation"]["identity_center"]["assignments"][0]["account_ids"].append("111111111111"),
         "federation.identity_center.assignments[0].account_ids[2]", "111111111111"),
        (lambda d: d["organization"]["organizational_units"][5].update(
            assignments=[{"permission_set": "Reporter", "principal_type": "GROUP", "principal_name": "Reporters"}]),
         "organization.organizational_units[5].assignments[0].permission_set", "555500000001 (sandbox-alice)"),
    ],
)
def test_a_permission_set_assigned_where_its_persona_s_targeted_policy_is_missing_is_refused(reporter_center, change, where, account):
    change(reporter_center)
    error = hub_error(reporter_center)
    assert f"{where} (line" in error, error
    assert (
        f"permission set Reporter is assigned in account {account}, but its persona reporter's customer managed policy "
        "ReportsBucketRead is created only in the accounts its targets reach (333300000001, 333300000002, 444400000001, "
        "444400000002: policies.ReportsBucketRead.targets)" in error
    ), error
    assert f"widen policies.ReportsBucketRead.targets to reach account {account}" in error, error


def test_a_permission_set_s_own_reference_to_a_targeted_policy_and_a_targeted_boundary_are_checked(reporter_center):
    center = reporter_center["federation"]["identity_center"]
    center["permission_sets"][1]["customer_managed_policies"] = [{"name": "ReportsBucketRead", "path": "/baseline/"}]
    error = hub_error(reporter_center)
    assert "federation.identity_center.assignments[1].account_ids[0] (line" in error, error
    assert "permission set Auditor is assigned in account 222200000003 (audit), but its own customer managed policy ReportsBucketRead" in error, error
    # Negative control: the same name at another path is not the baseline's policy.
    center["permission_sets"][1]["customer_managed_policies"] = [{"name": "ReportsBucketRead", "path": "/other/"}]
    parse_hub(reporter_center)
    # A persona's targeted permissions boundary counts too.
    center["permission_sets"][1]["customer_managed_policies"] = []
    reporter_center["personas"]["reporter"].update(customer_managed_policies=["ReportsRead"], permissions_boundary="ReportsBucketRead")
    center["assignments"][0]["account_ids"].append("555500000001")
    error = hub_error(reporter_center)
    assert "its persona reporter's permissions boundary ReportsBucketRead" in error and "555500000001 (sandbox-alice)" in error, error


def _suspended(data: dict, permission_set: str) -> dict:
    """The example organization with an OU without a baseline, one account, and ``permission_set`` assigned there."""
    data["organization"]["organizational_units"].append({
        "path": "Suspended", "id": "ou-a1b2-5u5p0001", "accounts": [{"name": "old-app", "id": "777700000001"}],
        "assignments": [{"permission_set": permission_set, "principal_type": "GROUP", "principal_name": "AWS Auditors"}],
    })
    return data


def test_a_developer_permission_set_needs_the_baseline_where_it_is_assigned():
    """The developer persona's DeveloperGuardrails exists where the baseline deploys: an account of
    an OU without a baseline cannot receive the Developer permission set."""
    error = config_error(_suspended(example_data(), "Developer"))
    assert "organization.organizational_units[" in error and "].assignments[0].permission_set (line" in error, error
    assert ("permission set Developer is assigned in account 777700000001 (old-app), but its persona developer's customer "
            "managed policy DeveloperGuardrails is created only where the baseline deploys") in error, error
    assert "give the OU of account 777700000001 (old-app) a baseline" in error, error
    # Negative control: a permission set of AWS managed policies only may go there.
    parse(_suspended(example_data(), "SecurityAuditor"))
