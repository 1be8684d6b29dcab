"""Each EventBridge pattern, exactly, and which sample CloudTrail events it matches.

Matching uses moto's implementation of EventBridge pattern matching (``moto.events``), not
a matcher of our own. The deployed rules carry these same dicts (test_detection_template.py).
"""

from __future__ import annotations

import pytest
from cloudtrail_events import (
    ACCOUNT,
    api_call,
    assumed_role_identity,
    console_login,
    iam_user_identity,
    root_identity,
    service_event,
)
from detection_helpers import matches

from iam_baseline.detection import patterns
from iam_baseline.detection.patterns import detection_rules

OUTSIDE_PIPELINE = ["CreateRole", "CreatePolicy", "CreatePolicyVersion", "SetDefaultPolicyVersion", "UpdateAssumeRolePolicy"]
API = "AWS API Call via CloudTrail"
SIGN_IN = "AWS Console Sign In via CloudTrail"


def test_root_activity_pattern_is_exact():
    assert patterns.root_activity_pattern() == {
        "detail-type": [API, SIGN_IN],
        "detail": {
            "userIdentity": {"type": ["Root"], "invokedBy": [{"exists": False}]},
            "eventType": [{"anything-but": "AwsServiceEvent"}],
        },
    }


def test_console_sign_in_without_mfa_pattern_is_exact():
    assert patterns.console_sign_in_without_mfa_pattern() == {
        "source": ["aws.signin"],
        "detail-type": [SIGN_IN],
        "detail": {
            "eventName": ["ConsoleLogin"],
            "userIdentity": {"type": ["IAMUser"]},
            "additionalEventData": {"MFAUsed": [{"anything-but": "Yes"}]},
            "responseElements": {"ConsoleLogin": ["Success"]},
        },
    }


def test_iam_changes_pattern_is_exact(default_config):
    assert patterns.iam_changes_pattern(default_config) == {
        "source": ["aws.iam"],
        "detail-type": [API],
        "detail": {
            "eventSource": ["iam.amazonaws.com"],
            "readOnly": [False],
            "$or": [
                {
                    "eventName": [
                        # CIS AWS Foundations 4.4
                        "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy",
                        "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy",
                        "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion",
                        "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy",
                        "AttachGroupPolicy", "DetachGroupPolicy",
                        # trust and boundary changes
                        "UpdateAssumeRolePolicy", "SetDefaultPolicyVersion",
                        "DeleteRolePermissionsBoundary", "DeleteUserPermissionsBoundary",
                    ]
                },
                {"requestParameters": {"roleName": ["Admin", "Developer", "ReadOnly", "Support"]}},
                {"requestParameters": {"groupName": ["Admins", "BreakGlass", "Developers", "ReadOnly"]}},
                {
                    "requestParameters": {
                        "userName": ["alice.admin", "bob.developer", "breakglass.one", "breakglass.two", "carol.auditor"]
                    }
                },
                {"requestParameters": {"policyArn": [{"prefix": f"arn:aws:iam::{ACCOUNT}:policy/baseline/"}]}},
                {"requestParameters": {"path": [{"prefix": "/baseline/"}]}},
                # role and policy creation and changes by anyone but the pipeline
                {"eventName": OUTSIDE_PIPELINE, "userIdentity": {"sessionContext": {"sessionIssuer": {"arn": [{"exists": False}]}}}},
                {
                    "eventName": OUTSIDE_PIPELINE,
                    "userIdentity": {"sessionContext": {"sessionIssuer": {"arn": [{"anything-but": [
                        f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-{ACCOUNT}-eu-west-1",
                        f"arn:aws:iam::{ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-{ACCOUNT}-us-east-1",
                    ]}]}}},
                },
            ],
        },
    }  # fmt: skip


def test_break_glass_users_pattern_is_exact(default_config):
    assert patterns.break_glass_use_pattern(default_config) == {
        "detail-type": [API, SIGN_IN],
        "detail": {"userIdentity": {"type": ["IAMUser"], "userName": ["breakglass.one", "breakglass.two"]}},
    }


def test_break_glass_role_pattern_is_exact(variant_config):
    assert patterns.break_glass_use_pattern(variant_config) == {
        "source": ["aws.sts"],
        "detail-type": [API],
        "detail": {
            "eventName": ["AssumeRole"],
            "requestParameters": {"roleArn": [f"arn:aws:iam::{ACCOUNT}:role/baseline/BreakGlassAdmin"]},
        },
    }


def test_rules_of_the_default_config(default_config):
    assert [r.id for r in detection_rules(default_config)] == [
        "RootActivity",
        "ConsoleSignInWithoutMfa",
        "IamPolicyChange",
        "BreakGlassUse",
        "SensitiveRoleOutsiderAdmin",  # the admin persona is sensitive by default
        "SensitiveRoleOutsiderFederatedAdmin",  # so is its SAML role
        "SensitiveRoleOutsiderGitHubDeploy",  # and the OIDC deploy role that may deploy
    ]


