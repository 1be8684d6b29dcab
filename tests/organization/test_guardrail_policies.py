"""The default SCPs and the data-perimeter RCP, judged by the concrete evaluator: who in a member
account can (not) do what, with a negative control per guard rail; the synth-time quota checks."""

from __future__ import annotations

import pytest

from iam_baseline.analysis.engine.evaluator import evaluate

from iam_baseline.analysis.engine.policy import Policy, PolicyKind

from iam_baseline.analysis.engine.request import Request, RequestPrincipal
from iam_baseline.config.organization_policies import ServiceControlPoliciesConfig
from iam_baseline.errors import BaselineError
from iam_baseline.organization.organization_policies import (
    MAX_POLICY_CHARACTERS,
    PolicySpec,
    PolicyType,
    check_policies,
    pack,
)
from iam_baseline.organization.resource_control_policies import data_perimeter
from iam_baseline.organization.service_control_policies import (
    BaselineNames,
    default_guardrails,
    deny_root_user,
    protect_baseline,
)

MEMBER = "333300000001"
NAMES = BaselineNames(partition="aws", iam_path="/baseline/", stackset_name_prefix="IamBaseline",
                      protection_tag=("iam-baseline:protected", "true"), topic_names=("iam-baseline-alerts",))
FULL_AWS_ACCESS = Policy.from_document(
    "FullAWSAccess", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}, PolicyKind.SCP
)
ADMIN = Policy.from_document("AdministratorAccess", FULL_AWS_ACCESS.document, PolicyKind.IDENTITY)


def scp_levels(*statements) -> list[list[Policy]]:
    """Root (FullAWSAccess + the guard rail), OU and account (FullAWSAccess): the deny-list model."""
    guard = Policy.from_document("guard", {"Version": "2012-10-17", "Statement": list(statements)}, PolicyKind.SCP)
    return [[FULL_AWS_ACCESS, guard], [FULL_AWS_ACCESS], [FULL_AWS_ACCESS]]


def role(name: str, path: str = "/") -> RequestPrincipal:
    return RequestPrincipal(f"arn:aws:sts::{MEMBER}:assumed-role/{name}/s", MEMBER, "role_session", f"arn:aws:iam::{MEMBER}:role{path}{name}")


ROOT = RequestPrincipal(f"arn:aws:iam::{MEMBER}:root", MEMBER, "user")


def decide(principal, action, resource="*", scps=(), **context):
    context.setdefault("aws:PrincipalArn", principal.role_arn or principal.arn)
    return evaluate(Request(principal, action, resource, context), identity=[ADMIN], scps=scps)


def test_deny_root_user_is_awss_documented_statement():
    assert deny_root_user("aws") == [
        {
            "Sid": "DenyRootUser",
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}, "Null": {"aws:AssumedRoot": "true"}},
        }
    ]


def test_member_root_user_is_denied_outside_root_sessions_and_allowed_inside():
    levels = scp_levels(*deny_root_user("aws"))
    outside = decide(ROOT, "s3:DeleteBucketPolicy", "arn:aws:s3:::data", levels)
    assert outside.outcome.value == "explicit deny" and "DenyRootUser" in outside.explain()
    inside = decide(ROOT, "s3:DeleteBucketPolicy", "arn:aws:s3:::data", levels, **{"aws:AssumedRoot": "true"})
    assert inside.allowed, inside.explain()
    # Negative control: without the guard rail the root user is allowed (the SCP is what denies).
    assert decide(ROOT, "s3:DeleteBucketPolicy", "arn:aws:s3:::data", scp_levels()).allowed
    # Roles of the member account are not the root user.
    assert decide(role("Admin", "/baseline/"), "s3:DeleteBucketPolicy", "arn:aws:s3:::data", levels).allowed


