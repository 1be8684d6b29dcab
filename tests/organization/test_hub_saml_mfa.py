"""The SAML route of the hub example as a declared, reasoned exception (issue 17: "a member-account
role reachable without MFA exists only as a reasoned machine role and the report shows who
reaches it").

AWS sees no MFA in a SAML session, so the identity account's SAML role FederatedAdmin reaches the
member Admin roles without AWS MFA. The hub fixture declares its provider ExampleIdP with
``mfa_at_identity_provider: {reason: ...}``; INV-MFA-LESS-ONLY-MACHINE and INV-NO-MFA-LESS-ADMIN
accept the route only then, and "Ways in without MFA" shows the reason next to it. The mutants:
the same templates checked against a config without the declaration, and a template whose SAML
role trusts a provider the config does not declare; each fails both invariants with a
counterexample naming the SAML role and the member role. The load-time refusal is tested at the
end, with its exact text and negative controls.
"""

from __future__ import annotations

import copy
from contextlib import contextmanager
from dataclasses import replace

import pytest

from iam_baseline.analysis.check import CheckRun
from iam_baseline.analysis.checks.invariants import mfa_less, mfa_less_admin
from iam_baseline.analysis.checks.invariants.catalog import run_invariants
from iam_baseline.analysis.engine.evaluator import evaluate_assume_role
from iam_baseline.analysis.engine.policy import Policy, PolicyKind
from iam_baseline.analysis.graph import build_graph
from iam_baseline.analysis.graph.shared import share
from iam_baseline.analysis.model.templates import load_account
from iam_baseline.analysis.outputs.mfa_reach import console_lines, mfa_less_lines
from organization_helpers import hub_data, hub_error, parse_hub
from template_tools import with_saml_providers

INVARIANTS = (mfa_less.INVARIANT, mfa_less_admin.INVARIANT)
IDENTITY = "666600000001"
FEDERATED_ADMIN = f"arn:aws:iam::{IDENTITY}:role/baseline/FederatedAdmin"
#: The hub fixture's reason (tests/fixtures/hub-and-spoke.yaml).
REASON = "The IdP's sign-on policy for the AWS application requires phishing-resistant MFA (FIDO2) at every sign-in."
ROGUE = f"arn:aws:iam::{IDENTITY}:saml-provider/RogueIdP"


@contextmanager
def _shared(scopes, config):
    """The graph over ``scopes`` shared with the invariants, as ``make check`` shares it."""
    graph = build_graph(scopes, config)
    share(scopes, graph)
    try:
        yield graph
    finally:
        share([], graph)


def _run(scopes, config):
    """Both invariants over every scope of ``scopes`` (``config`` as every scope's top-level
    config, as a ``make check`` against that config file reads it): (results, graph)."""
    scopes = [replace(s, top_config=config) for s in scopes]
    with _shared(scopes, config) as graph:
        results, _ = run_invariants(scopes, config, INVARIANTS)
    return results, graph, scopes


def _with_rogue_provider(scopes):
    """``scopes`` where the identity account's FederatedAdmin also trusts RogueIdP (a template
    trusting a provider the config does not declare)."""
    out = []
    for scope in scopes:
        principal = scope.model.principals.get(FEDERATED_ADMIN)
        if principal is None:
            out.append(scope)
            continue
        document = copy.deepcopy(principal.trust.document)
        statement = document["Statement"][0]
        statement["Principal"]["Federated"] = [*([statement["Principal"]["Federated"]]
                                                 if isinstance(statement["Principal"]["Federated"], str)
                                                 else statement["Principal"]["Federated"]), ROGUE]
        model = copy.copy(scope.model)
        model.principals = dict(scope.model.principals)
        model.principals[FEDERATED_ADMIN] = replace(principal, trust=Policy.from_document(
            "trust:FederatedAdmin", document, PolicyKind.TRUST))
        out.append(replace(scope, model=model))
    return out


def test_the_hub_example_passes_with_the_declaration_and_names_its_reason(hub_synth):
    config, _, scopes = hub_synth
    results, _, _ = _run(scopes, config)
    assert results and all(r.passed for r in results), [r.message for r in results if not r.passed]
    admin = [r.message for r in results if r.check == "INV-MFA-LESS-ONLY-MACHINE" and r.subject.endswith(" role:Admin")
             and "Security" in r.subject]
    assert admin and (f"without AWS MFA only from the identity account's SAML roles ['{FEDERATED_ADMIN}'] (sign-in at "
                      "the identity provider, no MFA seen by AWS; declared: MFA at the identity provider ExampleIdP "
                      f"(federation.saml.providers[0].mfa_at_identity_provider): {REASON})") in admin[0], admin


