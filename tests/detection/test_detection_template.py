"""What the synthesized templates deploy: alert topic and key, rules, forwarding from
us-east-1, analyzers, CIS metric alarms, break-glass (retained, termination-protected) and
the account alias. Default config: ``baseline_template``; everything optional switched on:
``variant_template`` (home region us-east-1, role-mode break-glass)."""

from __future__ import annotations

import json

import pytest

from iam_baseline.detection.metric_filters import cis_metric_filters
from iam_baseline.detection.detection_rule import MESSAGE_FIELDS
from iam_baseline.detection.patterns import detection_rules
from template_tools import resource_at, resources

ACCOUNT_REF = {"Ref": "AWS::AccountId"}
TOPIC_REF = {"Ref": "AlertTopic2BEC0189"}
TOPIC_ARN = {
    "Fn::Join": [
        "",
        ["arn:", {"Ref": "AWS::Partition"}, ":sns:", {"Ref": "AWS::Region"}, ":", ACCOUNT_REF, ":iam-baseline-alerts"],
    ]
}
MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}


def statements_without_sid(statements):
    """Statements without their Sid, actions sorted (the order depends on policy minimization)."""
    return [
        {k: sorted(v) if k == "Action" and isinstance(v, list) else v for k, v in s.items() if k != "Sid"}
        for s in statements
    ]


# --- alert topic --------------------------------------------------------------------------


def test_topic_is_encrypted_with_its_customer_managed_key(baseline_template):
    topic = resource_at(baseline_template, "AlertTopic/Resource/Resource")["Properties"]
    key = resource_at(baseline_template, "AlertTopic/Key/Resource")
    assert topic["TopicName"] == "iam-baseline-alerts"
    assert topic["KmsMasterKeyId"] == {"Fn::GetAtt": ["AlertTopicKey863797D7", "Arn"]}
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Retain"


def test_key_policy_lets_only_this_accounts_eventbridge_and_cloudwatch_publish(baseline_template):
    statements = resource_at(baseline_template, "AlertTopic/Key/Resource")["Properties"]["KeyPolicy"]["Statement"]
    service_statements = [s for s in statements if "Service" in s["Principal"]]
    assert statements_without_sid(service_statements) == [
        {
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Condition": {
                "StringEquals": {"aws:SourceAccount": ACCOUNT_REF, "kms:EncryptionContext:aws:sns:topicArn": TOPIC_ARN}
            },
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Resource": "*",
        }
        for service in ("events.amazonaws.com", "cloudwatch.amazonaws.com")
    ]
    # The remaining statements: CDK's default (the account administers the key) and the Deny
    # of grants not made by an AWS service (CT.KMS.PR.3, tests/test_kms_keys.py).
    (admin,) = [s for s in statements if "Service" not in s["Principal"] and s["Effect"] == "Allow"]
    (deny,) = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Sid"] == "DenyGrantsNotForAwsResources"
    assert admin["Action"] == "kms:*" and "Condition" not in admin
    assert json.dumps(admin["Principal"]).endswith(':iam::111122223333:root"]]}}') or admin["Principal"] == {
        "AWS": "arn:aws:iam::111122223333:root"
    }


def test_topic_policy_requires_tls_and_pins_publishers_to_the_account(baseline_template):
    statements = resources(baseline_template, "AWS::SNS::TopicPolicy").popitem()[1]["Properties"]["PolicyDocument"]["Statement"]
    assert statements_without_sid(statements) == [
        {
            "Action": "sns:Publish",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            "Effect": "Deny",
            "Principal": "*",
            "Resource": TOPIC_REF,
        },
        *(
            {
                "Action": "sns:Publish",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT_REF}},
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Resource": TOPIC_REF,
            }
            for service in ("events.amazonaws.com", "cloudwatch.amazonaws.com")
        ),
    ]


