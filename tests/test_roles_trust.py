"""Roles: every trust policy in the default app is constrained (persona roles only with MFA,
SAML and OIDC roles only with their audience, service roles only for their service), session
lengths and managed policies come from the config, and `*:*` (AdministratorAccess) is held
only by the admin persona's roles and the break-glass role."""

from __future__ import annotations

from pathlib import Path

import pytest

from template_tools import (
    ACCOUNT,
    as_list,
    assembly_templates,
    iam_arn,
    resolve,
    resources,
    statements,
    synth_stack,
)

AWS_MANAGED = "arn:aws:iam::aws:policy/"
PERSONA_ROLES = ("Admin", "Developer", "ReadOnly", "Support")
CUSTOM_RESOURCE_ROLE = "AWS679f53fac002430cb0da5b7982bd2287ServiceRoleC1EA0FF2"  # CDK's AwsCustomResource function
MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}


def _roles_by_name(template: dict) -> dict[str, dict]:
    return {
        r["Properties"]["RoleName"]: r["Properties"]
        for r in resources(template, "AWS::IAM::Role").values()
        if "RoleName" in r["Properties"]
    }


def _policy_documents(template: dict):
    """(logical id, kind, document) of every policy document in the template."""
    for logical_id, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        # InlinePolicy: an Identity Center permission set's.
        for key in ("PolicyDocument", "KeyPolicy", "AssumeRolePolicyDocument", "InlinePolicy"):
            if key in props:
                yield logical_id, key, props[key]
        for inline in props.get("Policies", []):
            yield logical_id, "Policies", inline["PolicyDocument"]


@pytest.fixture(scope="module")
def variant(tmp_path_factory):
    """The baseline stack (no nag packs) with non-default MFA age, durations and read-only policy."""
    from iam_baseline.config import parse_config
    from stacks.account_baseline import AccountBaselineStack

    config = parse_config(
        f'account_id: "{ACCOUNT}"\nregion: eu-west-1\n'
        "mfa: {max_age_seconds: 900}\n"
        "roles:\n"
        "  admin: {name: BreakGlass, max_session_duration_seconds: 3600}\n"
        "  developer: {name: Dev, max_session_duration_seconds: 14400}\n"
        "  read_only: {name: Auditor, max_session_duration_seconds: 43200}\n"
        "  support: {name: Helpdesk, max_session_duration_seconds: 7200}\n"
        "  read_only_managed_policy: SecurityAudit\n"
    )
    template = synth_stack(
        lambda app: AccountBaselineStack(app, "Baseline", config=config), tmp_path_factory.mktemp("roles-variant")
    )
    return config, template


def test_mfa_trust_conditions_validate_their_range():
    from iam_baseline.identity import mfa_trust_conditions

    assert mfa_trust_conditions(129600)["NumericLessThan"] == {"aws:MultiFactorAuthAge": "129600"}
    for bad in (0, 129601):
        with pytest.raises(ValueError, match=f"MFA max age must be 1-129600 seconds, got {bad}"):
            mfa_trust_conditions(bad)


def test_every_trust_policy_of_the_default_app_is_constrained(default_assembly):
    """The whole inventory of trust policies, exactly: a new role must be added here."""
    trusts = {
        (stack_id, props.get("RoleName", logical_id)): statements(props["AssumeRolePolicyDocument"])
        for stack_id, template in assembly_templates(Path(default_assembly.directory)).items()
        for logical_id, role in resources(template, "AWS::IAM::Role").items()
        for props in [role["Properties"]]
    }
    account_with_mfa = [{"Effect": "Allow", "Action": "sts:AssumeRole",
                         "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Condition": MFA}]
    saml = [{"Effect": "Allow", "Action": "sts:AssumeRoleWithSAML",
             "Principal": {"Federated": iam_arn("saml-provider/ExampleIdP")},
             "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}]
    github = "token.actions.githubusercontent.com"
    lambda_service = [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}]

    def github_job(sub: str) -> list[dict]:
        """The trust of a GitHub Actions OIDC role: the provider, the STS audience, one job's sub."""
        return [{
            "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": iam_arn(f"oidc-provider/{github}")},
            "Condition": {"StringEquals": {f"{github}:aud": "sts.amazonaws.com", f"{github}:sub": sub}},
        }]

    assert trusts == {
        **{("AccountBaseline", name): account_with_mfa for name in PERSONA_ROLES},
        **{("AccountBaseline", f"Federated{name}"): saml for name in ("Admin", "Developer", "ReadOnly")},
        ("AccountBaseline", "GitHubDeploy"): github_job("repo:example-org/infrastructure:environment:production"),
        ("AccountBaseline", "GitHubDiff"): github_job("repo:example-org/infrastructure:pull_request"),
        # CDK's custom-resource function (password policy; Identity Center name lookups).
        ("AccountBaseline", CUSTOM_RESOURCE_ROLE): lambda_service,
        ("IdentityCenter", CUSTOM_RESOURCE_ROLE): lambda_service,
        # The Identity Store user function (Custom::IdentityStoreUser).
        ("IdentityCenter", "IdentityStoreUserHandlerFunctionRoleB013FD4B"): lambda_service,
        ("GlobalEvents", "ForwardingRole7C571F0A"): [{
            "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "events.amazonaws.com"},
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        }],
    }


