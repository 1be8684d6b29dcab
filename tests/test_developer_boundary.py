"""The developer's guard rails and the permissions boundary of every role a developer creates:
every path to a new role requires the boundary, which cannot be removed or edited; only
workload roles (and opted-in CDK bootstrap roles) can be assumed; the baseline's own
resources, stacks, functions and initial passwords, IAM users, access keys and billing stay
out of reach."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from iam_baseline.analysis.engine.policy import Statement
from iam_baseline.analysis.engine.patterns import lookup_in
from iam_baseline.identity.protection import (
    NAMED_READ_ACTIONS,
    PROTECTED_READ_ACTIONS,
    ROLE_ARN_ACTIONS,
    STACK_WRITE_ACTIONS,
    ProtectedResources,
)

from template_tools import (
    ACCOUNT,
    REGION,
    applies_to,
    as_list,
    assembly_templates,
    iam_arn,
    resolve,
    resource_at,
    resources,
    statement,
    statements,
    synth_unit_stack,
)

#: Role-management actions that carry the iam:PermissionsBoundary condition key.
BOUNDED_ROLE_ACTIONS = [
    "iam:AttachRolePolicy",
    "iam:CreateRole",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
]
POLICY_VERSION_ACTIONS = [
    "iam:CreatePolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:SetDefaultPolicyVersion",
]


@dataclass(frozen=True)
class Rails:
    """The two policy documents and the paths they were built for (ARNs resolved)."""

    boundary: list[dict]
    guardrails: list[dict]
    boundary_arn: str
    iam_path: str
    workload_path: str
    stack_name: str
    cdk_qualifiers: tuple[str, ...]
    stack_prefixes: tuple[str, ...]
    topic: str
    analyzers: tuple[str, ...]
    log_groups: tuple[str, ...]

    def documents(self):
        return {"boundary": self.boundary, "guardrails": self.guardrails}

    def role(self, name: str, path: str | None = None) -> str:
        return iam_arn(f"role{path or self.workload_path}{name}")


@pytest.fixture(scope="module", params=["default-baseline", "custom-paths"])
def rails(request, baseline_template, tmp_path_factory) -> Rails:
    if request.param == "default-baseline":
        template, iam_path, workload_path = baseline_template, "/baseline/", "/workload/"
        stack_name, qualifiers = "IamBaseline", ()
        prefixes, topic, log_groups = ("dev-", "sandbox-"), "iam-baseline-alerts", ()
        analyzers = ("iam-baseline-external-access", "iam-baseline-unused-access")
        boundary = resource_at(template, "DeveloperBoundary/Resource/Resource")
        guardrails = resource_at(template, "DeveloperGuardrails/Resource/Resource")
        protection = resource_at(template, "DeveloperGuardrails/Protection/Resource")
    else:
        from iam_baseline.identity import DeveloperGuardrailsPolicy, DeveloperPermissionsBoundary

        iam_path, workload_path = "/platform/", "/apps/team-a/"
        stack_name, qualifiers = "Unit", ("apps1", "apps2")  # synth_unit_stack's stack
        prefixes, topic, analyzers, log_groups = ("team-a-",), "alerts", ("external",), ("org-trail",)
        names = ProtectedResources(topic_names=(topic,), analyzer_names=analyzers, log_group_names=log_groups)
        scope = dict(path=iam_path, workload_role_path=workload_path, assumable_cdk_qualifiers=qualifiers,
                     developer_stack_prefixes=prefixes, protected=names)

        def build(stack):
            b = DeveloperPermissionsBoundary(stack, "Boundary", **scope)
            DeveloperGuardrailsPolicy(stack, "Guardrails", boundary_arn=b.arn, **scope)

        template = synth_unit_stack(build, tmp_path_factory.mktemp("rails"))
        by_name = {
            r["Properties"]["ManagedPolicyName"]: r for r in resources(template, "AWS::IAM::ManagedPolicy").values()
        }
        boundary, guardrails = by_name["DeveloperBoundary"], by_name["DeveloperGuardrails"]
        protection = by_name["DeveloperProtection"]
    assert boundary["Properties"]["Path"] == iam_path
    return Rails(
        boundary=statements(boundary["Properties"]["PolicyDocument"], stack_name=stack_name),
        # The Developer role's two customer managed policies, read as one document.
        guardrails=[
            *statements(guardrails["Properties"]["PolicyDocument"], stack_name=stack_name),
            *statements(protection["Properties"]["PolicyDocument"], stack_name=stack_name),
        ],
        boundary_arn=iam_arn(f"policy{iam_path}DeveloperBoundary"),
        iam_path=iam_path,
        workload_path=workload_path,
        stack_name=stack_name,
        cdk_qualifiers=qualifiers,
        stack_prefixes=prefixes,
        topic=topic,
        analyzers=analyzers,
        log_groups=log_groups,
    )


def _decide(stmts: list[dict], action: str, resource: str, context: dict[str, str | list[str]]) -> str:
    """"Deny", "Allow" or "implicit" for one request against one policy document, with the
    project's statement matching and condition semantics (iam_baseline.analysis)."""
    request_context = {key.lower(): value for key, value in context.items()}
    lookup = lookup_in(request_context)
    matching = [
        s for s in (Statement.parse(i, raw) for i, raw in enumerate(stmts))
        if s.covers_action(action) and s.covers_resource(resource, lookup) and s.conditions_hold(request_context, lookup)
    ]
    if any(s.effect == "Deny" for s in matching):
        return "Deny"
    return "Allow" if matching else "implicit"


