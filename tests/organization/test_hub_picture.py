"""The picture of who reaches which member account (analysis/outputs/org_reach.py, hub_picture.py).

A small organization assembly written by hand (one StackSet, four member roles, an identity
account with a SAML role) checks every hop and every edge exactly; each gate has a negative
control (the same assembly with the condition removed draws another label). The hub-and-spoke
example checks the issue's property (a hop without MFA is a declared machine role) and that
docs/hub-and-spoke.dot is current (``make hub-picture``).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from iam_baseline.analysis.outputs.hub_picture import dot_source
from iam_baseline.analysis.outputs.org_reach import CallerKind, Directory, Gate, member_hops

ROOT = Path(__file__).resolve().parents[2]
IDENTITY, PROD_A, PROD_B, LEGACY, VENDOR, TOOLING = (
    "111111111111", "222222222222", "333333333333", "444444444444", "999988887777", "555555555555")
DIRECTORY = Directory(
    ous=(("Workloads", "ou-aaaa-11111111"), ("Workloads/Prod", "ou-aaaa-22222222"), ("Security", "ou-aaaa-33333333")),
    accounts=(("prod-a", PROD_A, "Workloads/Prod"), ("prod-b", PROD_B, "Workloads/Prod"),
              ("legacy", LEGACY, "Workloads"), ("tooling", TOOLING, "Security")),
    management=IDENTITY,
)
ROOT_OF = {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", IDENTITY, ":root"]]}


def _role(name: str, *statements: dict) -> dict:
    return {"Type": "AWS::IAM::Role", "Properties": {
        "RoleName": name, "Path": "/baseline/",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": list(statements)}}}


def _assume(principal: object, **condition: dict) -> dict:
    statement = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": principal}}
    return {**statement, "Condition": condition} if condition else statement


MEMBER = {"Resources": {
    "Admin": _role("Admin", _assume(ROOT_OF, ArnEquals={"aws:PrincipalArn": [
        f"arn:aws:iam::{IDENTITY}:user/alice", f"arn:aws:iam::{IDENTITY}:user/bob"]},
        Bool={"aws:MultiFactorAuthPresent": "true"}, NumericLessThan={"aws:MultiFactorAuthAge": "3600"})),
    "ReadOnly": _role("ReadOnly", _assume(ROOT_OF, ArnEquals={"aws:PrincipalArn": f"arn:aws:iam::{IDENTITY}:role/baseline/FederatedReader"})),
    "Scanner": _role("Scanner", _assume(f"arn:aws:iam::{VENDOR}:root", StringEquals={"sts:ExternalId": "vendor-7f3c"})),
    "Collector": _role("Collector", _assume(f"arn:aws:iam::{TOOLING}:root",
                                            ArnEquals={"aws:PrincipalArn": f"arn:aws:iam::{TOOLING}:role/Collector"})),
    "Handler": _role("Handler", {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}),
}}
def _allow_assume(role: str, **condition: dict) -> dict:
    statement = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::*:role/baseline/{role}"}
    return {"Version": "2012-10-17", "Statement": [{**statement, "Condition": condition} if condition else statement]}


# The identity account (here the management account): the SAML role and alice may assume their
# member roles (the identity half); bob is in no group, so only the member trust names him.
IDENTITY_STACK = {"Resources": {
    "Idp": {"Type": "AWS::IAM::SAMLProvider", "Properties": {"Name": "ExampleIdP", "SamlMetadataDocument": "<x/>"}},
    "FederatedReader": {**_role("FederatedReader", {
        "Effect": "Allow", "Action": "sts:AssumeRoleWithSAML",
        "Principal": {"Federated": {"Fn::Join": ["", ["arn:aws:iam::", {"Ref": "AWS::AccountId"}, ":saml-provider/ExampleIdP"]]}},
        "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}})},
    "ReaderHop": {"Type": "AWS::IAM::Policy", "Properties": {
        "PolicyName": "ReaderHop", "PolicyDocument": _allow_assume("ReadOnly"), "Roles": [{"Ref": "FederatedReader"}]}},
    "Admins": {"Type": "AWS::IAM::Group", "Properties": {"GroupName": "admins", "Policies": [
        {"PolicyName": "AdminHop", "PolicyDocument": _allow_assume("Admin")}]}},
    "Alice": {"Type": "AWS::IAM::User", "Properties": {"UserName": "alice", "Groups": [{"Ref": "Admins"}]}},
    "Bob": {"Type": "AWS::IAM::User", "Properties": {"UserName": "bob"}},
}}
# Workloads and the OUs below it, except the legacy account (DIFFERENCE).
TARGETS = {"OrganizationalUnitIds": ["ou-aaaa-11111111"], "Accounts": [LEGACY], "AccountFilterType": "DIFFERENCE"}


def _assembly(tmp_path: Path, member: dict = MEMBER, targets: dict = TARGETS, identity: dict = IDENTITY_STACK) -> Path:
    rollout = {"Resources": {"StackSetWorkloads": {"Type": "AWS::CloudFormation::StackSet", "Properties": {
        "StackSetName": "Baseline-workloads", "PermissionModel": "SERVICE_MANAGED", "TemplateBody": json.dumps(member),
        "StackInstancesGroup": [{"DeploymentTargets": targets, "Regions": ["eu-west-1"]}]}}}}
    stacks = {"Rollout": rollout, "Identity": identity}
    manifest = {"version": "36.0.0", "artifacts": {name: {
        "type": "aws:cloudformation:stack", "environment": f"aws://{IDENTITY}/eu-west-1",
        "properties": {"templateFile": f"{name}.template.json"}} for name in stacks}}
    for name, template in stacks.items():
        (tmp_path / f"{name}.template.json").write_text(json.dumps(template))
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    return tmp_path


def _hops(out: Path) -> set[tuple[str, str, str, tuple[str, ...]]]:
    return {(h.caller.name, h.account, h.role, tuple(g.value for g in h.gates)) for h in member_hops(out, DIRECTORY)}


def _edges(dot: str) -> set[tuple[str, str, str]]:
    """(source node label, target node label, edge label) of every edge of ``dot``."""
    labels = dict(re.findall(r'^\s*"([^"]+)" \[label="([^"]*)"', dot, re.M))
    return {(labels[a], labels[b], label) for a, b, label in re.findall(r'^\s*"([^"]+)" -> "([^"]+)" \[label="([^"]*)"', dot, re.M)}


EXPECTED_HOPS = {
    ("user/alice", PROD_A, "Admin", ("MFA",)), ("user/bob", PROD_A, "Admin", ("trust only",)),
    ("user/alice", PROD_B, "Admin", ("MFA",)), ("user/bob", PROD_B, "Admin", ("trust only",)),
    ("role/baseline/FederatedReader", PROD_A, "ReadOnly", ("IdP",)),
    ("role/baseline/FederatedReader", PROD_B, "ReadOnly", ("IdP",)),
    ("root", PROD_A, "Scanner", ("external ID",)), ("root", PROD_B, "Scanner", ("external ID",)),
    ("role/Collector", PROD_A, "Collector", ("no MFA",)), ("role/Collector", PROD_B, "Collector", ("no MFA",)),
    # The first hop of the SAML role's chain, in the identity account.
    ("saml-provider/ExampleIdP", IDENTITY, "FederatedReader", ("IdP",)),
}


def test_every_hop_the_trusts_admit_with_its_gate(tmp_path):
    assert _hops(_assembly(tmp_path)) == EXPECTED_HOPS  # legacy (excluded) and the service role: no hop


def test_the_picture_draws_exactly_these_edges(tmp_path):
    edges = _edges(dot_source(member_hops(_assembly(tmp_path), DIRECTORY), DIRECTORY))
    assert edges == {
        ("user/alice\\nmanagement 111111111111", "prod-a, prod-b", "Admin (MFA)"),
        ("user/bob\\nmanagement 111111111111", "prod-a, prod-b", "Admin (trust only)"),
        ("role/baseline/FederatedReader\\nmanagement 111111111111", "prod-a, prod-b", "ReadOnly (IdP)"),
        ("any principal its policies allow\\noutside the organization: 999988887777", "prod-a, prod-b", "Scanner (external ID)"),
        ("role/Collector\\ntooling 555555555555", "prod-a, prod-b", "Collector (no MFA)"),
        ("saml-provider/ExampleIdP\\nmanagement 111111111111", "management", "FederatedReader (IdP)"),
    }


def _without(member: dict, role: str, *operators: str) -> dict:
    """``member`` with the condition operators removed from ``role``'s trust statement."""
    member = copy.deepcopy(member)
    for operator in operators:
        del member["Resources"][role]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Condition"][operator]
    return member


