"""The organization section: structure rules, references, variants merged into the baseline."""

from __future__ import annotations

import re

from organization_helpers import config_error, example_data, parse


def _ou(data: dict, path: str) -> dict:
    return next(ou for ou in data["organization"]["organizational_units"] if ou["path"] == path)


def test_example_loads_with_twenty_member_accounts(org_config):
    organization = org_config.organization
    assert len(organization.member_accounts()) == 20
    assert organization.admin_account_id == "222200000001"
    assert {k: [ou.path for ou in ous] for k, ous in organization.variant_targets().items()} == {
        "security": ["Security"],
        "production": ["Workloads/Prod"],
        "development": ["Workloads/Dev"],
        "sandbox": ["Sandbox"],
    }


def test_a_variant_replaces_parts_and_members_get_no_users_or_oidc(org_config):
    from iam_baseline.config.member_config import member_baseline_config

    sandbox = member_baseline_config(org_config, "sandbox")
    assert sandbox.roles.developer.max_session_duration_seconds == 43200
    assert sandbox.mfa.max_age_seconds == 28800
    assert sandbox.federation is None  # saml: false, and OIDC never reaches members
    assert sandbox.users == ()
    assert sandbox.tags == {"owner": "platform-team", "managed-by": "cdk-iam-baseline", "environment": "sandbox"}
    security = member_baseline_config(org_config, "security")
    assert security.roles.read_only_managed_policy == "SecurityAudit"
    assert security.federation.oidc is None and [p.name for p in security.federation.saml.providers] == ["ExampleIdP"]
    assert security.password_policy == org_config.password_policy  # not overridden: the config's


def test_nested_ous_cannot_both_carry_a_baseline():
    data = example_data()
    _ou(data, "Workloads")["baseline"] = "production"
    assert (
        "OU Workloads/Prod (baseline production) is inside OU Workloads (baseline production): a StackSet targeting "
        "Workloads also deploys to Workloads/Prod, so its accounts would get two baselines" in config_error(data)
    )


def test_unknown_and_unused_variants_are_refused():
    data = example_data()
    _ou(data, "Sandbox")["baseline"] = "sandbx"
    error = config_error(data)
    assert "OU Sandbox: unknown baseline 'sandbx'; declared: ['development', 'production', 'sandbox', 'security']" in error
    data = example_data()
    data["organization"]["baselines"]["spare"] = {}
    assert "baseline variants ['spare'] are applied to no OU" in config_error(data)


def test_the_management_account_is_not_a_member_and_is_the_config_account():
    data = example_data()
    _ou(data, "Sandbox")["accounts"].append({"name": "mgmt", "id": "111111111111"})
    assert "the management account 111111111111 is listed in an OU: service-managed StackSets never deploy to it" in (
        config_error(data)
    )
    data = example_data()
    data["account_id"] = "222200000002"
    assert "account_id 222200000002 must be the management account 111111111111" in config_error(data)


def test_the_delegated_admin_must_be_a_member_account():
    data = example_data()
    data["organization"]["delegated_admin_account_id"] = "999999999999"
    assert "delegated_admin_account_id 999999999999 is not a member account of any OU" in config_error(data)


def test_duplicate_accounts_and_ous_are_refused():
    data = example_data()
    _ou(data, "Sandbox")["accounts"].append({"name": "again", "id": "333300000001"})
    assert (
        "organization.organizational_units[4].accounts[5].id (line 232, column 7): duplicate member account id "
        "'333300000001' (also organizational_units[2].accounts[0].id)" in config_error(data)
    )
    data = example_data()
    _ou(data, "Sandbox")["id"] = "ou-a1b2-dev00001"
    assert "duplicate OU id 'ou-a1b2-dev00001' (also organizational_units[" in config_error(data)


def test_ou_assignments_name_declared_permission_sets():
    data = example_data()
    _ou(data, "Sandbox")["assignments"][0]["permission_set"] = "PowerUser"
    assert "OU Sandbox: unknown permission set 'PowerUser'" in config_error(data)
    data = example_data()
    del data["federation"]["identity_center"]
    assert "OUs declare Identity Center assignments but federation.identity_center is not configured" in config_error(data)


def test_a_delegated_identity_center_admin_cannot_assign_in_the_management_account():
    data = example_data()
    data["federation"]["identity_center"]["assignments"] = [
        {"permission_set": "Admin", "principal_type": "GROUP", "principal_name": "Ops", "account_ids": ["111111111111"]}
    ]
    assert "is a delegated administrator, which cannot assign access in the management account 111111111111" in (
        config_error(data)
    )


def test_a_variant_that_breaks_a_baseline_rule_is_refused_at_load():
    data = example_data()
    data["organization"]["baselines"]["security"]["roles"]["admin"] = {"name": "FederatedAdmin"}
    error = config_error(data)
    assert (
        "organization.baselines.security (line 104, column 5): organization.baselines.security is not a valid "
        "baseline once merged: duplicate role name 'FederatedAdmin' (also roles.admin.name): IAM role names are "
        "unique in an account, ignoring case and path" in error
    )


def test_rollout_ranges_are_checked():
    data = example_data()
    data["organization"]["stacksets"]["max_concurrent_percentage"] = 0
    data["organization"]["stacksets"]["failure_tolerance_percentage"] = 101
    error = config_error(data)
    assert "organization.stacksets.max_concurrent_percentage" in error and "greater than or equal to 1" in error
    assert "organization.stacksets.failure_tolerance_percentage" in error and "less than or equal to 100" in error


def test_without_delegated_admin_the_management_account_holds_the_stacksets():
    data = example_data()
    del data["organization"]["delegated_admin_account_id"]
    assert parse(data).organization.admin_account_id == "111111111111"


def test_variant_keys_fit_stackset_names_and_construct_ids():
    data = example_data()
    data["organization"]["baselines"]["dev_box"] = data["organization"]["baselines"].pop("sandbox")
    _ou(data, "Sandbox")["baseline"] = "dev_box"
    error = config_error(data)
    assert re.search(
        r"organization\.baselines\.dev_box \(line \d+, column \d+\): invalid key: not allowed: expected a baseline variant key: "
        r"a letter, then letters, digits and hyphens",
        error,
    )
    assert re.search(r"organizational_units\[4\]\.baseline \(line \d+, column \d+\): not allowed: expected a baseline variant key", error)
    data = example_data()
    data["organization"]["baselines"]["Sand-box"] = {}
    _ou(data, "Workloads")["baseline"] = None
    data["organization"]["organizational_units"].append({"path": "Sandbox2", "id": "ou-a1b2-5andb0x2", "baseline": "Sand-box"})
    assert (
        "organization.baselines.Sand-box (line 142, column 5): duplicate variant key (ignoring case and hyphens): "
        "'Sand-box' and 'sandbox'" in config_error(data)
    )
