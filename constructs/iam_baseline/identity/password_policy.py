"""The account password policy, as a custom resource.

CloudFormation has no resource type for the account password policy, so this construct
calls the IAM API through CDK's ``AwsCustomResource``:

* create and update call ``UpdateAccountPasswordPolicy`` with every field. The API has no
  partial update: a field left out of the call resets to its default, so sending only the
  changed field would silently weaken the others.
* delete calls ``DeleteAccountPasswordPolicy`` (the account falls back to IAM's default
  policy); ``NoSuchEntity`` is ignored so a policy already removed by hand does not block
  stack deletion.
* the physical id is fixed: there is one password policy per account, and a changing id
  would make CloudFormation delete the "old" policy after creating the new one.

With ``inline_handler=True`` the same semantics run in a small Python function shipped
inline (``Code.ZipFile``, :mod:`.password_policy_handler`) instead of CDK's singleton
function, whose code is an asset in the account's CDK bootstrap bucket: the template then
deploys in any account, which a StackSet needs.

Source: IAM API Reference, ``UpdateAccountPasswordPolicy`` / ``DeleteAccountPasswordPolicy``;
IAM User Guide, "Set an account password policy for IAM users". The policy is global to the
account: deploy this construct once per account, in the home region.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_cdk import CustomResource
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import custom_resources as cr
from constructs import Construct

from ..config.sign_in import PasswordPolicyConfig
from ..inline_handler import inline_handler

#: Fixed physical id of the custom resource (one password policy per account).
PHYSICAL_RESOURCE_ID = "AccountPasswordPolicy"

#: The only IAM actions the custom resource's function may call.
PASSWORD_POLICY_ACTIONS: tuple[str, ...] = ("iam:UpdateAccountPasswordPolicy", "iam:DeleteAccountPasswordPolicy")

#: Log group of the inline handler (fixed, so its grant needs no reference to the function).
INLINE_HANDLER_LOG_GROUP = "/iam-baseline/account-password-policy"

#: Source of the inline handler, shipped as ``Code.ZipFile``.
INLINE_HANDLER_SOURCE = (Path(__file__).parent / "password_policy_handler.py").read_text(encoding="utf-8")


def update_parameters(policy: PasswordPolicyConfig) -> dict[str, Any]:
    """Every ``UpdateAccountPasswordPolicy`` parameter for ``policy``.

    Optional rules set to ``None`` are left out, which is how the API disables them
    (``MaxPasswordAge`` and ``PasswordReusePrevention`` accept no 0).
    """
    params: dict[str, Any] = {
        "MinimumPasswordLength": policy.minimum_length,
        "RequireSymbols": policy.require_symbols,
        "RequireNumbers": policy.require_numbers,
        "RequireUppercaseCharacters": policy.require_uppercase,
        "RequireLowercaseCharacters": policy.require_lowercase,
        "AllowUsersToChangePassword": policy.allow_users_to_change_password,
        "HardExpiry": policy.hard_expiry,
    }
    if policy.max_age_days is not None:
        params["MaxPasswordAge"] = policy.max_age_days
    if policy.reuse_prevention is not None:
        params["PasswordReusePrevention"] = policy.reuse_prevention
    return params


class AccountPasswordPolicy(Construct):
    """Sets the IAM account password policy for the whole account, with its lifecycle.

    Creates a ``Custom::AccountPasswordPolicy`` resource. By default it is backed by CDK's
    singleton ``AwsCustomResource`` function, whose role may call only
    :data:`PASSWORD_POLICY_ACTIONS` (plus writing its own logs). With ``inline_handler``
    it is backed by its own function with inline code (Python, 10 s timeout), whose role
    carries one customer managed policy: :data:`PASSWORD_POLICY_ACTIONS` and log writes to
    :data:`INLINE_HANDLER_LOG_GROUP`; no asset is needed.

    Args:
        scope: parent construct.
        id: construct id.
        policy: the rules; validated by :class:`PasswordPolicyConfig` (ranges: minimum
            length 6-128 characters, reuse prevention 1-24 passwords, maximum age 1-1095
            days). Defaults meet CIS AWS Foundations 1.8/1.9 and Security Hub
            IAM.7/IAM.15/IAM.16.
        inline_handler: ship the handler inline instead of as a bootstrap-bucket asset
            (required in a StackSet template).
        handler_path: IAM path of the inline handler's role and policy (e.g. the baseline's
            ``/baseline/``, so the organization's ProtectBaseline SCP, which guards that path
            in member accounts, guards them too); None: IAM's default ``/``.

    Raises:
        pydantic.ValidationError: when ``policy`` is built with a value out of range.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        policy: PasswordPolicyConfig | None = None,
        inline_handler: bool = False,
        handler_path: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.policy_config = policy or PasswordPolicyConfig()
        parameters = update_parameters(self.policy_config)
        if inline_handler:
            self.resource = CustomResource(
                self,
                "Resource",
                resource_type="Custom::AccountPasswordPolicy",
                service_token=self._inline_handler(handler_path).function_arn,
                # One JSON property keeps the parameter types: CloudFormation passes plain
                # custom resource properties to the function as strings.
                properties={"Policy": json.dumps(parameters, sort_keys=True)},
            )
            return
        update = cr.AwsSdkCall(
            service="IAM",
            action="updateAccountPasswordPolicy",
            parameters=parameters,
            physical_resource_id=cr.PhysicalResourceId.of(PHYSICAL_RESOURCE_ID),
        )
        self.resource = cr.AwsCustomResource(
            self,
            "Resource",
            resource_type="Custom::AccountPasswordPolicy",
            on_create=update,
            on_update=update,
            on_delete=cr.AwsSdkCall(
                service="IAM",
                action="deleteAccountPasswordPolicy",
                ignore_error_codes_matching="NoSuchEntity",
            ),
            install_latest_aws_sdk=False,
            policy=cr.AwsCustomResourcePolicy.from_statements([_password_policy_statement()]),
        )

    def _inline_handler(self, path: str | None) -> lambda_.Function:
        return inline_handler(
            self,
            "Handler",
            path=path,
            source=INLINE_HANDLER_SOURCE,
            statements=[_password_policy_statement()],
            log_group_name=INLINE_HANDLER_LOG_GROUP,
            timeout_seconds=10,
            description="Sets the IAM account password policy (CloudFormation custom resource).",
            role_description="Runs the account password policy handler.",
            policy_description="The account password policy handler: set and delete the password policy, write its logs.",
        )


def _password_policy_statement() -> iam.PolicyStatement:
    return iam.PolicyStatement(
        actions=list(PASSWORD_POLICY_ACTIONS),
        resources=["*"],  # the password policy has no ARN
    )
