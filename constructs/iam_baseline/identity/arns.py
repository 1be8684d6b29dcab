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


def managed_policy_arn(path: str, name: str) -> str:
    """ARN of a customer managed policy known by path and name (no reference, so no cycle)."""
    return iam_arn(f"policy{path}{name}")


#: AWS managed policies that live under the ``/job-function/`` path; their ARN must carry it
#: (``arn:aws:iam::aws:policy/job-function/ViewOnlyAccess``) or CloudFormation fails to attach
#: them. Source: IAM User Guide, "AWS managed policies for job functions".
JOB_FUNCTION_POLICIES: frozenset[str] = frozenset(
    {"Billing", "DataScientist", "DatabaseAdministrator", "NetworkAdministrator", "SupportUser",
     "SystemAdministrator", "ViewOnlyAccess"}
)


def aws_managed_policy_name(name: str) -> str:
    """The name with its path below ``policy/`` for ``ManagedPolicy.from_aws_managed_policy_name``.

    ``ViewOnlyAccess`` -> ``job-function/ViewOnlyAccess``; ``PowerUserAccess`` unchanged.
    """
    return f"job-function/{name}" if name in JOB_FUNCTION_POLICIES else name
