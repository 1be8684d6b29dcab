"""SCP and RCP levels in both engines: each rule has a case where it denies and one where it does
not, and Hypothesis checks that the two engines agree on generated organization levels.

Sources: AWS Organizations User Guide, "SCP evaluation", "Resource control policies (RCPs)"
(services governed, "Resources and entities not restricted by RCPs"), "RCP evaluation".
"""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from iam_baseline.analysis.engine.evaluator import evaluate

from iam_baseline.analysis.engine.policy import Policy, PolicyKind

from iam_baseline.analysis.engine.request import Request, RequestPrincipal
from iam_baseline.analysis.engine.org_levels import RCP_SERVICES, rcp_governs
from iam_baseline.analysis.engine.space import ABSENT, ActionSpace, RequestSpace, ResourceSpace, exactly
from iam_baseline.analysis.engine.symbolic import Counterexample, NotProven, Proven, find_allowed
from iam_baseline.analysis.model.organization_policies import FULL_AWS_ACCESS, RCP_FULL_AWS_ACCESS

A = "111122223333"
STRANGER = "999988887777"
BOB = RequestPrincipal(f"arn:aws:iam::{A}:user/bob", A, "user")
OUTSIDER = RequestPrincipal(f"arn:aws:sts::{STRANGER}:assumed-role/App/s", STRANGER, "role_session",
                            f"arn:aws:iam::{STRANGER}:role/App")
LINKED = RequestPrincipal(f"arn:aws:sts::{A}:assumed-role/AWSServiceRoleForConfig/s", A, "role_session",
                          f"arn:aws:iam::{A}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig")
SERVICE = RequestPrincipal("cloudtrail.amazonaws.com", "", "service")
EVERYTHING = Policy.from_document("admin", {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})
BUCKET = "arn:aws:s3:::data/key"


def _rcp(*statements, name="rcp") -> Policy:
    return Policy.from_document(name, {"Version": "2012-10-17", "Statement": list(statements)}, PolicyKind.RCP)


def _scp(*statements, name="scp") -> Policy:
    return Policy.from_document(name, {"Version": "2012-10-17", "Statement": list(statements)}, PolicyKind.SCP)


DENY_S3_EC2 = _rcp({"Effect": "Deny", "Principal": "*", "Action": ["s3:*", "ec2:*"], "Resource": "*"})


def _space(principal, action, resource):
    return RequestSpace(principals=(principal,), actions=ActionSpace(include=(action,)),
                        resources=ResourceSpace(include=(resource,)))


def test_an_rcp_deny_binds_whatever_account_the_caller_is_in():
    levels = [[RCP_FULL_AWS_ACCESS, DENY_S3_EC2]]
    resource_policy = Policy.from_document("bucket", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": OUTSIDER.role_arn}, "Action": "s3:GetObject", "Resource": BUCKET}]},
        PolicyKind.RESOURCE)
    for principal in (BOB, OUTSIDER):
        request = Request(principal, "s3:GetObject", BUCKET)
        assert evaluate(request, identity=[EVERYTHING], resource_policy=resource_policy, rcps=levels).outcome.value == "explicit deny"
        assert isinstance(find_allowed(_space(principal, "s3:GetObject", BUCKET), identity=[EVERYTHING],
                                       resource_policy=resource_policy, rcps=levels), Proven)
    # Control: without the RCP level the same requests are allowed.
    assert evaluate(Request(BOB, "s3:GetObject", BUCKET), identity=[EVERYTHING]).allowed
    assert isinstance(find_allowed(_space(BOB, "s3:GetObject", BUCKET), identity=[EVERYTHING]), Counterexample)


def test_rcps_govern_only_their_services():
    levels = [[RCP_FULL_AWS_ACCESS, DENY_S3_EC2]]
    instance = f"arn:aws:ec2:eu-west-1:{A}:instance/i-1"
    assert "ec2" not in RCP_SERVICES and "s3" in RCP_SERVICES
    assert evaluate(Request(BOB, "ec2:StartInstances", instance), identity=[EVERYTHING], rcps=levels).allowed
    verdict = find_allowed(_space(BOB, "ec2:StartInstances", instance), identity=[EVERYTHING], rcps=levels)
    assert isinstance(verdict, Counterexample)
    # A level without RCPFullAWSAccess implicitly denies what RCPs govern, and nothing else.
    bare = [[DENY_S3_EC2]]
    assert evaluate(Request(BOB, "s3:GetObject", BUCKET), identity=[EVERYTHING], rcps=[[]]).outcome.value == "implicit deny"
    assert isinstance(find_allowed(_space(BOB, "s3:GetObject", BUCKET), identity=[EVERYTHING], rcps=[[]]), Proven)
    assert evaluate(Request(BOB, "ec2:StartInstances", instance), identity=[EVERYTHING], rcps=bare).allowed


