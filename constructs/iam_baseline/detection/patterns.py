"""EventBridge event patterns of the detection rules, as plain data.

Each pattern is a dict in EventBridge's JSON form ("source", "detail-type", "detail"), built
from the validated config without aws_cdk, so tests feed sample CloudTrail events to exactly
these dicts through an EventBridge pattern matcher, and the constructs turn the same dicts
into ``AWS::Events::Rule`` resources.

CloudTrail management events reach EventBridge as ``detail-type`` "AWS API Call via
CloudTrail" (API calls) and "AWS Console Sign In via CloudTrail" (sign-ins), with the
CloudTrail record as ``detail``. Source: Amazon EventBridge User Guide, "Events from AWS
services" and "AWS service events delivered via AWS CloudTrail"; AWS CloudTrail User Guide,
"CloudTrail record contents".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..config.machine_roles import MachineRoleConfig
from ..config.models import BaselineConfig
from ..config.hub import HubPart
from ..config.sensitive_roles import SensitiveRole, sensitive_roles
from ..naming import construct_id
from ..partitions import partition_of

API_CALL = "AWS API Call via CloudTrail"
CONSOLE_SIGN_IN = "AWS Console Sign In via CloudTrail"

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

#: Qualifier of the CDK bootstrap that ``cdk deploy`` uses unless told otherwise.
DEFAULT_CDK_QUALIFIER = "hnb659fds"

#: Fields of every alert message: label -> JSON path in the EventBridge event (who, what,
#: when, from where). The input transformer of each rule renders them.
MESSAGE_FIELDS: tuple[tuple[str, str], ...] = (
    ("Who", "$.detail.userIdentity.arn"),
    ("Identity type", "$.detail.userIdentity.type"),
    ("What", "$.detail.eventName"),
    ("Service", "$.detail.eventSource"),
    ("When", "$.detail.eventTime"),
    ("From IP", "$.detail.sourceIPAddress"),
    ("User agent", "$.detail.userAgent"),
    ("Region", "$.detail.awsRegion"),
    ("Account", "$.account"),
    ("Error", "$.detail.errorCode"),
)


@dataclass(frozen=True)
class DetectionRule:
    """One alert: a construct id, what it detects, the controls it covers and its pattern."""

    id: str
    title: str
    controls: str
    pattern: dict[str, Any]




def global_events_region(region: str) -> str:
    """Where the partition's global services (IAM, STS global endpoint, sign-in) record events.

    IAM and AWS sign-in events are recorded in us-east-1 in the aws partition (us-gov-west-1
    and cn-north-1 in the others). Source: AWS CloudTrail User Guide, "Global service events".
    """
    return {"aws": "us-east-1", "aws-us-gov": "us-gov-west-1", "aws-cn": "cn-north-1"}[partition_of(region)]


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
    qualifiers, regions = {DEFAULT_CDK_QUALIFIER}, {config.region, global_events_region(config.region)}
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


#: The STS calls that assume a role: with AWS credentials, a SAML assertion, an OIDC token.
ASSUME_ROLE_EVENTS: tuple[str, ...] = ("AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity")


def role_assumed_pattern(
    config: BaselineConfig, role_name: str, outside: dict[str, Any], events: tuple[str, ...] = ("AssumeRole",)
) -> dict[str, Any]:
    """``events`` (default ``AssumeRole``; successful or refused) of the role ``role_name`` at the
    baseline's IAM path, by a caller that the ``detail`` keys of ``outside`` describe (who is *not*
    expected).

    The role is matched by the suffix ``:role<iam_path><name>`` of ``requestParameters.roleArn``
    (present in ``AssumeRole``, ``AssumeRoleWithSAML`` and ``AssumeRoleWithWebIdentity`` records),
    so one pattern serves every member account. CloudTrail records the call in the role's account
    (a cross-account caller as ``userIdentity.type`` ``AWSAccount`` with its ``accountId`` only, no
    ARN) and in the region of the STS endpoint the caller used: the global endpoint's calls reach
    the home region through the global-events stack, a regional endpoint's only in that region
    (README.md, "Known limits"). Sources: AWS CloudTrail User Guide, "CloudTrail userIdentity
    element" and "Logging IAM and AWS STS API calls with AWS CloudTrail"; Amazon EventBridge User
    Guide, "Content filtering" (suffix, anything-but, exists, $or).
    """
    return {
        "source": ["aws.sts"],
        "detail-type": [API_CALL],
        "detail": {
            "eventName": list(events),
            "requestParameters": {"roleArn": [{"suffix": f":role{config.iam_path}{role_name}"}]},
            **outside,
        },
    }


def machine_role_outsider_pattern(config: BaselineConfig, role: MachineRoleConfig) -> dict[str, Any]:
    """:func:`role_assumed_pattern` of machine role ``role`` by a caller outside the account of its
    declared principal (the automation role's account, or the third party's).

    The role's account records a cross-account ``AssumeRole`` with the caller's ``accountId``
    only, so the alert judges the account; the trust itself admits only the exact role ARN (or
    the external id).
    """
    expected = role.principal_arn.split(":")[4]
    return role_assumed_pattern(config, role.name, {"userIdentity": {"accountId": [{"anything-but": expected}]}})


def machine_role_rules(config: BaselineConfig) -> list[DetectionRule]:
    """One alert per machine role this config deploys (a member's: its StackSet group's)."""
    return [
        DetectionRule(
            f"MachineRoleOutsider{construct_id(role.name)}",
            f"Machine role {role.name} assumed from outside its principal's account",
            "machine roles (reason: " + role.reason[:200] + ")",
            machine_role_outsider_pattern(config, role),
        )
        for role in config.machine_roles
        if role.targets is None
    ]


def sensitive_role_outsider_pattern(config: BaselineConfig, role: SensitiveRole) -> dict[str, Any]:
    """:func:`role_assumed_pattern` of sensitive role ``role``, by any of :data:`ASSUME_ROLE_EVENTS`,
    by anyone but its expected principals (:mod:`iam_baseline.config.sensitive_roles`), one
    ``$or`` branch per kind of caller (``userIdentity.type``):

    * ``AWSAccount`` (another account) not in ``role.expected_accounts``;
    * ``IAMUser`` of the role's account whose ARN is not in ``role.expected_user_arns``;
    * ``AssumedRole`` (a role session of the account) whose session issuer is not in
      ``role.expected_role_arns``;
    * ``SAMLUser`` (``AssumeRoleWithSAML``) through a SAML provider whose ARN
      (``requestParameters.principalArn``) ends in none of ``role.expected_saml_providers``
      (``anything-but`` ``suffix`` takes one value; a role trusting several providers alerts on
      no SAML caller: its trust refuses every other provider);
    * ``WebIdentityUser`` (``AssumeRoleWithWebIdentity``) whose ``identityProvider`` is not in
      ``role.expected_web_identity_providers``;
    * any other type (root user, federated user, AWS service).

    A kind with no expected principal alerts on every caller of that kind (a persona's MFA role
    assumed with a SAML assertion is refused by its trust, and still an attempt worth an alert).
    Record shapes: IAM User Guide, "Logging IAM and AWS STS API calls with AWS CloudTrail"
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html), examples of
    SAML and web identity STS events.
    """

    def outside(type_: str, path: tuple[str, ...], expected: tuple[str, ...]) -> dict[str, Any]:
        """Callers of ``type_`` whose field at ``path`` (under ``userIdentity``) is not expected."""
        if not expected:
            return {"userIdentity": {"type": [type_]}}
        leaf: dict[str, Any] = {path[-1]: [{"anything-but": list(expected)}]}
        for key in reversed(path[:-1]):
            leaf = {key: leaf}
        return {"userIdentity": {"type": [type_], **leaf}}

    saml = role.expected_saml_providers
    saml_callers: list[dict[str, Any]] = [{"userIdentity": {"type": ["SAMLUser"]}}] if not saml else []
    if len(saml) == 1:
        saml_callers.append(
            {"userIdentity": {"type": ["SAMLUser"]}, "requestParameters": {"principalArn": [{"anything-but": {"suffix": saml[0]}}]}}
        )
    types = ("AWSAccount", "IAMUser", "AssumedRole", "SAMLUser", "WebIdentityUser")
    branches = [
        outside("AWSAccount", ("accountId",), role.expected_accounts),
        outside("IAMUser", ("arn",), role.expected_user_arns),
        outside("AssumedRole", ("sessionContext", "sessionIssuer", "arn"), role.expected_role_arns),
        *saml_callers,
        outside("WebIdentityUser", ("identityProvider",), role.expected_web_identity_providers),
        {"userIdentity": {"type": [{"anything-but": list(types)}]}},
    ]
    return role_assumed_pattern(config, role.name, {"$or": branches}, ASSUME_ROLE_EVENTS)


def sensitive_role_rules(config: BaselineConfig, hub: HubPart | None = None) -> list[DetectionRule]:
    """One alert per sensitive role of the account (:func:`sensitive_role_outsider_pattern`):
    persona roles, SAML roles of sensitive personas, sensitive OIDC deploy roles; ``hub``: the
    account's part of the hub (:func:`~iam_baseline.config.sensitive_roles.sensitive_roles`)."""
    return [
        DetectionRule(
            f"SensitiveRoleOutsider{construct_id(role.name)}",
            f"Sensitive role {role.name} assumed from outside its expected principals",
            f"sensitive roles ({role.described})",
            sensitive_role_outsider_pattern(config, role),
        )
        for role in sensitive_roles(config, hub)
    ]


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
        ),
    ]
    organization = config.organization
    if organization is not None and organization.root_access.root_sessions:
        rules.append(assume_root_rule())
    if config.break_glass is not None:
        rules.append(
            DetectionRule("BreakGlassUse", "Break-glass access used", "incident response", break_glass_use_pattern(config))
        )
    rules += machine_role_rules(config)
    rules += sensitive_role_rules(config, hub)
    return tuple(rules)
