"""Targeting (`accounts:`, `ous:`, `exclude:`): names resolved against the declared organization,
unknown names refused with the nearest, and SCPs with `exclude` attached per account so that the
excluded accounts are really spared (read back through the analysis' SCP levels)."""

from __future__ import annotations

import json

import pytest
from organization_helpers import config_error, example_data, parse


@pytest.fixture(scope="module")
def directory():
    return parse(example_data()).organization.directory


def _targets(**kwargs):
    from iam_baseline.config.targeting import Targets

    return Targets.model_validate_json(json.dumps(kwargs))


def test_ous_accounts_and_exclude_resolve_to_member_accounts(directory):
    prod = ("333300000001", "333300000002", "333300000003", "333300000004", "333300000005", "333300000006")
    assert directory.resolve(_targets(ous=["Workloads/Prod"])) == prod
    assert directory.resolve(_targets(ous=["Workloads"], exclude=["Workloads/Dev", "payments-prod"])) == prod[1:]
    every = directory.resolve(_targets(ous=["root"]))
    assert len(every) == 20 and "111111111111" not in every  # the management account is never a member
    assert directory.resolve(_targets(accounts=["audit", "555500000002"])) == ("222200000003", "555500000002")


@pytest.mark.parametrize(
    ("targets", "where", "message"),
    [
        ({"accounts": ["payment-prod"]}, ("accounts", 0), "unknown account 'payment-prod'; nearest: 'payments-prod'"),
        ({"ous": ["Workloads/Production"]}, ("ous", 0), "unknown OU 'Workloads/Production'; nearest: 'Workloads/Prod'"),
        ({"ous": ["root"], "exclude": ["sandbox-alic"]}, ("exclude", 0), "unknown account or OU 'sandbox-alic'; nearest: 'sandbox-alice'"),
        ({"accounts": ["999999999999"]}, ("accounts", 0), "account 999999999999 is not a member account of any declared OU"),
        ({"ous": ["Sandbox"], "exclude": ["Sandbox"]}, (), "these targets reach no member account"),
    ],
)
def test_unknown_names_are_refused_with_the_nearest(directory, targets, where, message):
    from iam_baseline.config.types import ItemError

    with pytest.raises(ItemError) as info:
        directory.resolve(_targets(**targets))
    assert info.value.where == where and message in str(info.value)


def test_a_shared_account_name_must_be_given_by_id():
    from iam_baseline.config.types import ItemError

    data = example_data()
    data["organization"]["organizational_units"][4]["accounts"][1]["name"] = "sandbox-alice"
    directory = parse(data).organization.directory
    with pytest.raises(ItemError, match=r"shared by \['555500000001', '555500000002'\]: name the account by its id"):
        directory.resolve(_targets(accounts=["sandbox-alice"]))


def test_an_scp_target_name_is_checked_at_load_with_its_yaml_path():
    data = example_data()
    data["organization"]["service_control_policies"]["deny_iam_users"] = {"targets": ["Workloads"], "exclude": ["payments-prd"]}
    message = config_error(data)
    assert "organization.service_control_policies.deny_iam_users.exclude[0] (line" in message
    assert "unknown account or OU 'payments-prd'; nearest: 'payments-prod'" in message
    data = example_data()
    data["organization"]["service_control_policies"]["custom"] = []
    data["organization"]["service_control_policies"]["deny_iam_users"] = {"targets": ["Sandbox"], "accounts": ["log-archiv"]}
    assert "deny_iam_users.accounts[0]" in config_error(data) and "nearest: 'log-archive'" in config_error(data)


def _levels(data):
    """SCP levels of every member account, from the policies the guard rail stack would create."""
    from iam_baseline.analysis.model.organization_policies import POLICY_TYPE, organization_policies
    from stacks.organization_guardrails import policy_specs

    config = parse(data)
    ids = {ou.path: ou.id for ou in config.organization.organizational_units} | {"root": config.organization.root_id}
    resources = {
        spec.name: {
            "Type": POLICY_TYPE,
            "Properties": {"Name": spec.name, "Type": spec.type.value, "Content": dict(spec.document),
                           "TargetIds": [ids.get(t, t) for t in spec.targets]},
        }
        for spec in policy_specs(config)
    }
    return organization_policies([{"Resources": resources}], config).scp_levels


def _denies_create_user(levels) -> bool:
    from iam_baseline.analysis.engine.evaluator import Outcome, evaluate
    from iam_baseline.analysis.engine.policy import Policy, PolicyKind
    from iam_baseline.analysis.engine.request import Request, RequestPrincipal

    admin = Policy.from_document("admin", {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}, PolicyKind.IDENTITY)
    request = Request(
        principal=RequestPrincipal(
            "arn:aws:sts::333300000001:assumed-role/ops/s", "333300000001", "role_session", "arn:aws:iam::333300000001:role/ops"
        ),
        action="iam:CreateUser",
        resource="arn:aws:iam::333300000001:user/svc",
    )
    return evaluate(request, identity=[admin], scps=levels).outcome is Outcome.EXPLICIT_DENY


def test_an_scp_with_exclude_is_attached_per_account_and_spares_the_excluded():
    data = example_data()
    data["organization"]["service_control_policies"]["deny_iam_users"] = {
        "targets": ["Workloads"], "exclude": ["payments-prod", "Workloads/Dev"]
    }
    levels = _levels(data)
    assert not _denies_create_user(levels["333300000001"])  # excluded by name
    assert not _denies_create_user(levels["444400000001"])  # excluded with its OU
    assert _denies_create_user(levels["333300000002"])  # the rest of Workloads/Prod keeps the guard rail
    # Negative control: without the exclusion the OU attachment reaches payments-prod too.
    data["organization"]["service_control_policies"]["deny_iam_users"] = {"targets": ["Workloads"]}
    assert _denies_create_user(_levels(data)["333300000001"])


@pytest.mark.parametrize(("index", "targets", "spot"), [
    (0, {"ous": ["root"], "exclude": ["Sandbx"]}, "machine_roles[0].targets.exclude[0]"),
    (1, {"ous": ["Workload"]}, "machine_roles[1].targets.ous[0]"),
])
def test_a_machine_role_target_typo_is_refused_at_its_own_key(index, targets, spot):
    """The policy-targets check resolves machine and service role targets too: a typo there is
    refused at the role's own key and line, not at the list key alone (which named line 27)."""
    import yaml
    from organization_helpers import HUB

    data = yaml.safe_load(HUB.read_text())
    data["machine_roles"][index]["targets"] = targets
    data["policies"]["ReportsRead"]["targets"] = {"ous": ["Workloads"]}  # a targeted policy: the check runs
    message = config_error(data, folder=HUB.parent)
    assert f"{spot} (line" in message, message
    assert "nearest: 'Sandbox'" in message or "nearest: 'Workloads'" in message, message