def _refused(doc: str, decision: str) -> bool:
    """The guard rails refuse explicitly (another attached policy could allow); the boundary
    refuses whatever it does not allow (nothing can override a boundary's implicit deny)."""
    return decision == "Deny" if doc == "guardrails" else decision != "Allow"


@pytest.mark.parametrize("doc", ["boundary", "guardrails"])
@pytest.mark.parametrize("action", BOUNDED_ROLE_ACTIONS)
def test_every_path_to_a_role_requires_the_boundary(rails, doc, action):
    stmts = rails.documents()[doc]
    workload_role = rails.role("etl")
    with_boundary = {"iam:PermissionsBoundary": rails.boundary_arn}
    assert _decide(stmts, action, workload_role, with_boundary) == "Allow"
    # No boundary, another boundary, or another path: explicitly denied or never allowed.
    assert _refused(doc, _decide(stmts, action, workload_role, {}))
    assert _refused(doc, _decide(stmts, action, workload_role, {"iam:PermissionsBoundary": iam_arn("policy/Other")}))
    assert _decide(stmts, action, rails.role("etl", path="/"), with_boundary) == "implicit"
    assert _decide(stmts, action, rails.role("Admin", path=rails.iam_path), with_boundary) == "Deny"


@pytest.mark.parametrize("doc", ["boundary", "guardrails"])
def test_boundary_conditions_are_exact(rails, doc):
    stmts = rails.documents()[doc]
    allow = statement({"Statement": stmts}, "AllowWorkloadRoleManagementWithBoundary")
    assert allow == {
        "Sid": "AllowWorkloadRoleManagementWithBoundary",
        "Effect": "Allow",
        "Action": BOUNDED_ROLE_ACTIONS,
        "Resource": rails.role("*"),
        "Condition": {"StringEquals": {"iam:PermissionsBoundary": rails.boundary_arn}},
    }
    # The guard rails deny the rest (another attached policy could allow it); in the boundary,
    # where nothing overrides its implicit deny, the Allow's condition alone refuses it.
    deny = [s for s in stmts if s["Sid"] == "DenyRoleManagementWithoutBoundary"]
    assert deny == ([] if doc == "boundary" else [{
        "Sid": "DenyRoleManagementWithoutBoundary",
        "Effect": "Deny",
        "Action": BOUNDED_ROLE_ACTIONS,
        "Resource": "*",
        "Condition": {"StringNotEquals": {"iam:PermissionsBoundary": rails.boundary_arn}},
    }])
    # No other statement allows a bounded action: the condition cannot be bypassed.
    for stmt in stmts:
        if stmt["Effect"] == "Allow" and stmt != allow:
            for action in BOUNDED_ROLE_ACTIONS:
                assert not applies_to(stmt, action, rails.role("etl")), (stmt["Sid"], action)


@pytest.mark.parametrize("doc", ["boundary", "guardrails"])
def test_boundary_cannot_be_removed_deleted_or_edited(rails, doc):
    stmts = rails.documents()[doc]
    boundary_context = {"iam:PermissionsBoundary": rails.boundary_arn}
    for resource in (rails.role("etl"), rails.role("Admin", path=rails.iam_path)):
        assert _refused(doc, _decide(stmts, "iam:DeleteRolePermissionsBoundary", resource, boundary_context))
    for action in POLICY_VERSION_ACTIONS:
        assert _decide(stmts, action, rails.boundary_arn, {}) == "Deny", action
        # ... and the same for the baseline's other policies (force-MFA, guard rails, ...)
        assert _decide(stmts, action, iam_arn(f"policy{rails.iam_path}ForceMFA"), {}) == "Deny", action
        # Policies under the workload path are the developer's to author.
        assert _decide(stmts, action, iam_arn(f"policy{rails.workload_path}app"), {}) == "Allow", action
    assert _decide(stmts, "iam:CreatePolicy", iam_arn(f"policy{rails.workload_path}app"), {}) == "Allow"
    assert _decide(stmts, "iam:CreatePolicy", iam_arn("policy/app"), {}) == "implicit"


