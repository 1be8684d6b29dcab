"""The baseline's KMS keys: a working root statement, and grants only for AWS services
(Control Tower CT.KMS.PR.3), on every key of every stack the default app synthesizes."""

from __future__ import annotations

from pathlib import Path

import pytest
from iam_baseline.analysis.engine.policy import Statement
from iam_baseline.analysis.engine.patterns import lookup_in
from template_tools import ACCOUNT, assembly_templates, resolve, resources

DENY_GRANTS = {
    "Sid": "DenyGrantsNotForAwsResources",
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "kms:CreateGrant",
    "Resource": "*",
    # Exactly the statement Control Tower's CT.KMS.PR.3 Guard rule asks for: both keys, both
    # "false", under BoolIfExists, principal "*", resource "*" (`make scan` runs that rule).
    "Condition": {"BoolIfExists": {"kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false"}},
}
ROOT = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}


@pytest.fixture(scope="module")
def key_policies(default_assembly) -> dict[str, list[dict]]:
    """Stack/logical id -> the key policy statements (intrinsics resolved) of every key."""
    policies = {}
    for stack, template in assembly_templates(Path(default_assembly.directory)).items():
        for logical_id, key in resources(template, "AWS::KMS::Key").items():
            policies[f"{stack}/{logical_id}"] = resolve(key["Properties"]["KeyPolicy"])["Statement"]
    return policies


def _decision(statements: list[dict], action: str, context: dict[str, str]) -> str:
    """"Deny", "Allow" or "implicit" for the account's own principal calling ``action`` on the key."""
    request = {k.lower(): v for k, v in context.items()}
    lookup = lookup_in(request)
    key = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    hits = [
        s for s in (Statement.parse(i, {k: v for k, v in raw.items() if k != "Principal"}) for i, raw in enumerate(statements))
        if s.covers_action(action) and s.covers_resource(key, lookup) and s.conditions_hold(request, lookup)
    ]
    if any(s.effect == "Deny" for s in hits):
        return "Deny"
    return "Allow" if hits else "implicit"


def test_the_app_has_keys(key_policies):
    # The alert topic's key and the initial-password key (default config has users).
    assert {k.split("/")[0] for k in key_policies} >= {"AccountBaseline"}
    assert len(key_policies) >= 2, key_policies


def test_every_key_keeps_the_root_statement_and_limits_grants(key_policies):
    for name, statements in key_policies.items():
        assert statements[0] == ROOT, name
        assert DENY_GRANTS in statements, name


@pytest.mark.parametrize(
    ("context", "decision"),
    [
        ({}, "Deny"),  # a direct CreateGrant that does not carry the key
        ({"kms:GrantIsForAWSResource": "false"}, "Deny"),
        ({"kms:GrantIsForAWSResource": "true"}, "Allow"),  # an AWS service on the principal's behalf
        ({"kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false"}, "Deny"),
        ({"aws:PrincipalIsAWSService": "true"}, "Allow"),  # an AWS service principal itself
        ({"kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "true"}, "Allow"),
    ],
    ids=["key-absent", "direct-call", "aws-service", "direct-call-not-service", "service-principal", "service-direct"],
)
def test_grants_only_through_aws_services(key_policies, context, decision):
    for name, statements in key_policies.items():
        assert _decision(statements, "kms:CreateGrant", context) == decision, name


def test_the_root_statement_still_works(key_policies):
    """Negative control: the Deny touches grants only; key administration and use stay with
    the account (IAM policies decide), so the key cannot become unmanageable."""
    for name, statements in key_policies.items():
        for action in ("kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:Decrypt", "kms:ListGrants", "kms:RevokeGrant"):
            assert _decision(statements, action, {}) == "Allow", (name, action)
