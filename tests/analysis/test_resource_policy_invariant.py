"""INV-RESOURCE-POLICY-DECLARED decided by z3 on small models built by hand (no synth): a key
or topic policy opened to another account, to anyone, or to a service acting for any account
is a counterexample the concrete evaluator replays; the baseline's shapes are proven."""

from __future__ import annotations

import pytest

from iam_baseline.analysis.checks.invariants import resource_policies
from iam_baseline.analysis.checks.invariants.base import Counterexample, Proven
from iam_baseline.analysis.engine.policy import Policy, PolicyKind
from iam_baseline.analysis.model.accounts import AccountScope
from iam_baseline.analysis.model.account_model import AccountModel, ResourcePolicy
from iam_baseline.config import load_config
from template_tools import DEFAULT_CONFIG_FILE

ACCOUNT = "111122223333"
KEY = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/k1"
TOPIC = f"arn:aws:sns:eu-west-1:{ACCOUNT}:alerts"
ROOT_ADMIN = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}
EVENTS = {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish", "Resource": TOPIC,
          "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}


def _verdict(kind: str, arn: str, *statements: dict):
    model = AccountModel(account=ACCOUNT, partition="aws", region="eu-west-1")
    policy = Policy.from_document("p", {"Version": "2012-10-17", "Statement": list(statements)}, PolicyKind.RESOURCE)
    model.resource_policies[arn] = ResourcePolicy(kind, arn, policy, required=kind == "KMS key policy")
    scope = AccountScope(f"account {ACCOUNT}", model, declared_accounts=frozenset({ACCOUNT}))
    (finding,) = resource_policies.check(scope, load_config(DEFAULT_CONFIG_FILE))
    return finding.verdict


def test_the_baseline_shapes_are_proven():
    assert isinstance(_verdict("KMS key policy", KEY, ROOT_ADMIN), Proven)
    assert isinstance(_verdict("SNS topic policy", TOPIC, EVENTS), Proven)


@pytest.mark.parametrize("principal", ["*", "arn:aws:iam::999988887777:root"])
def test_a_key_policy_opened_to_another_account_is_a_counterexample(principal):
    verdict = _verdict("KMS key policy", KEY, ROOT_ADMIN,
                       {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "kms:Decrypt", "Resource": "*"})
    assert isinstance(verdict, Counterexample)
    assert verdict.request.action == "kms:Decrypt" and verdict.request.principal.account != ACCOUNT


def test_a_service_without_source_account_is_a_counterexample():
    verdict = _verdict("SNS topic policy", TOPIC, {**EVENTS, "Condition": {}})
    assert isinstance(verdict, Counterexample)
    assert verdict.request.principal.kind == "service"
    assert verdict.request.context.get("aws:sourceaccount") != ACCOUNT