def test_rcps_spare_service_linked_roles_and_service_principals():
    levels = [[RCP_FULL_AWS_ACCESS, DENY_S3_EC2]]
    assert not rcp_governs("s3:GetObject", "service", None)
    assert not rcp_governs("s3:GetObject", "role_session", LINKED.role_arn)
    assert rcp_governs("S3:GetObject", "role_session", OUTSIDER.role_arn)
    for principal in (LINKED, SERVICE):
        resource_policy = Policy.from_document("bucket", {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetObject",
             "Resource": BUCKET}]}, PolicyKind.RESOURCE)
        decision = evaluate(Request(principal, "s3:GetObject", BUCKET), identity=[EVERYTHING],
                            resource_policy=resource_policy, rcps=levels)
        assert decision.allowed, decision.explain()
        verdict = find_allowed(_space(principal, "s3:GetObject", BUCKET), identity=[EVERYTHING],
                               resource_policy=resource_policy, rcps=levels)
        assert isinstance(verdict, Counterexample)


def test_scp_levels_each_must_allow_in_the_symbolic_engine_too():
    only_s3 = _scp({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    levels = [[FULL_AWS_ACCESS], [only_s3]]
    assert isinstance(find_allowed(_space(BOB, "iam:CreateUser", f"arn:aws:iam::{A}:user/x"),
                                   identity=[EVERYTHING], scps=levels), Proven)
    assert isinstance(find_allowed(_space(BOB, "s3:GetObject", BUCKET), identity=[EVERYTHING], scps=levels),
                      Counterexample)


# -- Hypothesis: both engines on generated SCP and RCP levels ---------------------------------
PRINCIPALS = (BOB, OUTSIDER, LINKED, SERVICE)
REQUESTS = (("s3:GetObject", BUCKET), ("sts:AssumeRole", f"arn:aws:iam::{A}:role/baseline/Admin"),
            ("ec2:StartInstances", f"arn:aws:ec2:eu-west-1:{A}:instance/i-1"),
            ("organizations:LeaveOrganization", "*"), ("kms:Decrypt", f"arn:aws:kms:eu-west-1:{A}:key/k"))
ACTIONS = ("*", "s3:*", "sts:AssumeRole", "ec2:*", "organizations:LeaveOrganization", "kms:*", "s3:Get*")
CONDITIONS = (
    {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
    {"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}},
    {"StringNotEquals": {"aws:PrincipalAccount": A}},
    {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/baseline/*"}},
)
CONTEXTS = {"aws:PrincipalOrgID": (None, "o-a1b2c3d4e5", "o-zzzzzzzzzz"), "aws:PrincipalIsAWSService": (None, "true", "false")}


@st.composite
def org_statement(draw, rcp: bool):
    statement = {"Effect": draw(st.sampled_from(("Deny", "Deny", "Allow"))),
                 draw(st.sampled_from(("Action", "Action", "NotAction"))):
                     draw(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=2, unique=True)),
                 "Resource": draw(st.sampled_from(("*", "arn:aws:s3:::data/*", f"arn:aws:iam::{A}:role/*")))}
    if rcp:
        statement["Principal"] = "*"
    if draw(st.booleans()):
        statement["Condition"] = draw(st.sampled_from(CONDITIONS))
    return statement


@st.composite
def levels(draw, rcp: bool):
    make, full = (_rcp, RCP_FULL_AWS_ACCESS) if rcp else (_scp, FULL_AWS_ACCESS)
    out = []
    for i in range(draw(st.integers(0, 2))):
        own = [make(*draw(st.lists(org_statement(rcp), min_size=1, max_size=2)), name=f"level{i}")]
        out.append(([full] if draw(st.integers(0, 4)) else []) + own)
    return out


SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(levels(rcp=False), levels(rcp=True), st.sampled_from(PRINCIPALS), st.sampled_from(REQUESTS),
       st.fixed_dictionaries({k: st.sampled_from(v) for k, v in CONTEXTS.items()}))
def test_engines_agree_on_scp_and_rcp_levels(scps, rcps, principal, request_shape, drawn):
    action, resource = request_shape
    context = {k: v for k, v in drawn.items() if v is not None}
    context |= {"aws:PrincipalArn": principal.role_arn or principal.arn, "aws:PrincipalAccount": principal.account}
    if principal.kind == "service":
        context = {k: v for k, v in context.items() if k not in ("aws:PrincipalArn", "aws:PrincipalAccount")}
    policies = dict(identity=[EVERYTHING], scps=scps, rcps=rcps)
    decision = evaluate(Request(principal, action, resource, context), **policies)
    pins = {k: exactly(context[k]) if k in context else ABSENT
            for k in (*CONTEXTS, "aws:PrincipalArn", "aws:PrincipalAccount")}
    space = RequestSpace(principals=(principal,), actions=ActionSpace(include=(action,)),
                         resources=ResourceSpace(include=(resource,)), context=pins)
    verdict = find_allowed(space, **policies)
    assert not isinstance(verdict, NotProven), verdict
    assert isinstance(verdict, Counterexample) == decision.allowed, (verdict, decision.explain())


def test_scps_spare_service_linked_roles_but_bind_every_other_role():
    deny_all = _scp({"Effect": "Deny", "Action": "*", "Resource": "*"})
    levels = [[FULL_AWS_ACCESS, deny_all]]
    for principal, allowed in ((LINKED, True), (BOB, False)):
        request = Request(principal, "s3:GetObject", BUCKET)
        assert evaluate(request, identity=[EVERYTHING], scps=levels).allowed is allowed
        verdict = find_allowed(_space(principal, "s3:GetObject", BUCKET), identity=[EVERYTHING], scps=levels)
        assert isinstance(verdict, Counterexample if allowed else Proven)