@pytest.mark.parametrize("mutant", ["config without the declaration", "template trusting an undeclared provider"])
def test_an_undeclared_saml_route_fails_both_invariants_naming_the_saml_role_and_the_member_role(hub_synth, mutant):
    config, _, scopes = hub_synth
    if mutant == "config without the declaration":
        checked, undeclared = with_saml_providers(config, declared={"ExampleIdP": None}), "ExampleIdP"
    else:
        checked, undeclared, scopes = config, "RogueIdP", _with_rogue_provider(scopes)
    results, _, mutated = _run(scopes, checked)
    failed = [r for r in results if not r.passed]
    why = f"a SAML role: no MFA seen by AWS, and no mfa_at_identity_provider declared for {undeclared}"

    only_machine = [r for r in failed if r.check == "INV-MFA-LESS-ONLY-MACHINE" and r.subject.endswith(" role:Admin")]
    assert only_machine, [r.message[:200] for r in failed]
    for result in only_machine:
        request = result.request
        assert request.principal.role_arn == FEDERATED_ADMIN and request.action == "sts:AssumeRole"
        assert request.resource.endswith(":role/baseline/Admin") and f"SAML roles not exempt: {FEDERATED_ADMIN} ({why})" \
            in result.message
        assert request.context.get("aws:multifactorauthpresent") != "true"
        # Replayed with both halves: the member role's trust policy and the SAML role's own policies.
        scope = next(s for s in mutated if result.subject.startswith(s.label + " "))
        trust = next(p for p in scope.model.principals.values() if p.name == "Admin").trust
        saml_role = next(s.model.principals[FEDERATED_ADMIN] for s in mutated if FEDERATED_ADMIN in s.model.principals)
        assert result.decision.allowed
        assert evaluate_assume_role(request, trust_policy=trust, identity=saml_role.policies).allowed

    no_admin = {r.subject: r for r in failed if r.check == "INV-NO-MFA-LESS-ADMIN"}
    hop = next(r for s, r in no_admin.items() if s.endswith(f"role:Admin (reached without MFA from role:FederatedAdmin ({why}))")
               and "Security" in s)
    assert "reaches an administrator without MFA: role:FederatedAdmin -[assume-member-role]-> role:Admin" in hop.message
    assert hop.request.principal.role_arn == FEDERATED_ADMIN and hop.decision.allowed
    # A chain that goes on from the member role stays in the account the hop entered (the
    # verifier saw "... role:Admin -[create-role-without-boundary]-> administrator of" another member).
    onward = [r for r in no_admin.values() if "-[assume-member-role]-> role:Admin -[" in r.message]
    assert onward, [r.message[:300] for r in no_admin.values()]
    for result in onward:
        entered = result.request.resource.split(":")[4]
        assert f"administrator of {entered}" in result.message, result.message
    itself = no_admin[f"account {IDENTITY} role:FederatedAdmin (a SAML role without a declared exception: {why})"]
    assert "is itself an administrator without MFA" in itself.message or "reaches an administrator" in itself.message
    # Only the SAML route fails: every other way in keeps its verdict.
    assert {r.check for r in failed} == {"INV-MFA-LESS-ONLY-MACHINE", "INV-NO-MFA-LESS-ADMIN"}
    assert all("FederatedAdmin" in r.message or "FederatedReadOnly" in r.message for r in failed)


def _lines(hub_synth, config, scopes, lines=mfa_less_lines):
    _, out, _ = hub_synth
    with _shared(scopes, config) as graph:
        return lines(CheckRun(load_account(out, account=config.account_id), [], [], 0.0, scopes=scopes,
                              config=config, graph=graph))


def test_ways_in_without_mfa_show_the_declared_reason_next_to_the_route_and_who_reaches_it(hub_synth):
    config, _, scopes = hub_synth
    lines = _lines(hub_synth, config, scopes)
    gate = "**sign-in at the identity provider, no MFA seen by AWS**"
    declared = (f"MFA at the identity provider ExampleIdP, declared by "
                f"`federation.saml.providers[0].mfa_at_identity_provider`. Reason: {REASON}")
    assert (f"- `role:FederatedAdmin` (an administrator) (account {IDENTITY}): assumed with sts:AssumeRoleWithSAML by "
            f"whoever signs in at ExampleIdP, {gate}; declared by `federation.saml.roles[0]` (FederatedAdmin: persona "
            f"admin, providers ExampleIdP); {declared}") in lines
    assert any(line.startswith("- `role:Admin` (an administrator) in 222200000001, 222200000002, 222200000003: reached by "
                               f"the SAML role `role:FederatedAdmin` (account {IDENTITY}), {gate}; declared by "
                               "`federation.saml.roles[0]`") and line.endswith(declared) for line in lines), lines
    assert not any("no MFA declared" in line for line in lines)
    console = _lines(hub_synth, config, scopes, console_lines)
    assert (f"way in without AWS MFA: SAML role role:FederatedAdmin (account {IDENTITY}), reaches Admin in 7 member "
            "account(s); accepted: MFA at the identity provider ExampleIdP "
            f"(federation.saml.providers[0].mfa_at_identity_provider): {REASON}") in console, console


