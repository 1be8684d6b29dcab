"""The engine's difference question (engine/difference.py) on small hand-written policies."""

from __future__ import annotations

import pytest

from iam_baseline.analysis.engine import difference
from iam_baseline.analysis.engine.difference import DifferenceDisagreement, PolicySet, new_accesses
from iam_baseline.analysis.engine.evaluator import evaluate
from iam_baseline.analysis.engine.policy import Policy
from iam_baseline.analysis.engine.request import RequestPrincipal
from iam_baseline.analysis.engine.space import ABSENT, RequestSpace

ROLE = RequestPrincipal("arn:aws:sts::111122223333:assumed-role/R/s", "111122223333", "role_session",
                        role_arn="arn:aws:iam::111122223333:role/R")
USER = RequestPrincipal("arn:aws:iam::111122223333:user/alice", "111122223333", "user")
AS_ROLE = RequestSpace(principals=(ROLE,), context={"aws:username": ABSENT})
AS_USER = RequestSpace(principals=(USER,))

READ = {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}
OWN_USER = {"Effect": "Allow", "Action": "iam:Get*", "Resource": "arn:aws:iam::111122223333:user/${aws:username}"}
DENY_NO_MFA = {"Effect": "Deny", "Action": "*", "Resource": "*",
               "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}


def policy(name: str, *statements: dict) -> Policy:
    return Policy.from_document(name, {"Version": "2012-10-17", "Statement": list(statements)})


def identity(*policies: Policy) -> PolicySet:
    return PolicySet(identity=policies)


OLD = identity(policy("old", READ, OWN_USER, DENY_NO_MFA))


@pytest.mark.parametrize("space", [AS_ROLE, AS_USER], ids=["role session", "user"])
def test_reordered_and_split_policies_grant_nothing_new(space):
    new = identity(policy("a", DENY_NO_MFA, OWN_USER), policy("b", dict(READ, Action="s3:ListBucket"),
                                                              dict(READ, Action="s3:GetObject", Sid="Split")))
    for a, b in ((new, OLD), (OLD, new)):
        found = new_accesses(space, a, b)
        assert found.complete and not found.found


def test_a_weakened_deny_is_new_access_with_the_request_that_shows_it():
    # Bool instead of BoolIfExists: long-term keys (no MFA key at all) are no longer denied.
    weak = dict(DENY_NO_MFA, Condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}})
    new = identity(policy("new", READ, OWN_USER, weak))
    found = new_accesses(AS_USER, new, OLD)
    assert found.complete and found.found
    for access in found.found:
        assert "aws:multifactorauthpresent" not in access.request.context
        assert evaluate(access.request, **new.keywords()).allowed
        assert not evaluate(access.request, **OLD.keywords()).allowed
        assert access.old.outcome.value == "explicit deny"
    # And nothing the other way round.
    assert not new_accesses(AS_USER, OLD, new).found


def test_enumeration_blocks_each_class_and_says_when_it_is_truncated():
    new = identity(policy("new", READ, OWN_USER, {"Effect": "Allow", "Action": ["sqs:SendMessage", "sns:Publish"],
                                                  "Resource": "*"}, DENY_NO_MFA))
    everything = new_accesses(AS_ROLE, new, OLD, limit=50)
    assert everything.complete and not everything.truncated
    actions = {a for access in everything.found for a in access.actions}
    assert actions == {"sqs:SendMessage", "sns:Publish"}
    first = new_accesses(AS_ROLE, new, OLD, limit=1)
    assert len(first.found) == 1 and first.truncated and not first.complete


def test_an_added_principal_has_everything_new():
    found = new_accesses(AS_ROLE, identity(policy("new", READ)), PolicySet(), limit=10)
    assert {a for access in found.found for a in access.actions} == {"s3:GetObject", "s3:ListBucket"}


def test_a_construct_not_modelled_is_undecided_never_no_change():
    binary = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
              "Condition": {"BinaryEquals": {"aws:UserAgent": "QUJD"}}}
    found = new_accesses(AS_ROLE, identity(policy("new", READ, binary)), identity(policy("old", READ)))
    assert not found.complete and found.undecided and "not modelled" in found.undecided
    assert not found.truncated


def test_a_request_the_concrete_evaluator_does_not_confirm_is_an_engine_bug(monkeypatch):
    new = identity(policy("new", READ))

    def old_allows_everything(request, **policies):
        return evaluate(request, **new.keywords())

    monkeypatch.setattr(difference, "evaluate", old_allows_everything)
    with pytest.raises(DifferenceDisagreement, match="old policies should deny"):
        new_accesses(AS_ROLE, new, PolicySet())
