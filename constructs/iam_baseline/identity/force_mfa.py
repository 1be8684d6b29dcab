"""The force-MFA self-service policy for human IAM users.

Follows AWS's documented example "AWS: Allows MFA-authenticated IAM users to manage their
own credentials on the Security credentials page" (IAM User Guide, "Example IAM
identity-based policies"), narrowed to what this baseline allows people to hold: a
password and MFA devices, never access keys (CIS AWS Foundations 1.11/1.14, Security Hub
IAM.3).
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from constructs import Construct

from .arns import iam_arn, own_user_arns

#: Actions a user may call without MFA: just enough to sign in and enrol a device.
#: ``sts:GetSessionToken`` lets a CLI user trade their MFA code for an MFA session.
MFA_EXEMPT_ACTIONS: tuple[str, ...] = (
    "iam:CreateVirtualMFADevice",
    "iam:EnableMFADevice",
    "iam:GetUser",
    "iam:GetMFADevice",
    "iam:ListMFADevices",
    "iam:ListVirtualMFADevices",
    "iam:ResyncMFADevice",
    "sts:GetSessionToken",
)

#: Added to the exemptions when a user may change a temporary password before enrolling MFA.
PASSWORD_CHANGE_ACTIONS: tuple[str, ...] = ("iam:ChangePassword", "iam:GetAccountPasswordPolicy")


def force_mfa_statements(*, allow_password_change_without_mfa: bool = False) -> list[iam.PolicyStatement]:
    """The statements of the force-MFA policy.

    The final Deny uses ``NotAction`` with ``BoolIfExists aws:MultiFactorAuthPresent = false``:
    the key is absent on requests signed with long-term access keys, and ``...IfExists``
    makes an absent key match, so such requests are denied too (IAM User Guide, "AWS global
    condition context keys" > ``aws:MultiFactorAuthPresent``).

    Args:
        allow_password_change_without_mfa: exempt ``iam:ChangePassword`` (and reading the
            password policy) from the Deny, so a user with a temporary password can set a
            new one before enrolling MFA. AWS's example does not; default False.
    """
    exempt = list(MFA_EXEMPT_ACTIONS)
    if allow_password_change_without_mfa:
        exempt += PASSWORD_CHANGE_ACTIONS
    own_user = own_user_arns()
    return [
        iam.PolicyStatement(
            sid="AllowViewAccountInfo",
            actions=["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"],
            resources=["*"],  # neither action supports resource-level permissions
        ),
        iam.PolicyStatement(
            sid="AllowManageOwnPassword",
            actions=["iam:ChangePassword", "iam:GetUser", "iam:GetLoginProfile"],
            resources=own_user,
        ),
        iam.PolicyStatement(
            sid="AllowCreateOwnVirtualMFADevice",
            # MFA devices have free names since 2022 and a user may hold up to eight.
            actions=["iam:CreateVirtualMFADevice"],
            resources=[iam_arn("mfa/*")],
        ),
        iam.PolicyStatement(
            sid="AllowManageOwnUserMFA",
            actions=[
                "iam:DeactivateMFADevice",
                "iam:EnableMFADevice",
                "iam:GetMFADevice",
                "iam:ListMFADevices",
                "iam:ResyncMFADevice",
            ],
            resources=own_user,
        ),
        iam.PolicyStatement(
            sid="DenyAllExceptListedIfNoMFA",
            effect=iam.Effect.DENY,
            not_actions=sorted(exempt),
            resources=["*"],
            conditions={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        ),
    ]


class ForceMfaPolicy(Construct):
    """A customer managed policy that lets IAM users manage their own password and MFA
    devices, and denies everything else until they sign in with MFA.

    Attach it to every group of human IAM users (the baseline does). Creates one
    ``AWS::IAM::ManagedPolicy``, exposed as :attr:`policy`.

    Args:
        scope: parent construct.
        id: construct id.
        managed_policy_name: IAM name (1-128 characters); default ``ForceMFA``.
        path: IAM path, ``/`` or ``/segment/``; default ``/``.
        allow_password_change_without_mfa: see :func:`force_mfa_statements`.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        managed_policy_name: str = "ForceMFA",
        path: str = "/",
        allow_password_change_without_mfa: bool = False,
    ) -> None:
        super().__init__(scope, id)
        self.policy = iam.ManagedPolicy(
            self,
            "Resource",
            managed_policy_name=managed_policy_name,
            path=path,
            description="Self-service password and MFA management; denies everything else without MFA.",
            statements=force_mfa_statements(allow_password_change_without_mfa=allow_password_change_without_mfa),
        )
