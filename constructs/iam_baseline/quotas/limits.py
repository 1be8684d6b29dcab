"""Every IAM and IAM Identity Center quota the baseline can meet, as one table.

Each :class:`Quota` carries IAM's own name for it, the default, the hard maximum when the
account can raise it (and the config key that states the raised value), the unit, and the
page it comes from; the synth check (:mod:`.synth_check`) quotes exactly these in its
messages and the README table is rendered from them (:func:`markdown_table`), so the error,
the docs and the code say the same thing.

Sources: IAM User Guide, "IAM and AWS STS quotas" (object quotas, character limits, name
requirements); IAM API Reference (``CreateRole``, ``CreateGroup``, ``CreateUser``,
``CreatePolicy``, ``PutRolePolicy``, ``CreateSAMLProvider``: name patterns); IAM Identity
Center User Guide, "IAM Identity Center quotas"; IAM Identity Center API Reference
``CreatePermissionSet``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config.quotas import (
    MANAGED_POLICIES_DEFAULT,
    MANAGED_POLICIES_MAXIMUM,
    TRUST_POLICY_LENGTH_DEFAULT,
    TRUST_POLICY_LENGTH_MAXIMUM,
)

IAM_QUOTAS_PAGE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
EVENTBRIDGE_QUOTAS_PAGE = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html"
IDENTITY_CENTER_QUOTAS_PAGE = "https://docs.aws.amazon.com/singlesignon/latest/userguide/limits.html"
#: The service of each quotas page (a quota's messages and the README table name it).
_SERVICES = {
    IAM_QUOTAS_PAGE: "IAM",
    EVENTBRIDGE_QUOTAS_PAGE: "EventBridge",
    IDENTITY_CENTER_QUOTAS_PAGE: "IAM Identity Center",
}
#: Policy sizes are counted without white space (IAM User Guide, "IAM and AWS STS quotas").
SIZE_UNIT = "characters (whitespace excluded)"
#: An event pattern is measured as compact JSON (no white space between tokens).
PATTERN_UNIT = "characters (compact JSON)"


@dataclass(frozen=True)
class Quota:
    """One quota: ``default`` applies unless the account raised it (up to ``maximum``, stated in
    the config at ``config_key``); ``maximum is None`` means it cannot be raised."""

    name: str
    default: int
    unit: str
    source: str
    maximum: int | None = None
    config_key: str | None = None
    #: For a name quota: the characters IAM accepts (a full-match pattern, ASCII).
    pattern: re.Pattern[str] | None = None
    allowed: str = ""
    #: For a quota the account can raise that the config does not state: what to do instead of "fixed".
    adjustable: str = ""

    @property
    def service(self) -> str:
        """The service whose quota this is, as its quotas page is titled: ``IAM``,
        ``EventBridge`` or ``IAM Identity Center``."""
        return _SERVICES[self.source]

    @property
    def configurable(self) -> bool:
        return self.maximum is not None

    def cite(self, limit: int) -> str:
        """``'"<name>" <limit> (...)'``: the quota as an error message quotes it."""
        if self.configurable:
            raised = "the account's value" if limit != self.default else f"IAM's default {self.default}"
            how = f"{raised}; raise it in Service Quotas up to {self.maximum} and state it in {self.config_key}"
        else:
            how = self.adjustable or "fixed"
        return f'quota "{self.name}" ({how}; {self.source})'


def _names(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII)


#: Names of users, groups, roles, policies and instance profiles ("IAM name requirements").
_IAM_NAME = _names(r"[\w+=,.@-]+")
_IAM_NAME_ALLOWED = "letters, digits and +=,.@_-"

ROLE_MANAGED_POLICIES = Quota(
    "Managed policies attached to an IAM role", MANAGED_POLICIES_DEFAULT, "managed policies", IAM_QUOTAS_PAGE,
    MANAGED_POLICIES_MAXIMUM, "quotas.managed_policies_per_role",
)
USER_MANAGED_POLICIES = Quota(
    "Managed policies attached to an IAM user", MANAGED_POLICIES_DEFAULT, "managed policies", IAM_QUOTAS_PAGE,
    MANAGED_POLICIES_MAXIMUM, "quotas.managed_policies_per_user",
)
GROUP_MANAGED_POLICIES = Quota("Managed policies attached to an IAM group", 10, "managed policies", IAM_QUOTAS_PAGE)
GROUPS_PER_USER = Quota("IAM groups an IAM user can be a member of", 10, "groups", IAM_QUOTAS_PAGE)
ROLE_INLINE_POLICY_SIZE = Quota("Role policy size (all inline policies of a role)", 10240, SIZE_UNIT, IAM_QUOTAS_PAGE)
USER_INLINE_POLICY_SIZE = Quota("User policy size (all inline policies of a user)", 2048, SIZE_UNIT, IAM_QUOTAS_PAGE)
GROUP_INLINE_POLICY_SIZE = Quota("Group policy size (all inline policies of a group)", 5120, SIZE_UNIT, IAM_QUOTAS_PAGE)
MANAGED_POLICY_SIZE = Quota("Managed policy length", 6144, SIZE_UNIT, IAM_QUOTAS_PAGE)
ROLE_TRUST_POLICY_SIZE = Quota(
    "Role trust policy length", TRUST_POLICY_LENGTH_DEFAULT, SIZE_UNIT, IAM_QUOTAS_PAGE,
    TRUST_POLICY_LENGTH_MAXIMUM, "quotas.role_trust_policy_length",
)
PERMISSION_SET_INLINE_POLICY_SIZE = Quota(
    "Maximum size of inline policy per permission set", 10240, SIZE_UNIT, IDENTITY_CENTER_QUOTAS_PAGE
)
#: 20 in Identity Center, but each permission set becomes an IAM role in the accounts it is
#: assigned to, bound by :data:`ROLE_MANAGED_POLICIES` there (the quotas page's footnote):
#: the check uses the smaller of the two.
PERMISSION_SET_MANAGED_POLICIES = Quota(
    "Number of AWS managed and customer managed policies per permission set", 20, "managed policies",
    IDENTITY_CENTER_QUOTAS_PAGE,
)
ROLE_NAME = Quota("Role name", 64, "characters", IAM_QUOTAS_PAGE, pattern=_IAM_NAME, allowed=_IAM_NAME_ALLOWED)
USER_NAME = Quota("User name", 64, "characters", IAM_QUOTAS_PAGE, pattern=_IAM_NAME, allowed=_IAM_NAME_ALLOWED)
GROUP_NAME = Quota("Group name", 128, "characters", IAM_QUOTAS_PAGE, pattern=_IAM_NAME, allowed=_IAM_NAME_ALLOWED)
POLICY_NAME = Quota("Policy name", 128, "characters", IAM_QUOTAS_PAGE, pattern=_IAM_NAME, allowed=_IAM_NAME_ALLOWED)
SAML_PROVIDER_NAME = Quota(
    "SAML provider name", 128, "characters", IAM_QUOTAS_PAGE, pattern=_names(r"[\w._-]+"), allowed="letters, digits and ._-"
)
#: IAM Identity Center API ``CreatePermissionSet``: ``Name`` 1-32 characters of ``[\w+=,.@-]``.
PERMISSION_SET_NAME = Quota(
    "Permission set name", 32, "characters", IDENTITY_CENTER_QUOTAS_PAGE, pattern=_IAM_NAME, allowed=_IAM_NAME_ALLOWED
)
#: ``/`` or ``/a/b/``: printable ASCII between slashes, at most 512 characters.
PATH = Quota(
    "Path", 512, "characters", IAM_QUOTAS_PAGE, pattern=_names(r"/|/[\x21-\x7e]+/"),
    allowed="'/' or '/segments/' of printable ASCII, beginning and ending with '/'",
)

#: Amazon EventBridge "Event pattern size": 2,048 characters by default ("Maximum size of an event
#: pattern, in characters"), adjustable in Service Quotas; the check holds the default, which
#: every account has. Source: Amazon EventBridge User Guide, "Amazon EventBridge quotas".
EVENT_PATTERN_SIZE = Quota(
    "Event pattern size", 2048, PATTERN_UNIT, EVENTBRIDGE_QUOTAS_PAGE,
    adjustable="EventBridge's default, which every account has; raising it in Service Quotas is not read by the check",
)

#: Every quota the synth check enforces, in the README's order.
ALL_QUOTAS: tuple[Quota, ...] = (
    ROLE_MANAGED_POLICIES,
    USER_MANAGED_POLICIES,
    GROUP_MANAGED_POLICIES,
    GROUPS_PER_USER,
    ROLE_INLINE_POLICY_SIZE,
    USER_INLINE_POLICY_SIZE,
    GROUP_INLINE_POLICY_SIZE,
    MANAGED_POLICY_SIZE,
    ROLE_TRUST_POLICY_SIZE,
    PERMISSION_SET_INLINE_POLICY_SIZE,
    PERMISSION_SET_MANAGED_POLICIES,
    ROLE_NAME,
    USER_NAME,
    GROUP_NAME,
    POLICY_NAME,
    SAML_PROVIDER_NAME,
    PERMISSION_SET_NAME,
    PATH,
    EVENT_PATTERN_SIZE,
)


def markdown_table() -> str:
    """The README's quota table (a test keeps the README equal to it)."""
    lines = [
        "| Quota | Value | Configurable | Source |",
        "|---|---|---|---|",
    ]
    for quota in ALL_QUOTAS:
        value = f"{quota.default:,} {quota.unit}"
        if quota.pattern is not None:
            value = f"1-{quota.default} {quota.unit}: {quota.allowed}"
        configurable = f"up to {quota.maximum:,}: `{quota.config_key}`" if quota.configurable else "no"
        if quota.adjustable:
            configurable = "in Service Quotas only (the check holds the default)"
        lines.append(f"| {quota.name} | {value} | {configurable} | [{quota.service} quotas]({quota.source}) |")
    return "\n".join(lines) + "\n"