def _hops_of(tmp_path: Path, name: str, member: dict) -> set[tuple[str, str, str, tuple[str, ...]]]:
    (tmp_path / name).mkdir()
    return {h for h in _hops(_assembly(tmp_path / name, member=member)) if h[1] == PROD_A}


def test_mfa_gate_negative_control(tmp_path):
    # Bool removed, the MFA age condition alone still needs MFA (the age is absent without MFA);
    # both removed, alice reaches Admin without MFA and the edge says so.
    assert ("user/alice", PROD_A, "Admin", ("MFA",)) in _hops_of(tmp_path, "bool", _without(MEMBER, "Admin", "Bool"))
    hops = _hops_of(tmp_path, "none", _without(MEMBER, "Admin", "Bool", "NumericLessThan"))
    assert {h for h in hops if h[2] == "Admin"} == {("user/alice", PROD_A, "Admin", ("no MFA",)),
                                                     ("user/bob", PROD_A, "Admin", ("trust only",))}


def test_the_callers_own_half_decides_too(tmp_path):
    # The identity half asks MFA while the trust does not: the hop still needs MFA. Without the
    # identity half (bob), the hop is one half only, drawn dashed.
    member = _without(MEMBER, "Admin", "Bool", "NumericLessThan")
    identity = copy.deepcopy(IDENTITY_STACK)
    identity["Resources"]["Admins"]["Properties"]["Policies"][0]["PolicyDocument"] = _allow_assume(
        "Admin", Bool={"aws:MultiFactorAuthPresent": "true"})
    hops = {h for h in _hops(_assembly(tmp_path, member=member, identity=identity)) if h[1] == PROD_A and h[2] == "Admin"}
    assert hops == {("user/alice", PROD_A, "Admin", ("MFA",)), ("user/bob", PROD_A, "Admin", ("trust only",))}
    dot = dot_source(member_hops(tmp_path, DIRECTORY), DIRECTORY)
    assert re.search(r'\[label="Admin \(trust only\)", color="#888888", fontcolor="#888888", style=dashed\]', dot)


