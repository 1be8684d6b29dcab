"""The identity (hub) account: both halves of every hop, config errors, role-chaining limits, stable names.

Fixture: tests/fixtures/hub-and-spoke.yaml, the example's copy (an Identity OU whose account
holds the IAM users, groups and SAML roles; admin, developer and read_only reach member accounts).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from organization_helpers import HUB_IDENTITY, hub_data, hub_error, parse_hub

IDENTITY = "666600000001"


def data() -> dict:
    return hub_data(HUB_IDENTITY)


def parse(document: dict):
    return parse_hub(document, HUB_IDENTITY)


def error(document: dict) -> str:
    return hub_error(document, HUB_IDENTITY)


@pytest.fixture(scope="session")
def hub_config():
    from iam_baseline.config import load_config

    return load_config(HUB_IDENTITY)


@pytest.fixture(scope="session")
def hub_identity_templates(synthesized_config) -> dict[str, dict]:
    """Templates of the synthesized fixture by StackSet group key ("" for the management account);
    the identity account's group key names its own stack, ``IdentityAccount`` (no StackSet)."""
    from iam_baseline.config import load_config
    from iam_baseline.config.stackset_groups import identity_account_group
    from iam_baseline.naming import construct_id

    outdir = Path(synthesized_config(HUB_IDENTITY))
    templates = {"": json.loads((outdir / "AccountBaseline.template.json").read_text())}
    for folder in outdir.glob("assembly-StackSetMember*"):
        (template,) = folder.glob("*AccountBaseline*.template.json")  # its GlobalEvents template apart
        templates[folder.name.removeprefix("assembly-StackSetMember")] = json.loads(template.read_text())
    identity = identity_account_group(load_config(HUB_IDENTITY))
    assert identity is not None and construct_id(identity.key) not in templates  # no StackSet of its own
    templates[construct_id(identity.key)] = json.loads((outdir / "IdentityAccount.template.json").read_text())
    return {"by_id": templates, "construct_id": construct_id, "outdir": outdir}


def _template_of(templates, key: str) -> dict:
    return templates["by_id"][templates["construct_id"](key)] if key else templates["by_id"][""]


def _named(template: dict, type_: str, name_key: str) -> dict[str, dict]:
    return {
        r["Properties"][name_key]: r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == type_ and name_key in r["Properties"]
    }


# --------------------------------------------------------------------------- both halves
def test_both_halves_of_every_hop_name_each_other(hub_config, hub_identity_templates):
    from iam_baseline.config.hub import hub_hops, persona_reach
    from iam_baseline.config.stackset_groups import group_of_account

    hops = hub_hops(hub_config)
    assert {h.persona for h in hops} == {"admin", "developer", "read_only"}
    groups = group_of_account(hub_config)
    for hop in hops:
        member = _template_of(hub_identity_templates, groups[hop.account].key)
        role_name = hop.role_arn.rsplit("/", 1)[1]
        trust = _named(member, "AWS::IAM::Role", "RoleName")[role_name]["AssumeRolePolicyDocument"]
        by_sid = {s["Sid"]: s for s in trust["Statement"]}
        # Exactly the identity principals, each kind in its own statement, users with MFA.
        users = by_sid["IdentityAccountUsersWithMfa"]
        assert users["Condition"] == {
            "ArnEquals": {"aws:PrincipalArn": list(hop.users)},
            "Bool": {"aws:MultiFactorAuthPresent": "true"},
            "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
        }
        saml = by_sid.get("IdentityAccountSamlRoles")
        assert (saml["Condition"]["ArnEquals"]["aws:PrincipalArn"] if saml else []) == list(hop.saml_roles)
        assert set(by_sid) <= {"IdentityAccountUsersWithMfa", "IdentityAccountSamlRoles"}
        for statement in trust["Statement"]:
            assert json.dumps(statement["Principal"]).count(f":iam::{IDENTITY}:root") == 1  # never the member's own root
    identity = _template_of(hub_identity_templates, groups[IDENTITY].key)
    _assert_identity_half(hub_config, identity, hops)


