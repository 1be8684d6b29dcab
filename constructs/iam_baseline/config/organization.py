"""Config models of an organization-wide rollout: OUs, member accounts, baseline variants.

The ``organization:`` section of a config turns the single-account baseline into an
AWS Organizations rollout (``stacks/organization.py``):

* each **baseline variant** (``baselines:``) is the account baseline with some parts
  overridden (roles, MFA, password policy, groups, tags); it is deployed to the member
  accounts of the OUs that name it by one service-managed CloudFormation StackSet;
* each **organizational unit** lists its member accounts (needed for IAM Identity Center
  assignments, which target accounts, never OUs) and the assignments every account of the
  OU receives;
* the **management account** (``account_id`` of the config) keeps the plain
  ``AccountBaseline`` stack: service-managed StackSets never deploy to it.

Sources: AWS CloudFormation User Guide, "Create stack sets with service-managed
permissions" and "Stack set operation options"; AWS Organizations User Guide, "Quotas";
IAM Identity Center User Guide, "Assign user access to AWS accounts".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, StringConstraints, ValidationError, ValidationInfo, field_validator, model_validator

from .federation import PrincipalAssignmentConfig, principal_problem
from .member_config import member_baseline_config
from .personas import GroupsConfig, RolesConfig
from .types import AccountId
from .sign_in import MfaConfig, PasswordPolicyConfig
from .strict import StrictModel
from .organization_policies import (
    OrganizationId,
    ResourceControlPoliciesConfig,
    RootAccessConfig,
    RootId,
    ServiceControlPoliciesConfig,
    GUARDRAIL_KEYS,
    attachment_targets,
    check_custom_files,
    check_targets,
)
from .targeting import AccountDirectory, TargetName
from .types import ItemError, TagKey, TagValue, ascii_name, printable_text, unique

if TYPE_CHECKING:
    from .models import BaselineConfig

#: An organizational unit id. Source: AWS Organizations API Reference, ``OrganizationalUnit.Id``.
OuId = Annotated[str, StringConstraints(pattern=r"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$")]

#: An OU path below the root, ``/``-separated OU names (``Workloads/Prod``). An OU name is
#: 1-128 characters (Organizations ``CreateOrganizationalUnit``); this project refuses ``/``
#: in names, which separates the levels here.
OuPath = Annotated[
    str,
    StringConstraints(
        max_length=1024,
        pattern=r"^[\x21-\x2e\x30-\x7e](?:[\x20-\x2e\x30-\x7e]{0,126}[\x21-\x2e\x30-\x7e])?"
        r"(?:/[\x21-\x2e\x30-\x7e](?:[\x20-\x2e\x30-\x7e]{0,126}[\x21-\x2e\x30-\x7e])?)*$",
    ),
]

#: A StackSet name: a letter, then letters, digits and hyphens, at most 128 characters.
#: Source: CloudFormation API Reference, ``CreateStackSet`` parameter ``StackSetName``.
StackSetName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9-]{0,127}$")]

#: A baseline variant key: part of the StackSet name ``<name_prefix>-<key>``, so letters,
#: digits and hyphens only (CloudFormation ``CreateStackSet`` ``StackSetName``), at most 63.
VariantKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9-]{0,62}$")]

#: A CloudFormation stack name (same rule as ``BaselineConfig.stack_name``).
StackName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9-]{0,127}$")]


class MemberAccountConfig(StrictModel):
    """A member account of an OU. Account names: 1-50 characters (Organizations ``CreateAccount``)."""

    name: ascii_name(50) = Field(description="Account name: 1-50 printable ASCII characters, not blank.")  # type: ignore[valid-type]
    id: AccountId = Field(description="12-digit account id.")


class BaselineVariantConfig(StrictModel):
    """One variant of the account baseline: the config's baseline with these parts replaced.

    A part left out keeps the config's top-level value. Member accounts never receive the
    config's IAM ``users`` (people reach member accounts through IAM Identity Center) nor its
    OIDC deploy roles (the pipeline deploys the StackSets from the management or delegated
    administrator account); ``saml`` keeps or drops the config's SAML providers and roles.
    """

    description: printable_text(1024) = Field(  # type: ignore[valid-type]
        "", description="What the variant is for (StackSet description, at most 1024 characters)."
    )
    password_policy: PasswordPolicyConfig | None = Field(None, description="Replaces password_policy.")
    mfa: MfaConfig | None = Field(None, description="Replaces mfa.")
    roles: RolesConfig | None = Field(None, description="Replaces roles.")
    groups: GroupsConfig | None = Field(None, description="Replaces groups.")
    tags: dict[TagKey, TagValue] = Field(
        default_factory=dict, max_length=50, description="Tags added to (or overriding) the config's tags (same rules)."
    )
    saml: bool = Field(True, description="Deploy the config's federation.saml providers and roles to these accounts.")


class OrganizationalUnitConfig(StrictModel):
    """An OU: its member accounts, the baseline variant rolled out to it, its assignments.

    A StackSet that targets an OU also deploys to the accounts of every OU below it, so an
    OU with a baseline may not sit below (or above) another OU with a baseline: their
    accounts would receive two baselines fighting over the same IAM names.
    """

    path: OuPath = Field(description="OU names from the root, '/'-separated, e.g. Workloads/Prod.")
    id: OuId = Field(description="OU id, e.g. ou-ab12-34cd56ef.")
    baseline: VariantKey | None = Field(None, description="Key of the baseline variant (organization.baselines); null: none.")
    accounts: tuple[MemberAccountConfig, ...] = Field((), description="Member accounts directly in this OU.")
    assignments: unique(  # type: ignore[valid-type]
        PrincipalAssignmentConfig,
        "assignment",
        fold=lambda a: (a.permission_set, a.principal_type, a.principal_id, a.principal_name),
        why="the same permission set for the same principal in the same accounts would be created twice",
    ) = Field((), description="Identity Center assignments given in every account of this OU.")


class StackSetRolloutConfig(StrictModel):
    """How the StackSets roll the baseline out.

    ``max_concurrent_percentage`` (1-100) of the target accounts are deployed at once;
    ``failure_tolerance_percentage`` (0-100) of them may fail before CloudFormation stops
    the operation. With ``SOFT_FAILURE_TOLERANCE`` the concurrency is independent of the
    tolerance; with ``STRICT_FAILURE_TOLERANCE`` CloudFormation lowers concurrency to the
    tolerance plus one. Source: CloudFormation User Guide, "Stack set operation options".
    """

    stack_name: StackName = Field(
        "IamBaselineOrganization", description="Stack holding the StackSets (management or delegated admin account)."
    )
    name_prefix: Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9-]{0,63}$")] = Field(
        "IamBaseline", description="StackSet names are <name_prefix>-<variant>."
    )
    max_concurrent_percentage: int = Field(25, ge=1, le=100, description="Accounts deployed at once, percent (1-100).")
    failure_tolerance_percentage: int = Field(0, ge=0, le=100, description="Accounts that may fail, percent (0-100).")
    concurrency_mode: Literal["STRICT_FAILURE_TOLERANCE", "SOFT_FAILURE_TOLERANCE"] = Field(
        "SOFT_FAILURE_TOLERANCE", description="How failure tolerance bounds concurrency."
    )
    retain_stacks_on_account_removal: bool = Field(
        False,
        description="Keep the baseline stack in an account that leaves the target OUs (false: it is deleted).",
    )


class OrganizationConfig(StrictModel):
    """The AWS Organization the baseline is rolled out to.

    ``delegated_admin_account_id``: the account registered as CloudFormation StackSets
    delegated administrator (usually the security/tooling account); the StackSets are then
    created there with ``CallAs: DELEGATED_ADMIN``. Without it they are created in the
    management account. ``assignment_shards``: IAM Identity Center assignments are spread
    over this many stacks by a hash of the account id (``iam_baseline.federation.assignment_shards``);
    each must stay under CloudFormation's 500 resources per stack. Changing the number moves
    accounts between stacks, so it is a deliberate migration (README.md, "Organization-wide rollout").
    """

    management_account_id: AccountId = Field(description="The organization's management account.")
    delegated_admin_account_id: AccountId | None = Field(
        None, description="StackSets delegated administrator (a member account), e.g. the security/tooling account."
    )
    identity_account: TargetName | None = Field(
        None,
        description=(
            "Where people sign in (IAM users in groups, SAML providers and roles): a member account name or id, or "
            "the management account id. Personas then reach member accounts through their reach (README.md, "
            "'Hub and spoke: the identity account')."
        ),
    )
    stacksets: StackSetRolloutConfig = StackSetRolloutConfig()
    baselines: dict[VariantKey, BaselineVariantConfig] = Field(
        description="Baseline variants by key (letters, digits, hyphens; at least one)."
    )
    organizational_units: tuple[OrganizationalUnitConfig, ...] = Field(description="OUs (at least one).")
    assignment_shards: int = Field(
        4, ge=1, le=200, description="Number of Identity Center assignment stacks (1-200); see README.md, section Organization-wide rollout."
    )
    guardrails_stack_name: StackName = Field(
        "IamBaselineOrganizationGuardrails",
        description="Stack of the management account holding centralized root access, the SCPs and the RCPs.",
    )
    root_id: RootId | None = Field(None, description="The organization root id (r-...); needed to attach policies to the root.")
    organization_id: OrganizationId | None = Field(
        None, description="The organization id (o-...); needed by the data-perimeter RCP."
    )
    root_access: RootAccessConfig = Field(
        RootAccessConfig(), description="Centralized root access for member accounts (on by default)."
    )
    service_control_policies: ServiceControlPoliciesConfig | None = Field(
        None, description="The baseline's SCPs (each switchable) and your own SCP files; null: no SCPs."
    )
    resource_control_policies: ResourceControlPoliciesConfig | None = Field(
        None, description="The baseline's RCPs (the data perimeter); null: no RCPs."
    )

    # Field validators (declared after organizational_units, root_id and organization_id, so
    # info.data holds them): an error names the key of the section to fix.

    @field_validator("root_access")
    @classmethod
    def _root_access_admin(cls, value: RootAccessConfig, info: ValidationInfo) -> RootAccessConfig:
        admin = value.delegated_administrator
        members = {a.id for ou in info.data.get("organizational_units") or () for a in ou.accounts}
        if admin is not None and admin not in members:
            raise ValueError(
                f"delegated_administrator {admin} is not a member account of any OU; the delegated administrator "
                "for IAM must be a member account (the management account needs no registration)"
            )
        return value

    @field_validator("service_control_policies")
    @classmethod
    def _scp_targets(cls, value: ServiceControlPoliciesConfig | None, info: ValidationInfo):
        if value is None or "organizational_units" not in info.data:
            return value  # the OUs' own error is reported; targets cannot be judged without them
        ou_paths = [ou.path for ou in info.data.get("organizational_units") or ()]
        root_id = info.data.get("root_id")
        directory = AccountDirectory(info.data.get("organizational_units") or ())
        for key in GUARDRAIL_KEYS:
            guardrail = getattr(value, key)
            if guardrail.enabled:
                check_targets(guardrail.targets, where=(key,), ou_paths=ou_paths, root_id=root_id)
                attachment_targets(guardrail, directory, (key,))
        for index, custom in enumerate(value.custom):
            check_targets(custom.targets, where=("custom", index), ou_paths=ou_paths, root_id=root_id)
            attachment_targets(custom, directory, ("custom", index))
        check_custom_files(value)
        return value

    @field_validator("resource_control_policies")
    @classmethod
    def _rcp_targets(cls, value: ResourceControlPoliciesConfig | None, info: ValidationInfo):
        if value is None or not value.data_perimeter.enabled or "organizational_units" not in info.data:
            return value
        ou_paths = [ou.path for ou in info.data.get("organizational_units") or ()]
        check_targets(value.data_perimeter.targets, where=("data_perimeter",), ou_paths=ou_paths, root_id=info.data.get("root_id"))
        directory = AccountDirectory(info.data.get("organizational_units") or ())
        attachment_targets(value.data_perimeter, directory, ("data_perimeter",))
        if info.data.get("organization_id") is None:
            raise ValueError("data_perimeter is enabled but organization.organization_id is not set (e.g. o-a1b2c3d4e5)")
        return value

    @model_validator(mode="after")
    def _structure(self) -> "OrganizationConfig":
        if not self.baselines or not self.organizational_units:
            raise ValueError("declare at least one baseline variant and one organizational unit")
        # Variant keys name constructs (``sandbox`` -> ``StackSetMemberSandbox``): keys equal
        # but for case and hyphens would collide there.
        folded: dict[str, str] = {}
        for key in self.baselines:
            if key.replace("-", "").lower() in folded:
                raise ItemError(
                    ("baselines", key),
                    f"duplicate variant key (ignoring case and hyphens): {key!r} and {folded[key.replace('-', '').lower()]!r}",
                )
            folded[key.replace("-", "").lower()] = key
        ous = self.organizational_units
        _refuse_duplicates("OU path", [(("organizational_units", i, "path"), ou.path) for i, ou in enumerate(ous)])
        _refuse_duplicates("OU id", [(("organizational_units", i, "id"), ou.id) for i, ou in enumerate(ous)])
        _refuse_duplicates(
            "member account id",
            [(("organizational_units", i, "accounts", j, "id"), a.id) for i, ou in enumerate(ous) for j, a in enumerate(ou.accounts)],
        )
        for i, ou in enumerate(ous):
            if ou.baseline is not None and ou.baseline not in self.baselines:
                raise ItemError(
                    ("organizational_units", i, "baseline"),
                    f"OU {ou.path}: unknown baseline {ou.baseline!r}; declared: {sorted(self.baselines)}",
                )
        unused = sorted(set(self.baselines) - {ou.baseline for ou in ous})
        if unused:
            raise ItemError(
                ("baselines", unused[0]),
                f"baseline variants {unused} are applied to no OU; remove them or name them in an OU",
            )
        with_baseline = [(i, ou) for i, ou in enumerate(ous) if ou.baseline]
        for _, outer in with_baseline:
            for i, inner in with_baseline:
                if inner.path.startswith(outer.path + "/"):
                    raise ItemError(
                        ("organizational_units", i, "baseline"),
                        f"OU {inner.path} (baseline {inner.baseline}) is inside OU {outer.path} (baseline "
                        f"{outer.baseline}): a StackSet targeting {outer.path} also deploys to {inner.path}, so its "
                        "accounts would get two baselines; give the baseline to the leaf OUs only",
                    )
        members = {a.id for _, a in self.member_accounts()}
        if self.management_account_id in members:
            i, j = next((i, j) for i, ou in enumerate(ous) for j, a in enumerate(ou.accounts) if a.id == self.management_account_id)
            raise ItemError(
                ("organizational_units", i, "accounts", j, "id"),
                f"the management account {self.management_account_id} is listed in an OU: service-managed "
                "StackSets never deploy to it; it receives the AccountBaseline stack through cdk deploy",
            )
        admin = self.delegated_admin_account_id
        if admin is not None and admin not in members:
            raise ItemError(
                ("delegated_admin_account_id",),
                f"delegated_admin_account_id {admin} is not a member account of any OU; the delegated "
                "administrator must be a member account (e.g. the security/tooling account)",
            )
        return self

    @property
    def directory(self) -> AccountDirectory:
        """The declared OUs and member accounts, to resolve targets by name (:mod:`.targeting`)."""
        return AccountDirectory(self.organizational_units)

    def member_accounts(self) -> list[tuple[OrganizationalUnitConfig, MemberAccountConfig]]:
        """Every (OU, account) pair, in config order."""
        return [(ou, account) for ou in self.organizational_units for account in ou.accounts]

    def variant_targets(self) -> dict[str, list[OrganizationalUnitConfig]]:
        """Variant key -> the OUs it is rolled out to, in config order."""
        targets: dict[str, list[OrganizationalUnitConfig]] = {key: [] for key in self.baselines}
        for ou in self.organizational_units:
            if ou.baseline:
                targets[ou.baseline].append(ou)
        return targets

    @property
    def admin_account_id(self) -> str:
        """The account that holds the StackSets: the delegated administrator, else the management account."""
        return self.delegated_admin_account_id or self.management_account_id


def organization_rules(config: "BaselineConfig") -> None:
    """Rules that join ``organization`` to the rest of the config; raises ``ValueError``.

    * ``account_id`` is the management account (the only account that keeps the
      ``AccountBaseline`` stack; the StackSets reach the others);
    * OU assignments name permission sets declared in ``federation.identity_center``;
    * an Identity Center delegated administrator cannot assign access in the management
      account (IAM Identity Center User Guide, "Delegated administration");
    * every variant, merged into the config, is a valid baseline.
    """
    organization = config.organization
    if organization is None:
        return
    if config.account_id != organization.management_account_id:
        raise ItemError(
            ("account_id",),
            f"account_id {config.account_id} must be the management account "
            f"{organization.management_account_id}: it receives the AccountBaseline stack through cdk deploy, "
            "every member account receives the baseline through a StackSet"
        )
    center = config.federation.identity_center if config.federation else None
    ou_assignments = [
        (("organization", "organizational_units", i, "assignments", j), ou, a)
        for i, ou in enumerate(organization.organizational_units)
        for j, a in enumerate(ou.assignments)
    ]
    if ou_assignments and center is None:
        raise ItemError(
            ou_assignments[0][0], "OUs declare Identity Center assignments but federation.identity_center is not configured"
        )
    if center is not None:
        known = [p.name for p in center.permission_sets]
        for where, ou, assignment in ou_assignments:
            if assignment.permission_set not in known:
                raise ItemError(where + ("permission_set",), f"OU {ou.path}: unknown permission set {assignment.permission_set!r}; declared: {known}")
            principal_problem(where, assignment, center.identity_store)
        if center.account_id != organization.management_account_id:
            in_management = [i for i, a in enumerate(center.assignments) if organization.management_account_id in a.account_ids]
            if in_management:
                raise ItemError(
                    ("federation", "identity_center", "assignments", in_management[0], "account_ids"),
                    f"federation.identity_center.account_id {center.account_id} is a delegated administrator, which "
                    f"cannot assign access in the management account {organization.management_account_id}; "
                    "deploy those assignments from the management account"
                )
    for variant in organization.baselines:
        try:
            member_baseline_config(config, variant)
        except ValidationError as exc:
            reasons = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors(include_url=False))
            raise ItemError(
                ("organization", "baselines", variant), f"organization.baselines.{variant} is not a valid baseline once merged: {reasons}"
            ) from None


def _refuse_duplicates(what: str, items: list[tuple[tuple[str | int, ...], str]]) -> None:
    """Refuse the second of ``items`` (path, value) whose value is taken, at its path."""
    first: dict[str, tuple[str | int, ...]] = {}
    for where, value in items:
        if value in first:
            shown = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in first[value]).replace(".[", "[")
            raise ItemError(where, f"duplicate {what} {value!r} (also {shown})")
        first[value] = where
