"""Every quota of iam_baseline.quotas.limits: one over the limit gets the exact error, the same
object at the limit passes (the negative control).

Each test builds a small stack of CloudFormation resources by hand (no synth, no nag): the
check reads resolved properties, so the resources are what any config would make synth build.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iam_baseline.config.quotas import QuotasConfig
from iam_baseline.federation.policy_size import policy_length
from iam_baseline.quotas import ALL_QUOTAS, QuotaError, check_quotas, markdown_table
from iam_baseline.quotas import limits as q

IAM_PAGE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
IDC_PAGE = "https://docs.aws.amazon.com/singlesignon/latest/userguide/limits.html"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}],
}


def stack():
    from aws_cdk import App, Stack

    return Stack(App(), "Q", env={"account": "111122223333", "region": "eu-west-1"})


def document(length: int) -> dict:
    """A policy of exactly ``length`` characters as IAM counts them (no white space)."""
    base = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::"}]}
    pad = length - policy_length(base)
    base["Statement"][0]["Resource"] += "b" * pad
    assert policy_length(base) == length
    return base


def managed(count: int) -> list[str]:
    return [f"arn:aws:iam::aws:policy/Policy{i:02d}" for i in range(count)]


def error_of(scope, quotas: QuotasConfig | None = None) -> str:
    with pytest.raises(QuotaError) as info:
        check_quotas(scope, quotas or QuotasConfig(), where=lambda path: f"<{path}>")
    (violation,) = info.value.violations  # exactly one quota is exceeded
    return str(info.value)


def passes(scope, quotas: QuotasConfig | None = None) -> dict[str, int]:
    return check_quotas(scope, quotas or QuotasConfig())


def role(scope, count: int = 0, inline: int | None = None, name: str = "R", path: str = "/", trust=TRUST):
    from aws_cdk import aws_iam as iam

    policies = [iam.CfnRole.PolicyProperty(policy_name="p", policy_document=document(inline))] if inline else None
    return iam.CfnRole(scope, f"Role{name}", role_name=name, path=path, assume_role_policy_document=trust,
                       managed_policy_arns=managed(count) or None, policies=policies)


# ----------------------------------------------------------------- managed policies attached
@pytest.mark.parametrize(("quotas", "limit"), [(None, 10), (QuotasConfig(managed_policies_per_role=20), 20)])
def test_managed_policies_per_role(quotas, limit):
    over = stack()
    role(over, limit + 1)
    assert error_of(over, quotas) == (
        "1 IAM quota exceeded; nothing was deployed:\n"
        f"  - <Q/RoleR>: role R has {limit + 1} managed policies attached, 1 over the quota of {limit}; "
        f'quota "Managed policies attached to an IAM role" '
        f"({'the account' + chr(39) + 's value' if limit == 20 else 'IAM' + chr(39) + 's default 10'}; raise it in "
        f"Service Quotas up to 20 and state it in quotas.managed_policies_per_role; {IAM_PAGE})"
    )
    at = stack()
    role(at, limit)
    assert passes(at, quotas)["Managed policies attached to an IAM role: role R"] == limit


def test_a_managed_policy_attached_through_its_roles_counts():
    """``AWS::IAM::ManagedPolicy`` with ``Roles`` attaches too: 9 ARNs + 2 policies naming the role."""
    from aws_cdk import aws_iam as iam

    over = stack()
    r = role(over, 9)
    for i in range(2):
        iam.CfnManagedPolicy(over, f"MP{i}", policy_document=document(200), roles=[r.ref])
    assert "role R has 11 managed policies attached, 1 over the quota of 10" in error_of(over)


@pytest.mark.parametrize(("quotas", "limit"), [(None, 10), (QuotasConfig(managed_policies_per_user=20), 20)])
def test_managed_policies_per_user(quotas, limit):
    from aws_cdk import aws_iam as iam

    over, at = stack(), stack()
    iam.CfnUser(over, "U", user_name="alice", managed_policy_arns=managed(limit + 1))
    iam.CfnUser(at, "U", user_name="alice", managed_policy_arns=managed(limit))
    assert f"  - <Q/U>: user alice has {limit + 1} managed policies attached, 1 over the quota of {limit}; " \
           'quota "Managed policies attached to an IAM user"' in error_of(over, quotas)
    assert passes(at, quotas)["Managed policies attached to an IAM user: user alice"] == limit


def test_managed_policies_per_group_is_fixed():
    """10, whatever the role and user quotas say."""
    from aws_cdk import aws_iam as iam

    raised = QuotasConfig(managed_policies_per_role=20, managed_policies_per_user=20)
    over, at = stack(), stack()
    iam.CfnGroup(over, "G", group_name="Data", managed_policy_arns=managed(11))
    iam.CfnGroup(at, "G", group_name="Data", managed_policy_arns=managed(10))
    assert error_of(over, raised).endswith(
        "  - <Q/G>: group Data has 11 managed policies attached, 1 over the quota of 10; "
        f'quota "Managed policies attached to an IAM group" (fixed; {IAM_PAGE})'
    )
    assert passes(at, raised)["Managed policies attached to an IAM group: group Data"] == 10


def test_groups_per_user():
    from aws_cdk import aws_iam as iam

    def user_in(scope, count):
        groups = [iam.CfnGroup(scope, f"G{i}", group_name=f"G{i}") for i in range(count)]
        user = iam.CfnUser(scope, "U", user_name="alice", groups=[g.ref for g in groups[:5]])
        # The rest through AWS::IAM::UserToGroupAddition, as a group's add_user does.
        for g in groups[5:]:
            iam.CfnUserToGroupAddition(scope, f"Add{g.node.id}", group_name=g.ref, users=[user.ref])

    over, at = stack(), stack()
    user_in(over, 11)
    user_in(at, 10)
    assert "  - <Q/U>: user alice is a member of 11 groups, 1 over the quota of 10; " \
           f'quota "IAM groups an IAM user can be a member of" (fixed; {IAM_PAGE})' in error_of(over)
    assert passes(at)["IAM groups an IAM user can be a member of: user alice"] == 10


# ----------------------------------------------------------------- inline policy sizes
@pytest.mark.parametrize(("kind", "limit"), [("role", 10240), ("user", 2048), ("group", 5120)])
def test_inline_policy_size_per_identity(kind, limit):
    """The quota is on all inline policies of the identity together: ``Policies`` plus each
    ``AWS::IAM::Policy`` naming it."""
    from aws_cdk import aws_iam as iam

    def build(scope, total):
        first = total - 1000
        if kind == "role":
            identity = role(scope, inline=first)
        elif kind == "user":
            identity = iam.CfnUser(scope, "UserR", user_name="R", policies=[iam.CfnUser.PolicyProperty(policy_name="p", policy_document=document(first))])
        else:
            identity = iam.CfnGroup(scope, "GroupR", group_name="R", policies=[iam.CfnGroup.PolicyProperty(policy_name="p", policy_document=document(first))])
        iam.CfnPolicy(scope, "Extra", policy_name="extra", policy_document=document(1000), **{f"{kind}s": [identity.ref]})

    over, at = stack(), stack()
    build(over, limit + 1)
    build(at, limit)
    title = {"role": "Role", "user": "User", "group": "Group"}[kind]
    assert (
        f"  - <Q/{title}R>: the inline policies of {kind} R is {limit + 1} characters (whitespace excluded), "
        f'1 over the quota of {limit}; quota "{title} policy size (all inline policies of a {kind})" (fixed; {IAM_PAGE})'
    ) in error_of(over)
    assert passes(at)[f"{title} policy size (all inline policies of a {kind}): the inline policies of {kind} R"] == limit


def test_managed_policy_size():
    from aws_cdk import aws_iam as iam

    over, at = stack(), stack()
    iam.CfnManagedPolicy(over, "MP", managed_policy_name="Big", policy_document=document(6145))
    iam.CfnManagedPolicy(at, "MP", managed_policy_name="Big", policy_document=document(6144))
    assert "  - <Q/MP>: managed policy Big is 6145 characters (whitespace excluded), 1 over the quota of 6144; " \
           f'quota "Managed policy length" (fixed; {IAM_PAGE})' in error_of(over)
    assert passes(at)["Managed policy length: managed policy Big"] == 6144


def test_a_policy_within_ten_percent_of_its_quota_is_a_warning():
    """From 90% of the quota up to the quota itself: one warning per config key and policy
    (the largest figure where several stacks deploy it), with the figure, the share and what
    is left; below 90% (the negative control) and over the quota (an error) none."""
    from aws_cdk import App, Stack
    from aws_cdk import aws_iam as iam

    app = App()
    for name, length in (("A", 5530), ("B", 5600)):  # two member stacks of one config key
        iam.CfnManagedPolicy(Stack(app, name), "MP", managed_policy_name="Boundary", policy_document=document(length))
    iam.CfnManagedPolicy(Stack(app, "C"), "MP", managed_policy_name="Small", policy_document=document(5529))
    iam.CfnManagedPolicy(Stack(app, "D"), "MP", managed_policy_name="Full", policy_document=document(6144))
    warnings: list[str] = []
    keys = {"A": "roles.developer", "B": "roles.developer", "C": "policies.Small", "D": "policies.Full"}
    check_quotas(app, QuotasConfig(), where=lambda path: keys[path.split("/")[0]], warn=warnings.append)
    assert warnings == [
        "roles.developer: managed policy Boundary is 5,600 characters (whitespace excluded), 91% of the quota of "
        f'6,144 (544 left); quota "Managed policy length" (fixed; {IAM_PAGE})',
        "policies.Full: managed policy Full is 6,144 characters (whitespace excluded), 100% of the quota of "
        f'6,144 (0 left); quota "Managed policy length" (fixed; {IAM_PAGE})',
    ]


@pytest.mark.parametrize("in_stackset", [True, False])
def test_a_stackset_member_is_measured_with_its_stack_instances_name(in_stackset):
    """CloudFormation names a StackSet's stack instances ``StackSet-<StackSet name>-<UUID>``:
    a member policy holding ``AWS::StackName`` is measured with that name, not with the
    shorter name of the stage's stack (the control: a stage stack of no StackSet keeps it)."""
    from aws_cdk import App, Aws, Stack, Stage
    from aws_cdk import aws_iam as iam
    from iam_baseline.config.organization import StackSetRolloutConfig
    from iam_baseline.organization import ServiceManagedStackSet

    app = App()
    member = Stack(Stage(app, "Member"), "Baseline")
    statement = {"Effect": "Deny", "Action": "lambda:*", "Resource": f"arn:aws:lambda:*:111122223333:function:{Aws.STACK_NAME}*"}
    iam.CfnManagedPolicy(member, "MP", managed_policy_name="P", policy_document={"Version": "2012-10-17", "Statement": [statement]})
    if in_stackset:
        ServiceManagedStackSet(Stack(app, "Rollout"), "Set", stack_set_name="IamBaseline-workloads-381f781b", template=member,
                               organizational_unit_ids=["ou-a1b2-w0rk1oad"], region="eu-west-1",
                               rollout=StackSetRolloutConfig(), delegated_admin=False)
    name = "StackSet-IamBaseline-workloads-381f781b-00000000-0000-0000-0000-000000000000" if in_stackset else "Member-Baseline"
    deployed = {**statement, "Resource": f"arn:aws:lambda:*:111122223333:function:{name}*"}
    expected = policy_length({"Version": "2012-10-17", "Statement": [deployed]})
    assert passes(app)["Managed policy length: managed policy P"] == expected


