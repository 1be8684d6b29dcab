"""EventBridge event patterns of the detection rules, as plain data.

Each pattern is a dict in EventBridge's JSON form ("source", "detail-type", "detail"), built
from the validated config without aws_cdk, so tests feed sample CloudTrail events to exactly
these dicts through an EventBridge pattern matcher, and the constructs turn the same dicts
into ``AWS::Events::Rule`` resources. What one alert is (:class:`.detection_rule.DetectionRule`)
is :mod:`.detection_rule`; the alerts on assuming a declared role are :mod:`.role_alerts`.

CloudTrail management events reach EventBridge as ``detail-type`` "AWS API Call via
CloudTrail" (API calls) and "AWS Console Sign In via CloudTrail" (sign-ins), with the
CloudTrail record as ``detail``. Source: Amazon EventBridge User Guide, "Events from AWS
services" and "AWS service events delivered via AWS CloudTrail"; AWS CloudTrail User Guide,
"CloudTrail record contents".
"""

from __future__ import annotations

from typing import Any

from ..config.hub import HubPart
from ..config.models import BaselineConfig
from ..config.oidc import CDK_DEFAULT_QUALIFIER
from ..partitions import global_events_region, partition_of
from .detection_rule import API_CALL, CONSOLE_SIGN_IN, DetectionRule
from .role_alerts import machine_role_rules, sensitive_role_rules

#: The IAM policy changes of CIS AWS Foundations 4.4 (Security Hub CloudWatch.4).
CIS_IAM_POLICY_EVENTS: tuple[str, ...] = (
    "DeleteGroupPolicy",
    "DeleteRolePolicy",
    "DeleteUserPolicy",
    "PutGroupPolicy",
    "PutRolePolicy",
    "PutUserPolicy",
    "CreatePolicy",
    "DeletePolicy",
    "CreatePolicyVersion",
    "DeletePolicyVersion",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "AttachUserPolicy",
    "DetachUserPolicy",
    "AttachGroupPolicy",
    "DetachGroupPolicy",
)

#: Trust and boundary changes added to CIS 4.4: who may assume a role, which policy version
#: is in force, and the removal of a permissions boundary (privilege escalation paths).
TRUST_AND_BOUNDARY_EVENTS: tuple[str, ...] = (
    "UpdateAssumeRolePolicy",
    "SetDefaultPolicyVersion",
    "DeleteRolePermissionsBoundary",
    "DeleteUserPermissionsBoundary",
)

#: Role and policy creation and changes that alert whenever a principal other than the
#: pipeline makes them (see :func:`pipeline_role_arns`). Every one but ``CreateRole`` is also
#: in the lists above, which alert for every principal (CIS 4.4 asks for all of them): the
#: new alert is the role created outside the pipeline, wherever its path.
OUTSIDE_PIPELINE_EVENTS: tuple[str, ...] = (
    "CreateRole",
    "CreatePolicy",
    "CreatePolicyVersion",
    "SetDefaultPolicyVersion",
    "UpdateAssumeRolePolicy",
)


def root_activity_pattern() -> dict[str, Any]:
    """Any sign-in or API call by the root user that is not made by an AWS service (CIS 4.3).

    The CIS metric filter's conditions, in EventBridge form: ``userIdentity.type = Root``,
    no ``userIdentity.invokedBy`` (set when a service acts on the root user's behalf),
    ``eventType`` other than ``AwsServiceEvent``.
    """
    return {
        "detail-type": [API_CALL, CONSOLE_SIGN_IN],
        "detail": {
            "userIdentity": {"type": ["Root"], "invokedBy": [{"exists": False}]},
            "eventType": [{"anything-but": "AwsServiceEvent"}],
        },
    }


def console_sign_in_without_mfa_pattern() -> dict[str, Any]:
    """A successful console sign-in by an IAM user without MFA (CIS 4.2).

    ``userIdentity.type = IAMUser`` excludes IAM Identity Center (SSO) sign-ins, whose
    records carry ``AssumedRole`` or ``Unknown`` identities and no IAM user password; the
    root user is covered by :func:`root_activity_pattern`.
    """
    return {
        "source": ["aws.signin"],
        "detail-type": [CONSOLE_SIGN_IN],
        "detail": {
            "eventName": ["ConsoleLogin"],
            "userIdentity": {"type": ["IAMUser"]},
            "additionalEventData": {"MFAUsed": [{"anything-but": "Yes"}]},
            "responseElements": {"ConsoleLogin": ["Success"]},
        },
    }


