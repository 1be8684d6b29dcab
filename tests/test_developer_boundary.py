"""The developer's guard rails and the permissions boundary of every role a developer creates:
every path to a new role requires the boundary, which cannot be removed or edited; only
workload roles (and opted-in CDK bootstrap roles) can be assumed; the baseline's own
resources, stacks, functions and initial passwords, IAM users, access keys and billing stay
out of reach."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from template_tools import (
    ACCOUNT,
    REGION,
    applies_to,
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

    def documents(self):
        return {"boundary": self.boundary, "guardrails": self.guardrails}

    def role(self, name: str, path: str | None = None) -> str:
        return iam_arn(f"role{path or self.workload_path}{name}")


@pytest.fixture(scope="module", params=["default-baseline", "custom-paths"])
def rails(request, baseline_template, tmp_path_factory) -> Rails:
    if request.param == "default-baseline":
        template, iam_path, workload_path = baseline_template, "/baseline/", "/workload/"
        stack_name, qualifiers = "IamBaseline", ()
        boundary = resource_at(template, "DeveloperBoundary/Resource/Resource")
        guardrails = resource_at(template, "DeveloperGuardrails/Resource/Resource")
    else:
        from iam_baseline.identity import DeveloperGuardrailsPolicy, DeveloperPermissionsBoundary

        iam_path, workload_path = "/platform/", "/apps/team-a/"
        stack_name, qualifiers = "Unit", ("apps1", "apps2")  # synth_unit_stack's stack

        def build(stack):
            b = DeveloperPermissionsBoundary(stack, "Boundary", path=iam_path, workload_role_path=workload_path,
                                             assumable_cdk_qualifiers=qualifiers)
            DeveloperGuardrailsPolicy(stack, "Guardrails", boundary_arn=b.arn, path=iam_path,
                                      workload_role_path=workload_path, assumable_cdk_qualifiers=qualifiers)

        template = synth_unit_stack(build, tmp_path_factory.mktemp("rails"))
        by_name = {
            r["Properties"]["ManagedPolicyName"]: r for r in resources(template, "AWS::IAM::ManagedPolicy").values()
        }
        boundary, guardrails = by_name["DeveloperBoundary"], by_name["DeveloperGuardrails"]
    assert boundary["Properties"]["Path"] == iam_path
    return Rails(
        boundary=statements(boundary["Properties"]["PolicyDocument"], stack_name=stack_name),
        guardrails=statements(guardrails["Properties"]["PolicyDocument"], stack_name=stack_name),
        boundary_arn=iam_arn(f"policy{iam_path}DeveloperBoundary"),
        iam_path=iam_path,
        workload_path=workload_path,
        stack_name=stack_name,
        cdk_qualifiers=qualifiers,
    )


def _decide(stmts: list[dict], action: str, resource: str, context: dict[str, str]) -> str:
    """"Deny", "Allow" or "implicit" for one request against one identity policy.

    Evaluates only the condition operators these policies use (StringEquals, StringNotEquals;
    a StringNotEquals on an absent key matches, as in IAM).
    """

    def condition_holds(stmt: dict) -> bool:
        for operator, pairs in stmt.get("Condition", {}).items():
            for key, expected in pairs.items():
                present = context.get(key)
                if operator == "StringEquals" and present != expected:
                    return False
                if operator == "StringNotEquals" and present == expected:
                    return False
                if operator not in ("StringEquals", "StringNotEquals"):
                    raise AssertionError(f"unexpected operator {operator}")
        return True

    matching = [s for s in stmts if applies_to(s, action, resource) and condition_holds(s)]
    if any(s["Effect"] == "Deny" for s in matching):
        return "Deny"
    return "Allow" if matching else "implicit"


@pytest.mark.parametrize("doc", ["boundary", "guardrails"])
@pytest.mark.parametrize("action", BOUNDED_ROLE_ACTIONS)
def test_every_path_to_a_role_requires_the_boundary(rails, doc, action):
    stmts = rails.documents()[doc]
    workload_role = rails.role("etl")
    with_boundary = {"iam:PermissionsBoundary": rails.boundary_arn}
    assert _decide(stmts, action, workload_role, with_boundary) == "Allow"
    # No boundary, another boundary, or another path: explicitly denied or never allowed.
    assert _decide(stmts, action, workload_role, {}) == "Deny"
    assert _decide(stmts, action, workload_role, {"iam:PermissionsBoundary": iam_arn("policy/Other")}) == "Deny"
    assert _decide(stmts, action, rails.role("etl", path="/"), with_boundary) == "implicit"
    assert _decide(stmts, action, rails.role("Admin", path=rails.iam_path), with_boundary) == "Deny"


@pytest.mark.parametrize("doc", ["boundary", "guardrails"])
def test_boundary_conditions_are_exact(rails, doc):
    stmts = rails.documents()[doc]
    allow = statement({"Statement": stmts}, "AllowWorkloadRoleManagementWithBoundary")
    deny = statement({"Statement": stmts}, "DenyRoleManagementWithoutBoundary")
    assert allow == {
        "Sid": "AllowWorkloadRoleManagementWithBoundary",
        "Effect": "Allow",
        "Action": BOUNDED_ROLE_ACTIONS,
        "Resource": rails.role("*"),
        "Condition": {"StringEquals": {"iam:PermissionsBoundary": rails.boundary_arn}},
    }
    assert deny == {
        "Sid": "DenyRoleManagementWithoutBoundary",
        "Effect": "Deny",
        "Action": BOUNDED_ROLE_ACTIONS,
        "Resource": "*",
        "Condition": {"StringNotEquals": {"iam:PermissionsBoundary": rails.boundary_arn}},
    }
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
        assert _decide(stmts, "iam:DeleteRolePermissionsBoundary", resource, boundary_context) == "Deny"
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
def test_baseline_stacks_and_functions_are_read_only(rails, doc):
    """Updating a baseline stack runs with its CloudFormation service role and the baseline's
    functions hold IAM rights: both stay out of reach, but their configuration stays readable."""
    stmts = rails.documents()[doc]
    name = rails.stack_name
    assert statement({"Statement": stmts}, "DenyBaselineStacksAndFunctions") == {
        "Sid": "DenyBaselineStacksAndFunctions",
        "Effect": "Deny",
        "NotAction": [
            "cloudformation:Describe*", "cloudformation:Get*", "cloudformation:List*",
            "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:List*",
            "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds",
        ],
        "Resource": [
            f"arn:aws:cloudformation:*:{ACCOUNT}:stack/{name}*/*",  # every region: <name>-GlobalEvents too
            f"arn:aws:lambda:*:{ACCOUNT}:function:{name}*",
        ],
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
    not_denied = "Allow" if doc == "boundary" else "implicit"
    assert _decide(stmts, "cloudformation:UpdateStack",
                   f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/app/0d1e2f", {}) == not_denied
    assert _decide(stmts, "lambda:UpdateFunctionCode", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:app", {}) == (
        not_denied
    )


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
    assert _decide(rails.documents()[doc], action, iam_arn("user/mallory"), {}) == "Deny"


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
    assert _decide(rails.documents()[doc], action, "*", {}) == "Deny"


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
    """The developer and every role a developer creates follow the same IAM rules."""
    boundary_only = {"AllowServiceAccess", "AllowIamReadAndServiceLinkedRoles", "AllowOrganizationAndAccountRead"}
    assert [s for s in rails.boundary if s["Sid"] not in boundary_only] == rails.guardrails


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
