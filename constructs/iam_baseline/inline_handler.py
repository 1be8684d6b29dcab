"""A custom resource's function shipped inline (``Code.ZipFile``), with its own least-privilege role.

Inline Python needs no asset in the CDK bootstrap bucket (a StackSet template has none) and
CloudFormation provides the ``cfnresponse`` module to it. The role carries one customer
managed policy: the statements the handler needs, plus creating its fixed log group and
writing its streams, nothing else. Source: AWS CloudFormation User Guide,
``AWS::Lambda::Function`` ``Code.ZipFile`` and "cfn-response module".
"""

from __future__ import annotations

from aws_cdk import Aws, Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct


def inline_handler(
    scope: Construct,
    prefix: str,
    *,
    source: str,
    statements: list[iam.PolicyStatement],
    log_group_name: str,
    timeout_seconds: int,
    description: str,
    role_description: str,
    policy_description: str,
    path: str | None = None,
) -> lambda_.Function:
    """Create ``<prefix>Policy``, ``<prefix>Role`` and the function ``<prefix>`` (Python, handler
    ``index.handler``) in ``scope``; return the function.

    Args:
        source: the handler's Python source (at most 4 MB zipped).
        statements: what the handler may do besides writing its logs.
        log_group_name: its fixed log group (so the grant names it without a reference).
        timeout_seconds: the function timeout, 1-900 seconds.
        path: IAM path of the role and the policy (None: IAM's default ``/``).
    """
    log_group_arn = f"arn:{Aws.PARTITION}:logs:{Aws.REGION}:{Aws.ACCOUNT_ID}:log-group:{log_group_name}"
    permissions = iam.ManagedPolicy(
        scope,
        f"{prefix}Policy",
        description=policy_description,
        path=path,
        statements=[
            *statements,
            iam.PolicyStatement(actions=["logs:CreateLogGroup"], resources=[log_group_arn]),
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"{log_group_arn}:log-stream:*"]
            ),
        ],
    )
    role = iam.Role(
        scope,
        f"{prefix}Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=role_description,
        path=path,
        managed_policies=[permissions],
    )
    return lambda_.Function(
        scope,
        prefix,
        runtime=lambda_.Runtime.PYTHON_3_14,
        handler="index.handler",
        code=lambda_.Code.from_inline(source),
        role=role,
        timeout=Duration.seconds(timeout_seconds),
        description=description,
        log_group=logs.LogGroup.from_log_group_name(scope, f"{prefix}LogGroup", log_group_name),
    )