def assume_root_pattern() -> dict[str, Any]:
    """Every ``sts:AssumeRoot`` call (successful or not): a task-scoped root session of a member
    account started from this account.

    AssumeRoot has no global endpoint: CloudTrail records it in the region whose endpoint was
    called. The ``RootTasks`` role may call it in the home region only (``aws:RequestedRegion``),
    where this rule listens; a call by another principal in another region is recorded by
    CloudTrail there but not alerted on (README.md, "Known limits").
    Source: IAM User Guide, "Track privileged tasks in AWS CloudTrail"; STS API Reference, ``AssumeRoot``.
    """
    return {
        "source": ["aws.sts"],
        "detail-type": [API_CALL],
        "detail": {"eventSource": ["sts.amazonaws.com"], "eventName": ["AssumeRoot"]},
    }


def assume_root_rule() -> DetectionRule:
    """The alert on :func:`assume_root_pattern`."""
    return DetectionRule("RootSessionStarted", "Root session started (sts:AssumeRoot)", "centralized root access", assume_root_pattern())


def baseline_names(config: BaselineConfig) -> dict[str, list[str]]:
    """The names of the baseline's own IAM roles, groups and users, sorted, by kind."""
    roles = {getattr(config.roles, k).name for k in ("admin", "developer", "read_only", "support")}
    roles |= {p.name for p in config.personas.values() if p.mfa_role}
    groups = {g.name for _, g in config.groups.items()}
    users = {u.name for u in config.users}
    bg = config.break_glass
    if bg is not None and bg.mode == "users":
        groups.add(bg.group_name)
        users.update(bg.users)
    elif bg is not None:
        roles.add(bg.role_name)
    return {"roleName": sorted(roles), "groupName": sorted(groups), "userName": sorted(users)}


def pipeline_role_arns(config: BaselineConfig) -> list[str]:
    """ARNs of the roles through which the pipeline changes IAM: the CloudFormation execution
    roles ``cdk-<qualifier>-cfn-exec-role-<account>-<region>`` (path ``/``) of the CDK
    bootstraps the baseline deploys with (the default qualifier and the qualifiers of the OIDC
    deploy roles), in the home region, the global events region and the deploy roles' regions.

    They are matched as the ``sessionIssuer`` of the caller's session, which carries the
    role's path: a developer's ``/workload/cdk-...`` role of the same name cannot pass for
    one. Source: AWS CDK Developer Guide, "Bootstrapping" (bootstrap template resources);
    AWS CloudTrail User Guide, "CloudTrail userIdentity element".
    """
    partition, account = partition_of(config.region), config.account_id
    qualifiers, regions = {CDK_DEFAULT_QUALIFIER}, {config.region, global_events_region(config.region)}
    oidc = config.federation.oidc if config.federation else None
    for role in oidc.deploy_roles if oidc else ():
        qualifiers.add(role.cdk_qualifier)
        regions.update(role.regions)
    return [
        f"arn:{partition}:iam::{account}:role/cdk-{qualifier}-cfn-exec-role-{account}-{region}"
        for qualifier in sorted(qualifiers)
        for region in sorted(regions)
    ]


