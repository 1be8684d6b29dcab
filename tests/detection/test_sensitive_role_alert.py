"""The alert on a sensitive persona role assumed from outside its expected principals, fed sample
CloudTrail AssumeRole records (same-account users and roles, cross-account callers, AWS services)
through EventBridge's pattern matcher; and which roles are sensitive (default: admin personas)."""

from __future__ import annotations

import json

import pytest
from cloudtrail_events import ACCOUNT, api_call, assumed_role_identity, iam_user_identity
from detection_helpers import matches
from template_tools import config_from_data, default_config_data, resources

from iam_baseline.config.sensitive_roles import sensitive_personas, sensitive_roles
from iam_baseline.detection.patterns import detection_rules

VENDOR, PARTNER = "444455556666", "777788889999"


def _assume(identity: dict, role: str, *, error: str | None = None) -> dict:
    return api_call(
        identity,
        "AssumeRole",
        {"roleArn": f"arn:aws:iam::{ACCOUNT}:role/baseline/{role}", "roleSessionName": "probe"},
        event_source="sts.amazonaws.com",
        error_code=error,
    )


def _cross_account(account: str) -> dict:
    return {"type": "AWSAccount", "principalId": "AROACKCEVSQ6C2EXAMPLE:probe", "accountId": account}


def _service() -> dict:
    return {"type": "AWSService", "invokedBy": "ec2.amazonaws.com"}


@pytest.fixture(scope="module")
def variant():
    """The default config, plus: a `data` persona declared sensitive and trusting a partner account,
    and the support role declared sensitive; read-only stays at its default (not sensitive)."""
    data = default_config_data()
    data["personas"] = {
        "data": {
            "name": "DataEngineer",
            "aws_managed_policies": ["ReadOnlyAccess"],
            "sensitive": True,
            "trusted_principals": [f"arn:aws:iam::{PARTNER}:role/analytics/Pipeline"],
        }
    }
    data["roles"]["support"]["sensitive"] = True
    data["groups"]["data"] = {"name": "DataEngineers", "assumable_roles": ["data"]}
    data["users"].append({"name": "dave.data", "groups": ["data"]})
    return config_from_data(data)


@pytest.fixture(scope="module")
def rules(variant):
    return {r.id: r.pattern for r in detection_rules(variant)}


def test_admin_personas_are_sensitive_by_default(default_config, variant):
    assert sensitive_personas(default_config) == ("admin",)
    assert sensitive_personas(variant) == ("admin", "support", "data")
    data = default_config_data()
    data["roles"]["admin"]["sensitive"] = False
    assert sensitive_personas(config_from_data(data)) == ()


def test_expected_principals_come_from_groups_break_glass_and_trust(variant):
    roles = {r.persona: r for r in sensitive_roles(variant) if not r.kind}  # the persona roles
    user = f"arn:aws:iam::{ACCOUNT}:user/baseline/"
    # Admins may assume Admin and Support; the break-glass users' one permission is the Admin role.
    assert roles["admin"].expected_user_arns == tuple(
        user + n for n in ("alice.admin", "breakglass.one", "breakglass.two")
    )
    assert roles["support"].expected_user_arns == (user + "alice.admin",)
    assert roles["data"].expected_user_arns == (user + "dave.data",)
    assert (roles["admin"].expected_accounts, roles["data"].expected_accounts) == ((), (PARTNER,))