def _assert_identity_half(config, template: dict, hops) -> None:
    """Each group's policy allows exactly its personas' member role ARNs (with MFA); each SAML
    role's policy exactly its persona's; both are attached where they belong."""
    from iam_baseline.config.hub import persona_reach

    reach = persona_reach(config)
    policies = _named(template, "AWS::IAM::ManagedPolicy", "ManagedPolicyName")
    ids = {r["Properties"].get("ManagedPolicyName"): k for k, r in template["Resources"].items()}
    groups = _named(template, "AWS::IAM::Group", "GroupName")
    roles = _named(template, "AWS::IAM::Role", "RoleName")
    for key, group in config.groups.items():
        expected = [h.role_arn for p in group.assumable_roles for h in hops if h.persona == p]
        assert expected, key
        (statement,) = policies[f"{group.name}-MemberRoles"]["PolicyDocument"]["Statement"]
        assert statement == {
            "Action": "sts:AssumeRole",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
            "Effect": "Allow",
            "Resource": statement["Resource"],
            "Sid": "AllowAssumeMemberRolesWithMfa",
        }
        assert sorted(statement["Resource"]) == sorted(expected)
        assert {"Ref": ids[f"{group.name}-MemberRoles"]} in groups[group.name]["ManagedPolicyArns"]
    for key, persona in reach.items():
        name = {"admin": "Admin", "developer": "Developer", "read_only": "ReadOnly"}[key]
        saml = policies.get(f"{name}-SamlMemberRoles")
        statements = saml["PolicyDocument"]["Statement"] if saml else []
        assert [(s["Sid"], s["Action"], "Condition" in s, sorted(s["Resource"])) for s in statements] == (
            [("AllowAssumeMemberRoles", "sts:AssumeRole", False, sorted(h.role_arn for h in hops if h.persona == key))]
            if persona.saml_roles
            else []
        )
        for saml_role in persona.saml_role_names:
            assert {"Ref": ids[f"{name}-SamlMemberRoles"]} in roles[saml_role]["ManagedPolicyArns"]


def test_people_live_in_the_identity_account_only(hub_config, hub_identity_templates):
    from iam_baseline.config.stackset_groups import group_of_account

    identity_key = group_of_account(hub_config)[IDENTITY].key
    for key, template in hub_identity_templates["by_id"].items():
        types = {r["Type"] for r in template["Resources"].values()}
        people = {"AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::SAMLProvider"} & types
        if key == hub_identity_templates["construct_id"](identity_key):
            assert people == {"AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::SAMLProvider"}
        else:
            assert people == set(), key
    identity = _template_of(hub_identity_templates, identity_key)
    assert set(_named(identity, "AWS::IAM::User", "UserName")) == {"alice.admin", "bob.developer", "carol.auditor", "dave.developer"}
    # Its own stack, not a StackSet body: the initial password's dynamic reference is whole.
    password = next(r for r in identity["Resources"].values() if r["Type"] == "AWS::IAM::User")["Properties"]
    assert "{{resolve:secretsmanager:" in json.dumps(password["LoginProfile"])


def test_the_identity_account_is_its_own_stack_and_no_stackset_targets_it(hub_config, hub_identity_templates):
    from iam_baseline.config.stackset_groups import identity_account_group, stackset_groups

    manifest = json.loads((hub_identity_templates["outdir"] / "manifest.json").read_text())
    assert manifest["artifacts"]["IdentityAccount"]["environment"] == f"aws://{IDENTITY}/{hub_config.region}"
    group = identity_account_group(hub_config)
    assert group is not None and group.accounts == (IDENTITY,) and group.identity
    # No StackSet group holds it: the plain identity variant spares it (DIFFERENCE), the rest never name it.
    for g in stackset_groups(hub_config):
        assert IDENTITY not in g.accounts and not g.identity
        if g.variant == group.variant and not g.items:
            assert IDENTITY in g.excluded
    rollout = json.loads((hub_identity_templates["outdir"] / "OrganizationRollout.template.json").read_text())
    stacksets = [r["Properties"] for r in rollout["Resources"].values() if r["Type"] == "AWS::CloudFormation::StackSet"]
    assert stacksets
    for props in stacksets:
        (instances,) = props["StackInstancesGroup"]
        targets = instances["DeploymentTargets"]
        if IDENTITY in targets.get("Accounts", []):
            assert targets["AccountFilterType"] == "DIFFERENCE", props["StackSetName"]
        assert "AWS::IAM::User" not in json.dumps(props["TemplateBody"]), props["StackSetName"]  # people: not by StackSet
    # It keeps its persona roles of personas reaching it and gets the identity half.
    identity = _template_of(hub_identity_templates, group.key)
    assert set(_named(identity, "AWS::IAM::Role", "RoleName")) >= {"ReadOnly"}


