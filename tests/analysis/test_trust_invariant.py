"""INV-TRUST-DECLARED-WAYS decided by z3 on small models built by hand (no synth): each
undeclared way into a role is a counterexample the concrete evaluator replays, each declared
trust is proven; the OIDC ``sub`` question is a language inclusion with a concrete ``sub``."""

from __future__ import annotations

import copy
from fnmatch import fnmatchcase

import pytest

from iam_baseline.analysis.checks.invariants import accounts, trust
from iam_baseline.analysis.checks.invariants.base import Counterexample, Proven
from iam_baseline.analysis.engine.evaluator import evaluate_assume_role
from iam_baseline.analysis.engine.policy import Policy, PolicyKind
from iam_baseline.analysis.model.accounts import AccountScope
from iam_baseline.analysis.model.templates import AccountModel, Principal
from iam_baseline.config import load_config
from template_tools import DEFAULT_CONFIG_FILE

ACCOUNT = "111122223333"  # the fixture config's account
ISSUER = "token.actions.githubusercontent.com"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"
DECLARED_SUB = "repo:example-org/infrastructure:environment:production"  # GitHubDeploy in the fixture
MFA_TRUST = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"},
                           "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}
OIDC_TRUST = {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": PROVIDER},
              "Condition": {"StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com", f"{ISSUER}:sub": DECLARED_SUB}}}


@pytest.fixture(scope="module")
def config():
    return load_config(DEFAULT_CONFIG_FILE)


def _check(config, name: str, *statements: dict):
    model = AccountModel(account=ACCOUNT, partition="aws", region="eu-west-1")
    model.oidc_providers.append(PROVIDER)
    document = {"Version": "2012-10-17", "Statement": [copy.deepcopy(s) for s in statements]}
    role = Principal("role", name, f"arn:aws:iam::{ACCOUNT}:role/baseline/{name}", "/baseline/", "S", name,
                     trust=Policy.from_document(f"trust:{name}", document, PolicyKind.TRUST))
    model.principals[role.arn] = role
    scope = AccountScope(f"account {ACCOUNT}", model, declared_accounts=frozenset({ACCOUNT}))
    (finding,) = trust.check(scope, config)
    if isinstance(finding.verdict, Counterexample):  # every counterexample is one the trust itself allows
        request = finding.verdict.request
        identity = [trust.ALLOW_ALL] if request.principal.kind in ("user", "role_session") else []
        assert evaluate_assume_role(request, trust_policy=role.trust, identity=identity).allowed
    return finding.verdict


def test_the_mfa_trust_of_the_baseline_is_proven(config):
    assert isinstance(_check(config, "Admin", MFA_TRUST), Proven)


def test_an_unconditioned_second_allow_is_a_request_without_mfa(config):
    verdict = _check(config, "Admin", MFA_TRUST, {**MFA_TRUST, "Condition": {}})
    assert isinstance(verdict, Counterexample)
    assert verdict.request.context.get("aws:multifactorauthpresent") != "true"


def test_any_aws_principal_is_a_request_from_an_undeclared_account_or_without_mfa(config):
    verdict = _check(config, "Admin", {**MFA_TRUST, "Principal": {"AWS": "*"}})
    assert isinstance(verdict, Counterexample)
    assert verdict.request.principal.account != ACCOUNT


def test_an_older_mfa_than_declared_is_a_counterexample(config):
    weak = copy.deepcopy(MFA_TRUST)
    weak["Condition"]["NumericLessThan"]["aws:MultiFactorAuthAge"] = "86400"
    verdict = _check(config, "Admin", weak)
    assert isinstance(verdict, Counterexample)
    assert 3600 < float(verdict.request.context["aws:multifactorauthage"]) < 86400


def test_bool_if_exists_without_the_age_bound_admits_long_term_keys(config):
    weak = copy.deepcopy(MFA_TRUST)
    weak["Condition"] = {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}
    verdict = _check(config, "Admin", weak)
    assert isinstance(verdict, Counterexample)
    context = verdict.request.context
    assert "aws:multifactorauthpresent" not in context or float(context["aws:multifactorauthage"]) > 3600


def test_bool_if_exists_with_the_age_bound_admits_nothing_more(config):
    # AWS sends an MFA age exactly when MFA is present (engine/context_rules.py): with the age
    # bound in the statement, the mutant is equivalent; the trust-shape lint catches it.
    weak = copy.deepcopy(MFA_TRUST)
    weak["Condition"]["BoolIfExists"] = weak["Condition"].pop("Bool")
    assert isinstance(_check(config, "Admin", weak), Proven)


