"""How IAM users sign in: the account password policy and the MFA rules (config models).

Every range sits next to its field with the AWS page it comes from (IAM API Reference,
``UpdateAccountPasswordPolicy``; IAM User Guide, "AWS global condition context keys").
"""

from __future__ import annotations

from pydantic import Field

from .strict import StrictModel

__all__ = ["MfaConfig", "PasswordPolicyConfig"]


class PasswordPolicyConfig(StrictModel):
    """The account password policy (IAM ``UpdateAccountPasswordPolicy``).

    Defaults satisfy CIS AWS Foundations Benchmark 1.8 (minimum length >= 14) and 1.9
    (reuse prevention 24), and AWS Security Hub IAM.7, IAM.15 and IAM.16.
    Ranges: IAM API Reference, ``UpdateAccountPasswordPolicy``. A value of 0 is refused
    for the optional fields: leave the field out (``null``) to disable the rule.
    """

    minimum_length: int = Field(14, ge=6, le=128, description="Minimum password length in characters (6-128).")
    require_symbols: bool = Field(True, description="Require at least one non-alphanumeric character.")
    require_numbers: bool = Field(True, description="Require at least one digit.")
    require_uppercase: bool = Field(True, description="Require at least one uppercase letter.")
    require_lowercase: bool = Field(True, description="Require at least one lowercase letter.")
    allow_users_to_change_password: bool = Field(True, description="Let IAM users change their own password.")
    reuse_prevention: int | None = Field(
        24, ge=1, le=24, description="Number of previous passwords that cannot be reused (1-24); null disables."
    )
    max_age_days: int | None = Field(
        90, ge=1, le=1095, description="Days a password stays valid (1-1095); null means passwords never expire."
    )
    hard_expiry: bool = Field(
        False, description="When true, users cannot reset an expired password themselves; an administrator must."
    )


class MfaConfig(StrictModel):
    """Multi-factor authentication rules for human IAM users.

    ``max_age_seconds`` bounds ``aws:MultiFactorAuthAge`` in every role trust policy: how long
    after the MFA sign-in a user may still assume a role. 1-129,600 seconds (36 h, the longest
    ``sts:GetSessionToken`` session). Source: IAM User Guide, "AWS global condition context keys".
    """

    max_age_seconds: int = Field(
        3600, ge=1, le=129600, description="Maximum age of the MFA authentication, in seconds (1-129600)."
    )
    allow_password_change_without_mfa: bool = Field(
        False,
        description=(
            "Let a user change their password before enrolling MFA (needed when users sign in first with "
            "a temporary password). AWS's documented force-MFA policy does not; default false."
        ),
    )
