"""The adjustable IAM quotas of the account, as the config states them (``quotas:``).

IAM applies a default to each quota; three of those the baseline meets can be raised per
account through Service Quotas, up to a hard maximum. The config says what the account has,
so that synth measures against the real quota; leaving a key out states IAM's default. The
fixed quotas are not configurable: they are in :mod:`iam_baseline.quotas.limits`.

A quota cannot be lowered below IAM's default (Service Quotas only raises), hence the ranges.

Source: IAM User Guide, "IAM and AWS STS quotas" (IAM object quotas; character limits).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

#: IAM default and hard maximum of "Managed policies attached to an IAM role" / "... IAM user".
MANAGED_POLICIES_DEFAULT = 10
MANAGED_POLICIES_MAXIMUM = 20
#: IAM default and hard maximum of "Role trust policy length" (characters, whitespace excluded).
TRUST_POLICY_LENGTH_DEFAULT = 2048
TRUST_POLICY_LENGTH_MAXIMUM = 4096


class QuotasConfig(BaseModel):
    """The account's adjustable IAM quotas (each 'IAM and AWS STS quotas', raisable in Service Quotas)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    managed_policies_per_role: int = Field(
        MANAGED_POLICIES_DEFAULT,
        ge=MANAGED_POLICIES_DEFAULT,
        le=MANAGED_POLICIES_MAXIMUM,
        description="IAM quota 'Managed policies attached to an IAM role' of the account (10 by default, 20 at most).",
    )
    managed_policies_per_user: int = Field(
        MANAGED_POLICIES_DEFAULT,
        ge=MANAGED_POLICIES_DEFAULT,
        le=MANAGED_POLICIES_MAXIMUM,
        description="IAM quota 'Managed policies attached to an IAM user' of the account (10 by default, 20 at most).",
    )
    role_trust_policy_length: int = Field(
        TRUST_POLICY_LENGTH_DEFAULT,
        ge=TRUST_POLICY_LENGTH_DEFAULT,
        le=TRUST_POLICY_LENGTH_MAXIMUM,
        description="IAM quota 'Role trust policy length' of the account, in characters without white space "
        "(2048 by default, 4096 at most).",
    )