def test_no_member_principal_can_leave_the_organization():
    guardrails = {g.name: g for g in default_guardrails(ServiceControlPoliciesConfig(), NAMES, "eu-west-1")}
    levels = scp_levels(*guardrails["DenyLeaveOrganization"].statements)
    for principal in (role("Admin", "/baseline/"), role(f"stacksets-exec-{'a' * 32}"), ROOT):
        assert not decide(principal, "organizations:LeaveOrganization", scps=levels).allowed
    assert decide(role("Admin", "/baseline/"), "organizations:LeaveOrganization", scps=scp_levels()).allowed


@pytest.mark.parametrize(
    ("principal", "action", "resource", "allowed"),
    [
        (role("Admin", "/baseline/"), "iam:UpdateAssumeRolePolicy", f"arn:aws:iam::{MEMBER}:role/baseline/Admin", False),
        (role("Admin", "/baseline/"), "iam:DetachRolePolicy", f"arn:aws:iam::{MEMBER}:role/stacksets-exec-abc", False),
        (role("Admin", "/baseline/"), "cloudformation:DeleteStack", f"arn:aws:cloudformation:eu-west-1:{MEMBER}:stack/StackSet-IamBaseline-production-1234/uuid", False),
        (role("stacksets-exec-abc"), "iam:UpdateAssumeRolePolicy", f"arn:aws:iam::{MEMBER}:role/baseline/Admin", True),
        (role("Deploy", "/pipeline/"), "iam:UpdateAssumeRolePolicy", f"arn:aws:iam::{MEMBER}:role/baseline/Admin", True),
        # Reading and using the baseline's roles stays allowed; workload roles are untouched.
        (role("Admin", "/baseline/"), "iam:GetRole", f"arn:aws:iam::{MEMBER}:role/baseline/Admin", True),
        (role("Admin", "/baseline/"), "sts:AssumeRole", f"arn:aws:iam::{MEMBER}:role/baseline/ReadOnly", True),
        (role("Admin", "/baseline/"), "iam:UpdateAssumeRolePolicy", f"arn:aws:iam::{MEMBER}:role/workload/app", True),
    ],
)
def test_only_the_stackset_and_declared_roles_change_the_baseline(principal, action, resource, allowed):
    levels = scp_levels(*protect_baseline(NAMES, ["arn:aws:iam::*:role/pipeline/Deploy"]))
    assert decide(principal, action, resource, levels).allowed is allowed


def test_detection_cannot_be_switched_off_but_tagged_roles_can_be_assumed():
    guardrails = {g.name: g for g in default_guardrails(ServiceControlPoliciesConfig(), NAMES, "eu-west-1")}
    levels = scp_levels(*guardrails["ProtectDetection"].statements)
    admin = role("Admin", "/baseline/")
    tagged = {"aws:ResourceTag/iam-baseline:protected": "true"}
    assert not decide(admin, "events:DisableRule", f"arn:aws:events:eu-west-1:{MEMBER}:rule/StackSet-IamBaseline-x-RootActivity", levels).allowed
    assert not decide(admin, "sns:DeleteTopic", f"arn:aws:sns:eu-west-1:{MEMBER}:iam-baseline-alerts", levels).allowed
    assert not decide(admin, "access-analyzer:DeleteAnalyzer", "arn:aws:access-analyzer:eu-west-1:1:analyzer/x", levels, **tagged).allowed
    assert decide(admin, "sts:AssumeRole", f"arn:aws:iam::{MEMBER}:role/baseline/ReadOnly", levels, **tagged).allowed
    assert decide(admin, "events:DisableRule", f"arn:aws:events:eu-west-1:{MEMBER}:rule/my-app-rule", levels).allowed


