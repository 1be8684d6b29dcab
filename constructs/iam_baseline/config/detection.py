"""Config models of detection and response: alerts, IAM Access Analyzer, break-glass, account alias.

Three optional fields of :class:`~iam_baseline.config.models.BaselineConfig` use them:
``detection`` (:class:`DetectionConfig`), ``break_glass`` (:class:`BreakGlassConfig`) and
``account_alias`` (:data:`AccountAlias`). Rules that need the rest of the config (names that
must not collide, the MFA setting break-glass users depend on) are in :func:`cross_check`,
which the top-level model calls, so every error carries its YAML path.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .regions import RegionName
from .types import IamName, ItemError, printable_text, unique

if TYPE_CHECKING:  # pragma: no cover - typing only; models.py imports this module
    from .models import BaselineConfig


class _StrictModel(BaseModel):
    # Same settings as models.StrictModel (frozen, unknown keys refused, no coercion);
    # redefined here because models.py imports this module.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


#: IAM user, group and role names (IAM User Guide, "IAM and AWS STS quotas" > name requirements).
_IamName = IamName

#: Account alias syntax of the IAM API (``CreateAccountAlias``, parameter ``AccountAlias``):
#: 3-63 characters, lowercase letters, digits and single hyphens, no hyphen at either end.
ACCOUNT_ALIAS_PATTERN = re.compile(r"[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]", re.ASCII)


def check_account_alias(value: str) -> str:
    """Return ``value`` if it is a valid account alias; raise ``ValueError`` saying why not."""
    if not 3 <= len(value) <= 63:
        raise ValueError(f"account alias must be 3-63 characters long, got {len(value)}")
    if not ACCOUNT_ALIAS_PATTERN.fullmatch(value):
        raise ValueError(
            "account alias may contain only lowercase letters, digits and single hyphens, and must start "
            "and end with a letter or digit (IAM CreateAccountAlias), e.g. 'acme-production'"
        )
    return value


#: The account alias: the name in the account's console sign-in URL
#: (``https://<alias>.signin.aws.amazon.com/console``). Source: IAM API Reference, ``CreateAccountAlias``.
AccountAlias = Annotated[str, AfterValidator(check_account_alias)]


def _check_email(value: str) -> str:
    # A sanity check only (SNS confirms the address by mail): one @, a dot in the domain, no blanks.
    if not re.fullmatch(r"[\x21-\x3f\x41-\x7e]+@[\x21-\x3f\x41-\x7e]+\.[\x21-\x3f\x41-\x7e]+", value) or len(value) > 254:
        raise ValueError("not an e-mail address: expected name@domain.tld in ASCII (at most 254 characters)")
    return value


def _check_https_url(value: str) -> str:
    if not re.fullmatch(r"https://[\x21-\x7e]+", value) or value[8] in "/$.?#":
        raise ValueError(
            "the endpoint must be an https:// URL in printable ASCII (SNS HTTPS subscriptions refuse plain http here)"
        )
    return value


EmailAddress = Annotated[str, AfterValidator(_check_email)]
HttpsUrl = Annotated[str, AfterValidator(_check_https_url)]

#: CloudWatch Logs log group name: 1-512 characters of ``[.\-_/#A-Za-z0-9]``.
#: Source: CloudWatch Logs API Reference, ``CreateLogGroup``.
LogGroupName = Annotated[str, StringConstraints(min_length=1, max_length=512, pattern=r"^[.\-_/#A-Za-z0-9]+$")]

#: SNS topic name: 1-256 characters of letters, digits, hyphens and underscores.
#: Source: Amazon SNS API Reference, ``CreateTopic``.
TopicName = Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=r"^[A-Za-z0-9_-]+$")]

#: Access Analyzer analyzer and archive rule names: 1-255 characters, a letter first, then
#: letters, digits, ``.``, ``-`` and ``_``. Source: IAM Access Analyzer API Reference, ``CreateAnalyzer``.
AnalyzerName = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$")]

#: A named IAM principal allowed to assume the break-glass role: an IAM user or role ARN.
PrincipalArn = Annotated[
    str,
    StringConstraints(
        pattern=r"^arn:aws(?:-cn|-us-gov)?:iam::[0-9]{12}:(?:user|role)/(?:[\x21-\x2e\x30-\x7e]+/)*[A-Za-z0-9+=,.@_-]{1,64}$"
    ),
]


class AlertsConfig(_StrictModel):
    """The alert topic and the CloudWatch alarms on the CloudTrail log group.

    Alerts go to one SNS topic encrypted with a customer managed KMS key. The metric filters
    and alarms (CIS AWS Foundations 4.1-4.4 and 4.6) are created only when
    ``cloudtrail_log_group_name`` names the log group of a multi-region trail in the home region.
    """

    topic_name: TopicName = Field("iam-baseline-alerts", description="SNS topic name (1-256 of [A-Za-z0-9_-]).")
    emails: unique(EmailAddress, "e-mail address", fold=str.lower) = Field(  # type: ignore[valid-type]
        (), max_length=20, description="E-mail addresses subscribed to the alert topic (each confirms by mail)."
    )
    https_endpoint: HttpsUrl | None = Field(
        None, description="Optional https:// endpoint subscribed to the topic (chat webhook, incident tool)."
    )
    cloudtrail_log_group_name: LogGroupName | None = Field(
        None,
        description=(
            "Log group that a multi-region CloudTrail trail delivers to, in the home region; enables the CIS 4.x "
            "metric filters and alarms. null: EventBridge rules only."
        ),
    )
    failed_console_sign_in_threshold: int = Field(
        3, ge=1, le=10000, description="Failed console sign-ins per period that raise the CIS 4.6 alarm (1-10000)."
    )
    access_denied_threshold: int = Field(
        10, ge=1, le=100000, description="Unauthorized/AccessDenied API calls per period that raise the CIS 4.1 alarm."
    )
    alarm_period_seconds: int = Field(
        300, ge=60, le=86400, multiple_of=60, description="Alarm evaluation period in seconds (60-86400, multiple of 60)."
    )


#: A value compared with a finding property: printable, 1-1024 characters.
_FilterValue = printable_text(1024, min_length=1)


class ArchiveFilterConfig(_StrictModel):
    """One criterion of an archive rule: a finding property and how it must compare.

    ``property`` is a finding field such as ``principal.AWS``, ``resourceType`` or
    ``findingType``; at least one of ``eq``, ``neq``, ``contains`` (1-20 values each) or
    ``exists`` is required. Source: IAM Access Analyzer User Guide, "Archive rules" and
    "Filter keys".
    """

    property: Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=r"^[A-Za-z0-9_.:-]+$")] = Field(
        description="Finding property, e.g. principal.AWS (letters, digits and _.:-)."
    )
    eq: unique(_FilterValue, "value") | None = Field(  # type: ignore[valid-type]
        None, min_length=1, max_length=20, description="Matches one of these values."
    )
    neq: unique(_FilterValue, "value") | None = Field(  # type: ignore[valid-type]
        None, min_length=1, max_length=20, description="Matches none of these values."
    )
    contains: unique(_FilterValue, "value") | None = Field(  # type: ignore[valid-type]
        None, min_length=1, max_length=20, description="Contains one of these."
    )
    exists: bool | None = Field(None, description="The property is present (true) or absent (false).")

    @model_validator(mode="after")
    def _one_comparison(self) -> "ArchiveFilterConfig":
        if self.eq is None and self.neq is None and self.contains is None and self.exists is None:
            raise ValueError(f"filter on {self.property!r} needs at least one of eq, neq, contains, exists")
        return self


class ArchiveRuleConfig(_StrictModel):
    """An archive rule: findings matching every filter are archived automatically."""

    name: AnalyzerName = Field(description="Rule name (1-255 characters, letter first, [A-Za-z0-9_.-]).")
    filters: tuple[ArchiveFilterConfig, ...] = Field(min_length=1, description="Criteria, all of which must match.")


class ExternalAccessAnalyzerConfig(_StrictModel):
    """The external-access analyzer: resources shared outside the zone of trust (CIS 1.20)."""

    enabled: bool = True
    name: AnalyzerName = "iam-baseline-external-access"
    archive_rules: unique(ArchiveRuleConfig, "archive rule", fold=lambda r: r.name) = ()  # type: ignore[valid-type]


class UnusedAccessAnalyzerConfig(_StrictModel):
    """The unused-access analyzer: unused roles, access keys, passwords and permissions.

    ``unused_access_age_days``: findings are raised for access unused for this many days,
    1-365 (IAM Access Analyzer API Reference, ``UnusedAccessConfiguration``). The default 45
    follows CIS AWS Foundations 1.12 / Security Hub IAM.22 (credentials unused for 45 days).
    This analyzer is billed per IAM role and user analyzed per month.
    """

    enabled: bool = True
    name: AnalyzerName = "iam-baseline-unused-access"
    unused_access_age_days: int = Field(45, ge=1, le=365, description="Days without use before a finding (1-365).")
    archive_rules: unique(ArchiveRuleConfig, "archive rule", fold=lambda r: r.name) = ()  # type: ignore[valid-type]


#: An account named by the config: a member account name or a 12-digit id (checked against the
#: organization's declared member accounts, :class:`~.targeting.AccountDirectory`).
AccountRef = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[\x20-\x7e]+$")]


class AccessAnalyzerConfig(_StrictModel):
    """IAM Access Analyzer analyzers of the account (or of the organization).

    ``scope: organization``: the zone of trust is the organization instead of the account.
    Without ``delegated_administrator`` the organization analyzers are created in the stack's
    own account, which must be the management account. With ``delegated_administrator`` (a
    member account of ``organization``, usually the audit account) they are created there
    instead (stack ``<stack_name>-AccessAnalyzerOrganization[-<region>]``), and every other
    account (the management account, the members) keeps an account analyzer for external
    access; the unused-access analyzer is then the organization's one only (it covers every
    member account, so a per-account copy would be billed twice). CloudFormation has no resource
    that registers it: the management account's ``Custom::OrganizationFeatures`` enables trusted
    access for ``access-analyzer.amazonaws.com`` and calls ``RegisterDelegatedAdministrator``
    (README.md, "IAM Access Analyzer", also gives the equivalent AWS CLI commands).

    ``regions``: the external-access analyzer covers its own region only, so every account gets
    one in each listed region besides the home region (the management account through
    ``<stack_name>-AccessAnalyzer-<region>`` stacks, the members through the StackSet
    ``<name_prefix>-AccessAnalyzer``). The unused-access analyzer reviews IAM, which is global:
    home region only. Source: IAM Access Analyzer User Guide, "Enabling IAM Access Analyzer"
    and "Delegated administrator for IAM Access Analyzer".
    """

    scope: Literal["account", "organization"] = "account"
    external_access: ExternalAccessAnalyzerConfig = ExternalAccessAnalyzerConfig()
    unused_access: UnusedAccessAnalyzerConfig = UnusedAccessAnalyzerConfig()
    regions: unique(RegionName, "region") = Field(  # type: ignore[valid-type]
        (),
        max_length=40,
        description="Regions besides the home region where every account gets an external-access analyzer "
        "(analyzers are regional); the home region may be listed too.",
    )
    delegated_administrator: AccountRef | None = Field(
        None,
        description="Member account (name or 12-digit id) that holds the organization analyzers (scope: organization), "
        "registered as IAM Access Analyzer delegated administrator by the management account; null: the management "
        "account holds them.",
    )

    @model_validator(mode="after")
    def _unique_names(self) -> "AccessAnalyzerConfig":
        if self.external_access.enabled and self.unused_access.enabled and self.external_access.name == self.unused_access.name:
            raise ItemError(
                ("unused_access", "name"),
                f"both analyzers are named {self.external_access.name!r}; analyzer names are unique per region",
            )
        if self.delegated_administrator is not None and self.scope != "organization":
            raise ItemError(
                ("delegated_administrator",),
                "delegated_administrator names the account of the organization analyzers: set scope: organization "
                "(or remove delegated_administrator for account analyzers only)",
            )
        return self


class DetectionConfig(_StrictModel):
    """Detection: the alert topic and rules (CIS section 4) and IAM Access Analyzer."""

    alerts: AlertsConfig = AlertsConfig()
    access_analyzer: AccessAnalyzerConfig = AccessAnalyzerConfig()


class BreakGlassConfig(_StrictModel):
    """The way in when federation or the normal admin path is down.

    ``mode: users`` (default): one IAM user per person in ``users``, members of the group
    ``group_name``, console password only (never an access key), MFA required by the
    force-MFA policy, and no permission but assuming the Admin role with MFA. ``mode: role``:
    a role named ``role_name`` with AdministratorAccess, assumable only by the IAM principals
    in ``trusted_principals``, with MFA. Every use raises an alert; the resources are retained
    on deletion and their names are locked (see ``config/*.break-glass.lock``).
    """

    mode: Literal["users", "role"] = "users"
    group_name: _IamName = Field("BreakGlass", description="IAM group of the break-glass users (users mode).")
    users: unique(_IamName, "break-glass user name", fold=str.casefold) = Field(  # type: ignore[valid-type]
        (), max_length=10, description="Break-glass IAM user names (users mode).")
    role_name: _IamName = Field("BreakGlass", description="Break-glass role name (role mode).")
    trusted_principals: unique(PrincipalArn, "principal") = Field(  # type: ignore[valid-type]
        (), max_length=10, description="IAM user or role ARNs that may assume the break-glass role with MFA (role mode)."
    )
    max_session_duration_seconds: int = Field(
        3600, ge=3600, le=43200, description="Break-glass role session length in seconds (3600-43200, role mode)."
    )

    @model_validator(mode="after")
    def _mode_needs_principals(self) -> "BreakGlassConfig":
        if self.mode == "users" and not self.users:
            raise ItemError(("users",), "mode 'users' needs at least one name in users: the people who hold a break-glass login")
        if self.mode == "role" and not self.trusted_principals:
            raise ItemError(
                ("trusted_principals",), "mode 'role' needs at least one ARN in trusted_principals: who may assume the role"
            )
        return self


def cross_check(config: "BaselineConfig") -> None:
    """Rules between ``detection``, ``break_glass``, ``account_alias`` and the rest of the config.

    Raises:
        ValueError: break-glass without ``detection`` (its use must raise an alert); a
            break-glass name that collides with a baseline user, group or role; break-glass
            users while ``mfa.allow_password_change_without_mfa`` is false (they could not
            set their first password); an Access Analyzer placement error
            (:func:`~.access_analyzer.check_access_analyzer`).
    """
    from .access_analyzer import check_access_analyzer  # it imports this module's models

    check_access_analyzer(config)
    bg = config.break_glass
    if bg is None:
        return
    if config.detection is None:
        raise ItemError(
            ("break_glass",), "break_glass needs detection: every break-glass use must raise an alert on the alert topic"
        )
    if bg.mode == "users":
        declared = {u.name.casefold() for u in config.users}
        for index, name in enumerate(bg.users):
            if name.casefold() in declared:
                raise ItemError(
                    ("break_glass", "users", index),
                    f"break_glass.users {[name]} are also declared in users; use distinct IAM user names",
                )
        groups = {g.name.casefold() for _, g in config.groups.items()}
        if bg.group_name.casefold() in groups:
            raise ItemError(
                ("break_glass", "group_name"), f"break_glass.group_name {bg.group_name!r} is already a baseline group name"
            )
        if not config.mfa.allow_password_change_without_mfa:
            raise ItemError(
                ("break_glass", "users"),
                "break_glass users start with a temporary password that must be changed at first sign-in, but "
                "mfa.allow_password_change_without_mfa is false, so the force-MFA policy would lock them out"
            )
    else:
        roles = {name.casefold() for name, _ in config._role_names()}
        if bg.role_name.casefold() in roles:
            raise ItemError(
                ("break_glass", "role_name"), f"break_glass.role_name {bg.role_name!r} is already a baseline role name"
            )