@pytest.mark.parametrize(
    ("rule", "identity", "role", "error", "alerts"),
    [
        # Expected: a user of a group that may assume the role, a break-glass user for Admin.
        ("SensitiveRoleOutsiderAdmin", iam_user_identity("alice.admin"), "Admin", None, False),
        ("SensitiveRoleOutsiderAdmin", iam_user_identity("breakglass.one"), "Admin", None, False),
        # Anyone else of the account: another user, the same name under another path, a role session.
        ("SensitiveRoleOutsiderAdmin", iam_user_identity("bob.developer"), "Admin", None, True),
        ("SensitiveRoleOutsiderAdmin", iam_user_identity("alice.admin", path="/"), "Admin", None, True),
        ("SensitiveRoleOutsiderAdmin", iam_user_identity("bob.developer"), "Admin", "AccessDenied", True),
        ("SensitiveRoleOutsiderAdmin", assumed_role_identity("AppRole", "i-0abc", path="/workload/"), "Admin", None, True),
        ("SensitiveRoleOutsiderAdmin", _service(), "Admin", None, True),
        # Another account, when the trust names none.
        ("SensitiveRoleOutsiderAdmin", _cross_account(VENDOR), "Admin", None, True),
        # The data persona: its group's user and its trusted partner account are expected.
        ("SensitiveRoleOutsiderDataEngineer", iam_user_identity("dave.data"), "DataEngineer", None, False),
        ("SensitiveRoleOutsiderDataEngineer", _cross_account(PARTNER), "DataEngineer", None, False),
        ("SensitiveRoleOutsiderDataEngineer", _cross_account(VENDOR), "DataEngineer", None, True),
        ("SensitiveRoleOutsiderDataEngineer", iam_user_identity("alice.admin"), "DataEngineer", None, True),
        # Another role's assumption is not this alert's business.
        ("SensitiveRoleOutsiderAdmin", iam_user_identity("bob.developer"), "Developer", None, False),
        ("SensitiveRoleOutsiderSupport", iam_user_identity("alice.admin"), "Support", None, False),
        ("SensitiveRoleOutsiderSupport", iam_user_identity("carol.auditor"), "Support", None, True),
    ],
)
def test_the_alert_fires_only_outside_the_expected_principals(rules, rule, identity, role, error, alerts):
    assert matches(rules[rule], _assume(identity, role, error=error)) is alerts


def test_no_alert_for_a_role_that_is_not_sensitive(rules):
    assert not [r for r in rules if r in ("SensitiveRoleOutsiderReadOnly", "SensitiveRoleOutsiderDeveloper")]
    # Nor for the SAML roles of personas that are not sensitive.
    assert not [r for r in rules if r in ("SensitiveRoleOutsiderFederatedReadOnly", "SensitiveRoleOutsiderFederatedDeveloper")]


# ------------------------------------------------------------------ assumed through federation
PROVIDER = f"arn:aws:iam::{ACCOUNT}:saml-provider/ExampleIdP"
RECORDED = ":saml-provider/ExampleIdP"  # matched by suffix: one StackSet template serves every account
GITHUB = "token.actions.githubusercontent.com"


def _saml(role: str, provider: str = PROVIDER, *, error: str | None = None) -> dict:
    """An ``AssumeRoleWithSAML`` record as the IAM User Guide's example shows it: ``userIdentity``
    names the subject and a hash of the issuer, ``requestParameters.principalArn`` the provider."""
    identity = {"type": "SAMLUser", "principalId": "bdGOnTesti4+ExamplexL/jEvs=:alice@example.com",
                "userName": "alice@example.com", "identityProvider": "bdGOnTesti4+ExamplexL/jEvs="}
    return api_call(identity, "AssumeRoleWithSAML",
                    {"roleArn": f"arn:aws:iam::{ACCOUNT}:role/baseline/{role}", "roleSessionName": "alice@example.com",
                     "principalArn": provider, "durationSeconds": 3600},
                    event_source="sts.amazonaws.com", error_code=error)


def _web_identity(role: str, issuer: str = GITHUB) -> dict:
    """An ``AssumeRoleWithWebIdentity`` record (IAM User Guide example): ``identityProvider`` is the issuer."""
    identity = {"type": "WebIdentityUser", "principalId": f"{issuer}:sts.amazonaws.com:repo:example-org/iam-baseline:environment:production",
                "userName": "repo:example-org/iam-baseline:environment:production", "identityProvider": issuer}
    return api_call(identity, "AssumeRoleWithWebIdentity",
                    {"roleArn": f"arn:aws:iam::{ACCOUNT}:role/baseline/{role}", "roleSessionName": "GitHubActions"},
                    event_source="sts.amazonaws.com")