def test_iam_users_and_keys_are_denied_and_region_allow_list_spares_global_services():
    scps = ServiceControlPoliciesConfig.model_validate_json('{"region_allow_list": {"enabled": true, "regions": ["eu-central-1"]}}')
    guardrails = {g.name: g for g in default_guardrails(scps, NAMES, "eu-west-1")}
    admin = role("Admin", "/baseline/")
    users = scp_levels(*guardrails["DenyIamUsers"].statements)
    assert not decide(admin, "iam:CreateUser", f"arn:aws:iam::{MEMBER}:user/svc", users).allowed
    assert not decide(admin, "iam:CreateAccessKey", f"arn:aws:iam::{MEMBER}:user/svc", users).allowed
    assert decide(admin, "iam:CreateRole", f"arn:aws:iam::{MEMBER}:role/workload/app", users).allowed
    regions = scp_levels(*guardrails["RegionAllowList"].statements)
    assert not decide(admin, "ec2:RunInstances", "*", regions, **{"aws:RequestedRegion": "us-west-2"}).allowed
    assert decide(admin, "ec2:RunInstances", "*", regions, **{"aws:RequestedRegion": "eu-central-1"}).allowed
    assert decide(admin, "ec2:RunInstances", "*", regions, **{"aws:RequestedRegion": "eu-west-1"}).allowed  # home region
    assert decide(admin, "iam:GetRole", "*", regions, **{"aws:RequestedRegion": "us-east-1"}).allowed  # global


def test_data_perimeter_denies_strangers_not_the_organization_services_or_partners():
    rcp = Policy.from_document("perimeter", {"Version": "2012-10-17", "Statement": data_perimeter("o-a1b2c3d4e5", ["999988887777"])}, PolicyKind.RESOURCE)
    bucket = "arn:aws:s3:::data/key"

    def by(principal, **context):
        request = Request(principal, "s3:GetObject", bucket, context)
        return not any(s.effect == "Deny" for s in evaluate(request, identity=[ADMIN], resource_policy=rcp).deciding)

    stranger = RequestPrincipal("arn:aws:iam::123456789012:user/x", "123456789012")
    assert not by(stranger, **{"aws:PrincipalOrgID": "o-zzzzzzzzzz", "aws:PrincipalAccount": "123456789012", "aws:PrincipalIsAWSService": "false"})
    assert by(stranger, **{"aws:PrincipalOrgID": "o-a1b2c3d4e5", "aws:PrincipalAccount": "123456789012", "aws:PrincipalIsAWSService": "false"})
    assert by(stranger, **{"aws:PrincipalAccount": "999988887777", "aws:PrincipalIsAWSService": "false"})
    assert by(RequestPrincipal("cloudtrail.amazonaws.com", "", "service"), **{"aws:PrincipalIsAWSService": "true"})


def test_pack_keeps_policies_within_the_size_quota_and_refuses_an_oversized_one():
    big = [{"Sid": f"S{i}", "Effect": "Deny", "Action": [f"s3:Get{'X' * 40}{j}" for j in range(20)], "Resource": "*"} for i in range(6)]
    specs = pack([(f"G{i}", [s], ("root",), "why") for i, s in enumerate(big)], prefix="P", type=PolicyType.SERVICE_CONTROL_POLICY)
    assert len(specs) > 1 and all(len(s.content) <= MAX_POLICY_CHARACTERS for s in specs)
    assert [s.name for s in specs][:2] == ["P-Guardrails", "P-Guardrails-2"]
    check_policies(specs)
    oversized = PolicySpec("P-Huge", PolicyType.SERVICE_CONTROL_POLICY, {"Version": "2012-10-17", "Statement": big * 2}, ("root",), "")
    with pytest.raises(BaselineError, match=r"P-Huge is \d+ characters, over the 5120-character quota"):
        check_policies([oversized])


def test_at_most_five_scps_per_target_counting_full_aws_access():
    one = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}
    four = [PolicySpec(f"P{i}", PolicyType.SERVICE_CONTROL_POLICY, one, ("root", "Sandbox"), "") for i in range(4)]
    check_policies(four)  # FullAWSAccess + 4 = 5
    check_policies([*four, PolicySpec("R", PolicyType.RESOURCE_CONTROL_POLICY, one, ("root",), "")])  # RCPs count apart
    with pytest.raises(BaselineError, match=r"'Sandbox' would have 6 SERVICE_CONTROL_POLICYs attached \(FullAWSAccess, P0"):
        check_policies([*four, PolicySpec("P4", PolicyType.SERVICE_CONTROL_POLICY, one, ("Sandbox",), "")])


