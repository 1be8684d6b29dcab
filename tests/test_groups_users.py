"""Groups grant only self-service and assuming their own roles with MFA; users get a
generated initial password that must be reset, their groups, and never an access key."""

from __future__ import annotations

import pytest

from template_tools import ACCOUNT, as_list, resolve, resources, statements, synth_stack
from iam_baseline.identity.users import IAM_PASSWORD_SYMBOLS

#: Secrets Manager's punctuation characters (GetRandomPassword).
SECRETS_MANAGER_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


def _by(template: dict, type_: str, name_key: str) -> dict[str, tuple[str, dict]]:
    return {r["Properties"][name_key]: (k, r["Properties"]) for k, r in resources(template, type_).items()}


def _variant(tmp_path_factory, yaml_tail: str) -> dict:
    from iam_baseline.config import parse_config
    from stacks.account_baseline import AccountBaselineStack

    config = parse_config(f'account_id: "{ACCOUNT}"\nregion: eu-west-1\n' + yaml_tail)
    return synth_stack(lambda app: AccountBaselineStack(app, "Baseline", config=config),
                       tmp_path_factory.mktemp("groups-users"))


@pytest.fixture(scope="module")
def no_users_template(tmp_path_factory) -> dict:
    return _variant(tmp_path_factory, "")


@pytest.fixture(scope="module")
def variant_users_template(tmp_path_factory) -> dict:
    """Users whose names differ only in separators, a long minimum password, two groups each;
    one break-glass user."""
    return _variant(
        tmp_path_factory,
        "password_policy: {minimum_length: 40}\nmfa: {allow_password_change_without_mfa: true}\n"
        "detection: {}\nbreak_glass: {users: [bg.one]}\nusers:\n"
        + "".join(f"  - {{name: {n}, groups: [developers, read_only]}}\n" for n in ("a.b", "a_b", "a-b")),
    )


def test_distinct_user_names_never_collide(variant_users_template):
    users = _by(variant_users_template, "AWS::IAM::User", "UserName")
    assert sorted(users) == ["a-b", "a.b", "a_b", "bg.one"]
    assert len(resources(variant_users_template, "AWS::SecretsManager::Secret")) == 4


def test_groups_get_only_force_mfa_and_their_assume_role_policy(baseline_template, default_config):
    groups = _by(baseline_template, "AWS::IAM::Group", "GroupName")
    policies = {name: props for name, (_, props) in _by(baseline_template, "AWS::IAM::ManagedPolicy",
                                                         "ManagedPolicyName").items()}
    policy_names = {logical_id: name for name, (logical_id, _) in _by(baseline_template, "AWS::IAM::ManagedPolicy",
                                                                      "ManagedPolicyName").items()}
    roles = {r["Properties"]["RoleName"]: k for k, r in resources(baseline_template, "AWS::IAM::Role").items()
             if "RoleName" in r["Properties"]}
    for key in ("admins", "developers", "read_only"):
        group_config = getattr(default_config.groups, key)
        _, group = groups[group_config.name]
        assert set(group) == {"GroupName", "Path", "ManagedPolicyArns"}, "no inline policy on a group"
        attached = [policy_names[ref["Ref"]] for ref in group["ManagedPolicyArns"]]
        assert attached == ["ForceMFA", f"{group_config.name}-AssumeRoles"]
        (stmt,) = statements(policies[f"{group_config.name}-AssumeRoles"]["PolicyDocument"])
        expected_roles = sorted(
            f"<{roles[getattr(default_config.roles, persona).name]}.Arn>" for persona in group_config.assumable_roles
        )
        assert stmt == {
            "Sid": "AllowAssumeOwnRolesWithMfa",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": expected_roles if len(expected_roles) > 1 else expected_roles[0],
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        }


def test_default_group_role_mapping(baseline_template):
    policies = {r["Properties"]["ManagedPolicyName"]: r["Properties"]
                for r in resources(baseline_template, "AWS::IAM::ManagedPolicy").values()}
    role_names = {k: r["Properties"]["RoleName"] for k, r in resources(baseline_template, "AWS::IAM::Role").items()
                  if "RoleName" in r["Properties"]}

    def assumable(group: str) -> list[str]:
        (stmt,) = statements(policies[f"{group}-AssumeRoles"]["PolicyDocument"])
        return sorted(role_names[r.strip("<>").split(".")[0]] for r in as_list(stmt["Resource"]))

    assert assumable("Admins") == ["Admin", "ReadOnly", "Support"]
    assert assumable("Developers") == ["Developer", "ReadOnly"]
    assert assumable("ReadOnly") == ["ReadOnly"]