def _trust(length: int) -> dict:
    trust = json.loads(json.dumps(TRUST))
    trust["Statement"][0]["Sid"] = ""
    trust["Statement"][0]["Sid"] = "S" * (length - policy_length(trust))
    assert policy_length(trust) == length
    return trust


@pytest.mark.parametrize(("quotas", "limit"), [(None, 2048), (QuotasConfig(role_trust_policy_length=4096), 4096)])
def test_trust_policy_size(quotas, limit):
    over, at = stack(), stack()
    role(over, trust=_trust(limit + 1))
    role(at, trust=_trust(limit))
    assert f"  - <Q/RoleR>: trust policy of role R is {limit + 1} characters (whitespace excluded), 1 over the " \
           f'quota of {limit}; quota "Role trust policy length"' in error_of(over, quotas)
    assert passes(at, quotas)["Role trust policy length: trust policy of role R"] == limit


# ----------------------------------------------------------------- permission sets
def permission_set(scope, *, inline: int | None = None, aws_managed: int = 0, customer: int = 0, name: str = "Data"):
    from aws_cdk import aws_sso as sso

    return sso.CfnPermissionSet(
        scope, "PS", instance_arn="arn:aws:sso:::instance/ssoins-1234567890abcdef", name=name,
        inline_policy=document(inline) if inline else None,
        managed_policies=managed(aws_managed) or None,
        customer_managed_policy_references=[
            sso.CfnPermissionSet.CustomerManagedPolicyReferenceProperty(name=f"Team{i}") for i in range(customer)
        ] or None,
    )