def test_persona_roles_exist_only_where_the_persona_reaches(hub_config, hub_identity_templates):
    from iam_baseline.config.hub import persona_reach
    from iam_baseline.config.stackset_groups import stackset_groups

    reach = persona_reach(hub_config)
    for group in stackset_groups(hub_config):
        roles = set(_named(_template_of(hub_identity_templates, group.key), "AWS::IAM::Role", "RoleName"))
        expected = {name for key, name in (("admin", "Admin"), ("developer", "Developer"), ("read_only", "ReadOnly"))
                    if group.accounts and set(group.accounts) <= set(reach[key].accounts)}
        assert roles & {"Admin", "Developer", "ReadOnly", "Support"} == expected, group.key


@pytest.fixture(scope="session")
def management_identity(tmp_path_factory, synthesized_config):
    """(config, AccountBaseline template) of the fixture with the management account as identity account."""
    import shutil

    import yaml

    from iam_baseline.config import load_config

    folder = tmp_path_factory.mktemp("hub-management")
    shutil.copytree(HUB_IDENTITY.parent / "saml", folder / "saml")
    document = data()
    document["organization"]["identity_account"] = "111111111111"
    path = folder / "hub-management.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    outdir = Path(synthesized_config(path))
    return load_config(path), json.loads((outdir / "AccountBaseline.template.json").read_text())


def test_management_as_identity_account_holds_people_own_roles_and_the_identity_half(management_identity):
    from iam_baseline.config.hub import hub_hops

    config, template = management_identity
    policies = _named(template, "AWS::IAM::ManagedPolicy", "ManagedPolicyName")
    roles = _named(template, "AWS::IAM::Role", "RoleName")
    assert set(_named(template, "AWS::IAM::User", "UserName")) == {"alice.admin", "bob.developer", "carol.auditor", "dave.developer"}
    # Its own persona roles keep their own-account MFA trust, its groups their AssumeRoles policy...
    assert {"Admin", "Developer", "ReadOnly", "Support", "FederatedAdmin", "FederatedReadOnly"} <= set(roles)
    assert "Admins-AssumeRoles" in policies
    # ... and it gets the identity half, attached to the groups and SAML roles.
    _assert_identity_half(config, template, hub_hops(config))


# --------------------------------------------------------------------------- the hop list
def test_removing_a_user_from_a_group_removes_it_from_every_member_trust():
    from iam_baseline.config.hub import hub_hops

    document = data()
    document["users"] = [u for u in document["users"] if u["name"] != "bob.developer"] + [
        {"name": "bob.developer", "groups": ["read_only"]}
    ]
    hops = hub_hops(parse(document))
    bob = f"arn:aws:iam::{IDENTITY}:user/baseline/bob.developer"
    assert all(bob not in h.users for h in hops if h.persona in ("developer", "admin"))
    assert all(bob in h.users for h in hops if h.persona == "read_only")
    assert all(h.users == (f"arn:aws:iam::{IDENTITY}:user/baseline/dave.developer",) for h in hops if h.persona == "developer")


def test_management_account_as_identity_account_keeps_its_people():
    from iam_baseline.config.hub import management_hub_part
    from iam_baseline.config.stackset_groups import stackset_groups

    document = data()
    document["organization"]["identity_account"] = "111111111111"
    config = parse(document)
    part = management_hub_part(config)
    assert part is not None and part.people and part.identity_half and not part.member_roles_only
    assert not any(g.identity for g in stackset_groups(config))
    document["organization"]["identity_account"] = "identity"
    part = management_hub_part(parse(document))
    assert part is not None and not part.people and not part.identity_half


# --------------------------------------------------------------------------- config errors
def test_an_unknown_identity_account_is_refused_with_the_nearest():
    document = data()
    document["organization"]["identity_account"] = "identty"
    message = error(document)
    assert "organization.identity_account" in message and "unknown account 'identty'" in message
    assert "nearest: 'identity'" in message and "(or the management account 111111111111)" in message


def test_an_unknown_reach_target_is_refused_with_the_nearest_and_its_line():
    document = data()
    document["roles"]["admin"]["reach"] = {"ous": ["Securty"]}
    message = error(document)
    assert "roles.admin.reach.ous[0]" in message and "unknown OU 'Securty'" in message and "'Security'" in message
    assert "line" in message