@pytest.mark.parametrize("doc", ["boundary", "guardrails"])
@pytest.mark.parametrize(
    ("action", "kind", "name"),
    [
        ("iam:UpdateAssumeRolePolicy", "role", "Admin"),
        ("iam:AttachRolePolicy", "role", "Developer"),
        ("iam:PassRole", "role", "Admin"),
        # PowerUserAccess allows sts:*; the Developer role must not assume Admin.
        ("sts:AssumeRole", "role", "Admin"),
        ("iam:DeleteRole", "role", "ReadOnly"),
        ("iam:TagRole", "role", "Support"),
        ("iam:AddUserToGroup", "group", "Admins"),
        ("iam:AttachGroupPolicy", "group", "Developers"),
        ("iam:DeleteLoginProfile", "user", "alice.admin"),
        ("iam:TagPolicy", "policy", "ForceMFA"),
    ],
)
def test_baseline_resources_are_out_of_reach(rails, doc, action, kind, name):
    resource = iam_arn(f"{kind}{rails.iam_path}{name}")
    assert _decide(rails.documents()[doc], action, resource, {"iam:PermissionsBoundary": rails.boundary_arn}) == "Deny"


@pytest.mark.parametrize("doc", ["boundary", "guardrails"])
def test_baseline_resources_stay_readable(rails, doc):
    stmts = rails.documents()[doc]
    for action in ("iam:GetRole", "iam:ListAttachedRolePolicies", "iam:GetPolicyVersion"):
        assert _decide(stmts, action, iam_arn(f"role{rails.iam_path}Admin"), {}) != "Deny"


@pytest.mark.parametrize("doc", ["boundary", "guardrails"])
def test_initial_passwords_of_baseline_users_are_out_of_reach(rails, doc, baseline_template):
    """Whoever reads or sets a not-yet-used initial password signs in as that user (an admin,
    say) and enrols their own MFA device: every Secrets Manager action on them is denied."""
    stmts = rails.documents()[doc]
    secrets = resources(baseline_template, "AWS::SecretsManager::Secret").values()
    names = sorted(s["Properties"]["Name"] for s in secrets)
    # The people's users and the break-glass users.
    assert names == [f"iam-baseline/initial-password/{user}" for user in
                     ("alice.admin", "bob.developer", "breakglass.one", "breakglass.two", "carol.auditor")]
    for name in names:
        arn = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-AbC123"
        for action in ("secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
                       "secretsmanager:UpdateSecret", "secretsmanager:PutResourcePolicy"):
            assert _decide(stmts, action, arn, {}) == "Deny", (name, action)
    workload_secret = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:app/db-AbC123"
    assert _decide(stmts, "secretsmanager:GetSecretValue", workload_secret, {}) == (
        "Allow" if doc == "boundary" else "implicit"  # the Developer role gets it from PowerUserAccess
    )
    assert statement({"Statement": stmts}, "DenyBaselineInitialPasswords") == {
        "Sid": "DenyBaselineInitialPasswords",
        "Effect": "Deny",
        "Action": "secretsmanager:*",
        "Resource": f"arn:aws:secretsmanager:*:{ACCOUNT}:secret:iam-baseline/initial-password/*",
    }


@pytest.mark.parametrize("doc", ["boundary", "guardrails"])
def test_only_workload_roles_and_opted_in_cdk_roles_can_be_assumed(rails, doc):
    """Any role trusting the whole account (the CDK bootstrap deploy role, roles of other tools)
    would otherwise be one sts:AssumeRole away: only workload roles and the CDK bootstrap roles
    of the listed qualifiers are not denied."""
    stmts = rails.documents()[doc]
    assumable = [rails.role("*"), *(iam_arn(f"role/cdk-{q}-*") for q in rails.cdk_qualifiers)]
    assert statement({"Statement": stmts}, "DenyAssumeRoleOutsideWorkload") == {
        "Sid": "DenyAssumeRoleOutsideWorkload",
        "Effect": "Deny",
        "Action": "sts:AssumeRole",
        "NotResource": assumable if len(assumable) > 1 else assumable[0],
    }
    not_denied = "Allow" if doc == "boundary" else "implicit"  # the Developer role gets sts:* from PowerUserAccess
    assert _decide(stmts, "sts:AssumeRole", rails.role("etl"), {}) == not_denied
    for qualifier in rails.cdk_qualifiers:
        opted_in = iam_arn(f"role/cdk-{qualifier}-deploy-role-{ACCOUNT}-{REGION}")
        assert _decide(stmts, "sts:AssumeRole", opted_in, {}) == not_denied
    for role in (
        iam_arn(f"role/cdk-hnb659fds-deploy-role-{ACCOUNT}-{REGION}"),  # the bootstrap that deploys the baseline
        iam_arn("role/OrganizationAccountAccessRole"),
        iam_arn(f"role{rails.iam_path}Admin"),
        f"arn:aws:iam::444455556666:role{rails.workload_path}etl",  # another account's workload role
    ):
        assert _decide(stmts, "sts:AssumeRole", role, {}) == "Deny", role