def test_permission_set_inline_policy_size():
    over, at = stack(), stack()
    permission_set(over, inline=10241)
    permission_set(at, inline=10240)
    assert "  - <Q/PS>: the inline policy of permission set Data is 10241 characters (whitespace excluded), 1 over " \
           f'the quota of 10240; quota "Maximum size of inline policy per permission set" (fixed; {IDC_PAGE})' in error_of(over)
    assert passes(at)["Maximum size of inline policy per permission set: the inline policy of permission set Data"] == 10240


def test_permission_set_managed_policies_follow_the_role_quota_of_the_accounts():
    """AWS managed and customer managed together: 20 in Identity Center, but the role quota of
    the member accounts (10 unless raised) binds first."""
    over, at = stack(), stack()
    permission_set(over, aws_managed=6, customer=5)
    permission_set(at, aws_managed=6, customer=4)
    assert "  - <Q/PS>: permission set Data has 11 managed policies attached, 1 over the quota of 10; " \
           'quota "Managed policies attached to an IAM role"' in error_of(over)
    assert passes(at)["Managed policies attached to an IAM role: permission set Data"] == 10
    raised = QuotasConfig(managed_policies_per_role=20)
    over, at = stack(), stack()
    permission_set(over, aws_managed=11, customer=10)
    permission_set(at, aws_managed=10, customer=10)
    assert "permission set Data has 21 managed policies attached, 1 over the quota of 20; quota " \
           f'"Number of AWS managed and customer managed policies per permission set" (fixed; {IDC_PAGE})' in error_of(over, raised)
    assert passes(at, raised)


