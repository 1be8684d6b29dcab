"""The proof side of the identity account (issue 17) on the synthesized hub example
(tests/fixtures/hub-and-spoke.yaml: the identity account 666600000001 holds IAM users in groups
and SAML roles; personas reach member accounts):

* the analysis graph has a hop for exactly the config's hop list (config/hub.py ``hub_hops``),
  each with both halves allowed and its MFA state (users: MFA; SAML roles: MFA at the identity
  provider), and nothing more;
* ``make check`` passes every check, the derived invariants of issue 17 included;
* mutants of the templates' principals (a member trust without MFA, both halves without MFA)
  fail with counterexamples that the concrete evaluator replays;
* the report shows the hops with their MFA state, and the machine roles with their reason.
"""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from iam_baseline.analysis.check import run_checks
from iam_baseline.analysis.checks.invariants import mfa_less, mfa_less_admin, trust
from iam_baseline.analysis.checks.invariants.catalog import run_invariants
from iam_baseline.analysis.engine.policy import Policy, PolicyKind
from iam_baseline.analysis.graph import build_graph
from iam_baseline.analysis.graph.build import decide_request
from iam_baseline.analysis.graph.nodes import HopMfa
from iam_baseline.analysis.graph.shared import share
from iam_baseline.analysis.model.accounts import load_scopes
from iam_baseline.analysis.model.templates import load_account
from iam_baseline.analysis.outputs.report import markdown
from iam_baseline.config import load_config
from iam_baseline.config.hub import hub_hops, identity_account_id

from organization_helpers import HUB_IDENTITY


@pytest.fixture(scope="module")
def hub(synthesized_config):
    config = load_config(HUB_IDENTITY)
    out = synthesized_config(HUB_IDENTITY)
    scopes = load_scopes(out, config)
    return config, out, scopes, build_graph(scopes, config)


def _hops(graph):
    return [e for e in graph.edges if e.rule == "assume-member-role"]


def test_the_graph_has_a_hop_for_exactly_the_configs_hop_list_with_its_mfa_state(hub):
    config, _, _, graph = hub
    identity = identity_account_id(config)
    found = {}
    for edge in _hops(graph):
        request = edge.steps[0].request
        assert request.principal.account == identity  # the identity variant calls as its one account
        assert decide_request(graph.world, graph.nodes[edge.source], request).allowed  # replayed: both halves
        found[(request.principal.role_arn or request.principal.arn, graph.world.principal_of[edge.target].name)] = edge.mfa
    expected = {}
    for hop in hub_hops(config):
        name = hop.role_arn.rsplit("/", 1)[-1]
        expected |= {(user, name): HopMfa.MFA for user in hop.users}
        expected |= {(role, name): HopMfa.IDENTITY_PROVIDER for role in hop.saml_roles}
    assert found == expected


def test_every_part_of_a_split_variant_has_its_own_nodes_and_hops(hub):
    """orders-dev is excluded from deny_iam_users, so its StackSet group splits by SCP levels:
    each part gets its own nodes (its escalation search runs under its own SCPs) and the
    identity account's hops into it. Before, the parts shared node ids and orders-dev had none."""
    _, _, scopes, graph = hub
    parts = [s for s in scopes if s.part]
    assert len({s.variant for s in parts}) < len(parts)  # a variant split in several parts
    placed = {graph.world.scope_of[n].label for n in graph.nodes}
    assert all(s.label in placed for s in scopes if s.model.principals)
    lone = next(s for s in parts if tuple(s.member_accounts) == ("444400000002",))
    assert lone.label in {graph.world.scope_of[e.target].label for e in _hops(graph)}
    assert "Workloads/Dev" in lone.label


def test_make_check_passes_on_the_hub_example_with_every_derived_invariant(hub):
    config, out, scopes, _ = hub
    run = run_checks(load_account(out, account=config.account_id), config, scopes)
    failed = [r.message for r in run.results if not r.passed]
    assert not failed, failed
    ids = {r.check for r in run.results}
    assert {"INV-MFA-LESS-ONLY-MACHINE", "INV-HUMAN-NO-MACHINE-ROLE", "INV-NO-MFA-LESS-ADMIN"} <= ids
    report = markdown(run)
    assert "## Hops into member accounts" in report and "**sign-in at the identity provider, no MFA seen by AWS**" in report
    # The people live in the identity account, not the analysed one: the report lists them.
    assert "## People of the identity account" in report and "### user `alice.admin`" in report
    assert "assume-member-role [MFA]" in report  # the chain to admin shows the hop's MFA state
    assert "## Ways in without MFA" in report and "Reason: The third-party cloud security posture scanner" in report
    assert ": **without MFA**" not in report and "reached **without MFA**" not in report