@pytest.mark.parametrize("source", ["default", "variant"])
def test_every_aws_principal_trust_requires_mfa_with_configured_age(source, baseline_template, default_config, variant):
    config, template = (default_config, baseline_template) if source == "default" else variant
    trusted = 0
    for role in resources(template, "AWS::IAM::Role").values():
        for stmt in statements(role["Properties"]["AssumeRolePolicyDocument"]):
            if "AWS" not in stmt["Principal"]:
                # Identity providers and services: their conditions are pinned above and in
                # tests/federation; never an IAM principal without MFA.
                assert set(stmt["Principal"]) <= {"Federated", "Service"}
                continue
            trusted += 1
            assert stmt["Condition"] == {
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                "NumericLessThan": {"aws:MultiFactorAuthAge": str(config.mfa.max_age_seconds)},
            }
    assert trusted == 4


@pytest.mark.parametrize("source", ["default", "variant"])
def test_persona_roles_trust_the_account_in_one_statement(source, baseline_template, default_config, variant):
    config, template = (default_config, baseline_template) if source == "default" else variant
    roles = _roles_by_name(template)
    for persona in ("admin", "developer", "read_only", "support"):
        name = getattr(config.roles, persona).name
        (stmt,) = statements(roles[name]["AssumeRolePolicyDocument"])  # never a second, unconditioned one
        assert stmt["Effect"] == "Allow"
        assert stmt["Action"] == "sts:AssumeRole"
        assert stmt["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, name


def test_no_trust_statement_anywhere_is_unconditioned_for_an_aws_principal(baseline_template):
    principals: dict[str, int] = {}
    for _, kind, document in _policy_documents(baseline_template):
        if kind != "AssumeRolePolicyDocument":
            continue
        for stmt in statements(document):
            for principal in as_list(stmt["Principal"].get("AWS")):
                principals[principal] = principals.get(principal, 0) + 1
                assert "aws:MultiFactorAuthPresent" in stmt["Condition"]["Bool"]
    assert principals == {f"arn:aws:iam::{ACCOUNT}:root": 4}


@pytest.mark.parametrize("source", ["default", "variant"])
def test_names_and_max_session_durations_come_from_config(source, baseline_template, default_config, variant):
    config, template = (default_config, baseline_template) if source == "default" else variant
    roles = _roles_by_name(template)
    expected = {
        getattr(config.roles, p).name: getattr(config.roles, p).max_session_duration_seconds
        for p in ("admin", "developer", "read_only", "support")
    }
    if config.federation:  # SAML persona roles and OIDC deploy roles
        expected |= {r.name: r.max_session_duration_seconds for r in config.federation.saml.roles}
        expected |= {r.name: r.max_session_duration_seconds for r in config.federation.oidc.deploy_roles}
    assert {name: props["MaxSessionDuration"] for name, props in roles.items()} == expected
    assert len(expected) == (9 if source == "default" else 4)  # default: 4 persona, 3 SAML, 2 OIDC (deploy, diff)
    assert all(props["Path"] == config.iam_path for props in roles.values())


def test_default_durations(baseline_template):
    roles = _roles_by_name(baseline_template)
    assert {n: roles[n]["MaxSessionDuration"] for n in PERSONA_ROLES} == {
        "Admin": 3600,
        "Developer": 28800,
        "ReadOnly": 43200,
        "Support": 3600,
    }


def _managed(props: dict, template: dict) -> list[str]:
    names = []
    for arn in resolve(props.get("ManagedPolicyArns", [])):
        if arn.startswith(AWS_MANAGED):
            names.append(arn.removeprefix(AWS_MANAGED))
        else:  # <Ref:LogicalId> of a customer managed policy in the template
            logical_id = arn.removeprefix("<Ref:").removesuffix(">")
            names.append(template["Resources"][logical_id]["Properties"]["ManagedPolicyName"])
    return names


def test_managed_policies_per_persona(baseline_template):
    roles = _roles_by_name(baseline_template)
    assert {n: _managed(roles[n], baseline_template) for n in PERSONA_ROLES} == {
        "Admin": ["AdministratorAccess"],
        "Developer": ["PowerUserAccess", "DeveloperGuardrails", "DeveloperProtection"],
        "ReadOnly": ["job-function/ViewOnlyAccess"],  # the job-function policies' ARN path
        "Support": ["AWSSupportAccess"],
    }
    for props in roles.values():
        assert "Policies" not in props, "persona roles carry no inline policy"
        assert "PermissionsBoundary" not in props


def test_read_only_policy_is_configurable(variant):
    _, template = variant
    roles = _roles_by_name(template)
    assert _managed(roles["Auditor"], template) == ["SecurityAudit"]
    assert _managed(roles["BreakGlass"], template) == ["AdministratorAccess"]


def _admin_holders(template: dict) -> list[str]:
    return sorted(
        name for name, props in _roles_by_name(template).items() if "AdministratorAccess" in _managed(props, template)
    )


def test_administrator_access_only_for_the_admin_persona_and_break_glass(baseline_template, unacknowledged_variants):
    """AdministratorAccess is attached to the Admin role and the SAML admin persona role (and,
    in role mode, the break-glass role): to no other role, and never to a group or user."""
    assert _admin_holders(baseline_template) == ["Admin", "FederatedAdmin"]
    outdir, _ = unacknowledged_variants["OptionalParts"]  # break-glass role mode
    role_mode = assembly_templates(outdir)["AccountBaseline"]
    assert _admin_holders(role_mode) == ["Admin", "BreakGlassAdmin", "FederatedAdmin"]
    for type_ in ("AWS::IAM::Group", "AWS::IAM::User"):
        for resource in resources(baseline_template, type_).values():
            assert "AdministratorAccess" not in str(resolve(resource["Properties"].get("ManagedPolicyArns", [])))


def test_identity_center_admin_permission_set_is_the_only_one_with_administrator_access(default_assembly):
    template = assembly_templates(Path(default_assembly.directory))["IdentityCenter"]
    holders = sorted(
        ps["Properties"]["Name"] for ps in resources(template, "AWS::SSO::PermissionSet").values()
        if f"{AWS_MANAGED}AdministratorAccess" in resolve(ps["Properties"].get("ManagedPolicies", []))
    )
    assert holders == ["Admin"]


def test_no_policy_document_in_the_default_app_allows_every_action(default_assembly):
    """No identity, resource or key policy of any stack allows ``*``; the one NotAction Allow
    (everything but a few services) is the permissions boundary's, which grants nothing alone."""
    checked = 0
    for stack_id, template in assembly_templates(Path(default_assembly.directory)).items():
        for logical_id, kind, document in _policy_documents(template):
            for stmt in statements(document):
                checked += 1
                if stmt["Effect"] != "Allow" or kind == "AssumeRolePolicyDocument":
                    continue
                actions = as_list(stmt.get("Action"))
                assert not {"*", "*:*"} & set(actions), f"{stack_id}/{logical_id} allows Action *"
                if "NotAction" in stmt:
                    assert (stack_id, template["Resources"][logical_id]["Properties"].get("ManagedPolicyName")) == (
                        "AccountBaseline", "DeveloperBoundary"
                    )
    assert checked > 50


def _break_glass_role_config(count: int):
    from template_tools import break_glass_role_data, config_from_data

    data = break_glass_role_data(count)
    return config_from_data(data, "break-glass-role.yaml")


def test_every_role_trust_policy_is_measured_against_the_quota():
    """The break-glass role builds its trust policy from the config: ten long principal ARNs
    with the MFA conditions do not fit IAM's 2,048 characters, and synth says so."""
    from app import build_app
    from iam_baseline.quotas import QuotaError

    with pytest.raises(QuotaError) as info:
        build_app(_break_glass_role_config(10), context={})
    message = str(info.value)
    assert "  - break_glass: trust policy of role BreakGlassAdmin is " in message
    length = int(message.split("BreakGlassAdmin is ", 1)[1].split(" ", 1)[0])
    assert length > 2048
    assert f"{length - 2048} over the quota of 2048" in message
    assert "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html" in message


def test_a_trust_policy_within_the_quota_is_accepted():
    """Negative control: the same role with five principals fits (and is measured)."""
    from app import build_app
    from iam_baseline.quotas import check_quotas

    config = _break_glass_role_config(5)
    sizes = check_quotas(build_app(config, context={}, nag=False), config.quotas)
    assert 1000 < sizes["Role trust policy length: trust policy of role BreakGlassAdmin"] <= 2048