# ----------------------------------------------------------------- names and paths
def _named(kind: str, scope, name: str):
    from aws_cdk import aws_iam as iam

    if kind == "role":
        return role(scope, name=name)
    if kind == "user":
        return iam.CfnUser(scope, "UserR", user_name=name)
    if kind == "group":
        return iam.CfnGroup(scope, "GroupR", group_name=name)
    if kind == "managed policy":
        return iam.CfnManagedPolicy(scope, "MP", managed_policy_name=name, policy_document=document(200))
    if kind == "inline policy":
        return iam.CfnPolicy(scope, "P", policy_name=name, policy_document=document(200), roles=["SomeRole"])
    if kind == "SAML provider":
        return iam.CfnSAMLProvider(scope, "Saml", name=name, saml_metadata_document="<md/>")
    return permission_set(scope, name=name)


@pytest.mark.parametrize(
    ("kind", "quota"),
    [("role", q.ROLE_NAME), ("user", q.USER_NAME), ("group", q.GROUP_NAME), ("managed policy", q.POLICY_NAME),
     ("inline policy", q.POLICY_NAME), ("SAML provider", q.SAML_PROVIDER_NAME), ("permission set", q.PERMISSION_SET_NAME)],
)
def test_name_length_and_characters(kind, quota):
    limit = quota.default
    long, at, bad = stack(), stack(), stack()
    _named(kind, long, "n" * (limit + 1))
    _named(kind, at, "n" * limit)
    _named(kind, bad, "data team")
    assert f"{kind} name {'n' * (limit + 1)!r} is {limit + 1} characters long, 1 over the quota of {limit}; " \
           f'quota "{quota.name}" (fixed; {quota.source})' in error_of(long)
    assert f"{kind} name 'data team' holds characters IAM refuses (' '); allowed: {quota.allowed}" in error_of(bad)
    passes(at)