def test_the_identity_accounts_cdk_execution_role_alone_is_spared_besides_the_stackset_roles():
    """The identity account's stack (``IdentityAccount``) is deployed by its CDK execution role:
    the guard rails spare that role in that account, and no other account's."""
    from organization_helpers import HUB

    from iam_baseline.config import load_config
    from iam_baseline.config.identity_deployment import identity_stack_deployer

    identity = "666600000001"
    deployer = identity_stack_deployer(load_config(HUB))
    assert deployer == f"arn:aws:iam::{identity}:role/cdk-hnb659fds-cfn-exec-role-{identity}-eu-west-1"
    guardrails = {g.name: g for g in default_guardrails(ServiceControlPoliciesConfig(), NAMES, "eu-west-1",
                                                         deployers=(deployer,))}
    levels = scp_levels(*guardrails["ProtectBaseline"].statements, *guardrails["ProtectDetection"].statements)
    tagged = {"aws:ResourceTag/iam-baseline:protected": "true"}

    def cfn_exec(account):
        name = f"cdk-hnb659fds-cfn-exec-role-{identity}-eu-west-1"
        return RequestPrincipal(f"arn:aws:sts::{account}:assumed-role/{name}/s", account, "role_session",
                                f"arn:aws:iam::{account}:role/{name}")

    user = f"arn:aws:iam::{identity}:user/baseline/alice.admin"
    assert decide(cfn_exec(identity), "iam:CreateUser", user, levels).allowed
    assert decide(cfn_exec(identity), "iam:TagRole", f"arn:aws:iam::{identity}:role/baseline/ReadOnly", levels, **tagged).allowed
    # The same role name in another account, and anyone else in the identity account: denied.
    assert not decide(cfn_exec(MEMBER), "iam:CreateUser", f"arn:aws:iam::{MEMBER}:user/baseline/x", levels).allowed
    assert not decide(role("Admin", "/baseline/"), "iam:CreateUser", user, levels).allowed
    # Negative control: without the exemption the execution role is denied too.
    plain = {g.name: g for g in default_guardrails(ServiceControlPoliciesConfig(), NAMES, "eu-west-1")}
    assert not decide(cfn_exec(identity), "iam:CreateUser", user, scp_levels(*plain["ProtectBaseline"].statements)).allowed


