"""Readable counterexamples: the solver's caller gets plain names (``user/example-user``, not
``user/+``) when such a caller is allowed too, replayed by the concrete evaluator; a StackSet
template's placeholder account is shown as one of its member accounts, named."""

from __future__ import annotations

from iam_baseline.analysis.checks.invariants.base import AccountNames, describe_request
from iam_baseline.analysis.engine.evaluator import evaluate
from iam_baseline.analysis.engine.policy import Policy, PolicyKind
from iam_baseline.analysis.engine.request import Request, RequestPrincipal
from iam_baseline.analysis.engine.readable import readable_callers
from iam_baseline.analysis.engine.space import ActionSpace, PrincipalKind, PrincipalSpace, RequestSpace, ResourceSpace
from iam_baseline.analysis.engine.symbolic import Counterexample, find_allowed

ACCOUNT = "111122223333"
OWN_PASSWORD = {"Effect": "Allow", "Action": "iam:ChangePassword", "Resource": "arn:aws:iam::*:user/${aws:username}"}


def _policy(statement, kind=PolicyKind.IDENTITY) -> Policy:
    return Policy.from_document("p", {"Version": "2012-10-17", "Statement": [statement]}, kind)


def _users(**space) -> RequestSpace:
    return RequestSpace(principals=PrincipalSpace(kinds=frozenset({PrincipalKind.USER}), accounts=frozenset({ACCOUNT}), **space),
                        actions=ActionSpace(include=("iam:ChangePassword",)))


def test_a_free_user_is_example_user_and_the_keys_follow_it():
    found = find_allowed(_users(), identity=[_policy(OWN_PASSWORD)])
    assert isinstance(found, Counterexample)
    assert found.request.principal.arn == f"arn:aws:iam::{ACCOUNT}:user/example-user"
    assert found.request.resource.endswith(":user/example-user")  # ${aws:username} followed the caller
    assert evaluate(found.request, identity=[_policy(OWN_PASSWORD)]).allowed  # the replay


def test_a_path_the_policies_require_is_kept():
    anything = _policy({"Effect": "Allow", "Action": "iam:ChangePassword", "Resource": "*"})
    # The default 5 s budget ran out on a loaded machine: this asks what the answer is, not how fast.
    found = find_allowed(_users(arn_like=(f"arn:aws:iam::{ACCOUNT}:user/ops/*",)), identity=[anything], timeout_ms=60_000)
    assert isinstance(found, Counterexample)
    assert found.request.principal.arn == f"arn:aws:iam::{ACCOUNT}:user/ops/example-user"


def test_a_required_path_keeps_its_plain_prefix_and_drops_the_solver_filler():
    """CI once saw z3 answer ``user/ops/@/_`` for a ``user/ops/*`` pin: ``/`` is refused and the
    model's path is not plain, so the readable caller keeps ``/ops/`` and drops ``@/``."""
    odd = RequestPrincipal(f"arn:aws:iam::{ACCOUNT}:user/ops/@/_", ACCOUNT, "user")
    assert list(readable_callers(odd)) == [{"path": "/", "name": "example-user"},
                                           {"path": "/ops/", "name": "example-user"}]
    session = RequestPrincipal(f"arn:aws:sts::{ACCOUNT}:assumed-role/+/+", ACCOUNT, "role_session",
                               role_arn=f"arn:aws:iam::{ACCOUNT}:role/team/7/+")
    assert {"path": "/team/", "name": "example-role", "session": "example-session"} in list(readable_callers(session))
    # Negative control: a path whose first segment is filler has no plain prefix to try.
    assert list(readable_callers(RequestPrincipal(f"arn:aws:iam::{ACCOUNT}:user/@/ops/_", ACCOUNT, "user"))) == [
        {"path": "/", "name": "example-user"}]


def test_a_role_session_is_example_role_with_example_session():
    trust = _policy({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole"},
                    PolicyKind.TRUST)
    sessions = RequestSpace(principals=PrincipalSpace(kinds=frozenset({PrincipalKind.ROLE_SESSION})),
                            actions=ActionSpace(include=("sts:AssumeRole",)),
                            resources=ResourceSpace(include=(f"arn:aws:iam::{ACCOUNT}:role/Scanner",)))
    found = find_allowed(sessions, identity=[_policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})],
                         resource_policy=trust, resource_policy_required=True)
    assert isinstance(found, Counterexample)
    principal = found.request.principal
    assert (principal.arn, principal.role_arn, principal.kind) == (
        "arn:aws:sts::999988887777:assumed-role/example-role/example-session",
        "arn:aws:iam::999988887777:role/example-role", "role_session")


def test_negative_control_a_name_the_policies_pin_is_not_renamed():
    """Only a readable caller that is allowed too replaces the solver's: here none is."""
    found = find_allowed(_users(arn_like=(f"arn:aws:iam::{ACCOUNT}:user/+",)), identity=[_policy(OWN_PASSWORD)])
    assert isinstance(found, Counterexample) and found.request.principal.arn == f"arn:aws:iam::{ACCOUNT}:user/+"


