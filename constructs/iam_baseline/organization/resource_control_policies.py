"""The baseline's resource control policies, as plain policy statements.

An RCP limits what any principal may do to the resources of the member accounts it is
attached to, whoever the principal is (including principals outside the organization); like
SCPs it grants nothing, never applies to the management account, and the AWS managed
``RCPFullAWSAccess`` stays attached. An RCP statement has ``Principal "*"`` and is a ``Deny``.
Sources: AWS Organizations User Guide, "Resource control policies (RCPs)", "RCP syntax" and
"RCP examples"; aws-samples/data-perimeter-policy-examples, ``resource_control_policies``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: The services RCPs support and the data perimeter covers (Organizations User Guide,
#: "Resource control policies" > supported services), with STS's actions that act on a
#: resource of the account (the samples' list; ``sts:AssumeRole`` is what lets a stranger in).
DATA_PERIMETER_ACTIONS: tuple[str, ...] = (
    "s3:*",
    "sqs:*",
    "kms:*",
    "secretsmanager:*",
    "sts:AssumeRole",
    "sts:DecodeAuthorizationMessage",
    "sts:GetAccessKeyInfo",
    "sts:GetFederationToken",
    "sts:GetServiceBearerToken",
    "sts:GetSessionToken",
    "sts:SetContext",
)


def data_perimeter(organization_id: str, third_party_accounts: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Deny principals outside ``organization_id`` the organization's S3, SQS, KMS, Secrets
    Manager and STS resources, AWS service principals and ``third_party_accounts`` exempt.

    ``StringNotEqualsIfExists`` on ``aws:PrincipalOrgID`` (and ``aws:PrincipalAccount`` for the
    third parties) and ``BoolIfExists aws:PrincipalIsAWSService = false``: every condition must
    hold for the Deny, so a principal of the organization, a listed account or an AWS service
    acting with its service principal is not denied. Anonymous requests carry no
    ``aws:PrincipalOrgID`` and are not denied by this statement (block public access does that).
    """
    not_equal: dict[str, Any] = {"aws:PrincipalOrgID": organization_id}
    if third_party_accounts:
        not_equal["aws:PrincipalAccount"] = sorted(third_party_accounts)
    return [
        {
            "Sid": "EnforceOrgIdentities",
            "Effect": "Deny",
            "Principal": "*",
            "Action": list(DATA_PERIMETER_ACTIONS),
            "Resource": "*",
            "Condition": {
                "StringNotEqualsIfExists": not_equal,
                "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
            },
        }
    ]
