"""The invariants hand what their statement proofs and concrete searches leave open to the
symbolic engine: a force-MFA written in another shape is proven by z3, and a gap in it is a
counterexample (small models built by hand, no synth)."""

from __future__ import annotations

from iam_baseline.analysis.checks.invariants import mfa
from iam_baseline.analysis.checks.invariants.base import Counterexample, Proven
from iam_baseline.analysis.engine.policy import Policy
from iam_baseline.analysis.model.accounts import AccountScope
from iam_baseline.analysis.model.templates import AccountModel, Principal
from iam_baseline.config import load_config
from template_tools import DEFAULT_CONFIG_FILE

ACCOUNT = "111122223333"


def _scope(exempt: list[str]) -> AccountScope:
    model = AccountModel(account=ACCOUNT, partition="aws", region="eu-west-1")
    # Two Denies instead of one BoolIfExists Deny: the statement proof does not recognise this shape.
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "ec2:DescribeInstances"], "Resource": "*"},
        {"Effect": "Deny", "NotAction": exempt, "Resource": "*", "Condition": {"Null": {"aws:MultiFactorAuthPresent": "true"}}},
        {"Effect": "Deny", "NotAction": exempt, "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}},
    ]}
    user = Principal("user", "dana", f"arn:aws:iam::{ACCOUNT}:user/dana", "/", "S", "U",
                     policies=[Policy.from_document("two-denies", document)])
    model.principals[user.arn] = user
    return AccountScope(f"account {ACCOUNT}", model, declared_accounts=frozenset({ACCOUNT}))


def test_another_force_mfa_shape_is_proven_by_the_engine():
    config = load_config(DEFAULT_CONFIG_FILE)
    (finding,) = mfa.check(_scope(["iam:ChangePassword", "sts:GetSessionToken"]), config)
    assert isinstance(finding.verdict, Proven) and finding.verdict.method.startswith("z3"), finding


def test_an_exempted_service_action_is_a_counterexample():
    config = load_config(DEFAULT_CONFIG_FILE)
    (finding,) = mfa.check(_scope(["iam:ChangePassword", "s3:ListAllMyBuckets"]), config)
    assert isinstance(finding.verdict, Counterexample)
    assert finding.verdict.request.action == "s3:ListAllMyBuckets"
    assert finding.verdict.request.context.get("aws:multifactorauthpresent") in (None, "false")
