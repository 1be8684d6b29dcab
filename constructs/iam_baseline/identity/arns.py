"""ARN builders for IAM resources of the deploying account, partition-aware.

They return CDK string tokens that resolve to ``Fn::Join`` over ``AWS::Partition`` and
``AWS::AccountId``, so one template deploys in any account and partition (aws, aws-cn,
aws-us-gov). Policy variables such as ``${aws:username}`` stay literal: CloudFormation
does not substitute inside ``Fn::Join``.
"""

from __future__ import annotations

from aws_cdk import Aws


def iam_arn(resource: str) -> str:
    """``arn:<partition>:iam::<account>:<resource>``, e.g. ``iam_arn("role/baseline/*")``."""
    return f"arn:{Aws.PARTITION}:iam::{Aws.ACCOUNT_ID}:{resource}"


def own_user_arns() -> list[str]:
    """The calling IAM user's own ARN, with and without a path.

    ``user/${aws:username}`` alone misses users created with a path such as ``/baseline/``
    (ARN ``user/baseline/alice``), so ``user/*/${aws:username}`` is added.
    Source: IAM User Guide, "IAM policy elements: Variables and tags".
    """
    return [iam_arn("user/${aws:username}"), iam_arn("user/*/${aws:username}")]


def secret_arns(name_prefix: str) -> str:
    """ARN pattern of every Secrets Manager secret of the account whose name starts with
    ``name_prefix``, in any region (Secrets Manager appends ``-`` and 6 random characters)."""
    return f"arn:{Aws.PARTITION}:secretsmanager:*:{Aws.ACCOUNT_ID}:secret:{name_prefix}*"


def managed_policy_arn(path: str, name: str) -> str:
    """ARN of a customer managed policy known by path and name (no reference, so no cycle)."""
    return iam_arn(f"policy{path}{name}")