@pytest.mark.parametrize(
    ("region", "partition", "global_region"),
    [("eu-west-1", "aws", "us-east-1"), ("us-gov-west-1", "aws-us-gov", "us-gov-west-1"), ("cn-northwest-1", "aws-cn", "cn-north-1")],
)
def test_partition_and_global_events_region(region, partition, global_region):
    assert patterns.partition_of(region) == partition
    assert patterns.global_events_region(region) == global_region


ADMIN_SESSION = assumed_role_identity("Admin", "alice.admin")
WORKLOAD_SESSION = assumed_role_identity("Developer", "bob.developer")
PIPELINE_SESSION = assumed_role_identity(f"cdk-hnb659fds-cfn-exec-role-{ACCOUNT}-eu-west-1", "AWSCloudFormation")
#: A role a developer could create under /workload/ with the execution role's name (in a
#: region without that bootstrap): its session ARN looks the same, its issuer ARN has the path.
LOOKALIKE_SESSION = assumed_role_identity(f"cdk-hnb659fds-cfn-exec-role-{ACCOUNT}-eu-west-1", "AWSCloudFormation", path="/workload/")
SSO_SESSION = assumed_role_identity("AWSReservedSSO_AdministratorAccess_0123456789abcdef", "alice@example.com")

#: Sample event -> the rules (by id) that must fire for it under the default config; every
#: other rule must stay silent.
SAMPLES = {
    "root console sign-in": (console_login(root_identity(), mfa_used=True), {"RootActivity"}),
    "root creates an access key": (
        api_call(root_identity(), "CreateAccessKey", {"userName": "root"}),
        {"RootActivity"},
    ),
    "root action made by an AWS service": (
        api_call(root_identity(invokedBy="support.amazonaws.com"), "DescribeTrustedAdvisorChecks", {}, event_source="support.amazonaws.com"),
        set(),
    ),
    "AWS service event about root": (service_event(root_identity(), "CredentialUpdate"), set()),
    "IAM user console sign-in without MFA": (console_login(iam_user_identity("alice.admin")), {"ConsoleSignInWithoutMfa"}),
    "IAM user console sign-in with MFA": (console_login(iam_user_identity("alice.admin"), mfa_used=True), set()),
    "failed IAM user console sign-in": (console_login(iam_user_identity("alice.admin"), success=False), set()),
    "IAM Identity Center (SSO) sign-in": (console_login(SSO_SESSION), set()),
    "policy attached to a workload role (CIS 4.4)": (
        api_call(WORKLOAD_SESSION, "AttachRolePolicy", {"roleName": "app", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
        {"IamPolicyChange"},
    ),
    "trust policy of a workload role updated": (
        api_call(WORKLOAD_SESSION, "UpdateAssumeRolePolicy", {"roleName": "app", "policyDocument": "{}"}),
        {"IamPolicyChange"},
    ),
    "permissions boundary removed": (
        api_call(ADMIN_SESSION, "DeleteRolePermissionsBoundary", {"roleName": "app"}),
        {"IamPolicyChange"},
    ),
    "baseline Admin role tagged": (
        api_call(ADMIN_SESSION, "TagRole", {"roleName": "Admin", "tags": [{"key": "k", "value": "v"}]}),
        {"IamPolicyChange"},
    ),
    "user added to the BreakGlass group": (
        api_call(ADMIN_SESSION, "AddUserToGroup", {"groupName": "BreakGlass", "userName": "mallory"}),
        {"IamPolicyChange"},
    ),
    "role created inside the baseline path": (
        api_call(ADMIN_SESSION, "CreateRole", {"roleName": "Shadow", "path": "/baseline/", "assumeRolePolicyDocument": "{}"}),
        {"IamPolicyChange"},
    ),
    "developer boundary edited (denied)": (
        api_call(
            WORKLOAD_SESSION,
            "DeletePolicyVersion",
            {"policyArn": f"arn:aws:iam::{ACCOUNT}:policy/baseline/DeveloperBoundary", "versionId": "v1"},
            error_code="AccessDenied",
        ),
        {"IamPolicyChange"},
    ),
    "workload role created by a developer, outside the pipeline": (
        api_call(WORKLOAD_SESSION, "CreateRole", {"roleName": "app", "path": "/workload/", "assumeRolePolicyDocument": "{}"}),
        {"IamPolicyChange"},
    ),
    "workload role created by the pipeline's CloudFormation execution role": (
        api_call(PIPELINE_SESSION, "CreateRole", {"roleName": "app", "path": "/workload/", "assumeRolePolicyDocument": "{}"}),
        set(),
    ),
    "role created by an IAM user (no session issuer)": (
        api_call(iam_user_identity("alice.admin"), "CreateRole", {"roleName": "app", "path": "/", "assumeRolePolicyDocument": "{}"}),
        {"IamPolicyChange"},
    ),
    "role created by a developer's look-alike of the execution role": (
        api_call(LOOKALIKE_SESSION, "CreateRole", {"roleName": "app", "path": "/", "assumeRolePolicyDocument": "{}"}),
        {"IamPolicyChange"},
    ),
    "workload role tagged by the pipeline": (api_call(PIPELINE_SESSION, "TagRole", {"roleName": "app", "tags": []}), set()),
    "workload role tagged": (api_call(WORKLOAD_SESSION, "TagRole", {"roleName": "app", "tags": []}), set()),
    "Admin role read": (api_call(ADMIN_SESSION, "GetRole", {"roleName": "Admin"}, read_only=True), set()),
    "break-glass user signs in with MFA": (console_login(iam_user_identity("breakglass.one"), mfa_used=True), {"BreakGlassUse"}),
    "break-glass user signs in without MFA": (
        console_login(iam_user_identity("breakglass.two")),
        {"BreakGlassUse", "ConsoleSignInWithoutMfa"},
    ),
    "break-glass user assumes the Admin role": (
        api_call(
            iam_user_identity("breakglass.one"),
            "AssumeRole",
            {"roleArn": f"arn:aws:iam::{ACCOUNT}:role/baseline/Admin", "roleSessionName": "incident"},
            event_source="sts.amazonaws.com",
        ),
        {"BreakGlassUse"},
    ),
    "failed sign-in as a break-glass user": (console_login(iam_user_identity("breakglass.one"), success=False), {"BreakGlassUse"}),
    "admin assumes the Admin role": (
        api_call(
            iam_user_identity("alice.admin"),
            "AssumeRole",
            {"roleArn": f"arn:aws:iam::{ACCOUNT}:role/baseline/Admin", "roleSessionName": "alice"},
            event_source="sts.amazonaws.com",
        ),
        set(),
    ),
}  # fmt: skip


#: One test event per role or policy change that must alert when made outside the pipeline.
CHANGES = {
    "CreateRole": {"roleName": "app", "path": "/workload/", "assumeRolePolicyDocument": "{}"},
    "CreatePolicy": {"policyName": "app", "path": "/workload/", "policyDocument": "{}"},
    "CreatePolicyVersion": {"policyArn": f"arn:aws:iam::{ACCOUNT}:policy/workload/app", "policyDocument": "{}", "setAsDefault": True},
    "SetDefaultPolicyVersion": {"policyArn": f"arn:aws:iam::{ACCOUNT}:policy/workload/app", "versionId": "v2"},
    "UpdateAssumeRolePolicy": {"roleName": "app", "policyDocument": "{}"},
}  # fmt: skip


@pytest.mark.parametrize("event_name", CHANGES)
@pytest.mark.parametrize(
    "identity",
    [WORKLOAD_SESSION, SSO_SESSION, LOOKALIKE_SESSION, iam_user_identity("alice.admin"), root_identity()],
    ids=["developer", "sso", "look-alike-role", "iam-user", "root"],
)
def test_role_and_policy_changes_outside_the_pipeline_alert(default_config, event_name, identity):
    (rule,) = [r for r in detection_rules(default_config) if r.id == "IamPolicyChange"]
    assert matches(rule.pattern, api_call(identity, event_name, CHANGES[event_name]))


def test_only_role_creation_by_the_pipeline_is_silent(default_config):
    """The pipeline's role creation is its job; its policy changes still alert (CIS 4.4 asks
    for every one of them, whoever makes them)."""
    (rule,) = [r for r in detection_rules(default_config) if r.id == "IamPolicyChange"]
    fired = {name for name, params in CHANGES.items() if matches(rule.pattern, api_call(PIPELINE_SESSION, name, params))}
    assert fired == set(CHANGES) - {"CreateRole"}


@pytest.mark.parametrize("name", SAMPLES)
def test_which_rules_fire(default_config, name):
    event, expected = SAMPLES[name]
    fired = {rule.id for rule in detection_rules(default_config) if matches(rule.pattern, event)}
    assert fired == expected


def test_break_glass_role_assumption_fires_only_for_that_role(variant_config):
    pattern = patterns.break_glass_use_pattern(variant_config)
    alice = {"type": "IAMUser", "arn": "arn:aws:iam::444455556666:user/breakglass/alice", "userName": "alice"}

    def assume(role_arn: str) -> dict:
        return api_call(alice, "AssumeRole", {"roleArn": role_arn, "roleSessionName": "incident"}, event_source="sts.amazonaws.com")

    assert matches(pattern, assume(f"arn:aws:iam::{ACCOUNT}:role/baseline/BreakGlassAdmin"))
    assert not matches(pattern, assume(f"arn:aws:iam::{ACCOUNT}:role/baseline/Admin"))


def test_no_rules_without_detection(default_config):
    assert detection_rules(default_config.model_copy(update={"detection": None, "break_glass": None})) == ()