def test_external_id_gate_negative_control(tmp_path):
    hops = _hops_of(tmp_path, "scanner", _without(MEMBER, "Scanner", "StringEquals"))
    assert {h for h in hops if h[2] == "Scanner"} == {("root", PROD_A, "Scanner", ("no MFA",))}


def test_principal_arn_negative_control(tmp_path):
    # Without aws:PrincipalArn the trust admits any principal of the identity account.
    hops = _hops_of(tmp_path, "reader", _without(MEMBER, "ReadOnly", "ArnEquals"))
    assert {h for h in hops if h[2] == "ReadOnly"} == {("root", PROD_A, "ReadOnly", ("no MFA",))}


def test_a_wrong_edge_fails_the_comparison(tmp_path):
    # The exact-edge comparison above is not vacuous: a trust naming carol instead of bob draws another edge.
    member = json.loads(json.dumps(MEMBER).replace("user/bob", "user/carol"))
    edges = _edges(dot_source(member_hops(_assembly(tmp_path, member=member), DIRECTORY), DIRECTORY))
    assert ("user/alice\\nuser/carol\\nmanagement 111111111111", "prod-a, prod-b", "Admin (MFA)") in edges
    assert not any("user/bob" in source for source, _, _ in edges)


def test_deployment_targets_decide_the_accounts(tmp_path):
    only_legacy = {"OrganizationalUnitIds": ["ou-aaaa-11111111"], "Accounts": [LEGACY], "AccountFilterType": "INTERSECTION"}
    accounts = {a for _, a, _, _ in _hops(_assembly(tmp_path, targets=only_legacy))}
    assert accounts == {LEGACY, IDENTITY}


# -- the hub-and-spoke example ------------------------------------------------------------------

@pytest.fixture(scope="module")
def hub_hops(hub_synth):
    config, outdir, _scopes = hub_synth
    directory = Directory.from_config(config)
    return config, directory, member_hops(outdir, directory)


def test_in_the_hub_example_only_declared_machine_roles_are_reached_without_mfa(hub_hops):
    config, _directory, hops = hub_hops
    # A hop that asks neither AWS MFA nor the identity provider's sign-in is a declared machine role's.
    ungated = {h.role for h in hops if not {Gate.MFA, Gate.IDP} & set(h.gates)}
    assert ungated == {m.name for m in config.machine_roles}
    third_party = {h.role: h.gates for h in hops if h.caller.kind is CallerKind.ACCOUNT and h.role in ungated}
    assert set(third_party.values()) == {(Gate.EXTERNAL_ID,)}


def test_docs_picture_is_current(hub_hops):
    _config, directory, hops = hub_hops
    committed = (ROOT / "docs" / "hub-and-spoke.dot").read_text(encoding="utf-8")
    assert dot_source(hops, directory) == committed, "docs/hub-and-spoke.dot is stale: run `make hub-picture`"


def test_a_hop_inside_one_account_is_not_drawn_but_a_saml_sign_in_is():
    from iam_baseline.analysis.outputs.org_reach import Caller, Hop

    alice = Caller(CallerKind.USER, f"arn:aws:iam::{PROD_A}:user/alice", PROD_A)
    idp = Caller(CallerKind.SAML_PROVIDER, f"arn:aws:iam::{PROD_A}:saml-provider/ExampleIdP", PROD_A)
    hops = [Hop(alice, PROD_A, "ReadOnly", (Gate.MFA,)), Hop(alice, PROD_B, "ReadOnly", (Gate.MFA,)),
            Hop(idp, PROD_A, "FederatedReader", (Gate.IDP,))]
    assert _edges(dot_source(hops, DIRECTORY)) == {
        ("user/alice\\nprod-a 222222222222", "prod-b", "ReadOnly (MFA)"),
        ("saml-provider/ExampleIdP\\nprod-a 222222222222", "prod-a", "FederatedReader (IdP)"),
    }