def test_subscriptions_from_config(baseline_template, variant_template):
    def subscriptions(template):
        return sorted(
            (s["Properties"]["Protocol"], s["Properties"]["Endpoint"])
            for s in resources(template, "AWS::SNS::Subscription").values()
        )

    assert subscriptions(baseline_template) == [("email", "security@example.com")]
    assert subscriptions(variant_template) == [
        ("email", "security@example.com"),
        ("https", "https://hooks.example.com/alerts"),
    ]


# --- EventBridge rules --------------------------------------------------------------------


def test_alert_rules_deploy_the_tested_patterns_to_the_topic(baseline_template, default_config):
    for rule in detection_rules(default_config):
        props = resource_at(baseline_template, f"AlertRules/{rule.id}/Resource")["Properties"]
        assert props["EventPattern"] == rule.pattern
        (target,) = props["Targets"]
        assert target["Arn"] == TOPIC_REF
        assert "RoleArn" not in target


def test_alert_message_says_who_what_when_from_where(baseline_template):
    target = resource_at(baseline_template, "AlertRules/RootActivity/Resource")["Properties"]["Targets"][0]
    transformer = target["InputTransformer"]
    assert sorted(transformer["InputPathsMap"].values()) == sorted(path for _, path in MESSAGE_FIELDS)
    lines = [json.loads(line) for line in transformer["InputTemplate"].split("\n")]
    assert lines == [
        "[IAM baseline alert] Root user activity (CIS 4.3, Security Hub CloudWatch.1)",
        "Who: <detail-userIdentity-arn>",
        "Identity type: <detail-userIdentity-type>",
        "What: <detail-eventName>",
        "Service: <detail-eventSource>",
        "When: <detail-eventTime>",
        "From IP: <detail-sourceIPAddress>",
        "User agent: <detail-userAgent>",
        "Region: <detail-awsRegion>",
        "Account: <account>",
        "Error: <detail-errorCode>",
    ]


def test_global_events_stack_forwards_the_same_patterns_from_us_east_1(default_assembly, global_events_template, default_config):
    artifact = default_assembly.get_stack_by_name("IamBaseline-GlobalEvents")
    assert artifact.environment.region == "us-east-1"
    assert artifact.termination_protection is True
    role_ref = {"Fn::GetAtt": [next(iter(resources(global_events_template, "AWS::IAM::Role"))), "Arn"]}
    for rule in detection_rules(default_config):
        props = resource_at(global_events_template, f"ForwardingRules/{rule.id}/Resource")["Properties"]
        assert props["EventPattern"] == rule.pattern
        assert props["Targets"] == [
            {"Arn": "arn:aws:events:eu-west-1:111122223333:event-bus/default", "Id": "Target0", "RoleArn": role_ref}
        ]


def test_forwarding_role_only_puts_events_on_the_home_bus(global_events_template):
    (role,) = resources(global_events_template, "AWS::IAM::Role").values()
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT_REF}},
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
        }
    ]
    (policy,) = resources(global_events_template, "AWS::IAM::ManagedPolicy").values()
    assert policy["Properties"]["PolicyDocument"]["Statement"] == [
        {"Action": "events:PutEvents", "Effect": "Allow", "Resource": "arn:aws:events:eu-west-1:111122223333:event-bus/default"}
    ]
    assert not resources(global_events_template, "AWS::IAM::Policy")  # no inline grant added by CDK


def test_no_forwarding_stack_when_home_region_is_us_east_1(variant_assembly):
    names = [s.stack_name for s in variant_assembly.stacks]
    assert "IamBaselineVariant" in names
    assert not [name for name in names if name.endswith("GlobalEvents")]


# --- CIS metric filters and alarms -----------------------------------------------------------


def test_no_metric_filters_without_a_trail_log_group(baseline_template):
    assert not resources(baseline_template, "AWS::Logs::MetricFilter")
    assert not resources(baseline_template, "AWS::CloudWatch::Alarm")


