"""AWS partitions: which one a region belongs to. No aws_cdk import (the checks use it too)."""


def partition_of(region: str) -> str:
    """``aws-cn`` for ``cn-*``, ``aws-us-gov`` for ``us-gov-*``, else ``aws``.

    Source: AWS General Reference, "AWS partitions" (ARN formats per partition).
    """
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"
