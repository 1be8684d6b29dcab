"""The identity-based policy of one identity-store principal lookup, as plain data.

:class:`iam_baseline.federation.identity_center.IdentityStorePrincipalLookup` (a CDK
``AwsCustomResource``) gives the stack's singleton lookup function one inline policy per
principal it resolves, on the same role; IAM counts all of them together against the quota
"Role policy size" (10,240 characters, whitespace excluded). The construct builds its
statement from :func:`lookup_policy_document`, and the shard planner
(:mod:`iam_baseline.federation.assignment_shards`) measures the same document with
:func:`lookup_policy_length`, so the size planned is the size synthesized. Plain Python: no
``aws_cdk`` import (the planner runs before any stack exists).

Sources: Identity Store API Reference, ``GetGroupId``, ``GetUserId`` (actions and resource
types); IAM User Guide, "IAM and AWS STS quotas" (role policy size).
"""

from __future__ import annotations

from typing import Any, Literal

from .policy_size import policy_length

#: Identity Store API per principal type: SDK action, response field, unique attribute.
#: ``displayName`` is the only unique attribute of a group, ``userName`` of a user.
LOOKUPS: dict[str, tuple[str, str, str]] = {
    "GROUP": ("getGroupId", "GroupId", "displayName"),
    "USER": ("getUserId", "UserId", "userName"),
}

#: The longest values a lookup policy can hold, to measure it when the partition, account or
#: identity store are not known: ``aws-us-gov``, a 12-digit account, a UUID identity store id.
LONGEST_PARTITION = "aws-us-gov"
LONGEST_ACCOUNT_ID = "123456789012"
LONGEST_IDENTITY_STORE_ID = "01234567-89ab-cdef-0123-456789abcdef"


def lookup_policy_document(
    principal_type: Literal["GROUP", "USER"], identity_store_id: str, *, partition: str, account_id: str
) -> dict[str, Any]:
    """The policy of one lookup: ``identitystore:GetGroupId`` (or ``GetUserId``) on the identity
    store ``identity_store_id`` of ``account_id`` and on its groups (or users), keys in the order
    CDK synthesizes them. ``partition`` and ``account_id`` may be CDK tokens (the construct's
    ``Aws.PARTITION``, ``Aws.ACCOUNT_ID``) or the literal values IAM will see (the planner's).

    Raises:
        KeyError: ``principal_type`` is neither ``GROUP`` nor ``USER``.
    """
    action = LOOKUPS[principal_type][0]
    kind = "group" if principal_type == "GROUP" else "user"
    return {
        "Statement": [
            {
                "Action": f"identitystore:{action[0].upper()}{action[1:]}",
                "Effect": "Allow",
                "Resource": [
                    f"arn:{partition}:identitystore::{account_id}:identitystore/{identity_store_id}",
                    f"arn:{partition}:identitystore:::{kind}/*",
                ],
            }
        ],
        "Version": "2012-10-17",
    }


def lookup_policy_length(
    principal_type: Literal["GROUP", "USER"],
    identity_store_id: str = LONGEST_IDENTITY_STORE_ID,
    *,
    partition: str = LONGEST_PARTITION,
    account_id: str = LONGEST_ACCOUNT_ID,
) -> int:
    """Characters (whitespace excluded, as IAM counts them) of one lookup's inline policy; with
    the defaults, the longest such policy of any partition, account and identity store."""
    return policy_length(
        lookup_policy_document(principal_type, identity_store_id, partition=partition, account_id=account_id)
    )
