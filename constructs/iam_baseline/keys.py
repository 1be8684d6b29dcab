"""The baseline's customer managed KMS keys: one shape for every key it creates.

Each key rotates its material yearly, is retained when its stack is deleted (what it
encrypted stays readable), keeps CDK's root statement (``kms:*`` for the account, so IAM
policies govern its use and the key can never become unmanageable) and denies
``kms:CreateGrant`` to every principal unless an AWS service integrated with KMS makes the
request for it (``kms:GrantIsForAWSResource``) or the caller is an AWS service principal
(``aws:PrincipalIsAWSService``): a grant is a second, policy-less way to use a key, which no
IAM policy of the account shows. The statement is exactly the one Control Tower control
CT.KMS.PR.3 requires (both keys ``false`` under ``BoolIfExists``, so a request that does not
carry a key is denied too); `make scan` runs that control's Guard rule.

Sources: AWS KMS Developer Guide, "Default key policy" (allows access to the AWS account and
enables IAM policies), "Controlling access to grants" and "AWS KMS condition keys"
(kms:GrantIsForAWSResource); IAM User Guide, "AWS global condition context keys"
(aws:PrincipalIsAWSService); AWS Control Tower Controls Reference, CT.KMS.PR.3.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

#: Sid of the key policy statement that limits grants to AWS services.
DENY_GRANTS_SID = "DenyGrantsNotForAwsResources"


def deny_grants_not_for_aws_resources() -> iam.PolicyStatement:
    """Key policy statement: no principal may create a grant on the key unless an AWS
    service integrated with KMS creates it on the principal's behalf, or the caller is an AWS
    service principal (CT.KMS.PR.3 asks for exactly these two keys under ``BoolIfExists``)."""
    return iam.PolicyStatement(
        sid=DENY_GRANTS_SID,
        effect=iam.Effect.DENY,
        principals=[iam.AnyPrincipal()],
        actions=["kms:CreateGrant"],
        resources=["*"],  # in a key policy, "*" is this key
        conditions={"BoolIfExists": {"kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false"}},
    )


def baseline_key(scope: Construct, id: str, *, description: str) -> kms.Key:
    """A symmetric ``AWS::KMS::Key`` with rotation, retention, the root statement and
    :func:`deny_grants_not_for_aws_resources`. Statements for the services that use the key
    are added by the caller (``add_to_resource_policy``)."""
    key = kms.Key(
        scope,
        id,
        description=description,
        enable_key_rotation=True,
        removal_policy=RemovalPolicy.RETAIN,
    )
    key.add_to_resource_policy(deny_grants_not_for_aws_resources())
    return key