def test_reach_without_identity_account_and_the_reverse_are_refused():
    document = data()
    del document["organization"]["identity_account"]
    assert "persona admin has reach, but organization.identity_account is not set" in error(document)
    document = data()
    for key in ("admin", "developer", "read_only"):
        del document["roles"][key]["reach"]
    assert "no persona has reach" in error(document)


def test_a_reached_persona_nobody_can_assume_is_refused():
    document = data()
    document["roles"]["support"] = {"name": "Support", "reach": {"accounts": ["audit"]}}
    document["groups"] = {"admins": {"name": "Admins", "assumable_roles": ["admin", "read_only"]}}
    message = error(document)
    assert "roles.support.reach" in message and "nobody in the identity account can assume its role" in message


def _variant_saml(document):
    document["organization"]["baselines"]["sandbox"]["saml"] = True


def _identity_variant_groups(document):
    document["organization"]["baselines"]["identity"]["groups"] = {"admins": {"name": "Admins", "assumable_roles": ["admin"]}}


def _identity_variant_without_saml(document):
    document["organization"]["baselines"]["identity"]["saml"] = False


def _group_without_reach(document):
    document["groups"] = {**document.get("groups", {}), "support": {"name": "SupportTeam", "assumable_roles": ["support"]}}


def _reach_in_variant(document):
    document["organization"]["baselines"]["sandbox"]["roles"] = {"admin": {"name": "Admin", "reach": {"ous": ["root"]}}}


def _matrix_row_of_a_user(document):
    document["access_matrix"] = {"expectations": [
        {"id": "people-no-iam-users", "principal": "group:Admins", "action": "iam:CreateUser", "expect": "denied",
         "because": "people never create IAM users"},
    ]}


@pytest.mark.parametrize(
    "mutate, where, message",
    [
        (_matrix_row_of_a_user, "access_matrix.expectations[0].principal", "lives in the identity account"),
        (_variant_saml, "organization.baselines.sandbox.saml", "SAML providers and roles live in the identity account only"),
        (_identity_variant_groups, "organization.baselines.identity.groups", "is the identity account's"),
        (_identity_variant_without_saml, "organization.baselines.identity.saml", "where federation.saml's roles live"),
        (_group_without_reach, "groups.support.assumable_roles", "group SupportTeam would grant nothing"),
        (_reach_in_variant, "organization.baselines.sandbox.roles.admin.reach", "never in a baseline variant"),
    ],
)
def test_identity_account_layout_errors(mutate, where, message):
    document = data()
    mutate(document)
    text = error(document)
    assert where in text and message in text


# --------------------------------------------------------------------------- role chaining
def _saml_only_support(seconds: int) -> dict:
    """Support reached only from a SAML role of the identity account (role chaining)."""
    document = data()
    document["roles"]["support"] = {"name": "Support", "reach": {"accounts": ["sandbox-alice"]}, "max_session_duration_seconds": seconds}
    document["federation"]["saml"]["roles"].append({"name": "FederatedSupport", "persona": "support", "providers": ["ExampleIdP"]})
    document["groups"] = {
        "admins": {"name": "Admins", "assumable_roles": ["admin", "read_only"]},
        "developers": {"name": "Developers", "assumable_roles": ["developer", "read_only"]},
        "read_only": {"name": "ReadOnly", "assumable_roles": ["read_only"]},
    }
    return document


def test_a_role_reached_only_by_chaining_may_keep_one_hour():
    from iam_baseline.config.hub import hub_hops

    hops = [h for h in hub_hops(parse(_saml_only_support(3600))) if h.persona == "support"]
    assert [h.account for h in hops] == ["555500000001"] and hops[0].users == ()


def test_a_role_reached_only_by_chaining_with_a_longer_session_is_refused():
    message = error(_saml_only_support(3601))
    assert "roles.support.max_session_duration_seconds" in message
    assert "3601 seconds" in message and "3600" in message
    assert "IAM User Guide, 'Roles terms and concepts' > 'Role chaining'" in message
    assert message.endswith("allowed: 3600 (a role's MaxSessionDuration is at least 3600 seconds, and role chaining "
                            "allows no more) [got: 3601]"), message