def test_path_length_and_shape():
    long, at, bad = stack(), stack(), stack()
    role(long, path="/" + "p" * 511 + "/")
    role(at, path="/" + "p" * 510 + "/")
    role(bad, path="/team")
    assert "path of role R '/ppp" in error_of(long)
    assert "is 513 characters long, 1 over the quota of 512" in error_of(long)
    assert "path of role R '/team' does not begin and end with '/'" in error_of(bad)
    passes(at)


# ----------------------------------------------------------------- the table and the app
def test_the_readme_lists_every_quota():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert markdown_table() in readme, "README.md: paste the output of iam_baseline.quotas.markdown_table()"
    assert len(ALL_QUOTAS) == 19


def test_synth_refuses_a_quota_with_the_yaml_key_and_line(tmp_path, monkeypatch, capsys):
    """Through app.py: ten long break-glass principals overflow the trust policy; the message
    names break_glass in the file, with its line, the figure, the limit and the page."""
    import yaml

    import app
    from template_tools import break_glass_role_data

    data = break_glass_role_data(10)
    data.pop("federation", None)
    data.pop("access_matrix", None)
    config = tmp_path / "quota.yaml"
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    line = next(i for i, text in enumerate(config.read_text().splitlines(), 1) if text.startswith("break_glass:"))
    monkeypatch.setenv("CDK_CONTEXT_JSON", json.dumps({"config": str(config)}))
    assert app.main([]) == 2
    err = capsys.readouterr().err
    assert f"  - break_glass ({config}, line {line}): trust policy of role BreakGlassAdmin is " in err
    assert 'over the quota of 2048; quota "Role trust policy length" (IAM\'s default 2048; raise it in Service ' \
           f"Quotas up to 4096 and state it in quotas.role_trust_policy_length; {IAM_PAGE})" in err


#: 21 AWS managed policies of the pinned copy (read-only and job-function ones).
MANY_POLICIES = [
    "ReadOnlyAccess", "SecurityAudit", "job-function/ViewOnlyAccess", "AmazonS3ReadOnlyAccess",
    "AmazonEC2ReadOnlyAccess", "CloudWatchReadOnlyAccess", "AWSSupportAccess", "IAMReadOnlyAccess",
    "AmazonDynamoDBReadOnlyAccess", "AmazonRDSReadOnlyAccess", "AmazonSQSReadOnlyAccess", "AmazonSNSReadOnlyAccess",
    "AWSLambda_ReadOnlyAccess", "AmazonVPCReadOnlyAccess", "AWSCloudTrail_ReadOnlyAccess", "AmazonRoute53ReadOnlyAccess",
    "AmazonEventBridgeReadOnlyAccess", "AWSCloudFormationReadOnlyAccess", "AmazonKinesisReadOnlyAccess",
    "AmazonElastiCacheReadOnlyAccess", "AmazonRedshiftReadOnlyAccess",
]


@pytest.mark.parametrize(("count", "raised", "over"), [(11, None, 1), (21, 20, 1), (20, 20, 0)])
def test_a_persona_with_too_many_policies_is_refused_at_its_config_key(count, raised, over):
    """A persona of the config (issue 11): its MFA role with 11 managed policies at IAM's
    default, 21 at the raised maximum, is refused at ``personas.wide``; 20 at 20 passes."""
    from app import build_app
    from template_tools import config_from_data, default_config_data

    data = default_config_data()
    data.pop("federation", None)
    data["personas"] = {"wide": {"name": "Wide", "aws_managed_policies": MANY_POLICIES[:count]}}
    if raised:
        data["quotas"] = {"managed_policies_per_role": raised}
    config = config_from_data(data, "wide.yaml")
    if not over:
        build_app(config, context={}, nag=False)
        return
    with pytest.raises(QuotaError) as info:
        build_app(config, context={}, nag=False)
    assert [str(v.problem()) for v in info.value.violations] == [
        f"role Wide has {count} managed policies attached, 1 over the quota of {raised or 10}"
    ]
    assert f"  - personas.wide: role Wide has {count} managed policies" in str(info.value)