def test_only_the_management_account_deploys_the_identity_accounts_stack():
    """The identity account's CDK deploy role trusts that account too (``cdk bootstrap --trust``):
    ProtectBaseline denies assuming it and its execution role to every member-account principal
    (SCPs spare the management account's), passing the execution role to anyone but the deploy
    role, and changing the identity account's stack to anyone but those two roles."""
    from organization_helpers import HUB

    from iam_baseline.config import load_config
    from iam_baseline.config.identity_deployment import identity_deployment

    config = load_config(HUB)
    identity, management = "666600000001", config.organization.management_account_id
    deployment = identity_deployment(config)
    assert deployment.deploy_role == f"arn:aws:iam::{identity}:role/cdk-hnb659fds-deploy-role-{identity}-eu-west-1"
    assert deployment.stack == f"arn:aws:cloudformation:eu-west-1:{identity}:stack/{config.stack_name}/*"
    sealed = {g.name: g for g in default_guardrails(ServiceControlPoliciesConfig(), NAMES, "eu-west-1",
                                                     deployers=(deployment.execution_role,), identity=deployment)}
    plain = {g.name: g for g in default_guardrails(ServiceControlPoliciesConfig(), NAMES, "eu-west-1",
                                                    deployers=(deployment.execution_role,))}

    def session(account, name, path="/"):
        return RequestPrincipal(f"arn:aws:sts::{account}:assumed-role/{name}/s", account, "role_session",
                                f"arn:aws:iam::{account}:role{path}{name}")

    admin = session(identity, "AWSReservedSSO_FederatedAdmin_0123456789abcdef", "/aws-reserved/sso.amazonaws.com/")
    deploy_name, exec_name = (arn.rsplit("/", 1)[1] for arn in (deployment.deploy_role, deployment.execution_role))
    deploy, execution = session(identity, deploy_name), session(identity, exec_name)
    stack = f"arn:aws:cloudformation:eu-west-1:{identity}:stack/{config.stack_name}/0a1b2c3d"

    def allowed(principal, action, resource, guardrails, scps_apply=True):
        levels = scp_levels(*guardrails["ProtectBaseline"].statements) if scps_apply else ()
        return decide(principal, action, resource, levels).allowed

    for guard, broken in ((sealed, False), (plain, True)):  # plain: the negative control, the hole
        # An identity-account administrator allowed sts:AssumeRole on them: denied (only with the seal).
        assert allowed(admin, "sts:AssumeRole", deployment.deploy_role, guard) is broken
        assert allowed(admin, "sts:AssumeRole", deployment.execution_role, guard) is broken
        # ... nor passes the execution role, nor changes the stack (which keeps its service role).
        assert allowed(admin, "iam:PassRole", deployment.execution_role, guard) is broken
        for action in ("cloudformation:UpdateStack", "cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"):
            assert allowed(admin, action, stack, guard) is broken
        # The deploy role passes the execution role and runs the change set; CloudFormation's
        # execution role updates the stack: both ways, the seal or not.
        assert allowed(deploy, "iam:PassRole", deployment.execution_role, guard)
        assert allowed(deploy, "cloudformation:ExecuteChangeSet", stack, guard)
        assert allowed(execution, "cloudformation:UpdateStack", stack, guard)
    # The management account's principals: SCPs never apply to them (no SCP level in the request).
    cli = session(management, "OrganizationAdmin")
    assert allowed(cli, "sts:AssumeRole", deployment.deploy_role, sealed, scps_apply=False)
    # Nobody else passes the execution role, not even the spared StackSet execution role; the
    # seal names the identity account only: another account's stacks and roles are untouched.
    assert not allowed(session(identity, "stacksets-exec-0123"), "iam:PassRole", deployment.execution_role, sealed)
    assert allowed(admin, "sts:AssumeRole", f"arn:aws:iam::{MEMBER}:role/cdk-hnb659fds-deploy-role-{MEMBER}-eu-west-1", sealed)
    assert allowed(admin, "cloudformation:UpdateStack",
                   f"arn:aws:cloudformation:eu-west-1:{MEMBER}:stack/{config.stack_name}/0a1b2c3d", sealed)


def test_protect_baselines_description_names_every_role_its_condition_spares():
    """The description names who still changes the baseline: the StackSet execution roles, and
    the identity account's CDK execution role exactly when the SCP spares it (it used to say
    "Only the StackSet execution roles" while the identity account's deployer was spared too)."""
    from organization_helpers import HUB

    from iam_baseline.config import load_config
    from iam_baseline.config.identity_deployment import identity_deployment

    deployment = identity_deployment(load_config(HUB))

    def described(**kwargs) -> str:
        guardrails = {g.name: g for g in default_guardrails(ServiceControlPoliciesConfig(**kwargs.pop("scps", {})), NAMES,
                                                           "eu-west-1", **kwargs)}
        return guardrails["ProtectBaseline"].description

    sealed = described(deployers=(deployment.execution_role,), identity=deployment)
    assert sealed == ("Only the StackSet execution roles and the identity account's CDK execution role (deployed from the "
                      "management account) change the baseline.")
    # Negative control: without the exemption the identity account's deployer is not named.
    assert described() == "Only the StackSet execution roles change the baseline."
    exempt = described(scps={"exempt_role_arns": ("arn:aws:iam::*:role/Pipeline",)})
    assert exempt == "Only the StackSet execution roles and the exempt roles change the baseline."
