"""Config models of the organization's guard rails: centralized root access, SCPs and RCPs.

Three optional parts of the ``organization:`` section, each validated here (the rules that
need the OUs and accounts of the organization sit in :func:`guardrail_rules`, called by
``OrganizationConfig``'s field validators so that an error names the YAML key to fix):

* ``root_access``: centralized root access for member accounts (IAM User Guide, "Centrally
  manage root access for member accounts"): root credentials management, privileged root
  sessions (``sts:AssumeRoot``) and the ``RootTasks`` role that may start them;
* ``service_control_policies``: the baseline's default SCPs, each switchable and attached
  to the root or to OUs by path, plus the user's own SCP files;
* ``resource_control_policies``: an optional data-perimeter RCP.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from .files import ConfigFileError, FileKind, read_bounded, read_referenced
from .regions import RegionName
from .role import RoleConfig
from .strict import StrictModel
from .targeting import AccountDirectory, TargetName, Targets, nearest
from .types import AccountId, IamName, ItemError, unique

#: The five AWS managed task policies that scope an ``sts:AssumeRoot`` session, by name (their
#: ARNs are ``arn:<partition>:iam::aws:policy/root-task/<name>``). Source: STS API Reference,
#: ``AssumeRoot`` parameter ``TaskPolicyArn``; IAM User Guide, "Perform a privileged task on an
#: AWS Organizations member account".
RootTaskPolicy = Literal[
    "IAMAuditRootUserCredentials",
    "IAMCreateRootUserPassword",
    "IAMDeleteRootUserCredentials",
    "S3UnlockBucketPolicy",
    "SQSUnlockQueuePolicy",
]
ROOT_TASK_POLICIES: tuple[str, ...] = RootTaskPolicy.__args__  # type: ignore[attr-defined]

#: The organization's root id, e.g. ``r-ab12``. Source: Organizations API Reference, ``Root.Id``.
RootId = Annotated[str, StringConstraints(pattern=r"^r-[0-9a-z]{4,32}$")]

#: The organization id, e.g. ``o-a1b2c3d4e5``. Source: Organizations API Reference, ``Organization.Id``.
OrganizationId = Annotated[str, StringConstraints(pattern=r"^o-[a-z0-9]{10,32}$")]

#: Where a policy is attached: ``root`` (the organization root: every account) or an OU path
#: declared in ``organization.organizational_units`` (that OU and every OU below it).
PolicyTarget = Annotated[str, StringConstraints(min_length=1, max_length=1024)]

#: A policy name prefix: Organizations policy names are 1-128 characters; the baseline adds
#: ``-<Name>`` of at most 40. Source: Organizations API Reference, ``CreatePolicy`` ``Name``.
PolicyNamePrefix = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9-]{0,63}$")]

#: An ARN pattern of principals exempt from the protection SCPs (``aws:PrincipalArn``), e.g.
#: ``arn:aws:iam::*:role/pipeline/Deploy``; ``*`` matches across segments there.
PrincipalArnPattern = Annotated[str, StringConstraints(pattern=r"^arn:aws[a-z-]*:iam::(\d{12}|\*):role/[\x21-\x7e]+$")]

ROOT_TARGET = "root"

#: The keys of ``service_control_policies`` holding a default guard rail, in policy order.
GUARDRAIL_KEYS: tuple[str, ...] = (
    "deny_root_user", "deny_leaving_organization", "protect_baseline", "protect_detection", "deny_iam_users",
    "region_allow_list",
)


class RootTasksRoleConfig(RoleConfig):
    """The ``RootTasks`` role: who may start a privileged root session in a member account."""

    name: IamName = Field("RootTasks", description="Role name (1-64 characters of [A-Za-z0-9+=,.@_-]).")
    description: str = Field(
        "Starts task-scoped root sessions (sts:AssumeRoot) in member accounts, MFA required.",
        max_length=1000,
        description="Role description (at most 1000 characters).",
    )


class RootAccessConfig(StrictModel):
    """Centralized root access for member accounts (IAM User Guide, "Centrally manage root
    access for member accounts").

    ``credentials_management``: member accounts created by Organizations get no root
    credentials, and the management account (or the delegated administrator) may delete or
    audit the root credentials of existing members (IAM ``EnableOrganizationsRootCredentialsManagement``).
    ``root_sessions``: the management account (or the delegated administrator) may start
    task-scoped root sessions in member accounts (``EnableOrganizationsRootSessions``,
    ``sts:AssumeRoot``, at most 900 seconds each). Both need trusted access for
    ``iam.amazonaws.com`` in Organizations, which the baseline enables too.
    ``disable_on_delete``: deleting the stack turns the two features off; default false, since
    that would give every member account back a root user that can sign in.
    """

    credentials_management: bool = Field(True, description="Centrally manage the root credentials of member accounts.")
    root_sessions: bool = Field(True, description="Allow task-scoped root sessions (sts:AssumeRoot) in member accounts.")
    disable_on_delete: bool = Field(
        False, description="Turn both features off when the stack is deleted (default false: they stay on)."
    )
    delegated_administrator: AccountId | None = Field(
        None,
        description="Member account registered as delegated administrator for IAM (centralized root access); "
        "the RootTasks role is then created there instead of in the management account.",
    )
    task_policies: tuple[RootTaskPolicy, ...] = Field(
        ROOT_TASK_POLICIES,
        description="AWS task policies RootTasks may start root sessions with (default: all five; empty: no RootTasks role).",
    )
    role: RootTasksRoleConfig = RootTasksRoleConfig()

    @field_validator("task_policies")
    @classmethod
    def _no_duplicates(cls, policies: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(policies)) != len(policies):
            raise ValueError(f"duplicate task policies in {list(policies)}")
        return policies

    @model_validator(mode="after")
    def _sessions_for_tasks(self) -> "RootAccessConfig":
        if self.task_policies and not self.root_sessions:
            raise ValueError(
                "task_policies are listed but root_sessions is false: sts:AssumeRoot works only with root sessions "
                "enabled; set root_sessions: true or task_policies: []"
            )
        return self

    @property
    def has_root_tasks_role(self) -> bool:
        """True when the ``RootTasks`` role is created (root sessions on, some task policy)."""
        return self.root_sessions and bool(self.task_policies)


class AccountTargetsMixin(StrictModel):
    """``accounts:`` and ``exclude:`` beside a policy's ``targets`` (:mod:`.targeting`).

    Without ``exclude`` the policy is attached to ``targets`` (root, OUs) and to each of
    ``accounts``; with ``exclude`` an OU attachment would still reach the excluded accounts, so
    the policy is attached to each account that ``targets`` and ``accounts`` reach minus
    ``exclude``, one by one (each counts against the 5 policies per account).
    """

    # Duplicates are refused here, at the item, before the organization resolves the names.
    accounts: unique(TargetName, "account") = Field(  # type: ignore[valid-type]
        (), description="Member accounts (names or ids) the policy is also attached to."
    )
    exclude: unique(TargetName, "exclusion") = Field(  # type: ignore[valid-type]
        (), description="Account names (or ids) or OU paths the policy must not reach (it is then attached per account)."
    )


class GuardrailConfig(AccountTargetsMixin):
    """One switchable default SCP: whether it is attached, and where."""

    enabled: bool = Field(True, description="Attach this guard rail.")
    targets: tuple[PolicyTarget, ...] = Field(
        (ROOT_TARGET,), min_length=1, description="'root' or OU paths of organization.organizational_units."
    )


class RegionAllowListConfig(GuardrailConfig):
    """Deny requests outside ``regions``, global services exempt (off by default).

    Source: AWS Organizations User Guide, "General examples" > "Deny access to AWS based on the
    requested AWS Region".
    """

    enabled: bool = Field(False, description="Attach the region allow-list SCP.")
    regions: tuple[RegionName, ...] = Field((), description="Regions where requests are allowed (the home region is always added).")


class CustomPolicyConfig(AccountTargetsMixin):
    """The user's own policy file (JSON, ``Deny`` statements only), attached to ``targets``."""

    name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9-]{0,39}$")] = Field(
        description="Policy name suffix: a letter, then letters, digits, hyphens (at most 40)."
    )
    file: str = Field(
        min_length=1,
        description="Path of the policy document (JSON), relative to the config file's folder and inside it.",
    )
    description: str = Field("", max_length=512, description="Policy description (at most 512 characters).")
    targets: tuple[PolicyTarget, ...] = Field(
        (ROOT_TARGET,), min_length=1, description="'root' or OU paths of organization.organizational_units."
    )

    @field_validator("file")
    @classmethod
    def _file_next_to_the_config(cls, name: str) -> str:
        # The one rule for files a config names (config/files.py): relative to the config's
        # folder and confined to it, like federation.saml's metadata_file.
        try:
            return str(read_referenced(name, FileKind.POLICY_DOCUMENT)[0])
        except ConfigFileError as exc:
            raise ValueError(f"{exc.reason} (resolved: {exc.path})") from None