def _without_mfa(principal, sid: str | None = None, key: str = "AssumeRolePolicyDocument"):
    """``principal`` with aws:MultiFactorAuthPresent/Age dropped from its trust (``sid``: one statement)
    or, for a user or group, from every identity-based policy (and its force-MFA Deny removed)."""
    def strip(statements):
        for statement in statements:
            if sid is not None and statement.get("Sid") != sid:
                continue
            condition = statement.get("Condition", {})
            for operator in list(condition):
                for name in ("aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"):
                    condition[operator].pop(name, None)
                if not condition[operator]:
                    del condition[operator]
            if "Condition" in statement and not statement["Condition"]:
                del statement["Condition"]

    if principal.kind == "role" and sid is not None:
        document = copy.deepcopy(principal.trust.document)
        strip(document["Statement"])
        return replace(principal, trust=Policy.from_document(principal.trust.name, document, PolicyKind.TRUST))
    policies = []
    for policy in principal.policies:
        document = copy.deepcopy(policy.document)
        # the force-MFA Deny goes (a Deny without its MFA condition would deny everything)
        document["Statement"] = [st for st in document["Statement"] if not (
            st["Effect"] == "Deny" and "aws:MultiFactorAuthPresent" in str(st.get("Condition", {})))]
        strip(document["Statement"])
        if document["Statement"]:
            policies.append(Policy.from_document(policy.name, document, policy.kind))
    return replace(principal, policies=policies)


def _mutated(scopes, changes):
    """``scopes`` with ``changes`` (scope label prefix -> {principal name: change}) applied."""
    out = []
    for scope in scopes:
        change = next((c for label, c in changes.items() if scope.label.startswith(label)), None)
        if change is None:
            out.append(scope)
            continue
        model = copy.copy(scope.model)
        model.principals = {arn: change[p.name](p) if p.name in change else p for arn, p in scope.model.principals.items()}
        out.append(replace(scope, model=model))
    return out


def _label(scopes, config, account):
    return next(s.label for s in scopes if account in s.member_accounts).split(" in ")[0]


PEOPLE = "arn:aws:iam::666600000001:user/baseline/"


@pytest.mark.parametrize(("role", "people", "grant"), [
    ("Admin", {"alice.admin"}, "policy/baseline/Admins-MemberRoles"),
    ("Developer", {"bob.developer", "dave.developer"}, "policy/baseline/Developers-MemberRoles"),
])
def test_a_member_trust_without_mfa_fails_with_an_identity_user_allowed_by_her_own_policies(hub, role, people, grant):
    """The mutated trust admits the identity account's users without MFA, but their own policies
    (the group's MemberRoles Allow needs MFA, force-MFA denies without it) refuse that. The
    counterexample is a user whose MFA is older than mfa.max_age_seconds, allowed by her own
    statements, never by the allow-everything stand-in; INV-MFA-LESS-ONLY-MACHINE holds and says
    why. Negative control: with the scope alone, its callers are outside what is analysed, and
    the text says so."""
    config, _, scopes, _ = hub
    label = _label(scopes, config, "333300000001")
    mutated = _mutated(scopes, {label: {role: lambda p: _without_mfa(p, "IdentityAccountUsersWithMfa")}})
    scope = next(s for s in mutated if s.label.startswith(label))
    results, _ = run_invariants([scope], config, (mfa_less.INVARIANT, trust.INVARIANT), whole=mutated)
    found = {r.check: r for r in results if f"role:{role}" in r.subject}
    ways = found["INV-TRUST-DECLARED-WAYS"]
    assert not ways.passed and ways.decision.allowed, ways.message
    assert ways.request.principal.arn.removeprefix(PEOPLE) in people, ways.message
    context = ways.request.context
    assert context["aws:multifactorauthpresent"] == "true" and float(context["aws:multifactorauthage"]) > config.mfa.max_age_seconds
    assert f"identity-based policy {grant} statement AllowAssumeMemberRolesWithMfa (Allow)" in ways.message
    assert "AllowAll" not in ways.message and "outside this assembly" not in ways.message
    machine = found["INV-MFA-LESS-ONLY-MACHINE"]
    assert machine.passed and "the trust alone admits user:" in machine.message, machine.message
    assert "their own identity-based policies refuse it" in machine.message
    alone = {r.check: r for r in run_invariants([scope], config, (mfa_less.INVARIANT,))[0] if f"role:{role}" in r.subject}
    assert not alone["INV-MFA-LESS-ONLY-MACHINE"].passed
    assert f"a principal outside this assembly, e.g. principal {PEOPLE}" in alone["INV-MFA-LESS-ONLY-MACHINE"].message


def test_a_member_trust_without_mfa_leaves_the_users_hops_mfa_protected(hub):
    config, _, scopes, _ = hub
    admin = _label(scopes, config, "333300000001")
    mutated = _mutated(scopes, {admin: {"Admin": lambda p: _without_mfa(p, "IdentityAccountUsersWithMfa")}})
    # the users' identity half still demands MFA: the hop itself stays MFA-protected
    graph = build_graph(mutated, config)
    assert {e.mfa for e in _hops(graph) if graph.world.principal_of[e.target].name == "Admin"} == {
        HopMfa.MFA, HopMfa.IDENTITY_PROVIDER}


