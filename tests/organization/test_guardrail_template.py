"""The organization guard rails stack of the example, as synthesized: the SCPs and the RCP (type,
targets, content), centralized root access, the RootTasks role; cfn-lint and the nag packs run on
it with every other stack (test_cfn_lint.py, test_compliance.py)."""

from __future__ import annotations

import json

import pytest
from organization_helpers import resources_of

MANAGEMENT = "111111111111"
TASKS = ["IAMAuditRootUserCredentials", "IAMCreateRootUserPassword", "IAMDeleteRootUserCredentials",
         "S3UnlockBucketPolicy", "SQSUnlockQueuePolicy"]


@pytest.fixture(scope="module")
def guardrails(org_templates) -> dict:
    return org_templates["OrganizationGuardrails"]


def _policies(template):
    return {r["Properties"]["Name"]: (k, r) for k, r in resources_of(template, "AWS::Organizations::Policy").items()}


def test_policies_have_their_type_targets_and_the_built_content(guardrails, org_config):
    from stacks.organization_guardrails import policy_specs

    specs = policy_specs(org_config)
    policies = _policies(guardrails)
    assert sorted(policies) == ["IamBaseline-Guardrails", "IamBaseline-Guardrails-2", "IamBaseline-ResourceGuardrails"]
    ids = {"root": "r-a1b2", "Workloads": "ou-a1b2-w0rk1oad", "Sandbox": "ou-a1b2-5andb0x1"}
    for spec in specs:
        _, resource = policies[spec.name]
        props = resource["Properties"]
        assert props["Type"] == spec.type.value
        assert props["TargetIds"] == [ids[t] for t in spec.targets]
        assert props["Content"] == spec.document
        assert len(json.dumps(props["Content"], separators=(",", ":"))) <= 5120
    sids = [s["Sid"] for s in policies["IamBaseline-Guardrails"][1]["Properties"]["Content"]["Statement"]]
    assert sids == ["DenyRootUser", "DenyLeaveOrganization", "DenyBaselineIamChanges", "DenyBaselineStackChanges",
                    "DenyProtectedResourceChanges", "DenyProtectionTagChanges", "DenyDetectionChanges"]
    assert [s["Sid"] for s in policies["IamBaseline-Guardrails-2"][1]["Properties"]["Content"]["Statement"]] == ["DenyIamUsersAndKeys"]
    rcp = policies["IamBaseline-ResourceGuardrails"][1]["Properties"]
    assert rcp["Type"] == "RESOURCE_CONTROL_POLICY"
    assert rcp["Content"]["Statement"][0]["Condition"]["StringNotEqualsIfExists"] == {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}


def test_policies_wait_for_the_policy_types_and_centralized_root_access_is_enabled(guardrails):
    (features_id, features), = resources_of(guardrails, "Custom::OrganizationFeatures").items()
    assert json.loads(features["Properties"]["Settings"]) == {
        "DelegatedAdministrator": "",
        "DisableOnDelete": False,
        "PolicyTypes": ["RESOURCE_CONTROL_POLICY", "SERVICE_CONTROL_POLICY"],
        "RootCredentialsManagement": True,
        "RootSessions": True,
        "TrustedAccess": ["iam.amazonaws.com"],
    }
    for logical_id, _ in _policies(guardrails).values():
        assert features_id in guardrails["Resources"][logical_id]["DependsOn"]


def test_root_tasks_trust_requires_mfa_in_one_statement_and_allows_only_enabled_tasks(guardrails, org_config):
    roles = resources_of(guardrails, "AWS::IAM::Role")
    (_, role), = [(k, r) for k, r in roles.items() if r["Properties"].get("RoleName") == "RootTasks"]
    trust = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert len(trust) == 1 and trust[0]["Action"] == "sts:AssumeRole"
    assert trust[0]["Condition"] == {
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
        "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
    }
    policies = [r for r in resources_of(guardrails, "AWS::IAM::ManagedPolicy").values() if "AssumeRoot" in json.dumps(r)]
    (statement,) = [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]
    assert statement["Action"] == "sts:AssumeRoot" and statement["Effect"] == "Allow"
    assert statement["Condition"] == {
        "StringEquals": {
            "sts:TaskPolicyArn": [f"arn:aws:iam::aws:policy/root-task/{t}" for t in TASKS],
            "aws:RequestedRegion": "eu-west-1",
        }
    }
    accounts = sorted(json.dumps(r).split("iam::")[1].split(":root")[0] for r in statement["Resource"])
    assert accounts == sorted(a.id for _, a in org_config.organization.member_accounts())
    assert MANAGEMENT not in accounts
