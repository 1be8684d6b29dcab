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

Source: IAM API Reference, ``UpdateAccountPasswordPolicy`` / ``DeleteAccountPasswordPolicy``;
IAM User Guide, "Set an account password policy for IAM users". The policy is global to the
account: deploy this construct once per account, in the home region.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_iam as iam
from aws_cdk import custom_resources as cr
from constructs import Construct

from ..config.models import PasswordPolicyConfig

#: Fixed physical id of the custom resource (one password policy per account).
PHYSICAL_RESOURCE_ID = "AccountPasswordPolicy"

#: The only IAM actions the custom resource's function may call.
PASSWORD_POLICY_ACTIONS: tuple[str, ...] = ("iam:UpdateAccountPasswordPolicy", "iam:DeleteAccountPasswordPolicy")


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

    Creates a ``Custom::AWS`` resource backed by CDK's singleton ``AwsCustomResource``
    function, whose role may call only :data:`PASSWORD_POLICY_ACTIONS` (plus writing its
    own logs).

    Args:
        scope: parent construct.
        id: construct id.
        policy: the rules; validated by :class:`PasswordPolicyConfig` (ranges: minimum
            length 6-128 characters, reuse prevention 1-24 passwords, maximum age 1-1095
            days). Defaults meet CIS AWS Foundations 1.8/1.9 and Security Hub
            IAM.7/IAM.15/IAM.16.

    Raises:
        pydantic.ValidationError: when ``policy`` is built with a value out of range.
    """

    def __init__(self, scope: Construct, id: str, *, policy: PasswordPolicyConfig | None = None) -> None:
        super().__init__(scope, id)
        self.policy_config = policy or PasswordPolicyConfig()
        update = cr.AwsSdkCall(
            service="IAM",
            action="updateAccountPasswordPolicy",
            parameters=update_parameters(self.policy_config),
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
            policy=cr.AwsCustomResourcePolicy.from_statements(
                [
                    iam.PolicyStatement(
                        actions=list(PASSWORD_POLICY_ACTIONS),
                        resources=["*"],  # the password policy has no ARN
                    )
                ]
            ),
        )