@pytest.mark.parametrize(
    ("filter_id", "pattern", "threshold"),
    [
        (
            "UnauthorizedApiCalls",
            '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*") && '
            '($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket")}',
            10,
        ),
        (
            "ConsoleSignInWithoutMfa",
            '{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed!="Yes") && '
            '($.userIdentity.type="IAMUser") && ($.responseElements.ConsoleLogin="Success")}',
            1,
        ),
        (
            "RootActivity",
            '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType!="AwsServiceEvent"}',
            1,
        ),
        (
            "IamPolicyChange",
            "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||"
            "($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||"
            "($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||"
            "($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||"
            "($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||"
            "($.eventName=DetachGroupPolicy)}",
            1,
        ),
        ("FailedConsoleSignIn", '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}', 3),
    ],
)
def test_cis_metric_filter_and_alarm(variant_template, filter_id, pattern, threshold):
    metric_filter = resource_at(variant_template, f"CisMetricAlarms/{filter_id}Filter/Resource")["Properties"]
    alarm = resource_at(variant_template, f"CisMetricAlarms/{filter_id}Alarm/Resource")["Properties"]
    assert metric_filter["FilterPattern"] == pattern
    assert metric_filter["LogGroupName"] == "aws-cloudtrail-logs-111122223333"
    (transformation,) = metric_filter["MetricTransformations"]
    assert transformation["MetricValue"] == "1"
    assert (alarm["MetricName"], alarm["Namespace"]) == (transformation["MetricName"], transformation["MetricNamespace"])
    assert alarm["Threshold"] == threshold
    assert (alarm["Statistic"], alarm["Period"], alarm["EvaluationPeriods"]) == ("Sum", 300, 1)
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert alarm["AlarmActions"] == [TOPIC_REF]


def test_every_cis_filter_is_tested():
    assert [f.id for f in cis_metric_filters()] == [
        "UnauthorizedApiCalls",
        "ConsoleSignInWithoutMfa",
        "RootActivity",
        "IamPolicyChange",
        "FailedConsoleSignIn",
    ]


# --- IAM Access Analyzer ---------------------------------------------------------------------


def analyzers(template):
    return {a["Properties"]["AnalyzerName"]: a["Properties"] for a in resources(template, "AWS::AccessAnalyzer::Analyzer").values()}


def test_default_analyzers(baseline_template):
    found = analyzers(baseline_template)
    assert found["iam-baseline-external-access"]["Type"] == "ACCOUNT"
    assert "ArchiveRules" not in found["iam-baseline-external-access"]
    assert found["iam-baseline-unused-access"]["Type"] == "ACCOUNT_UNUSED_ACCESS"
    assert found["iam-baseline-unused-access"]["AnalyzerConfiguration"] == {
        "UnusedAccessConfiguration": {"UnusedAccessAge": 45}
    }


def test_organization_analyzers_with_archive_rules(variant_template):
    found = analyzers(variant_template)
    assert found["iam-baseline-external-access"]["Type"] == "ORGANIZATION"
    assert found["iam-baseline-external-access"]["ArchiveRules"] == [
        {"RuleName": "TrustedAuditAccount", "Filter": [{"Property": "principal.AWS", "Eq": ["444455556666"]}]}
    ]
    assert found["iam-baseline-unused-access"]["Type"] == "ORGANIZATION_UNUSED_ACCESS"
    assert found["iam-baseline-unused-access"]["AnalyzerConfiguration"]["UnusedAccessConfiguration"] == {
        "UnusedAccessAge": 90
    }
    assert found["iam-baseline-unused-access"]["ArchiveRules"] == [
        {"RuleName": "IgnoreBreakGlass", "Filter": [{"Property": "resource", "Contains": ["BreakGlass"]}]}
    ]


# --- break-glass ---------------------------------------------------------------------------


def test_stack_has_termination_protection(default_assembly):
    assert default_assembly.get_stack_by_name("IamBaseline").termination_protection is True


def test_break_glass_users_and_admin_role_are_retained(baseline_template):
    retained = {
        path: resource_at(baseline_template, path)
        for path in (
            "AdminRole/Resource/Resource",
            "BreakGlass/Group/Resource/Resource",
            "BreakGlass/Group/AssumeRolesPolicy/Resource",
            "BreakGlass/breakglass.one/Resource/Resource",
            "BreakGlass/breakglass.two/Resource/Resource",
        )
    }
    for path, resource in retained.items():
        assert (resource.get("DeletionPolicy"), resource.get("UpdateReplacePolicy")) == ("Retain", "Retain"), path