class ServiceControlPoliciesConfig(StrictModel):
    """The baseline's SCPs (AWS Organizations User Guide, "Service control policies").

    Every default is a ``Deny`` guard rail in the deny-list model: the ``FullAWSAccess`` SCP
    that AWS attaches to the root, every OU and every account must stay attached (it counts
    against the quota of 5 SCPs per target); SCPs never apply to the management account.
    """

    name_prefix: PolicyNamePrefix = Field("IamBaseline", description="SCP names are <name_prefix>-<Guardrail>.")
    deny_root_user: GuardrailConfig = Field(
        GuardrailConfig(), description="Deny every action of member accounts' root users, except sts:AssumeRoot sessions."
    )
    deny_leaving_organization: GuardrailConfig = Field(
        GuardrailConfig(), description="Deny organizations:LeaveOrganization."
    )
    protect_baseline: GuardrailConfig = Field(
        GuardrailConfig(),
        description="Deny changes to the baseline's IAM resources and StackSet stacks, except by the exempt roles.",
    )
    protect_detection: GuardrailConfig = Field(
        GuardrailConfig(), description="Deny disabling the baseline's detection (analyzers, alert rules, topic)."
    )
    deny_iam_users: GuardrailConfig = Field(
        GuardrailConfig(), description="Deny creating IAM users and access keys (target only OUs that need none)."
    )
    region_allow_list: RegionAllowListConfig = RegionAllowListConfig()
    exempt_role_arns: tuple[PrincipalArnPattern, ...] = Field(
        (),
        description="Roles (ARN patterns) also allowed to change the baseline and its detection, e.g. declared "
        "pipeline roles; the StackSet execution roles (stacksets-exec-*) are always exempt.",
    )
    custom: tuple[CustomPolicyConfig, ...] = Field((), description="Your own SCP files.")


