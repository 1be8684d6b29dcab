"""Persona roles: reached only with MFA, one trust statement per principal, session lengths
and managed policies from the config; Admin is the only `*:*` in the baseline."""

from __future__ import annotations

import pytest

from template_tools import ACCOUNT, as_list, resolve, resources, statements, synth_stack

AWS_MANAGED = "arn:aws:iam::aws:policy/"
PERSONA_ROLES = ("Admin", "Developer", "ReadOnly", "Support")


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
        for key in ("PolicyDocument", "KeyPolicy", "AssumeRolePolicyDocument"):
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


@pytest.mark.parametrize("source", ["default", "variant"])
def test_every_aws_principal_trust_requires_mfa_with_configured_age(source, baseline_template, default_config, variant):
    config, template = (default_config, baseline_template) if source == "default" else variant
    trusted = 0
    for role in resources(template, "AWS::IAM::Role").values():
        for stmt in statements(role["Properties"]["AssumeRolePolicyDocument"]):
            if "AWS" not in stmt.get("Principal", {}):
                assert stmt["Principal"] == {"Service": "lambda.amazonaws.com"}  # the custom resource only
                continue
            trusted += 1
            assert stmt["Condition"] == {
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
                "NumericLessThan": {"aws:MultiFactorAuthAge": str(config.mfa.max_age_seconds)},
            }
    assert trusted == 4


@pytest.mark.parametrize("source", ["default", "variant"])
def test_one_trust_statement_per_role_for_the_account(source, baseline_template, variant):
    template = baseline_template if source == "default" else variant[1]
    roles = _roles_by_name(template)
    for name, props in roles.items():
        (stmt,) = statements(props["AssumeRolePolicyDocument"])  # never a second, unconditioned one
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
    assert {name: props["MaxSessionDuration"] for name, props in roles.items()} == expected
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
        "Developer": ["PowerUserAccess", "DeveloperGuardrails"],
        "ReadOnly": ["ViewOnlyAccess"],
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


def test_admin_is_the_only_star_star_in_the_template(baseline_template):
    holders = [
        name for name, props in _roles_by_name(baseline_template).items()
        if "AdministratorAccess" in _managed(props, baseline_template)
    ]
    assert holders == ["Admin"]
    for logical_id, kind, document in _policy_documents(baseline_template):
        for stmt in statements(document):
            if stmt["Effect"] != "Allow" or kind == "AssumeRolePolicyDocument":
                continue
            actions = as_list(stmt.get("Action"))
            assert not {"*", "*:*"} & set(actions), f"{logical_id} allows Action *"
            if "NotAction" in stmt:
                # A NotAction Allow on * is *:* minus a few services: only the permissions
                # boundary may have one, and a boundary grants nothing by itself.
                assert baseline_template["Resources"][logical_id]["Properties"]["ManagedPolicyName"] == (
                    "DeveloperBoundary"
                )