def test_break_glass_users_are_console_only_and_outside_the_boundary(baseline_template):
    assert not resources(baseline_template, "AWS::IAM::AccessKey")
    group_ref = {"Ref": "BreakGlassGroup100A2FEE"}
    for name in ("breakglass.one", "breakglass.two"):
        user = resource_at(baseline_template, f"BreakGlass/{name}/Resource/Resource")["Properties"]
        assert user["UserName"] == name
        assert user["Path"] == "/baseline/"
        assert user["LoginProfile"]["PasswordResetRequired"] is True
        assert user["Groups"] == [group_ref]
        assert "PermissionsBoundary" not in user and "ManagedPolicyArns" not in user and "Policies" not in user


def test_break_glass_group_needs_mfa_and_may_only_assume_admin(baseline_template):
    group = resource_at(baseline_template, "BreakGlass/Group/Resource/Resource")["Properties"]
    assert group["GroupName"] == "BreakGlass"
    force_mfa_ref = {"Ref": next(k for k in baseline_template["Resources"] if k.startswith("ForceMfa"))}
    assert group["ManagedPolicyArns"] == [force_mfa_ref, {"Ref": "BreakGlassGroupAssumeRolesPolicyE59DA17E"}]
    assume = resource_at(baseline_template, "BreakGlass/Group/AssumeRolesPolicy/Resource")["Properties"]
    assert assume["PolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": ["AdminRoleED684C8D", "Arn"]},
            "Sid": "AllowAssumeOwnRolesWithMfa",
        }
    ]


def test_break_glass_role_trusts_only_named_principals_with_mfa(variant_template):
    role = resource_at(variant_template, "BreakGlass/Resource/Resource")
    assert (role["DeletionPolicy"], role["UpdateReplacePolicy"]) == ("Retain", "Retain")
    props = role["Properties"]
    assert (props["RoleName"], props["Path"], props["MaxSessionDuration"]) == ("BreakGlassAdmin", "/baseline/", 3600)
    # One statement for both principals (cdk.json's @aws-cdk/aws-iam:minimizePolicies), as `cdk synth` writes it.
    assert props["AssumeRolePolicyDocument"]["Statement"] == [
        {"Action": "sts:AssumeRole", "Condition": MFA, "Effect": "Allow", "Principal": {"AWS": [
            "arn:aws:iam::444455556666:user/breakglass/alice", "arn:aws:iam::444455556666:user/breakglass/bob"
        ]}}
    ]
    assert props["ManagedPolicyArns"] == [
        {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/AdministratorAccess"]]}
    ]


# --- account alias -------------------------------------------------------------------------


def test_no_alias_by_default(baseline_template):
    assert not resources(baseline_template, "Custom::AccountAlias")


def test_account_alias_custom_resource(variant_template):
    (alias,) = resources(variant_template, "Custom::AccountAlias").values()
    props = alias["Properties"]
    create = {"action": "createAccountAlias", "service": "IAM", "parameters": {"AccountAlias": "acme-production"},
              "physicalResourceId": {"id": "acme-production"}}  # fmt: skip
    assert json.loads(props["Create"]) == create
    assert json.loads(props["Update"]) == create
    assert json.loads(props["Delete"]) == {
        "action": "deleteAccountAlias",
        "service": "IAM",
        "ignoreErrorCodesMatching": "NoSuchEntity",
        "parameters": {"AccountAlias": "acme-production"},
    }
    grant = resource_at(variant_template, "AccountAlias/Resource/CustomResourcePolicy/Resource")["Properties"]
    assert grant["PolicyDocument"]["Statement"] == [
        {"Action": ["iam:CreateAccountAlias", "iam:DeleteAccountAlias"], "Effect": "Allow", "Resource": "*"}
    ]