def test_a_role_chaining_edge_without_mfa_is_a_counterexample(config):
    chain = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/baseline/Support"}}
    verdict = _check(config, "Admin", MFA_TRUST, chain)
    assert isinstance(verdict, Counterexample)
    assert verdict.request.principal.role_arn == chain["Principal"]["AWS"]


def test_a_service_wildcard_is_a_counterexample(config):
    verdict = _check(config, "Admin", MFA_TRUST, {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "*"}})
    assert isinstance(verdict, Counterexample)


def test_a_named_service_is_a_declared_way(config):
    assert isinstance(_check(config, "Fn", {"Effect": "Allow", "Action": "sts:AssumeRole",
                                             "Principal": {"Service": "lambda.amazonaws.com"}}), Proven)


def test_the_declared_oidc_subject_is_proven(config):
    assert isinstance(_check(config, "GitHubDeploy", OIDC_TRUST), Proven)


def test_a_wider_sub_pattern_is_not_included_and_names_a_concrete_sub(config):
    wide = copy.deepcopy(OIDC_TRUST)
    wide["Condition"]["StringEquals"].pop(f"{ISSUER}:sub")
    wide["Condition"]["StringLike"] = {f"{ISSUER}:sub": "repo:example-org/*"}
    verdict = _check(config, "GitHubDeploy", wide)
    assert isinstance(verdict, Counterexample)
    sub = verdict.request.context[f"{ISSUER}:sub"]
    assert fnmatchcase(sub, "repo:example-org/*") and sub != DECLARED_SUB


def test_the_declared_sub_under_string_like_is_included(config):
    same = copy.deepcopy(OIDC_TRUST)
    same["Condition"]["StringEquals"].pop(f"{ISSUER}:sub")
    same["Condition"]["StringLike"] = {f"{ISSUER}:sub": DECLARED_SUB}
    assert isinstance(_check(config, "GitHubDeploy", same), Proven)


def test_one_wildcard_character_more_is_a_counterexample(config):
    # "?" matches any one character: "productio?" admits "productioX" too.
    one_more = copy.deepcopy(OIDC_TRUST)
    one_more["Condition"]["StringEquals"].pop(f"{ISSUER}:sub")
    one_more["Condition"]["StringLike"] = {f"{ISSUER}:sub": DECLARED_SUB[:-1] + "?"}
    verdict = _check(config, "GitHubDeploy", one_more)
    assert isinstance(verdict, Counterexample)
    sub = verdict.request.context[f"{ISSUER}:sub"]
    assert sub[:-1] == DECLARED_SUB[:-1] and sub != DECLARED_SUB


def test_an_oidc_trust_on_a_role_the_config_does_not_declare_is_a_counterexample(config):
    verdict = _check(config, "NotADeployRole", OIDC_TRUST)
    assert isinstance(verdict, Counterexample) and verdict.request.principal.arn == PROVIDER


def test_any_federated_provider_is_a_counterexample(config):
    verdict = _check(config, "GitHubDeploy", {**OIDC_TRUST, "Principal": {"Federated": "*"}})
    assert isinstance(verdict, Counterexample) and verdict.request.principal.arn != PROVIDER


# INV-TRUST-DECLARED-ACCOUNTS on the same small models.
def _accounts(config, *statements: dict):
    model = AccountModel(account=ACCOUNT, partition="aws", region="eu-west-1")
    document = {"Version": "2012-10-17", "Statement": [copy.deepcopy(s) for s in statements]}
    role = Principal("role", "Admin", f"arn:aws:iam::{ACCOUNT}:role/Admin", "/", "S", "Admin",
                     trust=Policy.from_document("trust:Admin", document, PolicyKind.TRUST))
    model.principals[role.arn] = role
    (finding,) = accounts.check(AccountScope(f"account {ACCOUNT}", model, declared_accounts=frozenset({ACCOUNT})), config)
    return finding.verdict


def test_a_trust_of_the_declared_account_is_proven(config):
    assert isinstance(_accounts(config, MFA_TRUST), Proven)


@pytest.mark.parametrize("principal", ["*", "arn:aws:iam::999988887777:root", "999988887777",
                                       "arn:aws:iam::999988887777:role/Deployer"])
def test_an_undeclared_account_is_a_counterexample_from_that_account(config, principal):
    verdict = _accounts(config, MFA_TRUST, {**MFA_TRUST, "Principal": {"AWS": principal}})
    assert isinstance(verdict, Counterexample)
    assert verdict.request.principal.account not in (ACCOUNT, "")
    if principal != "*":
        assert verdict.request.principal.account == "999988887777"


def test_an_undeclared_account_shut_out_by_a_condition_is_proven(config):
    shut = {**MFA_TRUST, "Principal": {"AWS": "*"}, "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}}
    assert isinstance(_accounts(config, shut), Proven)
