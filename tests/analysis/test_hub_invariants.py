"""The derived invariants of issue 17 on a hand-built identity account and member variant
(tests/analysis/graph/hub_small.py, the hub-api.md shape): INV-MFA-LESS-ONLY-MACHINE and
INV-TRUST-DECLARED-WAYS with the identity account's SAML roles as a declared way, each with its
negative control. The SAML role SamlOps trusts the provider Corp, which the config declares
with MFA at the identity provider (``mfa_at_identity_provider``) or not. The mutants of the
synthesized hub example are in test_hub_mutants.py and test_hub_saml_mfa.py."""

from __future__ import annotations

import pytest

from iam_baseline.analysis.checks.invariants import declared, mfa_less, trust
from iam_baseline.analysis.checks.invariants.base import Counterexample, Proven
from iam_baseline.analysis.checks.invariants.requests import ALLOW_ALL
from iam_baseline.analysis.engine.evaluator import evaluate_assume_role
from iam_baseline.config import load_config

from iam_baseline.analysis.checks.invariants.callers import assembly
from template_tools import with_saml_providers

from .graph.hub_small import (ALICE, PLACEHOLDER, SAML_ROLE, admin_trust, hop_policy, hub_scopes, identity_scope,
                              member_scope)
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HUB = ROOT / "tests" / "fixtures" / "hub-and-spoke.yaml"


#: Why Corp (SamlOps's provider) is trusted to require MFA.
CORP_REASON = "Corp's sign-on policy requires a FIDO2 key for the AWS application."


@pytest.fixture(scope="module")
def config():
    """The hub fixture's config with SamlOps's provider Corp declared (MFA at the identity provider)."""
    return with_saml_providers(load_config(HUB), declared={"Corp": CORP_REASON})


@pytest.fixture
def saml_declared(monkeypatch):
    """The config declares SamlOps as the Admin persona's SAML role in the identity account
    (what config/hub.py's hop list says once the identity account is configured)."""
    monkeypatch.setattr(declared, "identity_saml_roles", lambda scope, config, name: (SAML_ROLE,) if name == "Admin" else ())


def _role(scope, name):
    return next(p for p in scope.model.principals.values() if p.name == name)


def _replay(scope, role, verdict):
    # cross-account: the caller's side is the worst case the invariants assume (allow everything)
    decision = evaluate_assume_role(verdict.request, trust_policy=role.trust, identity=[ALLOW_ALL])
    assert decision.allowed, decision


def test_the_member_admin_role_is_reached_without_aws_mfa_only_from_the_saml_role(config, saml_declared):
    scopes = hub_scopes()
    scope = scopes[1]
    with assembly(scopes):  # SamlOps's trust (provider Corp) is read from its template
        finding = mfa_less.check_role(scope, config, _role(scope, "Admin"))
    assert isinstance(finding.verdict, Proven), finding
    assert "sign-in at the identity provider, no MFA seen by AWS" in finding.verdict.method and SAML_ROLE in finding.verdict.method
    assert (f"MFA at the identity provider Corp (federation.saml.providers[1].mfa_at_identity_provider): {CORP_REASON}"
            in finding.verdict.method)
    assert isinstance(trust.check_role(scope, config, _role(scope, "Admin")).verdict, Proven)


@pytest.mark.parametrize("declared", [{"Corp": None}, {"ExampleIdP": "declared, but SamlOps trusts Corp"}],
                         ids=["Corp undeclared", "only another provider declared"])
def test_negative_control_a_saml_role_whose_provider_declares_no_mfa_is_a_way_in_without_mfa(saml_declared, declared):
    """The same SAML role and member trust: with Corp undeclared, SamlOps (named by the hop list)
    assumes the member Admin role without MFA, a counterexample the concrete evaluator replays.
    INV-TRUST-DECLARED-WAYS still holds: the SAML route is declared, only not MFA-exempt."""
    config = with_saml_providers(load_config(HUB), declared=declared)
    scopes = hub_scopes()
    scope, role = scopes[1], _role(scopes[1], "Admin")
    with assembly(scopes):
        verdict = mfa_less.check_role(scope, config, role).verdict
    assert isinstance(verdict, Counterexample), verdict
    assert verdict.request.context.get("aws:principalarn") == SAML_ROLE
    assert verdict.request.context.get("aws:multifactorauthpresent") != "true"
    assert f"SAML roles not exempt: {SAML_ROLE} (a SAML role: no MFA seen by AWS, and no mfa_at_identity_provider " \
        "declared for Corp)" in verdict.note, verdict.note
    _replay(scope, role, verdict)
    assert isinstance(trust.check_role(scope, config, role).verdict, Proven)


def test_negative_control_an_undeclared_saml_role_is_a_way_in_without_mfa(config):
    scope = member_scope()
    role = _role(scope, "Admin")
    for verdict in (mfa_less.check_role(scope, config, role).verdict, trust.check_role(scope, config, role).verdict):
        assert isinstance(verdict, Counterexample), verdict
        assert verdict.request.context.get("aws:principalarn") == SAML_ROLE
        assert verdict.request.context.get("aws:multifactorauthpresent") != "true"
        _replay(scope, role, verdict)


def test_a_member_trust_without_mfa_gives_a_counterexample_from_the_identity_account(config, saml_declared):
    """The member trust and alice's own hop grant both drop MFA. The assembly is given, so
    SamlOps's trust names its provider Corp (declared, exempt) and alice is the one way in
    without MFA; without it SamlOps was an equally valid answer, picked at the solver's whim."""
    scopes = [identity_scope(alice_hop=hop_policy(mfa=False)), member_scope(admin=admin_trust(user_mfa=False))]
    scope = scopes[1]
    role = _role(scope, "Admin")
    with assembly(scopes):
        verdict = mfa_less.check_role(scope, config, role).verdict
    assert isinstance(verdict, Counterexample), verdict
    assert verdict.request.context.get("aws:principalarn") == ALICE
    assert verdict.request.context.get("aws:multifactorauthpresent") != "true"
    _replay(scope, role, verdict)


def test_an_undeclared_machine_like_role_is_caught(config, saml_declared):
    scope = member_scope()
    role = _role(scope, "Scanner")  # trusts a vendor with an external id, but no machine_roles entry
    verdict = mfa_less.check_role(scope, config, role).verdict
    assert isinstance(verdict, Counterexample), verdict
    assert verdict.request.context["sts:externalid"] == "scanner-4711"
    assert role.arn.split(":")[4] == PLACEHOLDER
