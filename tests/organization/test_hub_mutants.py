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


def _label_of(config, label: str) -> str:
    """A scope label, or a member account id -> the label of its StackSet group's scope."""
    from iam_baseline.config.stackset_groups import group_of_account
    from iam_baseline.naming import construct_id

    return f"StackSet member {construct_id(group_of_account(config)[label].key)}" if label.isdigit() else label


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
    ("member trust without MFA", WORKLOADS, "Admin", _trust_without("aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"),
     {"INV-MFA-LESS-ONLY-MACHINE", "INV-TRUST-DECLARED-WAYS"}),
    ("third party's external id dropped", WORKLOADS, "CspmScanner", _trust_without("sts:ExternalId"),
     {"INV-MACHINE-ROLE-PRINCIPAL"}),
    ("iam:PassRole on *", MANAGEMENT, "ReadOnly", _with_statement(PASS_ANY), {"INV-SERVICE-ROLE-PASS"}),
    ("iam:PassRole and ec2:RunInstances on *", MANAGEMENT, "Support", _with_statement(PASS_AND_RUN),
     {"INV-SERVICE-ROLE-PASS", "INV-HUMAN-NO-MACHINE-ROLE"}),
    # (its permissions boundary and a member account's SCPs each keep a role holding "*" from
    # being admin-equivalent: the mutant drops the boundary, in the management account)
    ("service role made administrator", MANAGEMENT, "ReportsInstance", _with_statement(ADMIN_ACCESS, boundary=False),
     {"INV-NO-MFA-LESS-ADMIN"}),
]


def _failures(scopes, config):
    results, _ = run_invariants(scopes, config, INVARIANTS)
    return [r for r in results if not r.passed]


def test_negative_control_the_hub_example_passes(hub_synth):
    config, _, scopes = hub_synth
    assert not _failures(scopes, config)


@pytest.mark.parametrize(("name", "label", "principal", "change", "expected"), MUTANTS, ids=[m[0] for m in MUTANTS])
def test_every_hub_mutant_fails_with_a_replayed_counterexample(hub_synth, name, label, principal, change, expected):
    config, _, scopes = hub_synth
    _, mutated = _mutate(scopes, _label_of(config, label), principal, change)
    failed = {r.check: r for r in _failures([mutated], config)}  # the other scopes are the control's
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
            f"role): principal {caller} (role_session, account 999988887777 (third party of CspmScanner)), action "
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
