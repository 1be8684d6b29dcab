"""Every IAM and IAM Identity Center quota, as one table (:mod:`.limits`), measured on what
synth built (:mod:`.synth_check`)."""

from .limits import ALL_QUOTAS, Quota, markdown_table
from .synth_check import NearQuota, QuotaError, QuotaViolation, check_quotas

__all__ = ["ALL_QUOTAS", "NearQuota", "Quota", "QuotaError", "QuotaViolation", "check_quotas", "markdown_table"]