@pytest.mark.parametrize("doc", ["boundary", "guardrails"])
def test_baseline_resources_by_name_are_read_only(rails, doc):
    """Updating a baseline stack runs with its CloudFormation service role, the baseline's
    functions hold IAM rights, its rules, topic, analyzers and log groups are the detection:
    all out of reach by name (whatever the service's aws:ResourceTag support), all readable."""
    stmts = rails.documents()[doc]
    name = rails.stack_name
    assert statement({"Statement": stmts}, "DenyBaselineResourcesByName") == {
        "Sid": "DenyBaselineResourcesByName",
        "Effect": "Deny",
        "NotAction": list(NAMED_READ_ACTIONS),
        "Resource": sorted([  # CDK sorts a statement's resources
            f"arn:aws:cloudformation:*:{ACCOUNT}:stack/{name}*/*",  # every region: <name>-GlobalEvents too
            f"arn:aws:lambda:*:{ACCOUNT}:function:{name}*",
            f"arn:aws:events:*:{ACCOUNT}:rule/{name}*",  # CloudFormation names rules <stack>-<id>-<suffix>
            f"arn:aws:sns:*:{ACCOUNT}:{rails.topic}*",  # the topic and its subscriptions
            *(f"arn:aws:access-analyzer:*:{ACCOUNT}:analyzer/{a}*" for a in rails.analyzers),
            f"arn:aws:logs:*:{ACCOUNT}:log-group:/aws/lambda/{name}*",
            f"arn:aws:logs:*:{ACCOUNT}:log-group:/iam-baseline/account-password-policy*",
            *(f"arn:aws:logs:*:{ACCOUNT}:log-group:{g}*" for g in rails.log_groups),
        ]),
    }
    for stack in (f"{name}/0d1e2f", f"{name}-GlobalEvents/0d1e2f"):
        for region in (REGION, "us-east-1"):
            arn = f"arn:aws:cloudformation:{region}:{ACCOUNT}:stack/{stack}"
            for action in ("cloudformation:UpdateStack", "cloudformation:DeleteStack",
                           "cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"):
                assert _decide(stmts, action, arn, {}) == "Deny", (action, arn)
            assert _decide(stmts, "cloudformation:DescribeStacks", arn, {}) != "Deny"
    function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}-AWS679f53fac002430cb0da5b7982bd2287-x"
    for action in ("lambda:UpdateFunctionCode", "lambda:InvokeFunction", "lambda:UpdateFunctionConfiguration"):
        assert _decide(stmts, action, function, {}) == "Deny", action
    assert _decide(stmts, "lambda:GetFunctionConfiguration", function, {}) != "Deny"
    # The detection: the alert rules here and the forwarding rules in us-east-1.
    for region, rule in ((REGION, f"{name}-AlertRulesRootActivity-AbC"), ("us-east-1", f"{name}-GlobalEvents-Fwd-AbC")):
        arn = f"arn:aws:events:{region}:{ACCOUNT}:rule/{rule}"
        for action in ("events:DisableRule", "events:RemoveTargets", "events:DeleteRule", "events:PutRule",
                       "events:PutTargets"):
            assert _decide(stmts, action, arn, {}) == "Deny", (action, arn)
        assert _decide(stmts, "events:DescribeRule", arn, {}) != "Deny"
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:{rails.topic}"
    for action in ("sns:DeleteTopic", "sns:SetTopicAttributes", "sns:Publish", "sns:Subscribe", "sns:AddPermission"):
        assert _decide(stmts, action, topic, {}) == "Deny", action
    assert _decide(stmts, "sns:Unsubscribe", f"{topic}:0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6", {}) == "Deny"
    assert _decide(stmts, "sns:GetTopicAttributes", topic, {}) != "Deny"
    for analyzer in rails.analyzers:
        arn = f"arn:aws:access-analyzer:{REGION}:{ACCOUNT}:analyzer/{analyzer}"
        for action in ("access-analyzer:DeleteAnalyzer", "access-analyzer:CreateArchiveRule",
                       "access-analyzer:UpdateFindings", "access-analyzer:ApplyArchiveRule"):
            assert _decide(stmts, action, arn, {}) == "Deny", (action, arn)
        assert _decide(stmts, "access-analyzer:DeleteArchiveRule", f"{arn}/archive-rule/hide", {}) == "Deny"
        assert _decide(stmts, "access-analyzer:ListFindings", arn, {}) != "Deny"
    for group in (f"/aws/lambda/{name}-AWS679f53fac002430cb0da5b7982bd2287-x", *rails.log_groups):
        arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}:*"
        for action in ("logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteMetricFilter"):
            assert _decide(stmts, action, arn, {}) == "Deny", (action, arn)
        assert _decide(stmts, "logs:GetLogEvents", arn, {}) != "Deny"
    # The developers' own resources of the same services stay theirs.
    not_denied = "Allow" if doc == "boundary" else "implicit"  # the Developer role gets them from PowerUserAccess
    for action, arn in (
        ("lambda:UpdateFunctionCode", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:app"),
        ("events:DisableRule", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/app-nightly"),
        ("sns:DeleteTopic", f"arn:aws:sns:{REGION}:{ACCOUNT}:app-topic"),
        ("logs:DeleteLogGroup", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/app:*"),
    ):
        assert _decide(stmts, action, arn, {}) == not_denied, (action, arn)


@pytest.mark.parametrize("doc", ["boundary", "guardrails"])
def test_tagged_baseline_resources_are_read_only(rails, doc):
    """Every resource the baseline stacks tag iam-baseline:protected=true (its KMS keys have no
    other handle) is readable only, and the tag can be neither removed nor put on."""
    stmts = rails.documents()[doc]
    assert statement({"Statement": stmts}, "DenyProtectedResourceChanges") == {
        "Sid": "DenyProtectedResourceChanges",
        "Effect": "Deny",
        "NotAction": list(PROTECTED_READ_ACTIONS),
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:ResourceTag/iam-baseline:protected": "true"}},
    }
    assert statement({"Statement": stmts}, "DenyProtectionTagChanges") == {
        "Sid": "DenyProtectionTagChanges",
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["iam-baseline:protected"]}},
    }
    tagged = {"aws:ResourceTag/iam-baseline:protected": "true"}
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    for action in ("kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DisableKey", "kms:Decrypt",
                   "kms:UntagResource", "kms:CreateGrant"):
        assert _decide(stmts, action, key, tagged) == "Deny", action
    for action in ("kms:DescribeKey", "kms:GetKeyPolicy", "kms:ListResourceTags"):
        assert _decide(stmts, action, key, tagged) != "Deny", action
    # Never GetSecretValue: reading is describing, not the secret.
    secret = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:any-AbC123"
    assert _decide(stmts, "secretsmanager:GetSecretValue", secret, tagged) == "Deny"
    assert _decide(stmts, "secretsmanager:DescribeSecret", secret, tagged) != "Deny"
    not_denied = "Allow" if doc == "boundary" else "implicit"
    assert _decide(stmts, "kms:ScheduleKeyDeletion", key, {}) == not_denied  # untagged: a developer's key
    assert _decide(stmts, "kms:ScheduleKeyDeletion", key, {"aws:ResourceTag/iam-baseline:protected": "no"}) == not_denied
    own_topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:app-topic"
    for keys in (["iam-baseline:protected"], ["team", "iam-baseline:protected"]):
        assert _decide(stmts, "sns:TagResource", own_topic, {"aws:TagKeys": keys}) == "Deny", keys
        assert _decide(stmts, "sns:CreateTopic", own_topic, {"aws:TagKeys": keys}) == "Deny", keys
    assert _decide(stmts, "sns:TagResource", own_topic, {"aws:TagKeys": ["team"]}) == not_denied


@pytest.mark.parametrize("doc", ["boundary", "guardrails"])
@pytest.mark.parametrize(
    ("service", "allowed"),
    [
        ("ecs.amazonaws.com", True),
        ("elasticloadbalancing.amazonaws.com", True),
        ("dynamodb.application-autoscaling.amazonaws.com", True),
        # A service the workloads do not need: e.g. Config recording the whole account, SSO.
        ("config.amazonaws.com", False),
        ("sso.amazonaws.com", False),
        ("ecs.amazonaws.com.evil", False),
    ],
)
def test_service_linked_roles_only_for_the_listed_services(rails, doc, service, allowed):
    """PowerUserAccess (and the boundary, before) allowed iam:CreateServiceLinkedRole for every
    service; only the config's developer_service_linked_roles remain."""
    stmts = rails.documents()[doc]
    role = iam_arn(f"role/aws-service-role/{service}/AWSServiceRoleFor")
    decision = _decide(stmts, "iam:CreateServiceLinkedRole", role, {"iam:AWSServiceName": service})
    assert _refused(doc, decision) is not allowed
    # Without the key (an API shape that does not send it) nothing is allowed.
    assert _refused(doc, _decide(stmts, "iam:CreateServiceLinkedRole", role, {}))


def test_service_linked_role_services_are_config(default_config):
    from iam_baseline.identity.boundary import service_linked_role_statement
    from aws_cdk import aws_iam as iam

    assert default_config.developer_service_linked_roles == (
        "autoscaling.amazonaws.com", "ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com",
        "rds.amazonaws.com", "elasticache.amazonaws.com", "*.application-autoscaling.amazonaws.com",
    )
    deny_all = service_linked_role_statement((), effect=iam.Effect.DENY).to_statement_json()
    assert deny_all == {"Sid": "DenyOtherServiceLinkedRoles", "Effect": "Deny",
                        "Action": "iam:CreateServiceLinkedRole", "Resource": "*"}


@pytest.mark.parametrize("service", ["*.amazonaws.com", "*", "?*.amazonaws.com.cn"])
def test_a_service_linked_role_wildcard_for_every_service_is_refused(service):
    from iam_baseline.config import ConfigError
    from template_tools import config_from_data, default_config_data

    data = default_config_data()
    data["developer_service_linked_roles"] = [service]
    with pytest.raises(ConfigError, match="developer_service_linked_roles"):
        config_from_data(data)


@pytest.mark.parametrize("doc", ["boundary", "guardrails"])
def test_no_service_linked_role_deletion(rails, doc):
    """PowerUserAccess allows iam:DeleteServiceLinkedRole: deleting Access Analyzer's (or any
    service's) role switches that service off."""
    stmts = rails.documents()[doc]
    role = iam_arn("role/aws-service-role/access-analyzer.amazonaws.com/AWSServiceRoleForAccessAnalyzer")
    assert _refused(doc, _decide(stmts, "iam:DeleteServiceLinkedRole", role, {}))
    if doc == "guardrails":
        assert statement({"Statement": stmts}, "DenyServiceLinkedRoleDeletion") == {
            "Sid": "DenyServiceLinkedRoleDeletion",
            "Effect": "Deny",
            "Action": "iam:DeleteServiceLinkedRole",
            "Resource": "*",
        }


@pytest.mark.parametrize("doc", ["boundary", "guardrails"])
def test_cdk_bootstrap_assets_cannot_be_planted(rails, doc):
    """The asset bucket and container repository of a CDK bootstrap feed its CloudFormation
    execution role (AdministratorAccess by default): no direct writes for any qualifier (the
    opted-in qualifiers publish through their publishing roles), reads stay."""
    stmts = rails.documents()[doc]
    bucket = f"arn:aws:s3:::cdk-*-assets-{ACCOUNT}-*"
    assert statement({"Statement": stmts}, "DenyCdkAssetBucketWrites") == {
        "Sid": "DenyCdkAssetBucketWrites",
        "Effect": "Deny",
        "NotAction": ["s3:Get*", "s3:List*"],
        # The bucket pattern's final * matches the objects' "/key" too: the boundary leaves out the twin.
        "Resource": bucket if doc == "boundary" else [bucket, f"{bucket}/*"],
    }
    assert statement({"Statement": stmts}, "DenyCdkContainerAssetPushes") == {
        "Sid": "DenyCdkContainerAssetPushes",
        "Effect": "Deny",
        "NotAction": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:Describe*", "ecr:Get*", "ecr:List*"],
        "Resource": f"arn:aws:ecr:*:{ACCOUNT}:repository/cdk-*-container-assets-{ACCOUNT}-*",
    }
    for qualifier in ("hnb659fds", *rails.cdk_qualifiers):
        bucket = f"arn:aws:s3:::cdk-{qualifier}-assets-{ACCOUNT}-{REGION}"
        for action, arn in (("s3:PutObject", f"{bucket}/asset.zip"), ("s3:DeleteObject", f"{bucket}/asset.zip"),
                            ("s3:PutBucketPolicy", bucket), ("s3:DeleteBucket", bucket)):
            assert _decide(stmts, action, arn, {}) == "Deny", (action, arn)
        assert _decide(stmts, "s3:GetObject", f"{bucket}/asset.zip", {}) != "Deny"
        repo = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/cdk-{qualifier}-container-assets-{ACCOUNT}-{REGION}"
        for action in ("ecr:PutImage", "ecr:UploadLayerPart", "ecr:InitiateLayerUpload", "ecr:SetRepositoryPolicy"):
            assert _decide(stmts, action, repo, {}) == "Deny", (action, repo)
        assert _decide(stmts, "ecr:BatchGetImage", repo, {}) != "Deny"
    not_denied = "Allow" if doc == "boundary" else "implicit"
    assert _decide(stmts, "s3:PutObject", "arn:aws:s3:::app-bucket/key", {}) == not_denied
    assert _decide(stmts, "ecr:PutImage", f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/app", {}) == not_denied


@pytest.mark.parametrize("doc", ["boundary", "guardrails"])
def test_stack_writes_only_under_the_developer_prefixes(rails, doc):
    """CloudFormation reuses a stack's service role without iam:PassRole: a developer writes
    only stacks named with one of developer_stack_prefixes, never a pipeline's."""
    stmts = rails.documents()[doc]
    assert statement({"Statement": stmts}, "DenyStackWritesOutsideDeveloperPrefixes") == {
        "Sid": "DenyStackWritesOutsideDeveloperPrefixes",
        "Effect": "Deny",
        "Action": list(STACK_WRITE_ACTIONS),
        "NotResource": [f"arn:aws:cloudformation:*:{ACCOUNT}:stack/{p}*/*" for p in rails.stack_prefixes]
        if len(rails.stack_prefixes) > 1 else f"arn:aws:cloudformation:*:{ACCOUNT}:stack/{rails.stack_prefixes[0]}*/*",
    }
    not_denied = "Allow" if doc == "boundary" else "implicit"
    writes = ("cloudformation:CreateStack", "cloudformation:UpdateStack", "cloudformation:DeleteStack",
              "cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet", "cloudformation:RollbackStack",
              "cloudformation:ContinueUpdateRollback", "cloudformation:CancelUpdateStack")
    for prefix in rails.stack_prefixes:
        own = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{prefix}app/0d1e2f"
        for action in writes:
            assert _decide(stmts, action, own, {}) == not_denied, (action, own)
    for stack in ("app", "CDKToolkit", "pipeline-dev-app", "StackSet-org-baseline-0d1e2f"):
        arn = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{stack}/0d1e2f"
        for action in writes:
            assert _decide(stmts, action, arn, {}) == "Deny", (action, arn)
        assert _decide(stmts, "cloudformation:DescribeStacks", arn, {}) != "Deny"


def test_stack_service_roles_are_workload_roles(rails):
    """The guard rails deny naming any service role but a workload role; the boundary needs no
    such statement (and has no room for it): naming a role takes iam:PassRole on it, which the
    boundary allows on workload roles only."""
    stmts = rails.guardrails
    workload_roles = rails.role("*")
    assert statement({"Statement": stmts}, "DenyStackServiceRolesOutsideWorkload") == {
        "Sid": "DenyStackServiceRolesOutsideWorkload",
        "Effect": "Deny",
        "Action": list(ROLE_ARN_ACTIONS),
        "Resource": "*",
        "Condition": {"Null": {"cloudformation:RoleArn": "false"}, "ArnNotLike": {"cloudformation:RoleArn": workload_roles}},
    }
    own = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{rails.stack_prefixes[0]}app/0d1e2f"
    admin_exec = iam_arn(f"role/cdk-hnb659fds-cfn-exec-role-{ACCOUNT}-{REGION}")
    for action in ("cloudformation:CreateStack", "cloudformation:UpdateStack", "cloudformation:CreateChangeSet"):
        assert _decide(stmts, action, own, {"cloudformation:RoleArn": admin_exec}) == "Deny", action
        assert _decide(stmts, action, own, {"cloudformation:RoleArn": rails.role("deployer")}) == "implicit", action
        assert _decide(stmts, action, own, {}) == "implicit", action  # no role named: the key is absent
    for role in (admin_exec, iam_arn(f"role{rails.iam_path}Admin")):
        assert _decide(rails.boundary, "iam:PassRole", role, {}) != "Allow", role
    assert _decide(rails.boundary, "iam:PassRole", rails.role("deployer"), {}) == "Allow"


@pytest.mark.parametrize("doc", ["boundary", "guardrails"])
def test_pass_role_only_on_the_workload_path(rails, doc):
    stmts = rails.documents()[doc]
    assert _decide(stmts, "iam:PassRole", rails.role("etl"), {}) == "Allow"
    assert _decide(stmts, "iam:PassRole", iam_arn("role/anything"), {}) == "implicit"
    assert _decide(stmts, "iam:PassRole", iam_arn("role/service-role/legacy"), {}) == "implicit"
    passing = [s["Sid"] for s in stmts if s["Effect"] == "Allow" and applies_to(s, "iam:PassRole", "*")]
    assert passing == [], "PassRole must never be allowed on every role"


@pytest.mark.parametrize("doc", ["boundary", "guardrails"])
@pytest.mark.parametrize(
    "action",
    [
        "iam:CreateUser",
        "iam:CreateAccessKey",
        "iam:UpdateAccessKey",
        "iam:CreateLoginProfile",
        "iam:UpdateLoginProfile",
        "iam:AttachUserPolicy",
        "iam:PutUserPolicy",
        "iam:AddUserToGroup",
        "iam:CreateGroup",
        "iam:CreateServiceSpecificCredential",
        "iam:UploadSSHPublicKey",
        "iam:DeactivateMFADevice",
    ],
)
def test_no_iam_user_or_access_key_management(rails, doc, action):
    assert _refused(doc, _decide(rails.documents()[doc], action, iam_arn("user/mallory"), {}))


@pytest.mark.parametrize("doc", ["boundary", "guardrails"])
@pytest.mark.parametrize(
    "action",
    [
        "aws-portal:ModifyBilling",
        "aws-portal:ModifyPaymentMethods",
        "billing:PutContractInformation",
        "payments:CreatePaymentInstrument",
        "tax:PutTaxRegistration",
        "account:CloseAccount",
        "account:PutAlternateContact",
        "account:EnableRegion",
    ],
)
def test_billing_and_account_administration_denied(rails, doc, action):
    """Denied in the guard rails; refused by the boundary (its account:* by never allowing it)."""
    decision = _decide(rails.documents()[doc], action, "*", {})
    assert decision == ("implicit" if doc == "boundary" and action.startswith("account:") else "Deny")


@pytest.mark.parametrize(
    "action", ["organizations:LeaveOrganization", "organizations:CreateAccount", "account:PutContactInformation",
               "iam:CreateSAMLProvider", "iam:UpdateAccountPasswordPolicy"]
)
def test_boundary_never_allows_organization_account_or_iam_administration(rails, action):
    assert _decide(rails.boundary, action, "*", {}) != "Allow"


def test_boundary_allows_service_work(rails):
    for action in ("s3:PutObject", "lambda:CreateFunction", "dynamodb:PutItem", "iam:GetRole"):
        assert _decide(rails.boundary, action, "*", {}) == "Allow", action


def test_guardrails_are_the_boundary_rules(rails):
    """The developer and every role a developer creates follow the same rules. The boundary
    leaves out only the Deny statements it does not need (what it never allows cannot be
    overridden), for its one policy of at most 6,144 characters."""
    boundary_only = {"AllowServiceAccess", "AllowReads", "AllowServiceLinkedRoles"}
    left_out = {"DenyUserAndCredentialManagement", "DenyBoundaryRemoval", "DenyServiceLinkedRoleDeletion",
                "DenyOtherServiceLinkedRoles", "DenyStackServiceRolesOutsideWorkload",
                "DenyRoleManagementWithoutBoundary", "DenyBoundaryAndBaselinePolicyEdits"}
    # Shorter in the boundary, allowing the same (tests/test_boundary_equivalence.py proves it):
    # no account:* entry (the boundary never allows one to deny), no bucket "/*" twin.
    compacted = {"DenyAccountOrganizationBillingAdministration", "DenyCdkAssetBucketWrites"}
    assert [s for s in rails.boundary if s["Sid"] not in boundary_only | compacted] == [
        s for s in rails.guardrails if s["Sid"] not in left_out | compacted
    ]
    assert [s["Sid"] for s in rails.boundary if s["Sid"] in compacted] == [
        s["Sid"] for s in rails.guardrails if s["Sid"] in compacted
    ]
    # What those statements deny, the boundary never allows (the service-role one: see
    # test_stack_service_roles_are_workload_roles).
    for stmt in rails.guardrails:
        if stmt["Sid"] in left_out - {"DenyStackServiceRolesOutsideWorkload"}:
            for action in as_list(stmt["Action"]):
                for resource in (iam_arn("user/mallory"), rails.role("etl"), iam_arn(f"role{rails.iam_path}Admin"),
                                 rails.boundary_arn, iam_arn(f"policy{rails.iam_path}ForceMFA"),
                                 iam_arn("role/aws-service-role/access-analyzer.amazonaws.com/AWSServiceRoleForAccessAnalyzer")):
                    assert _decide(rails.boundary, action, resource, {}) != "Allow", (stmt["Sid"], action, resource)


def test_developer_policies_fit_the_managed_policy_quota(baseline_template):
    """IAM quota: a managed policy holds at most 6,144 characters, whitespace not counted."""
    for name in ("DeveloperBoundary", "DeveloperGuardrails", "DeveloperProtection"):
        policy = next(r for r in resources(baseline_template, "AWS::IAM::ManagedPolicy").values()
                      if r["Properties"]["ManagedPolicyName"] == name)
        document = resolve(policy["Properties"]["PolicyDocument"], stack_name="IamBaseline")
        size = len("".join(json.dumps(document).split()))
        assert size <= 6144, (name, size)


@pytest.mark.parametrize("stack", ["AccountBaseline", "GlobalEvents"])
def test_the_baseline_tags_what_it_owns_as_protected(default_assembly, stack):
    """The tag that the guard rails protect lands on the alert topic, the KMS keys, the rules,
    the analyzers, the secrets, the functions (and every other taggable resource)."""
    template = assembly_templates(Path(default_assembly.directory))[stack]
    must = {"AWS::SNS::Topic", "AWS::KMS::Key", "AWS::Events::Rule", "AWS::AccessAnalyzer::Analyzer",
            "AWS::SecretsManager::Secret", "AWS::Lambda::Function", "AWS::IAM::Role"}
    seen = set()
    for logical_id, resource in template["Resources"].items():
        tags = resource.get("Properties", {}).get("Tags")
        if resource["Type"] in must:
            seen.add(resource["Type"])
            assert {"Key": "iam-baseline:protected", "Value": "true"} in tags, logical_id
    assert seen == (must if stack == "AccountBaseline" else {"AWS::Events::Rule", "AWS::IAM::Role"})


def test_boundary_is_attached_to_nothing(baseline_template):
    """A permissions boundary grants nothing by itself: it must never be an identity policy."""
    boundary_id = next(
        k for k, v in resources(baseline_template, "AWS::IAM::ManagedPolicy").items()
        if v["Properties"]["ManagedPolicyName"] == "DeveloperBoundary"
    )
    props = baseline_template["Resources"][boundary_id]["Properties"]
    assert not {"Roles", "Groups", "Users"} & set(props)
    for logical_id, resource in baseline_template["Resources"].items():
        if logical_id != boundary_id:
            assert f"<Ref:{boundary_id}>" not in str(resolve(resource.get("Properties", {})))


def test_a_config_that_overflows_a_managed_policy_is_refused_at_synth():
    """Enough stack prefixes push the guard rails past IAM's 6,144 characters: synth stops
    with the policy, its size and the overflow, before any template exists."""
    from app import build_app
    from iam_baseline.errors import BaselineError
    from template_tools import config_from_data, default_config_data

    data = default_config_data()
    data["developer_stack_prefixes"] = [f"team-{i:02d}-sandbox-" for i in range(60)]
    config = config_from_data(data, "many-prefixes.yaml")
    with pytest.raises(BaselineError, match=r"managed policy \S+ is \d+ characters \(whitespace excluded\), \d+ over the quota of 6144"):
        build_app(config, context={}, nag=False)
