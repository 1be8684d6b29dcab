"""organization.root_access, service_control_policies and resource_control_policies: defaults
and every refusal, each naming the YAML key to fix."""

from __future__ import annotations

import json

import pytest
from organization_helpers import config_error, example_data, parse


def test_root_access_is_on_by_default_with_every_task_policy():
    data = example_data()
    del data["organization"]["root_access"]
    access = parse(data).organization.root_access
    assert (access.credentials_management, access.root_sessions, access.disable_on_delete) == (True, True, False)
    assert access.task_policies == (
        "IAMAuditRootUserCredentials",
        "IAMCreateRootUserPassword",
        "IAMDeleteRootUserCredentials",
        "S3UnlockBucketPolicy",
        "SQSUnlockQueuePolicy",
    )
    assert access.role.name == "RootTasks" and access.has_root_tasks_role


def test_scps_and_rcps_are_off_unless_declared():
    data = example_data()
    del data["organization"]["service_control_policies"], data["organization"]["resource_control_policies"]
    organization = parse(data).organization
    assert organization.service_control_policies is None and organization.resource_control_policies is None


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (
            lambda o: o["service_control_policies"].update(deny_root_user={"targets": ["Workloads/Staging"]}),
            "organization.service_control_policies.deny_root_user.targets[0]",
            "unknown target 'Workloads/Staging'; allowed: 'root' or one of the OU paths",
        ),
        (
            lambda o: o.pop("root_id"),
            "organization.service_control_policies.deny_root_user.targets[0]",
            "deny_root_user targets the root but organization.root_id is not set",
        ),
        (
            lambda o: o.pop("organization_id"),
            "organization.resource_control_policies",
            "data_perimeter is enabled but organization.organization_id is not set",
        ),
        (
            lambda o: o["root_access"].update(delegated_administrator="999999999999"),
            "organization.root_access",
            "delegated_administrator 999999999999 is not a member account of any OU",
        ),
        (
            lambda o: o["root_access"].update(root_sessions=False),
            "organization.root_access",
            "task_policies are listed but root_sessions is false",
        ),
        (
            lambda o: o["root_access"].update(task_policies=["S3UnlockBucketPolicy", "RootEverything"]),
            "organization.root_access.task_policies[1]",
            "Input should be 'IAMAuditRootUserCredentials'",
        ),
        (lambda o: o.update(root_id="root-1"), "organization.root_id", "not allowed"),
    ],
)
def test_refusals_name_the_key(change, key, message):
    data = example_data()
    change(data["organization"])
    error = config_error(data)
    assert f"  - {key} (line " in error and message in error, error


def test_custom_scp_file_must_be_a_deny_only_policy(tmp_path):
    import shutil

    from template_tools import FIXTURES

    shutil.copytree(FIXTURES / "saml", tmp_path / "saml")  # the policy files sit next to the config
    allow = tmp_path / "allow.json"
    allow.write_text(json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    data = example_data()
    data["organization"]["service_control_policies"]["custom"] = [{"name": "Mine", "file": str(allow)}]
    error = config_error(data, tmp_path)
    # At the item's file key (its own line), not at the whole service_control_policies section.
    assert "  - organization.service_control_policies.custom[0].file (line " in error
    assert f"statement 0 is not a Deny: the baseline keeps the deny-list model (FullAWSAccess stays attached and is the only " \
        f"Allow), so an Allow SCP would grant nothing (resolved: {allow}) [got: " in error
    deny = tmp_path / "deny.json"
    deny.write_text(json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:*", "Resource": "*"}]}))
    data["organization"]["service_control_policies"]["custom"] = [{"name": "Mine", "file": str(deny), "targets": ["Sandbox"]}]
    assert parse(data, tmp_path).organization.service_control_policies.custom[0].targets == ("Sandbox",)


def test_account_selects_member_rows_only():
    data = example_data()
    data["access_matrix"]["expectations"].append(
        {"id": "bad", "principal": "role:RootTasks", "account": "Security", "action": "sts:AssumeRoot", "expect": "denied", "because": "x"}
    )
    error = config_error(data)
    assert "account 'Security' applies to member:admin, member:root and member:stackset-execution rows only" in error, error


def test_custom_scp_file_outside_the_config_folder_is_refused(tmp_path):
    """Custom SCP files follow the rule of every file a config names (config/files.py):
    relative to the config's folder and inside it."""
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:*", "Resource": "*"}]}))
    data = example_data()
    data["organization"]["service_control_policies"]["custom"] = [{"name": "Mine", "file": str(outside)}]
    error = config_error(data)
    assert "  - organization.service_control_policies.custom[0].file (line " in error, error
    assert "outside the config's folder" in error and f"(resolved: {outside})" in error, error
