"""Session policies in both engines (the baseline passes none, so an engine test is the proof
that they are modelled): the concrete evaluator and find_allowed agree on generated identity,
session and resource-based policies for a role session, whose resource-based grants by role
ARN stay limited by the session policy while grants naming the session itself do not (IAM User
Guide, "Policy evaluation logic" > "Session policies"; "Evaluating identity-based policies with
resource-based policies")."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from iam_baseline.analysis.engine.evaluator import evaluate

from iam_baseline.analysis.engine.policy import PolicyKind

from iam_baseline.analysis.engine.request import Request, RequestPrincipal
from iam_baseline.analysis.engine.space import ABSENT, ActionSpace, RequestSpace, ResourceSpace
from iam_baseline.analysis.engine.symbolic import Counterexample, NotProven, Proven, find_allowed

from .test_engines_agree import A, CONTEXT_VALUES, REQUESTS, SETTINGS, _policy, statements

ROLE = f"arn:aws:iam::{A}:role/x"
SESSION = RequestPrincipal(f"arn:aws:sts::{A}:assumed-role/x/s", A, "role_session", ROLE)
GRANTEES = ({"AWS": ROLE}, {"AWS": SESSION.arn}, {"AWS": A})


@st.composite
def session_sets(draw):
    out = {"identity": [_policy("identity", draw(st.lists(statements(), min_size=1, max_size=3)), PolicyKind.IDENTITY)],
           "session": [_policy("session", draw(st.lists(statements(), min_size=1, max_size=2)), PolicyKind.SESSION)]}
    if draw(st.booleans()):
        grant = {"Effect": "Allow", "Principal": draw(st.sampled_from(GRANTEES)), "Action": "*", "Resource": "*"}
        out["resource_policy"] = _policy("resource", [grant], PolicyKind.RESOURCE)
    return out


@SETTINGS
@given(session_sets(), st.sampled_from(REQUESTS))
def test_engines_agree_on_session_policies(policies, request_shape):
    action, resource = request_shape
    # Pinned to one request: no context key, the caller's keys follow the session.
    pins = {k: ABSENT for k in CONTEXT_VALUES if k not in ("aws:PrincipalArn", "aws:username")}
    space = RequestSpace(principals=(SESSION,), actions=ActionSpace(include=(action,)),
                         resources=ResourceSpace(include=(resource,)), context=pins)
    decision = evaluate(Request(SESSION, action, resource, {"aws:PrincipalArn": ROLE}), **policies)
    verdict = find_allowed(space, **policies)
    if isinstance(verdict, NotProven):
        assert verdict.reason.startswith("not modelled"), verdict.reason
        return
    assert isinstance(verdict, Counterexample) == decision.allowed, (verdict, decision.explain())


def test_a_session_policy_limits_a_grant_to_the_role_but_not_to_the_session():
    identity = [_policy("identity", [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}], PolicyKind.IDENTITY)]
    session = [_policy("session", [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}], PolicyKind.SESSION)]
    space = RequestSpace(principals=(SESSION,), actions=ActionSpace(include=("s3:GetObject",)),
                         resources=ResourceSpace(include=("arn:aws:s3:::app/data.csv",)))
    assert isinstance(find_allowed(space, identity=identity, session=session), Proven)
    for grantee, allowed in (({"AWS": ROLE}, False), ({"AWS": SESSION.arn}, True)):
        bucket = _policy("bucket", [{"Effect": "Allow", "Principal": grantee, "Action": "s3:GetObject",
                                     "Resource": "arn:aws:s3:::app/*"}], PolicyKind.RESOURCE)
        verdict = find_allowed(space, identity=identity, session=session, resource_policy=bucket)
        assert isinstance(verdict, Counterexample) is allowed
        request = Request(SESSION, "s3:GetObject", "arn:aws:s3:::app/data.csv", {"aws:PrincipalArn": ROLE})
        assert evaluate(request, identity=identity, session=session, resource_policy=bucket).allowed is allowed