def test_both_halves_without_mfa_make_an_mfa_less_way_to_admin(hub):
    config, _, scopes, _ = hub
    identity = _label(scopes, config, identity_account_id(config))
    # the Security OU's accounts: no SCP denies creating IAM users there, so Admin is admin-equivalent
    admin = _label(scopes, config, "222200000001")
    mutated = _mutated(scopes, {
        admin: {"Admin": lambda p: _without_mfa(p, "IdentityAccountUsersWithMfa")},
        identity: {"Admins": _without_mfa, "alice.admin": _without_mfa},
    })
    graph = build_graph(mutated, config)
    mfa_less_hops = [e for e in _hops(graph) if e.mfa is HopMfa.NONE]
    assert mfa_less_hops and all(graph.world.principal_of[e.target].name == "Admin" for e in mfa_less_hops)
    share(mutated, graph)
    try:
        scope = next(s for s in mutated if s.label.startswith(admin))
        results, _ = run_invariants([scope], config, (mfa_less_admin.INVARIANT,))
    finally:
        share([], graph)
    failed = [r for r in results if not r.passed]
    assert failed and "reached without MFA from" in failed[0].subject, "\n".join(r.message[:300] for r in results)
    # The counterexample is the hop itself, made without MFA (not the Admin role's own MFA session).
    assert failed[0].decision.allowed and ("reaches an administrator without MFA: user:alice.admin -[assume-member-role]-> "
                                           "role:Admin") in failed[0].message, failed[0].message
    request = failed[0].request
    assert request.action == "sts:AssumeRole" and request.principal.arn.endswith(":user/baseline/alice.admin")
    assert not any(k.startswith("aws:multifactor") for k in request.context), request.context


def test_a_member_trust_naming_an_undeclared_account_fails_the_declared_accounts_invariant(hub):
    from iam_baseline.analysis.checks.invariants import accounts

    config, _, scopes, _ = hub
    identity = identity_account_id(config)
    admin = _label(scopes, config, "333300000001")

    def foreign(role):
        document = copy.deepcopy(role.trust.document)
        for statement in document["Statement"]:
            statement["Principal"] = {"AWS": "arn:aws:iam::999999999999:root"}
            for operator in statement.get("Condition", {}).values():
                if "aws:PrincipalArn" in operator:
                    operator["aws:PrincipalArn"] = [a.replace(identity, "999999999999") for a in operator["aws:PrincipalArn"]]
        return replace(role, trust=Policy.from_document(role.trust.name, document, PolicyKind.TRUST))

    scope = next(s for s in _mutated(scopes, {admin: {"Admin": foreign}}) if s.label.startswith(admin))
    results, _ = run_invariants([scope], config, (accounts.INVARIANT,))
    failed = [r for r in results if not r.passed]
    assert [r.subject.rsplit(" ", 1)[-1] for r in failed] == ["role:Admin"]
    assert failed[0].request is not None, failed[0].message
    assert failed[0].request.principal.account == "999999999999" and failed[0].decision.allowed
    # the negative control: the unmutated scope passes
    results, _ = run_invariants([next(s for s in scopes if s.label.startswith(admin))], config, (accounts.INVARIANT,))
    assert all(r.passed for r in results)


def test_ways_in_without_mfa_list_the_saml_route_with_the_keys_that_declare_it(hub):
    """FederatedAdmin (a SAML role of the identity account) reaches the Admin role of the member
    accounts: AWS sees no MFA for a SAML session, so "Ways in without MFA" lists the route, the
    SAML role itself, and the config keys that declare them; the users' hops (MFA) are not listed."""
    from iam_baseline.analysis.check import CheckRun
    from iam_baseline.analysis.outputs.mfa_reach import mfa_less_lines

    config, out, scopes, graph = hub
    lines = mfa_less_lines(CheckRun(load_account(out, account=config.account_id), [], [], 0.0, scopes=scopes,
                                    config=config, graph=graph))
    gate = "**sign-in at the identity provider, no MFA seen by AWS**"
    declared = ("MFA at the identity provider ExampleIdP, declared by `federation.saml.providers[0].mfa_at_identity_provider`. "
                "Reason: The IdP's sign-on policy for the AWS application requires phishing-resistant MFA (FIDO2) at every sign-in.")
    assert (f"- `role:Admin` (an administrator) in 222200000001, 222200000002, 222200000003: reached by the SAML role "
            f"`role:FederatedAdmin` (account 666600000001), {gate}; declared by `federation.saml.roles[0]` (FederatedAdmin: "
            f"persona admin, providers ExampleIdP) and `roles.admin.reach`; {declared}") in lines
    assert (f"- `role:FederatedAdmin` (an administrator) (account 666600000001): assumed with sts:AssumeRoleWithSAML by "
            f"whoever signs in at ExampleIdP, {gate}; declared by `federation.saml.roles[0]` (FederatedAdmin: persona admin, "
            f"providers ExampleIdP); {declared}") in lines
    saml_hops = [line for line in lines if "reached by the SAML role" in line]
    assert len(saml_hops) == sum(1 for e in _hops(graph) if e.mfa is HopMfa.IDENTITY_PROVIDER)
    # Negative control: hops with MFA (the identity account's users) are no way in without MFA.
    assert not any("user:" in line for line in lines)