def test_plain_names_are_left_alone():
    assert list(readable_callers(RequestPrincipal(f"arn:aws:iam::{ACCOUNT}:user/baseline/alice.admin", ACCOUNT, "user"))) == []
    session = RequestPrincipal(f"arn:aws:sts::{ACCOUNT}:assumed-role/ReadOnly/check", ACCOUNT, "role_session",
                               role_arn=f"arn:aws:iam::{ACCOUNT}:role/baseline/ReadOnly")
    assert list(readable_callers(session)) == []
    junk = RequestPrincipal(f"arn:aws:sts::{ACCOUNT}:assumed-role/+/+", ACCOUNT, "role_session",
                            role_arn=f"arn:aws:iam::{ACCOUNT}:role/,/+")
    assert list(readable_callers(junk))[0] == {"path": "/", "name": "example-role", "session": "example-session"}


MEMBERS = AccountNames({"444400000001": "payments-dev", "444400000002": "orders-dev", "666600000001": "identity"},
                       ("444400000001", "444400000002"))


def _assume(caller_account: str) -> Request:
    return Request(RequestPrincipal(f"arn:aws:iam::{caller_account}:user/example-user", caller_account, "user"),
                   "sts:AssumeRole", "arn:aws:iam::000000000000:role/baseline/Admin", {})


def test_the_template_account_is_shown_as_a_named_member_account():
    assert describe_request(_assume("666600000001"), MEMBERS) == (
        "principal arn:aws:iam::666600000001:user/example-user (user, account 666600000001 (identity)), action "
        "sts:AssumeRole, resource arn:aws:iam::444400000001:role/baseline/Admin, context {no keys}; shown in member "
        "account 444400000001 (payments-dev), one of 2 with this StackSet template"
    )


def test_a_member_account_the_request_names_is_never_the_one_shown():
    """Renaming the placeholder to the caller's own account would make a cross-account request
    a same-account one: the next member is shown, and with none left the text says
    ``<member account>`` (another account that gets the template), never the placeholder."""
    assert "resource arn:aws:iam::444400000002:role/baseline/Admin" in describe_request(_assume("444400000001"), MEMBERS)
    only = AccountNames(MEMBERS.names, ("444400000001",), template=True)
    assert describe_request(_assume("444400000001"), only).endswith(
        "resource arn:aws:iam::<member account>:role/baseline/Admin, context {no keys}; <member account>: another "
        "account that gets this StackSet template (the text names each of its member accounts today: 444400000001 "
        "(payments-dev))")
    real = describe_request(_assume("444400000001"), AccountNames(MEMBERS.names))  # a real account: left as it is
    assert "shown in" not in real and "arn:aws:iam::000000000000:role/baseline/Admin" in real


def test_the_scope_label_naming_its_only_member_is_not_an_account_the_text_names():
    """A StackSet variant split by SCP levels has parts labelled with their one account
    (``... in Workloads/Dev (444400000002)``): an escalation line opening with that label is
    shown in that account, not left with the placeholder (the console used to print it)."""
    label = "StackSet member Workloads4c6e2f15 in Workloads/Dev (444400000002)"
    names = AccountNames(MEMBERS.names, ("444400000002",), template=True, label=label)
    raw = f"{label} role:ReadOnly (account 000000000000): reaches arn:aws:iam::000000000000:role/OrganizationAccountAccessRole"
    assert names.show(raw) == (f"{label} role:ReadOnly (account 444400000002 (orders-dev)): reaches "
                               "arn:aws:iam::444400000002:role/OrganizationAccountAccessRole; shown in member account "
                               "444400000002 (orders-dev)")
    # the control: without the label set aside, the only member counts as named and no account is left to show
    assert "000000000000" not in AccountNames(MEMBERS.names, ("444400000002",), template=True).show(raw)
    assert "<member account>" in AccountNames(MEMBERS.names, ("444400000002",), template=True).show(raw)


def test_an_scp_attached_at_several_levels_is_said_once_in_every_line():
    """FullAWSAccess attached to the root, an OU and the account allows at each level: an
    invariant's line (INV-TRUST-DECLARED-WAYS and the others, through explain) and an escalation
    line say it once, with the number of levels; the decision still holds one statement per level."""
    from iam_baseline.analysis.checks.escalation import allowed_by
    from iam_baseline.analysis.checks.invariants.base import Counterexample as Found, Finding, Invariant, explain

    full = Policy.from_document("FullAWSAccess", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]}, PolicyKind.SCP)
    request = _assume("666600000001")
    mine = Policy.from_document("Hop", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]})
    decision = evaluate(request, identity=(mine,), scps=((full,), (full,), (full,)))
    assert decision.allowed and len(decision.deciding) == 4  # three levels and the identity-based policy
    said = "service control policy FullAWSAccess statement #0 (Allow) at 3 levels; identity-based policy Hop statement #0 (Allow)"
    assert allowed_by(decision) == said
    invariant = Invariant("INV-X", "a promise", "a rule", lambda scope, config: [])
    _, message = explain(invariant, "account 666600000001", Finding("role:Admin", Found(request, decision)), MEMBERS)
    assert f"is ALLOWED by [{said}" in message and message.count("service control policy") == 1