# ----------------------------------------------------------------- EventBridge event patterns
def test_an_event_pattern_over_2048_characters_is_refused_at_the_config_key_it_lists(tmp_path):
    """The IAM-change alert lists the baseline's user names: with enough users its pattern passes
    EventBridge's "Event pattern size" (2,048 characters, Amazon EventBridge User Guide, "Amazon
    EventBridge quotas"), which PutRule would refuse at deployment. The check names ``users`` and
    its line; the same config with fewer users passes (the negative control)."""
    import yaml

    from iam_baseline.config import load_config
    from iam_baseline.config.provenance import where
    from iam_baseline.detection import DetectionEventRules, detection_rules, forward_to_bus
    from template_tools import FIXTURES

    import shutil

    for folder in ("saml", "policies"):  # the fixture's relative paths (symbolic links are refused)
        shutil.copytree(FIXTURES / folder, tmp_path / folder)

    def built(users: int):
        data = yaml.safe_load((FIXTURES / "baseline.yaml").read_text())
        data["users"] += [{"name": f"user{i:02d}.{'x' * 40}", "groups": ["read_only"]} for i in range(users)]
        path = tmp_path / f"users{users}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        config = load_config(path)
        scope = stack()
        bus = "arn:aws:events:eu-west-1:111122223333:event-bus/default"
        DetectionEventRules(scope, "Rules", rules=detection_rules(config), target=forward_to_bus(scope, bus_arn=bus),
                            description_prefix="Forward")
        return scope, config, str(path)

    over, config, source = built(20)
    with pytest.raises(QuotaError) as info:
        check_quotas(over, config.quotas, where=lambda path: where(path, source))
    (violation,) = info.value.violations
    assert violation.quota is q.EVENT_PATTERN_SIZE and violation.figure > 2048
    line = Path(source).read_text().splitlines().index("users:") + 1
    # The first line names the service of the quota: EventBridge's, not IAM's.
    assert str(info.value) == (
        "1 EventBridge quota exceeded; nothing was deployed:\n"
        f"  - users ({source}, line {line}): the event pattern of rule IamPolicyChange is {violation.figure} characters "
        f"(compact JSON), {violation.figure - 2048} over the quota of 2048; quota \"Event pattern size\" (EventBridge's "
        "default, which every account has; raising it in Service Quotas is not read by the check; "
        "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html)"
    )
    at, config, _ = built(5)
    sizes = check_quotas(at, config.quotas)
    assert 1000 < sizes["Event pattern size: the event pattern of rule IamPolicyChange"] <= 2048


def test_the_first_line_names_every_service_whose_quota_is_exceeded():
    """An IAM quota and an EventBridge quota exceeded together: one line names both services,
    counts the violations, and lists each under its own quota's page."""
    from aws_cdk import aws_events as events

    over = stack()
    role(over, 11)
    events.CfnRule(over, "Wide", event_pattern={"detail": {"userName": ["u" * 40 + str(i) for i in range(60)]}})
    with pytest.raises(QuotaError) as info:
        check_quotas(over, QuotasConfig(), where=lambda path: f"<{path}>")
    first, *lines = str(info.value).splitlines()
    assert first == "2 IAM and EventBridge quotas exceeded; nothing was deployed:"
    assert sorted(v.quota.service for v in info.value.violations) == ["EventBridge", "IAM"]
    assert sum(IAM_PAGE in line for line in lines) == 1 and sum("eb-quota.html" in line for line in lines) == 1
    assert [q.service for q in (q.ROLE_NAME, q.EVENT_PATTERN_SIZE, q.PERMISSION_SET_NAME)] == [
        "IAM", "EventBridge", "IAM Identity Center"]