def test_users_have_a_generated_password_reset_at_first_sign_in(baseline_template, default_config):
    """The people of ``users`` in their groups, and the break-glass users in theirs (only)."""
    users = _by(baseline_template, "AWS::IAM::User", "UserName")
    groups = {name: logical_id for name, (logical_id, _) in _by(baseline_template, "AWS::IAM::Group", "GroupName").items()}
    secrets = resources(baseline_template, "AWS::SecretsManager::Secret")
    expected_groups = {u.name: [getattr(default_config.groups, key).name for key in u.groups]
                       for u in default_config.users}
    expected_groups |= {name: [default_config.break_glass.group_name] for name in default_config.break_glass.users}
    assert sorted(users) == sorted(expected_groups) == [
        "alice.admin", "bob.developer", "breakglass.one", "breakglass.two", "carol.auditor"
    ]
    for name, group_names in expected_groups.items():
        _, user = users[name]
        assert set(user) == {"UserName", "Path", "Groups", "LoginProfile", "Tags"}, "no policy, key or boundary"
        assert user["Path"] == default_config.iam_path
        assert user["Groups"] == [{"Ref": groups[group]} for group in group_names]
        login = user["LoginProfile"]
        assert login["PasswordResetRequired"] is True
        # A dynamic reference to the user's own generated secret: the password is in no template.
        secret_id = login["Password"]["Fn::Join"][1][1]["Ref"]
        assert resolve(login["Password"]) == f"{{{{resolve:secretsmanager:<Ref:{secret_id}>:SecretString:::}}}}"
        secret = secrets[secret_id]["Properties"]
        assert secret["Name"] == f"iam-baseline/initial-password/{name}"
        assert "SecretString" not in secret
        generator = secret["GenerateSecretString"]
        assert generator["PasswordLength"] == 32
        assert generator["RequireEachIncludedType"] is True
        assert resolve(secret["KmsKeyId"]).endswith(".Arn>")


def test_generated_passwords_use_only_symbols_iam_counts(baseline_template):
    """RequireSymbols counts only IAM's symbol set; any other punctuation is excluded."""
    for secret in resources(baseline_template, "AWS::SecretsManager::Secret").values():
        excluded = secret["Properties"]["GenerateSecretString"]["ExcludeCharacters"]
        allowed_punctuation = {c for c in SECRETS_MANAGER_PUNCTUATION if c not in excluded}
        assert allowed_punctuation and allowed_punctuation <= set(IAM_PASSWORD_SYMBOLS)
        assert not {'"', "'", "\\", "`"} & allowed_punctuation


def test_initial_password_is_at_least_the_policy_minimum(variant_users_template):
    """A shorter password than the account policy's minimum would fail to deploy: the
    break-glass users' passwords too."""
    secrets = resources(variant_users_template, "AWS::SecretsManager::Secret").values()
    assert {s["Properties"]["Name"]: s["Properties"]["GenerateSecretString"]["PasswordLength"] for s in secrets} == {
        f"iam-baseline/initial-password/{name}": 40 for name in ("a.b", "a_b", "a-b", "bg.one")
    }
    users = _by(variant_users_template, "AWS::IAM::User", "UserName")
    assert {name: len(props["Groups"]) for name, (_, props) in users.items()} == {
        "a.b": 2, "a_b": 2, "a-b": 2, "bg.one": 1
    }


def test_passwords_share_one_customer_managed_key_that_rotates(baseline_template):
    keys = resources(baseline_template, "AWS::KMS::Key")
    secret_keys = {resolve(s["Properties"]["KmsKeyId"])
                   for s in resources(baseline_template, "AWS::SecretsManager::Secret").values()}
    (password_key,) = secret_keys
    assert keys[password_key.strip("<>").removesuffix(".Arn")]["Properties"]["EnableKeyRotation"] is True
    # The stack's other key (the alert topic's) rotates too.
    assert [k["Properties"]["EnableKeyRotation"] for k in keys.values()] == [True, True]


@pytest.mark.parametrize("fixture", ["baseline_template", "no_users_template", "variant_users_template"])
def test_no_access_key_anywhere(request, fixture):
    template = request.getfixturevalue(fixture)
    assert resources(template, "AWS::IAM::AccessKey") == {}
    assert "AccessKey" not in str(template).replace("iam:CreateAccessKey", "").replace("iam:UpdateAccessKey", "")


def test_no_users_means_no_user_secret_or_key(no_users_template):
    for type_ in ("AWS::IAM::User", "AWS::SecretsManager::Secret", "AWS::KMS::Key"):
        assert resources(no_users_template, type_) == {}
    assert len(resources(no_users_template, "AWS::IAM::Group")) == 3


def test_construct_errors():
    from aws_cdk import App, Stack
    from aws_cdk import aws_iam as iam
    from iam_baseline.identity import ForceMfaPolicy, HumanUser, HumanUserGroup

    stack = Stack(App(), "Errors")
    with pytest.raises(ValueError, match="user 'ann' must belong to at least one group"):
        HumanUser(stack, "Ann", user_name="ann", path="/", groups=[])
    group = HumanUserGroup(stack, "Ok", group_name="Ok", path="/", force_mfa_policy=ForceMfaPolicy(stack, "F").policy,
                           assumable_roles=[iam.Role.from_role_name(stack, "R", "R")]).group
    with pytest.raises(ValueError, match="password_length must be 6-128 characters, got 129"):
        HumanUser(stack, "Bob", user_name="bob", path="/", groups=[group], password_length=129)
    with pytest.raises(ValueError, match="group 'G' must be able to assume at least one role"):
        HumanUserGroup(stack, "G", group_name="G", path="/", force_mfa_policy=None, assumable_roles=[])  # type: ignore[arg-type]