def iam_changes_pattern(config: BaselineConfig) -> dict[str, Any]:
    """IAM policy and trust changes (CIS 4.4 plus trust and boundary events) and any change to
    the baseline's own roles, groups, users and policies.

    The baseline's resources are matched by the name in the request (``roleName``,
    ``groupName``, ``userName``), by a policy ARN under the baseline's IAM path, and by the
    ``path`` of a new entity created inside it. :data:`OUTSIDE_PIPELINE_EVENTS` alert when
    made by anyone but the pipeline's roles (:func:`pipeline_role_arns`): an IAM user, the
    root user, or a session of any other role. Read-only calls are excluded.
    """
    partition = partition_of(config.region)
    policy_prefix = f"arn:{partition}:iam::{config.account_id}:policy{config.iam_path}"
    own = [{"requestParameters": {key: names}} for key, names in baseline_names(config).items() if names]
    return {
        "source": ["aws.iam"],
        "detail-type": [API_CALL],
        "detail": {
            "eventSource": ["iam.amazonaws.com"],
            "readOnly": [False],
            "$or": [
                {"eventName": [*CIS_IAM_POLICY_EVENTS, *TRUST_AND_BOUNDARY_EVENTS]},
                *own,
                {"requestParameters": {"policyArn": [{"prefix": policy_prefix}]}},
                {"requestParameters": {"path": [{"prefix": config.iam_path}]}},
                # No session issuer: an IAM user, the root user or a federated session.
                {
                    "eventName": list(OUTSIDE_PIPELINE_EVENTS),
                    "userIdentity": {"sessionContext": {"sessionIssuer": {"arn": [{"exists": False}]}}},
                },
                {
                    "eventName": list(OUTSIDE_PIPELINE_EVENTS),
                    "userIdentity": {"sessionContext": {"sessionIssuer": {"arn": [{"anything-but": pipeline_role_arns(config)}]}}},
                },
            ],
        },
    }


def break_glass_role_arn(config: BaselineConfig) -> str:
    """ARN of the break-glass role (role mode), with the baseline's IAM path."""
    assert config.break_glass is not None
    partition = partition_of(config.region)
    return f"arn:{partition}:iam::{config.account_id}:role{config.iam_path}{config.break_glass.role_name}"


def break_glass_use_pattern(config: BaselineConfig) -> dict[str, Any]:
    """Any use of the break-glass path.

    Users mode: every sign-in (successful or failed) and every API call by a break-glass
    IAM user. Their only permission is assuming the Admin role, so this catches the sign-in
    and the role assumption, not each action taken afterwards as Admin.
    Role mode: every ``sts:AssumeRole`` of the break-glass role.

    Raises:
        ValueError: when ``config.break_glass`` is not set.
    """
    bg = config.break_glass
    if bg is None:
        raise ValueError("break_glass is not configured")
    if bg.mode == "users":
        return {
            "detail-type": [API_CALL, CONSOLE_SIGN_IN],
            "detail": {"userIdentity": {"type": ["IAMUser"], "userName": sorted(bg.users)}},
        }
    return {
        "source": ["aws.sts"],
        "detail-type": [API_CALL],
        "detail": {"eventName": ["AssumeRole"], "requestParameters": {"roleArn": [break_glass_role_arn(config)]}},
    }


def detection_rules(config: BaselineConfig, hub: HubPart | None = None) -> tuple[DetectionRule, ...]:
    """Every EventBridge alert of ``config``, in a stable order (construct ids are stable).

    Empty when ``config.detection`` is not set. ``hub``: the account's part of the identity
    account's hub (a StackSet member's), for the sensitive roles' expected principals.
    """
    if config.detection is None:
        return ()
    rules = [
        DetectionRule("RootActivity", "Root user activity", "CIS 4.3, Security Hub CloudWatch.1", root_activity_pattern()),
        DetectionRule(
            "ConsoleSignInWithoutMfa",
            "Console sign-in without MFA",
            "CIS 4.2, Security Hub CloudWatch.3",
            console_sign_in_without_mfa_pattern(),
        ),
        DetectionRule(
            "IamPolicyChange",
            "IAM policy, trust or baseline change",
            "CIS 4.4, Security Hub CloudWatch.4",
            iam_changes_pattern(config),
            "users",  # the baseline's user, group and role names: the users grow it most
        ),
    ]
    organization = config.organization
    if organization is not None and organization.root_access.root_sessions:
        rules.append(assume_root_rule())
    if config.break_glass is not None:
        rules.append(
            DetectionRule("BreakGlassUse", "Break-glass access used", "incident response", break_glass_use_pattern(config),
                          "break_glass")
        )
    rules += machine_role_rules(config)
    rules += sensitive_role_rules(config, hub)
    return tuple(rules)