def test_saml_and_deploy_roles_are_sensitive_with_their_own_providers(variant):
    roles = {r.name: r for r in sensitive_roles(variant) if r.kind}
    assert sorted(roles) == ["FederatedAdmin", "GitHubDeploy"]
    assert roles["FederatedAdmin"].expected_saml_providers == (RECORDED,)
    assert roles["FederatedAdmin"].described == "SAML role of persona admin"
    assert roles["GitHubDeploy"].expected_web_identity_providers == (
        f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GITHUB}", GITHUB,
    )


@pytest.mark.parametrize(
    ("rule", "event", "alerts"),
    [
        # A sensitive persona's SAML role: its own provider is expected, another provider is not.
        ("SensitiveRoleOutsiderFederatedAdmin", _saml("FederatedAdmin"), False),
        ("SensitiveRoleOutsiderFederatedAdmin", _saml("FederatedAdmin", f"arn:aws:iam::{ACCOUNT}:saml-provider/RogueIdP"), True),
        # Matched by name (the template serves every account); the trust refuses another account's provider.
        ("SensitiveRoleOutsiderFederatedAdmin", _saml("FederatedAdmin", PROVIDER.replace(ACCOUNT, VENDOR)), False),
        # Assumed with AssumeRole by anyone (a role session, a user): nobody is expected that way.
        ("SensitiveRoleOutsiderFederatedAdmin", _assume(iam_user_identity("alice.admin"), "FederatedAdmin"), True),
        ("SensitiveRoleOutsiderFederatedAdmin", _web_identity("FederatedAdmin"), True),
        # The persona's MFA role through SAML or OIDC: never expected.
        ("SensitiveRoleOutsiderAdmin", _saml("Admin"), True),
        ("SensitiveRoleOutsiderAdmin", _web_identity("Admin"), True),
        # The deploy role: its own issuer, in either form CloudTrail may give it, is expected.
        ("SensitiveRoleOutsiderGitHubDeploy", _web_identity("GitHubDeploy"), False),
        ("SensitiveRoleOutsiderGitHubDeploy", _web_identity("GitHubDeploy", f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GITHUB}"), False),
        ("SensitiveRoleOutsiderGitHubDeploy", _web_identity("GitHubDeploy", "gitlab.com"), True),
        ("SensitiveRoleOutsiderGitHubDeploy", _saml("GitHubDeploy"), True),
        ("SensitiveRoleOutsiderGitHubDeploy", _assume(iam_user_identity("alice.admin"), "GitHubDeploy"), True),
        # Another role's federated assumption is not this alert's business.
        ("SensitiveRoleOutsiderFederatedAdmin", _saml("FederatedReadOnly", f"arn:aws:iam::{ACCOUNT}:saml-provider/RogueIdP"), False),
    ],
)
def test_federated_assumptions_alert_outside_their_providers(rules, rule, event, alerts):
    assert matches(rules[rule], event) is alerts


def test_a_lookup_only_deploy_role_is_not_sensitive_unless_declared():
    data = default_config_data()
    deploy = data["federation"]["oidc"]["deploy_roles"][0]
    deploy["cdk_roles"] = ["lookup"]
    names = [r.name for r in sensitive_roles(config_from_data(data))]
    assert "GitHubDeploy" not in names
    deploy["sensitive"] = True
    assert "GitHubDeploy" in [r.name for r in sensitive_roles(config_from_data(data))]


def test_member_accounts_expect_only_trusted_accounts():
    """A member template has no IAM users: any principal of the account alerts, and another
    account only when its persona's trust does not name it."""
    from iam_baseline.config import load_config
    from iam_baseline.config.member_config import member_baseline_config
    from template_tools import FIXTURES

    config = load_config(FIXTURES / "access-analyzer-organization.yaml")
    member = member_baseline_config(config, "workloads")
    pattern = {r.id: r.pattern for r in detection_rules(member)}["SensitiveRoleOutsiderAdmin"]
    assert matches(pattern, _assume(iam_user_identity("alice.admin"), "Admin")) is True
    assert matches(pattern, _assume(_cross_account(VENDOR), "Admin")) is True


def test_the_default_template_deploys_the_admin_alert(baseline_template, default_config):
    (rule,) = [
        r["Properties"] for r in resources(baseline_template, "AWS::Events::Rule").values()
        if "Sensitive role Admin" in r["Properties"]["Description"]
    ]
    expected = {r.id: r.pattern for r in detection_rules(default_config)}["SensitiveRoleOutsiderAdmin"]
    assert rule["EventPattern"] == json.loads(json.dumps(expected))


# ------------------------------------------------------------------ with an identity (hub) account
IDENTITY, WORKLOAD = "666600000001", "333300000001"


def _issued_by(role_arn: str) -> dict:
    """A role session of ``role_arn`` (same account as the role it assumes)."""
    account = role_arn.split(":")[4]
    return {
        "type": "AssumedRole",
        "principalId": "AROACKCEVSQ6C2EXAMPLE:alice@example.com",
        "arn": f"arn:aws:sts::{account}:assumed-role/{role_arn.rsplit('/', 1)[1]}/alice@example.com",
        "accountId": account,
        "sessionContext": {"sessionIssuer": {"type": "Role", "arn": role_arn, "accountId": account}},
    }


@pytest.fixture(scope="module")
def hub_rules():
    """Account id -> the sensitive-role patterns of the hub fixture with detection, the admin
    persona also reaching the identity account ("management" for the management account)."""
    import yaml

    from iam_baseline.config import parse_config
    from iam_baseline.config.hub import member_hub_part
    from iam_baseline.config.member_config import member_baseline_config
    from iam_baseline.config.stackset_groups import group_of_account
    from template_tools import FIXTURES

    data = yaml.safe_load((FIXTURES / "hub-and-spoke.yaml").read_text())
    data["detection"] = {}
    data["roles"]["admin"]["reach"]["ous"].append("Identity")
    config = parse_config(yaml.safe_dump(data), "hub.yaml", folder=FIXTURES)
    found = {"management": {r.id: r.pattern for r in detection_rules(config)}}
    for account in (IDENTITY, WORKLOAD):
        group = group_of_account(config)[account]  # the identity account's: its own stack (IdentityAccount)
        member = member_baseline_config(config, group.variant, group.machine_roles, identity=group.identity)
        hub = member_hub_part(config, group.personas, group.identity)
        found[account] = {r.id: r.pattern for r in detection_rules(member, hub)}
    return found


def test_hub_member_role_expects_the_identity_account_only(hub_rules):
    pattern = hub_rules[WORKLOAD]["SensitiveRoleOutsiderAdmin"]
    assert matches(pattern, _assume(_cross_account(IDENTITY), "Admin")) is False
    assert matches(pattern, _assume(_cross_account(VENDOR), "Admin")) is True
    assert matches(pattern, _assume(iam_user_identity("alice.admin"), "Admin")) is True  # nobody lives here


def test_identity_account_role_expects_its_users_and_saml_roles(hub_rules):
    pattern = hub_rules[IDENTITY]["SensitiveRoleOutsiderAdmin"]
    saml_admin = f"arn:aws:iam::{IDENTITY}:role/baseline/FederatedAdmin"
    user = iam_user_identity("alice.admin") | {"arn": f"arn:aws:iam::{IDENTITY}:user/baseline/alice.admin"}
    other_user = iam_user_identity("bob.developer") | {"arn": f"arn:aws:iam::{IDENTITY}:user/baseline/bob.developer"}
    assert matches(pattern, _assume(user, "Admin")) is False
    assert matches(pattern, _assume(_issued_by(saml_admin), "Admin")) is False
    assert matches(pattern, _assume(other_user, "Admin")) is True
    assert matches(pattern, _assume(_issued_by(f"arn:aws:iam::{IDENTITY}:role/baseline/FederatedReadOnly"), "Admin")) is True
    assert matches(pattern, _assume(_cross_account(WORKLOAD), "Admin")) is True


def test_hub_management_account_holds_no_expected_users(hub_rules):
    """The people moved to the identity account: the management account's Admin role expects nobody."""
    pattern = hub_rules["management"]["SensitiveRoleOutsiderAdmin"]
    assert matches(pattern, _assume(iam_user_identity("alice.admin"), "Admin")) is True


def test_not_reaching_personas_have_no_member_alert(hub_rules):
    # read_only reaches every account but is not sensitive; developer does not reach the identity account.
    # The identity account also holds the SAML role of the admin persona.
    assert [r for r in hub_rules[IDENTITY] if r.startswith("SensitiveRole")] == [
        "SensitiveRoleOutsiderAdmin", "SensitiveRoleOutsiderFederatedAdmin",
    ]


def test_saml_roles_alert_in_the_identity_account_only(hub_rules):
    """The SAML roles live in the identity account, trusting its own provider; the management
    account (people moved out) and the workload accounts have no SAML role to watch."""
    assert "SensitiveRoleOutsiderFederatedAdmin" not in hub_rules["management"]
    assert "SensitiveRoleOutsiderFederatedAdmin" not in hub_rules[WORKLOAD]
    pattern = hub_rules[IDENTITY]["SensitiveRoleOutsiderFederatedAdmin"]
    own = _saml("FederatedAdmin", f"arn:aws:iam::{IDENTITY}:saml-provider/ExampleIdP")
    assert matches(pattern, own) is False
    assert matches(pattern, _saml("FederatedAdmin", f"arn:aws:iam::{IDENTITY}:saml-provider/RogueIdP")) is True


def test_a_saml_role_of_several_providers_alerts_on_any_other_provider(variant):
    """Two providers: a SAML caller through either is expected, through a third provider alerts
    (anything-but suffix with the list; before, the SAML branch was dropped and a rogue provider
    went unseen); the other kinds of caller still alert."""
    from iam_baseline.config.sensitive_roles import SensitiveRole
    from iam_baseline.detection.role_alerts import sensitive_role_outsider_pattern

    role = SensitiveRole("admin", "FederatedAdmin", (), (), expected_saml_providers=(RECORDED, ":saml-provider/Other"))
    pattern = sensitive_role_outsider_pattern(variant, role)
    saml = next(b for b in pattern["detail"]["$or"] if b["userIdentity"]["type"] == ["SAMLUser"])
    assert saml["requestParameters"] == {"principalArn": [{"anything-but": {"suffix": [RECORDED, ":saml-provider/Other"]}}]}
    assert matches(pattern, _saml("FederatedAdmin", f"arn:aws:iam::{ACCOUNT}:saml-provider/RogueIdP")) is True
    assert matches(pattern, _saml("FederatedAdmin", f"arn:aws:iam::{ACCOUNT}:saml-provider/Other")) is False
    assert matches(pattern, _saml("FederatedAdmin")) is False
    assert matches(pattern, _web_identity("FederatedAdmin")) is True
    assert matches(pattern, _assume(iam_user_identity("alice.admin"), "FederatedAdmin")) is True
    # One provider keeps its one-string form (an unchanged template), with the same verdicts.
    one = SensitiveRole("admin", "FederatedAdmin", (), (), expected_saml_providers=(RECORDED,))
    single = sensitive_role_outsider_pattern(variant, one)
    assert {"anything-but": {"suffix": RECORDED}} in json.loads(json.dumps(single))["detail"]["$or"][3]["requestParameters"]["principalArn"]
    assert matches(single, _saml("FederatedAdmin", f"arn:aws:iam::{ACCOUNT}:saml-provider/Other")) is True
    assert matches(single, _saml("FederatedAdmin")) is False
