"""Mutants of the hub example (issue 17): removing MFA from a member trust, dropping a third
party's external id, granting iam:PassRole on ``*`` and making a machine role an administrator
each make the proof fail with a counterexample the concrete evaluator replays; the unmutated
example passes the same invariants (the negative control).

A mutant replaces one principal of one scope of the shared synth (``hub_synth``) with a broken
copy, as a broken template would read; the invariants run over that scope as ``make check``
runs them (the other scopes are unchanged: the negative control covers them).
"""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from iam_baseline.analysis.checks.invariants import (
    human_machine, machine_roles, mfa_less, mfa_less_admin, service_roles, trust)
from iam_baseline.analysis.checks.invariants.base import Counterexample
from iam_baseline.analysis.checks.invariants.catalog import run_invariants
from iam_baseline.analysis.engine.policy import Policy, PolicyKind

INVARIANTS = tuple(m.INVARIANT for m in (trust, mfa_less, machine_roles, service_roles, human_machine, mfa_less_admin))
WORKLOADS = "333300000001"  # payments-prod: the scope of its StackSet group (the key holds a digest of its items)
MANAGEMENT = "account 111111111111"
IDENTITY = "666600000001"  # the identity account: its own stack (IdentityAccount), scope "account 666600000001"


def _label_of(config, label: str) -> str:
    """A scope label, or a member account id -> the label of its StackSet group's scope (the
    identity account's own stack, ``IdentityAccount``: ``account <id>``)."""
    from iam_baseline.config.stackset_groups import stackset_groups
    from iam_baseline.naming import construct_id

    if not label.isdigit():
        return label
    group = next((g for g in stackset_groups(config) if label in g.accounts), None)
    return f"StackSet member {construct_id(group.key)}" if group else f"account {label}"


def _scope(scopes, label):
    return next(s for s in scopes if s.label.split(" in ")[0] == label)


def _mutate(scopes, label: str, name: str, change):
    """``scopes`` with the first scope labelled ``label`` holding ``change(copy of principal name)``."""
    scope = _scope(scopes, label)
    model = copy.copy(scope.model)
    model.principals = dict(scope.model.principals)
    arn, principal = next((a, p) for a, p in model.principals.items() if p.name == name)
    model.principals[arn] = change(principal)
    mutated = replace(scope, model=model)
    return [mutated if s is scope else s for s in scopes], mutated


def _trust_without(*keys):
    def change(role):
        document = copy.deepcopy(role.trust.document)
        for statement in document["Statement"]:
            for operator in list(statement.get("Condition", {})):
                for key in keys:
                    statement["Condition"][operator].pop(key, None)
                if not statement["Condition"][operator]:
                    del statement["Condition"][operator]
            if statement.get("Condition") == {}:
                del statement["Condition"]
        return replace(role, trust=Policy.from_document(f"trust:{role.name}", document, PolicyKind.TRUST))
    return change


def _with_statement(*statements, boundary: bool = True):
    def change(principal):
        extra = Policy.from_document(f"mutant:{principal.name}", {"Version": "2012-10-17", "Statement": list(statements)})
        return replace(principal, policies=[*principal.policies, extra], boundary=principal.boundary if boundary else None)
    return change


