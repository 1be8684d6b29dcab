"""Personas of one's own (issue 11): policies validated at load, three surfaces with the same
policies, groups of any name, extra trusted principals always under MFA, admin derived from
the personas. One synth of tests/fixtures/personas.yaml shared by every template test."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iam_baseline.config import ConfigError, parse_config
from iam_baseline.config.personas import admin_personas, persona_views
from template_tools import FIXTURES, resolve, resources

PERSONAS = FIXTURES / "personas.yaml"
MINIMAL = 'account_id: "111122223333"\nregion: eu-west-1\n'


def refused(text: str, folder: Path = FIXTURES) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(MINIMAL + text, folder=folder)
    return str(info.value)


# --------------------------------------------------------------------------- config
def test_the_default_personas_are_the_four_built_ins(default_config):
    assert list(persona_views(default_config)) == ["admin", "developer", "read_only", "support"]
    assert admin_personas(default_config) == ("admin",)
    assert [k for k, _ in default_config.groups.items()] == ["admins", "developers", "read_only"]


def test_aws_managed_policies_by_name_path_or_arn_are_normalised():
    config = parse_config(
        MINIMAL
        + "personas:\n  data:\n    name: Data\n    aws_managed_policies: [DataScientist, "
        "'arn:aws:iam::aws:policy/job-function/Billing', SecurityAudit, job-function/NetworkAdministrator]\n"
    )
    assert config.personas["data"].aws_managed_policies == (
        "job-function/DataScientist", "job-function/Billing", "SecurityAudit", "job-function/NetworkAdministrator"
    )


def test_an_unknown_aws_managed_policy_names_the_nearest():
    message = refused("personas:\n  data:\n    name: Data\n    aws_managed_policies: [job-function/DataScientst]\n")
    assert "personas.data.aws_managed_policies[0]" in message
    assert "unknown AWS managed policy 'DataScientst'" in message and "nearest: DataScientist" in message


def test_an_aws_managed_policy_under_the_wrong_path_is_refused():
    message = refused("personas:\n  data:\n    name: Data\n    aws_managed_policies: [job-function/SecurityAudit]\n")
    assert "AWS managed policy SecurityAudit is at path /: write 'SecurityAudit'" in message


def test_admin_equivalent_policies_need_admin_true():
    message = refused("personas:\n  ops:\n    name: Ops\n    aws_managed_policies: [AdministratorAccess]\n")
    assert "personas.ops.aws_managed_policies[0]" in message and "not declared admin" in message
    message = refused(
        "policies:\n  Everything:\n    statements:\n      - {Effect: Allow, Action: '*', Resource: '*'}\n"
        "personas:\n  ops:\n    name: Ops\n    customer_managed_policies: [Everything]\n"
    )
    assert "personas.ops.customer_managed_policies[0]" in message and "not declared admin" in message
    config = parse_config(
        MINIMAL + "personas:\n  ops:\n    name: Ops\n    aws_managed_policies: [AdministratorAccess]\n    admin: true\n"
    )
    assert admin_personas(config) == ("admin", "ops")


def test_an_inline_statement_with_a_misspelt_operator_names_the_statement():
    message = refused(
        "policies:\n  Net:\n    statements:\n"
        "      - {Effect: Allow, Action: ec2:CreateVpc, Resource: '*'}\n"
        "      - {Effect: Allow, Action: ec2:DeleteVpc, Resource: '*', Condition: {StringEqual: {aws:RequestedRegion: eu-west-1}}}\n"
    )
    assert "policies.Net.statements[1].Condition.StringEqual" in message
    assert "statement 1: unknown condition operator 'StringEqual' (did you mean 'StringEquals'?)" in message


def test_a_policy_file_with_a_misspelt_key_names_the_file_and_statement(tmp_path):
    (tmp_path / "policies").mkdir()
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresnt": "true"}}},
        ],
    }
    (tmp_path / "policies" / "bad.json").write_text(json.dumps(document))
    message = refused("policies:\n  Bad:\n    file: policies/bad.json\n", folder=tmp_path)
    assert "policies.Bad.file" in message
    assert f"{tmp_path / 'policies' / 'bad.json'} at Statement[1].Condition.Bool.aws:MultiFactorAuthPresnt" in message
    assert "unknown global condition key 'aws:MultiFactorAuthPresnt'" in message


def test_a_policy_file_outside_the_config_folder_is_refused(tmp_path):
    message = refused("policies:\n  Away:\n    file: ../baseline.yaml\n", folder=FIXTURES / "saml")
    assert "outside the config's folder" in message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("personas:\n  admin:\n    name: Boss\n    aws_managed_policies: [SecurityAudit]\n",
         "'admin' is a built-in persona: configure its role under roles.admin"),
        ("personas:\n  data:\n    name: Data\n    customer_managed_policies: [Nope]\n", "unknown policy 'Nope'"),
        ("personas:\n  data:\n    name: Data\n    aws_managed_policies: [SecurityAudit]\n    permissions_boundary: Nope\n",
         "unknown boundary 'Nope'"),
        ("personas:\n  data:\n    name: Data\n", "a persona needs at least one policy"),
        ("groups:\n  data_team:\n    name: DataTeam\n    assumable_roles: [data]\n", "unknown persona 'data'"),
        ("personas:\n  dba:\n    name: Dba\n    aws_managed_policies: [SecurityAudit]\n    mfa_role: false\n"
         "groups:\n  dbas:\n    name: Dbas\n    assumable_roles: [dba]\n", "persona 'dba' has no MFA role"),
        ("mfa: {allow_password_change_without_mfa: true}\nusers:\n  - {name: a, groups: [data_team]}\n",
         "unknown group 'data_team'"),
        ("groups:\n  Data-Team:\n    name: DataTeam\n    assumable_roles: [read_only]\n", "group key 'Data-Team'"),
        ("groups:\n  data_team:\n    name: admins\n    assumable_roles: [read_only]\n", "duplicate group name"),
        ("personas:\n  data:\n    name: Admin\n    aws_managed_policies: [SecurityAudit]\n", "duplicate role name 'Admin'"),
        ("policies:\n  ForceMFA:\n    statements: [{Effect: Allow, Action: s3:GetObject, Resource: '*'}]\n",
         "is the baseline's own"),
        ("policies:\n  Both:\n    file: policies/data-lake.json\n    statements: [{Effect: Allow, Action: s3:GetObject, Resource: '*'}]\n",
         "give exactly one of file"),
        ("personas:\n  readonly:\n    name: Ro2\n    aws_managed_policies: [SecurityAudit]\n",
         "key 'readonly' differs from 'read_only' only by '_'"),
        ("policies:\n  Wide:\n    statements: [{Effect: Allow, NotAction: 'iam:*', Resource: '*'}]\n",
         "an Allow with NotAction allows every other action"),
    ],
)
def test_references_and_names_are_checked(text, fragment):
    assert fragment in refused(text)


@pytest.mark.parametrize(
    "principal",
    ["*", "arn:aws:iam::*:root", "arn:aws:iam::123456789012:role/*", "arn:aws:iam::123456789012:user/alice",
     "123456789012", "arn:aws:iam::123456789012:role/a?b", "arn:aws:sts::123456789012:assumed-role/A/b"],
)
def test_a_trusted_principal_is_one_account_or_role_by_arn(principal):
    assert "roles.admin.trusted_principals[0]" in refused(f"roles:\n  admin:\n    trusted_principals: ['{principal}']\n")


_SAML_ROLE = (
    "federation:\n  saml:\n    providers: [{name: Idp, metadata_file: saml/example-idp.xml}]\n"
    "    roles:\n      - name: Fed\n        persona: read_only\n        providers: [Idp]\n        conditions:\n"
)


@pytest.mark.parametrize(
    "condition",
    ["StringEquals: {SAML:aud: https://evil.example/saml}", "StringLike: {saml:AUD: '*'}", "'Null': {SAML:aud: 'true'}",
     "ForAnyValue:StringEquals: {SAML:Aud: [x]}"],
)
def test_saml_extra_conditions_can_never_name_saml_aud(condition):
    message = refused(_SAML_ROLE + f"          {condition}\n")
    assert "federation.saml.roles[0].conditions" in message
    assert "SAML:aud is the baseline's own condition" in message and "neither removed nor overwritten" in message


def test_saml_extra_conditions_are_checked_keys_and_operators():
    assert "unknown SAML condition key 'SAML:subtype' (did you mean 'SAML:sub_type'?)" in refused(
        _SAML_ROLE + "          StringEquals: {SAML:subtype: persistent}\n"
    )
    assert "unknown condition operator 'StringEqual'" in refused(_SAML_ROLE + "          StringEqual: {SAML:sub_type: persistent}\n")


def test_saml_aud_survives_any_merge():
    from iam_baseline.federation.saml import SAML_AUDIENCE, saml_trust_conditions

    merged = saml_trust_conditions({"StringEquals": {"SAML:sub_type": "persistent"}, "StringLike": {"SAML:iss": ("x*",)}})
    assert merged == {
        "StringEquals": {"SAML:aud": SAML_AUDIENCE, "SAML:sub_type": "persistent"},
        "StringLike": {"SAML:iss": ["x*"]},
    }
    with pytest.raises(ValueError, match="SAML:aud can be neither removed nor overwritten"):
        saml_trust_conditions({"StringEquals": {"saml:aud": "x"}})


# --------------------------------------------------------------------------- templates
@pytest.fixture(scope="session")
def personas_assembly(synthesized_config) -> Path:
    return synthesized_config(PERSONAS)


@pytest.fixture(scope="session")
def personas_templates(personas_assembly) -> tuple[dict, dict]:
    return (
        json.loads((personas_assembly / "AccountBaseline.template.json").read_text()),
        json.loads((personas_assembly / "IdentityCenter.template.json").read_text()),
    )


def _role(template: dict, name: str) -> dict:
    return next(r["Properties"] for r in resources(template, "AWS::IAM::Role").values() if r["Properties"].get("RoleName") == name)


def _arn_names(values: list) -> list[str]:
    return sorted(str(resolve(v)).rsplit("/", 1)[-1] if "iam::aws:policy" in str(resolve(v)) else str(resolve(v)) for v in values)


def test_every_persona_trust_statement_carries_mfa_with_its_extra_principals(personas_templates):
    template, _ = personas_templates
    for name, extra in (("Admin", "arn:aws:iam::999988887777:role/SecurityResponder"),
                        ("SecurityAuditor", "arn:aws:iam::999988887777:root")):
        (statement,) = _role(template, name)["AssumeRolePolicyDocument"]["Statement"]
        assert resolve(statement["Principal"]["AWS"]) == ["arn:aws:iam::111122223333:root", extra]
        assert statement["Condition"] == {
            "Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}
        }


def test_no_trust_statement_of_an_aws_principal_is_unconditioned(personas_templates):
    template, _ = personas_templates
    for role in resources(template, "AWS::IAM::Role").values():
        for statement in role["Properties"]["AssumeRolePolicyDocument"]["Statement"]:
            if "AWS" in statement["Principal"]:
                assert statement["Condition"]["Bool"] == {"aws:MultiFactorAuthPresent": "true"}, role


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="arn:aws-cniougv*?/:0123456789rootle", min_size=1, max_size=60))
def test_no_trusted_principal_value_escapes_the_arn_grammar(value):
    """Whatever the config writes, a value that loads is one account or role ARN, without wildcard."""
    try:
        config = parse_config(MINIMAL + f"roles:\n  support:\n    trusted_principals: [{json.dumps(value)}]\n")
    except ConfigError:
        return
    (arn,) = config.roles.support.trusted_principals
    assert "*" not in arn and "?" not in arn
    assert arn.split(":")[4].isdigit() and len(arn.split(":")[4]) == 12


def test_the_three_surfaces_of_a_persona_hold_the_same_policies(personas_templates):
    template, center = personas_templates
    mfa, saml = _role(template, "DataEngineer"), _role(template, "FederatedData")
    (permission_set,) = [r["Properties"] for r in resources(center, "AWS::SSO::PermissionSet").values()
                         if r["Properties"]["Name"] == "DataEngineer"]
    policies = {lid: r["Properties"] for lid, r in resources(template, "AWS::IAM::ManagedPolicy").items()}

    def names(role: dict) -> list[str]:
        return sorted(
            policies[v["Ref"]]["ManagedPolicyName"] if isinstance(v, dict) and "Ref" in v
            else str(resolve(v)).split(":policy/", 1)[1]
            for v in role["ManagedPolicyArns"]
        )

    expected = ["DataLakeAccess", "job-function/DataScientist"]
    assert names(mfa) == names(saml) == expected
    assert sorted(
        [str(resolve(v)).split(":policy/", 1)[1] for v in permission_set["ManagedPolicies"]]
        + [ref["Name"] for ref in permission_set["CustomerManagedPolicyReferences"]]
    ) == expected
    boundary = policies[mfa["PermissionsBoundary"]["Ref"]]["ManagedPolicyName"]
    assert boundary == policies[saml["PermissionsBoundary"]["Ref"]]["ManagedPolicyName"] == "DeveloperBoundary"
    assert permission_set["PermissionsBoundary"] == {
        "CustomerManagedPolicyReference": {"Name": "DeveloperBoundary", "Path": "/baseline/"}
    }
    assert {"Key": "team", "Value": "data"} in mfa["Tags"]


def test_the_saml_role_carries_its_extra_conditions_beside_saml_aud(personas_templates):
    template, _ = personas_templates
    (statement,) = _role(template, "FederatedData")["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Condition"] == {
        "StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml", "SAML:sub_type": "persistent"},
        "StringLike": {"SAML:namequalifier": ["example-idp*"], "SAML:edupersonaffiliation": ["data-*"]},
    }


def test_a_persona_without_mfa_role_keeps_its_other_surfaces(personas_templates):
    template, center = personas_templates
    names = {r["Properties"].get("RoleName") for r in resources(template, "AWS::IAM::Role").values()}
    assert "DatabaseAdmin" not in names and "FederatedDatabaseAdmin" in names
    assert "DatabaseAdmin" in {r["Properties"]["Name"] for r in resources(center, "AWS::SSO::PermissionSet").values()}


def test_groups_of_any_name_assume_their_personas(personas_templates):
    template, _ = personas_templates
    roles = {lid: r["Properties"].get("RoleName") for lid, r in resources(template, "AWS::IAM::Role").items()}
    assumable = {}
    for policy in resources(template, "AWS::IAM::ManagedPolicy").values():
        name = policy["Properties"]["ManagedPolicyName"]
        if name.endswith("-AssumeRoles"):
            (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
            arns = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            assumable[name.removesuffix("-AssumeRoles")] = sorted(roles[a["Fn::GetAtt"][0]] for a in arns)
    assert assumable["DataTeam"] == ["DataEngineer", "ReadOnly"]
    assert assumable["Finance"] == ["Billing"]
    assert assumable["Platform"] == ["NetworkAdmin", "PlatformAdmin", "SecurityAuditor"]
    users = {r["Properties"]["UserName"]: r["Properties"]["Groups"] for r in resources(template, "AWS::IAM::User").values()}
    assert len(users["pat.platform"]) == 2


# --------------------------------------------------------------------------- the proof
def test_the_fixture_is_proven_with_the_admin_personas_derived(personas_assembly, tmp_path, capsys):
    from iam_baseline.analysis.check import main

    out = tmp_path / "cdk.out"
    shutil.copytree(personas_assembly, out)
    assert main(["--out", str(out), "--config", str(PERSONAS)]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("policy", ["AdministratorAccess", "IAMFullAccess"])
def test_a_persona_not_declared_admin_that_becomes_admin_fails_the_proof(policy, personas_assembly, tmp_path, capsys):
    """Negative control: the Billing persona's role given an admin-equivalent policy in the template
    (IAMFullAccess is no '*' on '*', but may attach one: the proof, not the loader, finds it)."""
    from iam_baseline.analysis.check import main

    out = tmp_path / "cdk.out"
    shutil.copytree(personas_assembly, out)
    path = out / "AccountBaseline.template.json"
    template = json.loads(path.read_text())
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::IAM::Role" and resource["Properties"].get("RoleName") == "Billing":
            resource["Properties"]["ManagedPolicyArns"].append(f"arn:aws:iam::aws:policy/{policy}")
    path.write_text(json.dumps(template))
    assert main(["--out", str(out), "--config", str(PERSONAS)]) == 1
    failures = [line for line in capsys.readouterr().out.splitlines() if line.startswith("FAIL ")]
    assert any("role:Billing" in line for line in failures), failures
    # The declared admin persona stays accepted (it may appear as the target of Billing's chain).
    assert not any(line.startswith("FAIL admin-equivalent: role:PlatformAdmin") for line in failures), failures


def test_trusted_accounts_are_declared_accounts():
    from iam_baseline.analysis.model.accounts import declared_accounts
    from iam_baseline.config import load_config

    assert "999988887777" in declared_accounts(load_config(PERSONAS))


def test_every_persona_acknowledgment_answers_a_finding(tmp_path):
    """Negative control of the derived acknowledgments: without the registry, synth of the
    fixture reports a finding for each (rule, construct) they acknowledge, and nothing else of theirs."""
    from fnmatch import fnmatchcase

    from app import build_app
    from iam_baseline.compliance import persona_acknowledgments
    from iam_baseline.config import load_config
    from template_tools import CDK_CONTEXT

    config = load_config(PERSONAS)
    app = build_app(config, outdir=str(tmp_path), context=CDK_CONTEXT, acknowledge=False)
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    findings = {
        (violation["ruleName"], construct["constructPath"].partition("/")[2])
        for report_plugin in report["pluginReports"]
        for violation in report_plugin["violations"]
        for construct in violation["violatingConstructs"]
    }
    acknowledgments = persona_acknowledgments(config)
    assert acknowledgments
    for entry in acknowledgments:
        assert any(r == entry.rule and fnmatchcase(path, entry.path) for r, path in findings), entry


def test_a_persona_bounded_like_developers_is_a_subject_of_the_boundary_invariant(personas_assembly, tmp_path, capsys):
    """`permissions_boundary: developer` makes the persona a subject of INV-BOUNDED-NO-ESCAPE: its
    role stripped of the boundary and given IAMFullAccess in the template fails that invariant
    under its own name (before, only the developer persona was a subject, and this went unseen)."""
    from iam_baseline.analysis.check import main

    out = tmp_path / "cdk.out"
    shutil.copytree(personas_assembly, out)
    path = out / "AccountBaseline.template.json"
    template = json.loads(path.read_text())
    role = next(
        r["Properties"] for r in template["Resources"].values()
        if r["Type"] == "AWS::IAM::Role" and r["Properties"].get("RoleName") == "DataEngineer"
    )
    assert "PermissionsBoundary" in role  # the fixture bounds it
    del role["PermissionsBoundary"]
    role["ManagedPolicyArns"].append("arn:aws:iam::aws:policy/IAMFullAccess")
    path.write_text(json.dumps(template))
    assert main(["--out", str(out), "--config", str(PERSONAS)]) == 1
    failures = [line for line in capsys.readouterr().out.splitlines() if line.startswith("FAIL ")]
    assert any("INV-BOUNDED-NO-ESCAPE" in line and "DataEngineer" in line for line in failures), failures
