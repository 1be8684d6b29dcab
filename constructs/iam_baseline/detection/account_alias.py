"""The account alias, as a custom resource.

CloudFormation has no resource type for the account alias, so this construct calls the IAM
API through CDK's ``AwsCustomResource`` (the same singleton function as the password policy):
create and update call ``CreateAccountAlias`` (an account has at most one alias; creating
one replaces the previous one), delete calls ``DeleteAccountAlias`` and ignores
``NoSuchEntity`` (an alias already replaced or removed by hand). The physical id is the
alias, so a changed alias is created first and the old one deleted afterwards.
Source: IAM API Reference, ``CreateAccountAlias`` / ``DeleteAccountAlias``; IAM User Guide,
"Your AWS account ID and its alias".
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from aws_cdk import custom_resources as cr
from constructs import Construct

from ..config.detection import check_account_alias

#: The only IAM actions the custom resource's function may call for the alias.
ACCOUNT_ALIAS_ACTIONS: tuple[str, ...] = ("iam:CreateAccountAlias", "iam:DeleteAccountAlias")


class AccountAlias(Construct):
    """Sets the account alias (the name in ``https://<alias>.signin.aws.amazon.com/console``).

    Args:
        scope: parent construct.
        id: construct id.
        alias: 3-63 characters: lowercase letters, digits and single hyphens, a letter or
            digit at both ends.

    Raises:
        ValueError: when ``alias`` breaks those rules.
    """

    def __init__(self, scope: Construct, id: str, *, alias: str) -> None:
        super().__init__(scope, id)
        self.alias = check_account_alias(alias)
        create = cr.AwsSdkCall(
            service="IAM",
            action="createAccountAlias",
            parameters={"AccountAlias": alias},
            physical_resource_id=cr.PhysicalResourceId.of(alias),
        )
        self.resource = cr.AwsCustomResource(
            self,
            "Resource",
            resource_type="Custom::AccountAlias",
            on_create=create,
            on_update=create,
            on_delete=cr.AwsSdkCall(
                service="IAM",
                action="deleteAccountAlias",
                parameters={"AccountAlias": alias},
                ignore_error_codes_matching="NoSuchEntity",
            ),
            install_latest_aws_sdk=False,
            policy=cr.AwsCustomResourcePolicy.from_statements(
                [iam.PolicyStatement(actions=list(ACCOUNT_ALIAS_ACTIONS), resources=["*"])]  # the alias has no ARN
            ),
        )