class DataPerimeterConfig(AccountTargetsMixin):
    """A data-perimeter RCP: principals outside the organization cannot reach the organization's
    S3, SQS, KMS, Secrets Manager and STS resources; AWS service principals and the listed
    third-party accounts are exempt. Attached to ``targets`` (root, OU paths) and ``accounts``,
    minus ``exclude`` (:class:`AccountTargetsMixin`, as the SCPs). Source: AWS Organizations User
    Guide, "Resource control policies (RCPs)" and "RCP examples"; aws-samples/data-perimeter-policy-examples.
    """

    enabled: bool = Field(False, description="Attach the data-perimeter RCP.")
    targets: tuple[PolicyTarget, ...] = Field(
        (ROOT_TARGET,), min_length=1, description="'root' or OU paths of organization.organizational_units."
    )
    third_party_accounts: tuple[AccountId, ...] = Field(
        (), description="Accounts outside the organization still allowed in (vendors, partners)."
    )


class ResourceControlPoliciesConfig(StrictModel):
    """The baseline's RCPs (off unless enabled); the RCP policy type is enabled on the root."""

    name_prefix: PolicyNamePrefix = Field("IamBaseline", description="RCP names are <name_prefix>-<Guardrail>.")
    data_perimeter: DataPerimeterConfig = DataPerimeterConfig()


