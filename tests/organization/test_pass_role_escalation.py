"""Passing a service role to its service is acting as it: the escalation graph
(``iam_baseline.analysis.graph``) must hold that edge for the persona the config names, and for
nobody else. This project writes no second PassRole search (INV-SERVICE-ROLE-PASS proves who may
pass the role; the graph says what that yields)."""

from __future__ import annotations

import pytest

from iam_baseline.analysis import graph


def _pass_role_sources(hub_synth) -> set[str]:
    config, _, scopes = hub_synth
    built = graph.build_graph(scopes, config)
    return {
        built.nodes[e.source].ref
        for e in built.edges
        if e.family is graph.Family.PASS_ROLE and built.nodes[e.target].ref == "role:ReportsInstance"
    }


def test_only_the_named_persona_can_act_as_the_service_role_by_passing_it(hub_synth):
    sources = _pass_role_sources(hub_synth)
    assert "role:Developer" in sources  # passed_by: [developer]
    assert "role:ReadOnly" not in sources and "role:Support" not in sources


# ------------------------------------------------------------------ the escalation line names who, where and what
def _escalation(scopes, config, subject_end: str, rule: str):
    from iam_baseline.analysis.checks.escalation import escalation_results

    built = graph.build_graph(scopes, config)
    return next(r for r in escalation_results(built) if r.subject.endswith(subject_end) and r.check == f"escalation:{rule}")


def test_a_pass_role_escalation_names_the_account_the_caller_each_request_and_every_grant(hub_synth):
    """The hub mutant granting iam:PassRole (and ec2:RunInstances) on ``*`` to Support: the line
    names the account with its config name, the caller, iam:PassRole on the role with
    iam:PassedToService, then the service action, each with the statements that allowed it."""
    from test_hub_mutants import MANAGEMENT, PASS_AND_RUN, _mutate, _with_statement

    config, _, scopes = hub_synth
    _, mutated = _mutate(scopes, MANAGEMENT, "Support", _with_statement(PASS_AND_RUN))
    found = _escalation([mutated], config, "role:Support", "pass-role-ec2")
    assert not found.passed
    assert found.message.startswith(
        "role:Support (account 111111111111 (management)): privilege escalation 'pass-role-ec2' is reachable: "
        "obtains role:ReportsInstance, which may do more than role:Support; requests: "
        "(1) principal arn:aws:sts::111111111111:assumed-role/Support/check (role_session) iam:PassRole on "
        "arn:aws:iam::111111111111:role/service/ReportsInstance with iam:PassedToService=ec2.amazonaws.com "
        "ALLOWED by [identity-based policy mutant:Support statement #0 (Allow)]; "
        "(2) ec2:RunInstances on arn:aws:ec2:eu-west-1:111111111111:instance/* "
        "ALLOWED by [identity-based policy mutant:Support statement #0 (Allow)]"), found.message
    assert found.request.action == "iam:PassRole" and found.decision.allowed
    # Negative control: the unmutated Support role passes no role.
    control = _escalation([next(s for s in scopes if s.label == MANAGEMENT)], config, "role:Support", "pass-role-ec2")
    assert control.passed and control.message == "role:Support: 'pass-role-ec2' not reachable"


def test_a_member_pass_role_escalation_is_shown_in_a_named_member_account_with_every_grant(hub_synth):
    """In a StackSet member scope the line is shown in one real member account, named, and lists
    every statement that allowed each request: the SCPs (once per statement, with the number of levels), the
    PassRole grant and the RunInstances grant (two statements of the mutant)."""
    from test_hub_mutants import PASS_ANY, WORKLOADS, _label_of, _mutate, _with_statement

    config, _, scopes = hub_synth
    run = {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}
    _, mutated = _mutate(scopes, _label_of(config, WORKLOADS), "ReadOnly", _with_statement(PASS_ANY, run))
    message = _escalation([mutated], config, "role:ReadOnly", "pass-role-ec2").message
    assert message.startswith("role:ReadOnly (account 333300000001 (payments-prod)): privilege escalation 'pass-role-ec2' "
                              "is reachable: reaches an administrator: role:ReadOnly -[pass-role-ec2]-> "
                              "an administrator role outside the assembly that trusts the service (not in the assembly: "
                              "assumed to hold AdministratorAccess and to trust any AWS service)"), message
    # OrganizationAccountAccessRole trusts only the management account: no service runs with it,
    # so no PassRole chain may name it (the verifier saw it named, a request AWS would refuse).
    assert "OrganizationAccountAccessRole" not in message
    assert ("(1) principal arn:aws:sts::333300000001:assumed-role/ReadOnly/check (role_session) iam:PassRole on "
            "arn:aws:iam::333300000001:role/admin-role-outside-the-assembly with iam:PassedToService=ec2.amazonaws.com "
            "ALLOWED by [service control policy FullAWSAccess statement #0 (Allow) at 4 levels; identity-based policy "
            "mutant:ReadOnly statement #0 (Allow)]; (2) ec2:RunInstances on arn:aws:ec2:us-east-1:333300000001:instance/* "
            "ALLOWED by [service control policy FullAWSAccess statement #0 (Allow) at 4 levels; identity-based policy "
            "mutant:ReadOnly statement #1 (Allow)]") in message
    assert message.endswith("; shown in member account 333300000001 (payments-prod), one of 3 with this StackSet template")
    assert "000000000000" not in message
