"""Which role sessions carry MFA context (engine/context_rules.py, SessionOrigin), in both
engines: a member role's trust that requires MFA admits an IAM user who gave MFA, never a SAML
or OIDC session nor a role chained from one, nor a chain that began without MFA."""

from __future__ import annotations

import pytest

from iam_baseline.analysis.engine.context_rules import ImpossibleContext, SessionOrigin
from iam_baseline.analysis.engine.evaluator import evaluate_assume_role
from iam_baseline.analysis.engine.policy import Policy, PolicyKind
from iam_baseline.analysis.engine.request import Request, RequestPrincipal
from iam_baseline.analysis.engine.space import ActionSpace, PrincipalKind, PrincipalSpace, RequestSpace, ResourceSpace
from iam_baseline.analysis.engine.symbolic import Counterexample, Proven, find_allowed

HUB, MEMBER = "111111111111", "222222222222"
TARGET = f"arn:aws:iam::{MEMBER}:role/baseline/Admin"
MFA = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60"}
NO_MFA = {"aws:MultiFactorAuthPresent": "false"}


def _trust(condition: dict) -> Policy:
    return Policy.from_document("trust", {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{HUB}:root"}, "Action": "sts:AssumeRole",
        "Condition": condition}]}, PolicyKind.TRUST)


MFA_TRUST = _trust({"Bool": {"aws:MultiFactorAuthPresent": "true"},
                    "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})
ALLOW_ASSUME = Policy.from_document("hop", {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": TARGET}]})


def _session(origin: SessionOrigin, role: str = "SamlAdmin") -> RequestPrincipal:
    return RequestPrincipal(f"arn:aws:sts::{HUB}:assumed-role/{role}/alice", HUB, "role_session",
                            f"arn:aws:iam::{HUB}:role/{role}", origin)


ALICE = RequestPrincipal(f"arn:aws:iam::{HUB}:user/alice", HUB, "user")


def _assume(principal: RequestPrincipal, context: dict):
    return evaluate_assume_role(Request(principal, "sts:AssumeRole", TARGET, context),
                                trust_policy=MFA_TRUST, identity=[ALLOW_ASSUME])


@pytest.mark.parametrize("origin", [SessionOrigin.SAML, SessionOrigin.WEB_IDENTITY,
                                    SessionOrigin.ASSUME_ROLE_WITHOUT_MFA])
def test_the_evaluator_refuses_mfa_for_a_session_that_cannot_carry_it(origin):
    with pytest.raises(ImpossibleContext, match=origin.value):
        _assume(_session(origin), MFA)
    assert not _assume(_session(origin), NO_MFA).allowed


def test_an_iam_user_with_mfa_and_an_mfa_session_pass_the_member_trust():
    assert _assume(ALICE, MFA).allowed
    assert _assume(_session(SessionOrigin.ASSUME_ROLE), MFA).allowed
    # the origin means nothing for a user: a user's own MFA is its own
    assert _assume(RequestPrincipal(ALICE.arn, HUB, "user", origin=SessionOrigin.SAML), MFA).allowed


def _space(principals) -> RequestSpace:
    return RequestSpace(principals=principals, actions=ActionSpace(include=("sts:AssumeRole",)),
                        resources=ResourceSpace(include=(TARGET,)))


@pytest.mark.parametrize("origin", [SessionOrigin.SAML, SessionOrigin.WEB_IDENTITY,
                                    SessionOrigin.ASSUME_ROLE_WITHOUT_MFA])
def test_the_engine_proves_no_federated_or_mfa_less_chain_passes_an_mfa_trust(origin):
    concrete = find_allowed(_space((_session(origin),)), identity=[ALLOW_ASSUME], resource_policy=MFA_TRUST,
                            resource_policy_required=True)
    assert isinstance(concrete, Proven), concrete
    symbolic = find_allowed(_space(PrincipalSpace(kinds=frozenset({PrincipalKind.ROLE_SESSION}),
                                                  accounts=frozenset({HUB}), session_origins=frozenset({origin}))),
                            identity=[ALLOW_ASSUME], resource_policy=MFA_TRUST, resource_policy_required=True)
    assert isinstance(symbolic, Proven), symbolic


def test_negative_control_a_session_that_may_carry_mfa_passes_with_a_replayed_counterexample():
    for principals in ((_session(SessionOrigin.ASSUME_ROLE),),
                       PrincipalSpace(kinds=frozenset({PrincipalKind.ROLE_SESSION}), accounts=frozenset({HUB}))):
        found = find_allowed(_space(principals), identity=[ALLOW_ASSUME], resource_policy=MFA_TRUST,
                             resource_policy_required=True)
        assert isinstance(found, Counterexample), found
        assert found.request.context["aws:multifactorauthpresent"] == "true"
        assert found.request.principal.origin is SessionOrigin.ASSUME_ROLE
        # replayed on the concrete evaluator (find_allowed raises EngineDisagreement otherwise)
        assert _assume(found.request.principal, dict(found.request.context)).allowed


def test_a_saml_trust_without_mfa_admits_the_saml_session_in_both_engines():
    trust = _trust({"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{HUB}:role/SamlAdmin"}})
    saml = _session(SessionOrigin.SAML)
    context = {**NO_MFA, "aws:PrincipalArn": saml.role_arn}
    assert evaluate_assume_role(Request(saml, "sts:AssumeRole", TARGET, context), trust_policy=trust,
                                identity=[ALLOW_ASSUME]).allowed
    found = find_allowed(_space((saml,)), identity=[ALLOW_ASSUME], resource_policy=trust,
                         resource_policy_required=True)
    assert isinstance(found, Counterexample)
    assert found.request.principal.origin is SessionOrigin.SAML
    assert found.request.context.get("aws:multifactorauthpresent") != "true"