def test_the_chaining_limit_reads_the_member_account_variant_roles():
    document = _saml_only_support(3600)
    document["roles"]["support"]["reach"] = {"accounts": ["audit"]}  # Security replaces roles
    document["organization"]["baselines"]["security"]["roles"]["support"] = {
        "name": "Support", "max_session_duration_seconds": 7200
    }
    message = error(document)
    assert "organization.baselines.security.roles.support.max_session_duration_seconds" in message
    assert "7200 seconds" in message


def test_a_role_reached_by_users_too_may_keep_a_longer_session():
    from iam_baseline.config.hub import member_role

    document = data()
    document["roles"]["admin"]["max_session_duration_seconds"] = 7200
    document["roles"]["admin"]["reach"] = {"ous": ["Sandbox"]}  # a variant that keeps the top-level roles
    # users reach it directly (AssumeRole from an IAM user is not role chaining)
    assert member_role(parse(document), "555500000001", "admin").max_session_duration_seconds == 7200


def test_a_top_level_setting_that_a_variant_replaces_in_reached_accounts_is_refused():
    document = data()
    document["roles"]["admin"]["max_session_duration_seconds"] = 7200  # reach: Security (replaces roles), Workloads
    message = error(document)
    assert "roles.admin.max_session_duration_seconds (line" in message and "[got: 7200]" in message
    assert "organization.baselines.security.roles replaces roles there and leaves admin.max_session_duration_seconds " \
        "at 3600; set organization.baselines.security.roles.admin.max_session_duration_seconds to 7200" in message


def test_a_top_level_setting_also_set_by_the_replacing_variants_is_used_there():
    from iam_baseline.config.hub import member_role

    document = data()
    document["roles"]["admin"]["max_session_duration_seconds"] = 7200
    for variant in ("security", "workloads"):
        document["organization"]["baselines"][variant]["roles"]["admin"] = {"name": "Admin", "max_session_duration_seconds": 7200}
    config = parse(document)
    assert {member_role(config, a, "admin").max_session_duration_seconds for a in ("222200000003", "333300000001")} == {7200}


# --------------------------------------------------------------------------- stable names
def test_unrelated_accounts_keep_their_stackset_group_when_one_persona_reach_changes(hub_config):
    from iam_baseline.config.stackset_groups import group_of_account

    before = {a: g.key for a, g in group_of_account(hub_config).items()}
    document = data()
    document["roles"]["developer"]["reach"] = {"ous": ["Workloads", "Sandbox"], "exclude": ["orders-dev"]}
    after = {a: g.key for a, g in group_of_account(parse(document)).items()}
    changed = {a for a in before if before[a] != after[a]}
    assert changed == {"444400000002"}


def test_member_role_arns_are_split_under_the_managed_policy_quota():
    from iam_baseline.identity.hub import split_arns

    arns = [f"arn:aws:iam::{100000000000 + i}:role/baseline/ReadOnly" for i in range(500)]
    runs = split_arns(arns)
    assert [a for run in runs for a in run] == arns  # nothing lost, nothing added, order kept
    assert len(runs) == 5 and all(len(json.dumps(run, separators=(",", ":"))) < 6144 - 300 for run in runs)
    assert split_arns(arns[:3]) == [arns[:3]]


def test_a_persona_of_your_own_reaches_member_accounts_and_an_unknown_name_names_the_nearest():
    from iam_baseline.config.hub import hub_hops

    document = data()
    document["personas"] = {"billing": {"name": "Billing", "aws_managed_policies": ["job-function/Billing"],
                                        "reach": {"accounts": ["payments-prod"]}}}
    document["groups"] = {**document.get("groups", {}), "finance": {"name": "Finance", "assumable_roles": ["billing"]}}
    document["users"].append({"name": "erin.finance", "groups": ["finance"]})
    hops = [h for h in hub_hops(parse(document)) if h.persona == "billing"]
    assert [(h.account, h.role_arn, h.users) for h in hops] == [(
        "333300000001", "arn:aws:iam::333300000001:role/baseline/Billing",
        (f"arn:aws:iam::{IDENTITY}:user/baseline/erin.finance",),
    )]
    document["personas"]["billing"]["reach"] = {"accounts": ["payments-prd"]}
    message = error(document)
    assert "personas.billing.reach.accounts[0]" in message and "nearest: 'payments-prod'" in message