ADMIN_ACCESS = {"Effect": "Allow", "Action": "*", "Resource": "*"}
PASS_ANY = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
PASS_AND_RUN = {"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}

MUTANTS = [
    # The trust names only the identity account's people: with their own policies (the group's
    # MemberRoles Allow needs MFA, force-MFA denies without it) nobody gets in without MFA, so
    # INV-MFA-LESS-ONLY-MACHINE holds; a user whose MFA is older than mfa.max_age_seconds does get in.
    ("member trust without MFA", WORKLOADS, "Admin", _trust_without("aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"),
     {"INV-TRUST-DECLARED-WAYS"}),
    # The identity account's own ReadOnly role (it reaches `ous: [root]`), in its own stack.
    ("identity account's member role trust without MFA", IDENTITY, "ReadOnly",
     _trust_without("aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"), {"INV-TRUST-DECLARED-WAYS"}),
    ("third party's external id dropped", WORKLOADS, "CspmScanner", _trust_without("sts:ExternalId"),
     {"INV-MACHINE-ROLE-PRINCIPAL"}),
    ("iam:PassRole on *", MANAGEMENT, "ReadOnly", _with_statement(PASS_ANY), {"INV-SERVICE-ROLE-PASS"}),
    ("iam:PassRole and ec2:RunInstances on *", MANAGEMENT, "Support", _with_statement(PASS_AND_RUN),
     {"INV-SERVICE-ROLE-PASS", "INV-HUMAN-NO-MACHINE-ROLE"}),
    # (its permissions boundary and a member account's SCPs each keep a role holding "*" from
    # being admin-equivalent: the mutant drops the boundary, in the management account)
    ("service role made administrator", MANAGEMENT, "ReportsInstance", _with_statement(ADMIN_ACCESS, boundary=False),
     {"INV-NO-MFA-LESS-ADMIN"}),
    # MetricsCollector's StackSet group deploys to three Workloads accounts (a variant of several).
    ("machine role of a multi-account variant made administrator", WORKLOADS, "MetricsCollector",
     _with_statement(ADMIN_ACCESS, boundary=False), {"INV-NO-MFA-LESS-ADMIN"}),
]


def _failures(scopes, config, whole=None):
    """The failed invariants of ``scopes``; ``whole``: every scope of the (mutated) assembly, whose
    principals answer a counterexample with their own policies (as in ``make check``)."""
    results, _ = run_invariants(scopes, config, INVARIANTS, whole)
    return [r for r in results if not r.passed]


def test_negative_control_the_hub_example_passes(hub_synth):
    config, _, scopes = hub_synth
    assert not _failures(scopes, config)


@pytest.mark.parametrize(("name", "label", "principal", "change", "expected"), MUTANTS, ids=[m[0] for m in MUTANTS])
def test_every_hub_mutant_fails_with_a_replayed_counterexample(hub_synth, name, label, principal, change, expected):
    config, _, scopes = hub_synth
    whole, mutated = _mutate(scopes, _label_of(config, label), principal, change)
    failed = {r.check: r for r in _failures([mutated], config, whole)}  # the other scopes are the control's
    assert expected <= set(failed), (name, sorted(failed))
    for check in expected:
        result = failed[check]
        assert result.request is not None and result.decision.allowed, (name, result.message)
        assert "counterexample" in result.message, result.message


def test_a_member_counterexample_names_a_member_account_and_a_readable_caller(hub_synth):
    """The counterexample of a StackSet member scope is shown in one of its member accounts,
    named, with a readable caller (not ``000000000000`` and ``assumed-role/+/+``); the request
    kept for the replay is the template's, and renamed consistently it is decided the same."""
    import json

    from iam_baseline.analysis.engine.evaluator import evaluate
    from iam_baseline.analysis.engine.request import Request

    config, _, scopes = hub_synth
    _, mutated = _mutate(scopes, _label_of(config, WORKLOADS), "CspmScanner", _trust_without("sts:ExternalId"))
    result = {r.check: r for r in _failures([mutated], config)}["INV-MACHINE-ROLE-PRINCIPAL"]
    caller = "arn:aws:sts::999988887777:assumed-role/example-role/example-session"
    assert (f"counterexample (the third party's account 999988887777 without the agreed sts:ExternalId assumes the "
            f"role): a principal outside this assembly, e.g. principal {caller} (role_session, account 999988887777 "
            "(third party of CspmScanner)), action "
            "sts:AssumeRole, resource arn:aws:iam::333300000001:role/baseline/CspmScanner, context {") in result.message
    assert "}; shown in member account 333300000001 (payments-prod), one of 3 with this StackSet template is ALLOWED by [trust " \
        "policy trust:CspmScanner statement #0 (Allow)" in result.message
    assert "000000000000" not in result.message and "/+" not in result.message
    # The replayed request: the template's placeholder account. The shown one (the same request
    # in member account 333300000001, whose stack is the same template) is decided the same.
    assert result.request.resource == "arn:aws:iam::000000000000:role/baseline/CspmScanner" and result.decision.allowed
    trust = next(p for p in mutated.model.principals.values() if p.name == "CspmScanner").trust
    in_member = Policy.from_document("trust", json.loads(json.dumps(trust.document).replace("000000000000", "333300000001")),
                                     PolicyKind.TRUST)
    shown = Request(result.request.principal, result.request.action, result.request.resource.replace("000000000000", "333300000001"),
                    result.request.context)
    allow_all = Policy.from_document("caller", {"Version": "2012-10-17", "Statement": [ADMIN_ACCESS]})
    assert evaluate(shown, identity=[allow_all], resource_policy=in_member, resource_policy_required=True).allowed


def test_negative_control_a_real_account_is_shown_as_it_is(hub_synth):
    config, _, scopes = hub_synth
    _, mutated = _mutate(scopes, MANAGEMENT, "ReadOnly", _with_statement(PASS_ANY))
    message = {r.check: r for r in _failures([mutated], config)}["INV-SERVICE-ROLE-PASS"].message
    assert ("principal arn:aws:sts::111111111111:assumed-role/ReadOnly/check (role_session, account 111111111111 "
            "(management)), action iam:PassRole, resource arn:aws:iam::111111111111:role/service/ReportsInstance") in message
    assert "shown in member account" not in message


# ------------------------------------------------------------------ INV-NO-MFA-LESS-ADMIN's wider subjects
ASSUME_ADMIN = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::*:role/baseline/Admin"}


def _trusting(arn: str):
    """A trust policy with one more statement admitting ``arn`` (no condition)."""
    def change(role):
        document = copy.deepcopy(role.trust.document)
        document["Statement"].append({"Effect": "Allow", "Principal": {"AWS": arn}, "Action": "sts:AssumeRole"})
        return replace(role, trust=Policy.from_document(f"trust:{role.name}", document, PolicyKind.TRUST))
    return change


def _mfa_less_admin(scope, config) -> dict[str, object]:
    return {f.subject: f.verdict for f in mfa_less_admin.check(scope, config)}


def test_a_machine_role_of_a_multi_account_variant_hopping_to_an_admin_role_fails(hub_synth):
    """sts:AssumeRole on the Admin role, whose trust (mutated) names the machine role of one
    account of the variant: the hop from that account into another of the variant is found."""
    config, _, scopes = hub_synth
    label = _label_of(config, WORKLOADS)
    caller = "333300000002"  # orders-prod, in the same three-account variant as payments-prod
    assert len(_scope(scopes, label).member_accounts) > 1
    scopes, _ = _mutate(scopes, label, "MetricsCollector", _with_statement(ASSUME_ADMIN, boundary=False))
    control = _mfa_less_admin(_scope(scopes, label), config)
    assert type(control["role:MetricsCollector (a machine or service role (no MFA))"]).__name__ == "Proven", control
    _, mutated = _mutate(scopes, label, "Admin", _trusting(f"arn:aws:iam::{caller}:role/baseline/MetricsCollector"))
    verdict = _mfa_less_admin(mutated, config)["role:MetricsCollector (a machine or service role (no MFA))"]
    assert isinstance(verdict, Counterexample), verdict
    request = verdict.request
    assert (request.action, request.principal.account) == ("sts:AssumeRole", caller)
    assert request.resource.startswith("arn:aws:iam::3") and f":{caller}:" not in request.resource
    assert verdict.decision.allowed and "-[assume-member-role]-> role:Admin" in verdict.note, verdict.note


def _people_scope(scopes):
    """The scope holding the identity account's people (group Admins and its users)."""
    return next(s for s in scopes if any(p.ref == "group:Admins" for p in s.model.principals.values()))


def test_users_with_long_term_keys_are_subjects_and_pass_on_the_example(hub_synth):
    config, _, scopes = hub_synth
    verdicts = _mfa_less_admin(_people_scope(scopes), config)
    keys = {s: v for s, v in verdicts.items() if "(long-term access keys, no MFA)" in s}
    assert "user:alice.admin (long-term access keys, no MFA)" in keys and "group:Admins (long-term access keys, no MFA)" in keys
    assert all(type(v).__name__ == "Proven" for v in keys.values()), keys


def test_a_user_who_is_admin_with_long_term_keys_fails(hub_synth):
    """The Admins group granted "*" keeps its force-MFA Deny: proven; without it, the group's users
    with long-term access keys are administrators (a counterexample with the MFA keys absent)."""
    config, _, scopes = hub_synth
    scope = _people_scope(scopes)
    label = scope.label.split(" in ")[0]
    _, kept = _mutate(scopes, label, "Admins", _with_statement(ADMIN_ACCESS))
    assert type(_mfa_less_admin(kept, config)["user:alice.admin (long-term access keys, no MFA)"]).__name__ == "Proven"

    def without_force_mfa(group):
        return replace(group, policies=[p for p in group.policies if "ForceMFA" not in p.name])
    scopes2, _ = _mutate(scopes, label, "Admins", without_force_mfa)
    _, mutated = _mutate(scopes2, label, "Admins", _with_statement(ADMIN_ACCESS))
    verdict = _mfa_less_admin(mutated, config)["user:alice.admin (long-term access keys, no MFA)"]
    assert isinstance(verdict, Counterexample) and verdict.decision.allowed, verdict
    assert not any(k.lower().startswith("aws:multifactor") for k in verdict.request.context), verdict.request.context


def test_the_report_lists_a_machine_role_of_a_multi_account_variant_that_reaches_admin(hub_synth):
    """'Who can reach admin' reads the same graph: the mutated MetricsCollector (three Workloads
    accounts) is listed as a machine role, undeclared; the unmutated example lists no machine role."""
    from types import SimpleNamespace

    from iam_baseline.analysis.graph import build_graph
    from iam_baseline.analysis.outputs.admin_reach import EntryKind, who_can_reach_admin

    config, _, scopes = hub_synth
    label = _label_of(config, WORKLOADS)
    management = next(s for s in scopes if s.variant is None)

    def machine_chains(scopes):
        run = SimpleNamespace(graph=build_graph(scopes, config), model=management.model, scopes=scopes, config=config,
                              people=())
        return [c for c in who_can_reach_admin(run) if c.kind is EntryKind.MACHINE]

    mutated, _ = _mutate(scopes, label, "MetricsCollector", _with_statement(ADMIN_ACCESS, boundary=False))
    (chain,) = [c for c in machine_chains(mutated) if c.entry.startswith("role:MetricsCollector (StackSet member Workloads")]
    assert not chain.declared and chain.account.startswith("stackset:"), chain
    assert not machine_chains(scopes)  # negative control