def test_negative_control_ways_in_without_mfa_mark_an_undeclared_provider(hub_synth):
    config, _, scopes = hub_synth
    lines = _lines(hub_synth, config, _with_rogue_provider(scopes))
    marked = [line for line in lines if "**no MFA declared** at RogueIdP: a way in without MFA, which "
              "INV-MFA-LESS-ONLY-MACHINE and INV-NO-MFA-LESS-ADMIN refuse where it reaches another role or an "
              "administrator" in line]
    assert any(line.startswith("- `role:FederatedAdmin`") and "whoever signs in at ExampleIdP, RogueIdP" in line
               for line in marked), lines
    assert any(line.startswith("- `role:Admin`") for line in marked)
    assert not any("FederatedReadOnly" in line for line in marked)  # its providers are all declared
    console = _lines(hub_synth, config, _with_rogue_provider(scopes), console_lines)
    assert any(line.startswith("way in without AWS MFA: SAML role role:FederatedAdmin ") and
               line.endswith("; no MFA declared at RogueIdP: a way in without MFA, which INV-MFA-LESS-ONLY-MACHINE and "
                             "INV-NO-MFA-LESS-ADMIN refuse where it reaches another role or an administrator")
               for line in console), console


# ------------------------------------------------------------------ the refusal at load (synth)
def _undeclared(data: dict) -> dict:
    del data["federation"]["saml"]["providers"][0]["mfa_at_identity_provider"]
    return data


def test_a_saml_administrator_trusting_an_undeclared_provider_is_refused_with_the_key_to_add():
    error = hub_error(_undeclared(hub_data()))
    assert error.endswith(
        "1 problem\n  - federation.saml.roles[0].providers[0] (line 52, column 9): SAML role FederatedAdmin trusts "
        "provider ExampleIdP, which does not declare mfa_at_identity_provider, and its persona admin is an "
        "administrator: AWS sees no MFA in a SAML session (IAM User Guide, 'Configuring MFA-protected API access'), so "
        "this role is a way in without MFA unless ExampleIdP requires it; add "
        "federation.saml.providers[0].mfa_at_identity_provider: {reason: <how ExampleIdP enforces MFA for the AWS "
        "application>} (README.md, 'Ways in without MFA'; docs/configuration.md#identityprovidermfa), or remove "
        "ExampleIdP from this role's providers [got: \"ExampleIdP\"]"), error


def test_a_member_reaching_saml_role_is_refused_and_every_provider_must_declare():
    data = hub_data()
    saml = data["federation"]["saml"]
    saml["providers"].append({"name": "SecondIdP", "metadata_file": saml["providers"][0]["metadata_file"]})
    saml["roles"] = [r for r in saml["roles"] if r["persona"] != "admin"]
    saml["roles"][0]["providers"] = ["ExampleIdP", "SecondIdP"]  # FederatedReadOnly: read_only reaches every member
    error = hub_error(data)
    assert ("federation.saml.roles[0].providers[1] (line " in error and "SAML role FederatedReadOnly trusts provider "
            "SecondIdP, which does not declare mfa_at_identity_provider, and its persona read_only reaches member "
            "accounts (roles.read_only.reach): " in error and "add federation.saml.providers[1].mfa_at_identity_provider"
            in error), error
    saml["providers"][1]["mfa_at_identity_provider"] = {"reason": "SecondIdP requires a FIDO2 key for AWS."}
    assert parse_hub(data).federation.saml.providers[1].mfa_at_identity_provider.reason.startswith("SecondIdP")


def test_negative_control_a_saml_role_that_neither_administers_nor_reaches_members_needs_no_declaration():
    data = _undeclared(hub_data())
    saml = data["federation"]["saml"]
    # A developer SAML role of the identity account: developer is no administrator; without reach
    # it has no member role (the hub's developer persona keeps its reach for the users' groups).
    saml["roles"] = [{"name": "FederatedDeveloper", "persona": "support", "providers": ["ExampleIdP"]}]
    config = parse_hub(data)
    assert config.federation.saml.providers[0].mfa_at_identity_provider is None


def test_a_blank_reason_is_refused():
    data = hub_data()
    data["federation"]["saml"]["providers"][0]["mfa_at_identity_provider"] = {"reason": "   "}
    error = hub_error(data)
    assert "federation.saml.providers[0].mfa_at_identity_provider.reason (line" in error and \
        "give a reason that is not blank: how the identity provider enforces MFA for AWS sign-in" in error, error
