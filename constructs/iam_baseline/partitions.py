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


def global_events_region(region: str) -> str:
    """Where the partition of ``region`` records its global services' events (IAM, the global STS
    endpoint, console sign-in): us-east-1 in the aws partition, us-gov-west-1 and cn-north-1 in the
    others. EventBridge delivers them only to that region's default event bus.

    Source: AWS CloudTrail User Guide, "Global service events".
    """
    return {"aws": "us-east-1", "aws-us-gov": "us-gov-west-1", "aws-cn": "cn-north-1"}[partition_of(region)]
