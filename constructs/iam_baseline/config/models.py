"""Typed, immutable model of the baseline configuration (``config/*.yaml``).

Every limit sits next to the field it constrains, with the AWS page it comes from, so that
an error message and the documentation quote the same rule. Models are frozen and refuse
unknown keys (``extra="forbid"``): a typo in the YAML is an error, never a silent default.

The JSON Schema committed as ``config/baseline.schema.json`` is generated from these models
(``python -m iam_baseline.config.schema``); a test keeps the two in sync.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..federation.policy_size import TRUST_POLICY_DEFAULT_MAX_CHARS
from ..partitions import partition_of
from . import detection
from .access_matrix import AccessMatrixConfig, check_principal_references
from .detection import AccountAlias, BreakGlassConfig, DetectionConfig
from .federation import FederationConfig
from .hub import hub_rules
from .region_allow_list import check_region_allow_list
from .machine_roles import MachineRoleConfig, declared_account_ids, machine_role_rules, role_policy_rules
from .organization import OrganizationConfig, organization_rules
from .personas import GroupConfig, GroupsConfig, PersonaConfig, PersonaRoleConfig, ReadOnlyPolicyName, RolesConfig, check_personas  # noqa: F401
from .policies import CustomerPolicyConfig, PolicyName
from .policy_targets import policy_target_rules
from .quotas import QuotasConfig
from .saml_mfa import saml_mfa_rules
from .regions import RegionName  # noqa: F401 - re-exported: the field type of every region
from .role import RoleConfig  # noqa: F401 - re-exported: the base of every persona role
from .service_linked_roles import DEFAULT_SERVICE_LINKED_ROLE_SERVICES, ServiceLinkedRoleService
from .service_roles import ServiceRoleConfig, service_role_rules
from .sign_in import MfaConfig, PasswordPolicyConfig
from .strict import StrictModel

# Shared field types (ASCII grammars, tags) live in types.py and the role settings in role.py;
# every per-concern model module imports them from there (never from this module), so this
# entry point imports the concerns at its top and nothing imports back. Re-exported here for
# code outside the config package.
from .types import AccountId, GroupKey, IamName, IamPath, ItemError, PersonaKey, TagKey, TagValue, printable_text, unique  # noqa: F401

#: A persona key: a built-in persona (``admin``, ``developer``, ``read_only``, ``support``) or
#: a key of ``personas:`` (see :mod:`.personas`); references are checked against the config.
Persona = PersonaKey


class UserConfig(StrictModel):
    """An IAM user for a person: console access only, never an access key.

    The initial password is generated into AWS Secrets Manager and must be reset at first
    sign-in, which needs ``mfa.allow_password_change_without_mfa: true``.
    """

    name: IamName = Field(description="User name (1-64 characters of [A-Za-z0-9+=,.@_-]).")
    groups: unique(GroupKey, "group") = Field(  # type: ignore[valid-type]
        min_length=1, description="Groups by key: admins, developers, read_only or a key of your own under groups:."
    )


class BaselineConfig(StrictModel):
    """The whole account baseline configuration (``config/baseline.yaml``)."""

    account_id: AccountId = Field(description="12-digit id of the account the baseline is deployed to.")
    region: RegionName = Field(description="Home region: the one region that holds the account-global IAM resources.")
    stack_name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9-]{0,127}$")] = Field(
        "IamBaseline", description="CloudFormation stack name (1-128 characters, letter first)."
    )
    iam_path: IamPath = Field(
        "/baseline/",
        description="Path of every IAM role, group, user and policy the baseline owns; developers cannot modify it.",
    )
    workload_role_path: IamPath = Field(
        "/workload/",
        description="Path under which developers may create roles (always with the permissions boundary).",
        # Validated even when omitted: the overlap rule below compares it with iam_path.
        validate_default=True,
    )
    developer_cdk_qualifiers: unique(Annotated[str, StringConstraints(pattern=r"^[a-z0-9]{1,10}$")], "qualifier") = Field(  # type: ignore[valid-type]
        (),
        description=(
            "Refused when not empty: a CDK bootstrap's deploy role may update any stack with an administrator "
            "execution role, and the baseline does not create a bounded bootstrap for developers. Kept so that "
            "a config that sets it gets this reason rather than 'unknown key'."
        ),
    )
    developer_service_linked_roles: tuple[ServiceLinkedRoleService, ...] = Field(
        DEFAULT_SERVICE_LINKED_ROLE_SERVICES,
        max_length=20,
        description=(
            "Service principals (iam:AWSServiceName, StringLike: * and ? are wildcards) for which developers and "
            "the roles they create may create a service-linked role: a service creates its own on first use "
            "(Auto Scaling, ECS, Elastic Load Balancing, RDS, ...). Empty: none. The developer boundary has little "
            "room (IAM's 6,144 characters): list only what workloads use."
        ),
    )
    developer_stack_prefixes: unique(Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9-]{0,63}$")], "prefix") = (  # type: ignore[valid-type]
        Field(
            ("dev-", "sandbox-"),
            description=(
                "CloudFormation stack name prefixes (letter first, 1-64 letters, digits, hyphens) under which "
                "developers and the roles they create may create, change and delete stacks themselves. Every other "
                "stack may carry a service role (CloudFormation reuses it without iam:PassRole), e.g. a pipeline's "
                "CDK execution role. Empty: developers create no stack themselves (only pipelines deploy). "
                "Must not match the baseline's own stack_name."
            ),
            # Validated even when omitted: the default must not cover the baseline's stack_name.
            validate_default=True,
        )
    )
    protection_tag: bool = Field(
        True,
        description=(
            "Tag every resource of the baseline stacks with iam-baseline:protected=true: the developer guard rails "
            "and the permissions boundary deny every change to what carries it (the baseline's KMS keys are "
            "protected by this tag alone). Turn off only for the local deploy rehearsal: moto cannot create a "
            "tagged KMS key from CloudFormation."
        ),
    )
    termination_protection: bool = Field(
        True,
        description=(
            "CloudFormation termination protection of every stack of the baseline: the account baseline holds "
            "the last ways in (Admin role, break-glass); the organization rollout and Identity Center stacks "
            "grant or remove access across accounts at once. Turn off only for throwaway environments (the "
            "local deploy rehearsal: moto does not implement UpdateTerminationProtection) or to retire a stack."
        ),
    )
    password_policy: PasswordPolicyConfig = PasswordPolicyConfig()
    mfa: MfaConfig = MfaConfig()
    roles: RolesConfig = RolesConfig()
    groups: GroupsConfig = GroupsConfig()
    personas: dict[PersonaKey, PersonaConfig] = Field(
        default_factory=dict,
        description="Personas of your own beside the four built-ins (roles:): policies, boundary, role settings.",
    )
    policies: dict[PolicyName, CustomerPolicyConfig] = Field(
        default_factory=dict,
        description="Customer managed policies the baseline creates for personas (from a JSON file or YAML statements).",
    )
    users: tuple[UserConfig, ...] = Field((), description="IAM users for people (optional).")
    tags: dict[TagKey, TagValue] = Field(
        default_factory=dict,
        max_length=50,
        description="Tags applied to every taggable resource (at most 50; keys 1-128 characters, not 'aws:...'; "
        "values at most 256 characters).",
    )
    detection: DetectionConfig | None = Field(None, description="Alerts (CIS section 4) and IAM Access Analyzer.")
    break_glass: BreakGlassConfig | None = Field(None, description="Break-glass access; requires detection.")
    account_alias: AccountAlias | None = Field(None, description="Account alias, 3-63 lowercase DNS-style characters.")
    federation: FederationConfig | None = Field(
        None, description="Federated access: SAML IdPs, OIDC for CI/CD, IAM Identity Center (optional)."
    )
    access_matrix: AccessMatrixConfig | None = Field(
        None, description="Expectations proven offline by `make check` against the synthesized templates."
    )
    organization: OrganizationConfig | None = Field(
        None, description="AWS Organizations rollout: OUs, member accounts, baseline variants by StackSet (optional)."
    )
    machine_roles: tuple[MachineRoleConfig, ...] = Field(
        (), description="Roles for automation and third parties (no MFA, a reason, the boundary; see README, 'Machine roles')."
    )
    service_roles: tuple[ServiceRoleConfig, ...] = Field(
        (), description="Roles for AWS services (EC2 with an instance profile, Lambda, ECS tasks), passable only by named personas."
    )
    quotas: QuotasConfig = Field(QuotasConfig(), description="The account's adjustable IAM quotas, as raised in Service Quotas.")

    # Cross-field rules are field validators (fields validate in declaration order, so
    # ``info.data`` holds the earlier ones): the error then carries the YAML path of the field
    # to fix instead of pointing at the whole document.

    @field_validator("iam_path", "workload_role_path")
    @classmethod
    def _not_root(cls, value: str) -> str:
        if value == "/":
            raise ValueError("must not be '/': the guard rails protect the baseline's path and bound the workload path")
        return value

    @field_validator("workload_role_path")
    @classmethod
    def _paths_disjoint(cls, value: str, info: ValidationInfo) -> str:
        iam_path = info.data.get("iam_path")
        if iam_path and (iam_path.startswith(value) or value.startswith(iam_path)):
            raise ValueError(
                f"workload_role_path {value!r} and iam_path {iam_path!r} must not overlap: "
                "developers could otherwise create roles inside the baseline's own path"
            )
        return value

    @field_validator("developer_cdk_qualifiers")
    @classmethod
    def _no_unbounded_deploy_roles(cls, qualifiers: tuple[str, ...]) -> tuple[str, ...]:
        # A bootstrap's deploy role may create, update and delete any stack and hands
        # CloudFormation its execution role (AdministratorAccess unless bootstrapped with
        # another policy); nothing in the baseline bounds a bootstrap made outside it. Until the
        # baseline ships a bootstrap template for these qualifiers (deploy role limited to
        # developer_stack_prefixes, execution policy = the developer boundary), listing one
        # would hand developers an unbounded deploy role. AWS CDK Developer Guide, "Bootstrapping".
        if qualifiers:
            raise ValueError(
                f"refused: the CDK bootstrap deploy role of {list(qualifiers)} may update any stack and passes "
                "CloudFormation its execution role (AdministratorAccess unless bootstrapped otherwise), and the "
                "baseline cannot bound a bootstrap it does not create, so developers would get an unbounded "
                "deploy role; deploy workloads through an OIDC deploy role (federation.oidc.deploy_roles) or as "
                "stacks under developer_stack_prefixes, and leave developer_cdk_qualifiers empty"
            )
        return qualifiers

    @field_validator("developer_stack_prefixes")
    @classmethod
    def _prefixes_spare_the_baseline(cls, prefixes: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        stack_name = info.data.get("stack_name")
        clash = [p for p in prefixes if stack_name and stack_name.startswith(p)]
        if clash:
            raise ValueError(
                f"{clash} would let developers write to the baseline's own stack {stack_name!r} "
                "(and <stack_name>-GlobalEvents): choose prefixes that the stack name does not start with"
            )
        return prefixes

    @field_validator("federation")
    @classmethod
    def _existing_oidc_providers_are_local(cls, federation: FederationConfig | None, info: ValidationInfo) -> FederationConfig | None:
        # A trust policy naming another account's provider lets that account's issuer mint
        # web identities for our role (or denies every pipeline, if the ARN is a typo); a
        # provider of another partition cannot be trusted at all. IAM User Guide, "Create
        # an OpenID Connect (OIDC) identity provider in IAM": a provider belongs to one account.
        account, region = info.data.get("account_id"), info.data.get("region")
        if federation is None or federation.oidc is None or not account or not region:
            return federation
        partition = partition_of(region)
        for i, provider in enumerate(federation.oidc.providers):
            arn = provider.existing_provider_arn
            if arn is None:
                continue
            arn_partition, arn_account = arn.split(":")[1], arn.split(":")[4]
            if (arn_partition, arn_account) != (partition, account):
                raise ItemError(
                    ("oidc", "providers", i, "existing_provider_arn"),
                    f"oidc.providers[{i}] ({provider.name}): existing_provider_arn {arn!r} is in account "
                    f"{arn_account}, partition {arn_partition}; the baseline deploys to account {account} in "
                    f"partition {partition} (region {region}), and a role can only trust an OIDC provider of its "
                    "own account"
                )
        return federation

    @field_validator("users")
    @classmethod
    def _users_can_sign_in(cls, users: tuple[UserConfig, ...], info: ValidationInfo) -> tuple[UserConfig, ...]:
        first: dict[str, int] = {}
        for index, user in enumerate(users):
            if user.name.casefold() in first:
                raise ItemError(
                    (index, "name"),
                    f"duplicate user name {user.name!r} (also users[{first[user.name.casefold()]}]): IAM user "
                    "names must be unique in an account, ignoring case",
                )
            first[user.name.casefold()] = index
        mfa = info.data.get("mfa")
        if users and mfa is not None and not mfa.allow_password_change_without_mfa:
            raise ValueError(
                "users are declared with a temporary password that must be changed at first sign-in, but "
                "mfa.allow_password_change_without_mfa is false, so the force-MFA policy would deny "
                "iam:ChangePassword and lock them out; set it to true or declare no users"
            )
        return users

    @property
    def trust_policy_max_chars(self) -> int:
        """The account's quota "Role trust policy length" as the config states it: the largest
        of ``quotas.role_trust_policy_length`` and ``federation.saml/oidc.trust_policy_max_chars``
        (each states the same account quota), IAM's default 2,048 when none is given.
        Source: IAM User Guide, "IAM and AWS STS quotas"."""
        federation = self.federation
        declared = [s.trust_policy_max_chars for s in (federation.saml, federation.oidc) if s] if federation else []
        return max([self.quotas.role_trust_policy_length, *declared], default=TRUST_POLICY_DEFAULT_MAX_CHARS)

    def _role_names(self) -> list[tuple[str, tuple[str | int, ...]]]:
        """Every IAM role name the config declares, with the config path that declares it."""
        names: list[tuple[str, tuple[str | int, ...]]] = [
            (getattr(self.roles, p).name, ("roles", p, "name")) for p in ("admin", "developer", "read_only", "support")
        ]
        names += [(p.name, ("personas", key, "name")) for key, p in self.personas.items() if p.mfa_role]
        federation = self.federation
        if federation and federation.saml:
            names += [(r.name, ("federation", "saml", "roles", i, "name")) for i, r in enumerate(federation.saml.roles)]
        if federation and federation.oidc:
            names += [
                (r.name, ("federation", "oidc", "deploy_roles", i, "name")) for i, r in enumerate(federation.oidc.deploy_roles)
            ]
        names += [(r.name, ("machine_roles", i, "name")) for i, r in enumerate(self.machine_roles)]
        names += [(r.name, ("service_roles", i, "name")) for i, r in enumerate(self.service_roles)]
        return names

    @model_validator(mode="after")
    def _cross_section_rules(self) -> "BaselineConfig":
        first: dict[str, tuple[str | int, ...]] = {}
        for name, where in self._role_names():
            if name.casefold() in first:
                shown = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in first[name.casefold()])
                raise ItemError(
                    where,
                    f"duplicate role name {name!r} (also {shown.replace('.[', '[')}): IAM role names are unique in "
                    "an account, ignoring case and path",
                )
            first[name.casefold()] = where
        check_personas(self)
        detection.cross_check(self)
        check_principal_references(self)
        return self

    @model_validator(mode="after")
    def _organization_rules(self, info: ValidationInfo) -> "BaselineConfig":
        # Before the variants are merged (organization_rules): a persona using a targeted policy
        # would otherwise read as an unknown policy of the variant.
        if not (info.context or {}).get("stackset_member"):
            policy_target_rules(self)  # see iam_baseline.config.policy_targets
        organization_rules(self)  # see iam_baseline.config.organization
        # A StackSet member's config (member_baseline_config) no longer holds the organization
        # its machine roles were checked against: the whole config checked them.
        if not (info.context or {}).get("stackset_member"):
            machine_role_rules(self, declared_account_ids(self))  # see iam_baseline.config.machine_roles
            hub_rules(self)  # see iam_baseline.config.hub
            saml_mfa_rules(self)  # a SAML role that matters trusts only providers declaring MFA at the IdP
            check_region_allow_list(self)  # member accounts' cdk deploys (us-east-1, analyzers) vs the allow-list
        service_role_rules(self)  # see iam_baseline.config.service_roles
        role_policy_rules(self)  # machine and service roles' customer managed policies
        return self
