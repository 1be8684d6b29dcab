"""A custom resource function shipped inline (``Code.ZipFile``), with its own role and grant.

Shared by the handlers that must deploy without an asset bucket (a StackSet template) or that
are small enough to review in the template: the account password policy and the organization
features. The function's role carries one customer managed policy: the given statements plus
log writes to a fixed log group (so the grant needs no reference to the function). Construct
ids ``HandlerPolicy``, ``HandlerRole``, ``Handler`` and ``HandlerLogGroup`` are created under
``scope``. Source: CloudFormation User Guide, ``AWS::Lambda::Function`` ``Code.ZipFile`` (at
most 4,096 characters; CloudFormation provides the ``cfnresponse`` module).
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Aws, Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

#: CloudFormation's limit on inline (``ZipFile``) function source, in characters.
ZIP_FILE_MAX_CHARACTERS = 4096


def inline_handler(
    scope: Construct,
    *,
    source: str,
    log_group_name: str,
    statements: Sequence[iam.PolicyStatement],
    policy_description: str,
    role_description: str,
    function_description: str,
    timeout_seconds: int = 10,
) -> lambda_.Function:
    """A Python function running ``source`` (``index.handler``) with only ``statements`` and its logs.

    Raises:
        ValueError: ``source`` is over :data:`ZIP_FILE_MAX_CHARACTERS`.
    """
    if len(source) > ZIP_FILE_MAX_CHARACTERS:
        raise ValueError(f"inline handler source is {len(source)} characters, over {ZIP_FILE_MAX_CHARACTERS}")
    log_group_arn = f"arn:{Aws.PARTITION}:logs:{Aws.REGION}:{Aws.ACCOUNT_ID}:log-group:{log_group_name}"
    permissions = iam.ManagedPolicy(
        scope,
        "HandlerPolicy",
        description=policy_description,
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
        "HandlerRole",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=role_description,
        managed_policies=[permissions],
    )
    return lambda_.Function(
        scope,
        "Handler",
        runtime=lambda_.Runtime.PYTHON_3_14,
        handler="index.handler",
        code=lambda_.Code.from_inline(source),
        role=role,
        timeout=Duration.seconds(timeout_seconds),
        description=function_description,
        log_group=logs.LogGroup.from_log_group_name(scope, "HandlerLogGroup", log_group_name),
    )