def read_policy_file(path: str) -> dict[str, Any]:
    """The JSON policy document at ``path``: an object with a ``Statement`` of ``Deny`` statements.

    Raises:
        ValueError: unreadable file, invalid JSON, no ``Statement``, an ``Allow`` statement (the
            deny-list model keeps ``FullAWSAccess`` as the only Allow) or a ``Principal`` element
            (SCPs have none).
    """
    try:
        document = json.loads(read_bounded(path, FileKind.POLICY_DOCUMENT))
    except ConfigFileError as exc:
        raise ValueError(exc.reason) from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"the policy file is not JSON: {exc.msg} (line {exc.lineno})") from None
    statements = document.get("Statement") if isinstance(document, dict) else None
    if not statements:
        raise ValueError("the policy file needs a Statement")
    for index, statement in enumerate(statements if isinstance(statements, list) else [statements]):
        if not isinstance(statement, dict) or statement.get("Effect") != "Deny":
            raise ValueError(
                f"statement {index} is not a Deny: the baseline keeps the deny-list model (FullAWSAccess stays "
                "attached and is the only Allow), so an Allow SCP would grant nothing"
            )
        if "Principal" in statement or "NotPrincipal" in statement:
            raise ValueError(f"statement {index} has a Principal element, which SCPs do not support")
    return document


def check_targets(targets: tuple[str, ...], *, where: tuple[str | int, ...], ou_paths: list[str], root_id: str | None) -> None:
    """Refuse a target that is neither ``root`` (with ``root_id`` set) nor a declared OU path.

    Raises:
        ItemError: at ``where`` + ``targets[i]``: the unknown target (with the nearest names),
            the root without ``organization.root_id``, or a target named twice.
    """
    shown = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in where).replace(".[", "[")
    seen: set[str] = set()
    for index, target in enumerate(targets):
        spot = (*where, "targets", index)
        if target == ROOT_TARGET:
            if root_id is None:
                raise ItemError(spot, f"{shown} targets the root but organization.root_id is not set (e.g. r-ab12)")
        elif target not in ou_paths:
            close = nearest(target, [ROOT_TARGET, *ou_paths])
            hint = close if close.startswith("; nearest") else ""
            raise ItemError(spot, f"unknown target {target!r}; allowed: 'root' or one of the OU paths {ou_paths}{hint}")
        if target in seen:
            raise ItemError(spot, f"duplicate target {target!r} in {list(targets)}")
        seen.add(target)


def attachment_targets(
    policy: AccountTargetsMixin, directory: AccountDirectory, where: tuple[str | int, ...] = ()
) -> tuple[str, ...]:
    """Where ``policy`` (a guard rail or custom SCP with ``targets``) is attached: 'root', OU
    paths and member account ids (see :class:`AccountTargetsMixin`).

    Raises:
        ItemError: at ``where`` + the key: an unknown account or OU name (with the nearest), or
            nothing left to reach.
    """
    targets: tuple[str, ...] = getattr(policy, "targets")
    accounts = tuple(directory.account(name, (*where, "accounts", i)) for i, name in enumerate(policy.accounts))
    if not policy.exclude:
        return (*targets, *dict.fromkeys(accounts))
    # The names were validated with the policy: a second validation here would report its
    # errors at the caller's key instead of the policy's (model_construct keeps them as given).
    named = Targets.model_construct(accounts=tuple(dict.fromkeys(accounts)), ous=targets, exclude=policy.exclude)
    return directory.resolve(named, where)


def check_custom_files(scps: ServiceControlPoliciesConfig) -> None:
    """Refuse duplicate custom SCP names (``ValueError``) and the first custom SCP whose file is not
    a usable Deny-only policy (``ItemError`` at its ``file`` key)."""
    names = [c.name for c in scps.custom]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate custom SCP names {names}")
    for index, custom in enumerate(scps.custom):
        try:
            read_policy_file(custom.file)
        except ValueError as exc:  # reported at the item's file key, with its line
            raise ItemError(("custom", index, "file"), f"{exc} (resolved: {custom.file})") from None
