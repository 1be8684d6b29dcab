"""Every account the assembly touches, as one :class:`AccountScope` each.

A cloud assembly may deploy to several accounts: the account baseline (and its us-east-1
global events stack) to the config's account, the IAM Identity Center stack to the
management or delegated administrator account, the organization stacks to the StackSets
administrator, and, in nested assemblies (CDK Stages), one StackSet *member* template per
baseline variant, which CloudFormation deploys to every account of the OUs that name it.

* Stacks with an environment are grouped by account.
* The member identity account's stack (``IdentityAccount``, issue 17) has its environment: it
  is the scope ``account <id>``, with that account's SCP and RCP levels like any member.
* A StackSet member stage has no environment; it is one scope per variant, labelled by the
  stage ("StackSet member Security"), whatever accounts it reaches (the template is the same
  in each of them; ``AWS::AccountId`` resolves to a placeholder).
* A permission set is a principal of each account it is *assigned to*: IAM Identity Center
  provisions a role from it there ("Permission sets" and "Assign user access to AWS
  accounts", IAM Identity Center User Guide). Each ``AWS::SSO::Assignment`` adds its
  permission set to the scope of its ``TargetId`` and of the variant that account's OU gets.
  An account with stacks of its own (the delegated administrator) that is also a StackSet
  target holds both: its permission sets' customer managed policy references resolve in
  its own templates, then in its member template (:func:`~.templates.collect_permission_set`).
* ``scps`` / ``rcps``: the SCP and RCP levels (root, OUs, account) of the member accounts the
  scope stands for (:mod:`.organization_policies`), handed to every evaluation the invariants
  make. A StackSet variant whose accounts sit under differently governed OUs (or accounts with
  their own attachments) becomes one scope per set of levels, labelled with its first OU path;
  the management account and accounts outside the organization have none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ...config.hub import PersonaReach, persona_reach
from ...config.models import BaselineConfig
from ...config.member_config import member_baseline_config
from ...config.stackset_groups import StackSetGroup, identity_account_group, stackset_groups
from ...config.personas import trusted_accounts
from ...naming import construct_id
from ..engine.policy import Policy
from .bootstrap import Bootstrap, bootstraps
from .organization_policies import level_groups, organization_policies
from .templates import AccountModel, StackTemplate, build_account, collect_permission_set, load_stacks, stack_readers

_MEMBER_STAGE = "assembly-StackSetMember"


@dataclass
class AccountScope:
    """One account (or StackSet variant) of the assembly and what governs it.

    Attributes:
        label: ``account 111122223333`` or ``StackSet member Security``.
        model: its principals and policies.
        scps: SCP levels (root, each OU, the account) that apply; empty: no SCPs (management account).
        rcps: RCP levels of the same accounts (for requests on the scope's own resources).
        member_accounts: the member accounts whose levels these are (empty outside the organization).
        variant: the stage suffix of a StackSet member (``Security``), else None.
        config: the config this scope was built from (a variant's merged config for a member).
        declared_accounts: every account the *top-level* config names, plus the scope's own.
        part: for a StackSet variant whose accounts have different SCP or RCP levels (split into
            one scope per level group): the first member account of this part, which keeps the
            parts' graph nodes apart; None for a whole scope.
        reach: the run's hop list (:func:`~...config.hub.persona_reach` of the top-level config:
            persona key -> its reach), computed once by :func:`load_scopes` and shared by every
            scope; None for a scope built by hand (the invariants then derive it).
        bootstraps: the CDK bootstraps of the run (:func:`.bootstrap.bootstraps`: every environment
            of a stack of the assembly), shared by every scope; empty for a scope built by hand
            (the analysis graph then takes its own account and region as bootstrapped).
    """

    label: str
    model: AccountModel
    scps: tuple[tuple[Policy, ...], ...] = ()
    rcps: tuple[tuple[Policy, ...], ...] = ()
    member_accounts: tuple[str, ...] = ()
    variant: str | None = None
    stacks: list[StackTemplate] = field(default_factory=list)
    config: BaselineConfig | None = None
    declared_accounts: frozenset[str] = frozenset()
    top_config: BaselineConfig | None = None  # the config as given (organization, federation, access matrix)
    part: str | None = None
    reach: Mapping[str, PersonaReach] | None = None
    bootstraps: tuple[Bootstrap, ...] = ()


def _group(stacks: list[StackTemplate]) -> dict[tuple[str, str | None], list[StackTemplate]]:
    groups: dict[tuple[str, str | None], list[StackTemplate]] = {}
    for stack in stacks:
        stage = stack.path.parent.name
        variant = stage.removeprefix(_MEMBER_STAGE) if stage.startswith(_MEMBER_STAGE) else None
        groups.setdefault((stack.account, variant), []).append(stack)
    return groups


def _has_iam(stacks: list[StackTemplate]) -> bool:
    return any(
        r.get("Type", "").startswith("AWS::IAM::") for s in stacks for r in s.template.get("Resources", {}).values()
    )


def load_scopes(out_dir: str | Path, config: BaselineConfig) -> list[AccountScope]:
    """Every account scope of the assembly in ``out_dir``, the config's own account first.

    Raises:
        FileNotFoundError, TemplateError, UnknownPolicy, PolicyError: see
            :func:`~.templates.load_account`.
    """
    stacks = load_stacks(out_dir)
    # The run's hop list and StackSet groups, once (config/hub.py; at 500 member accounts the
    # hop list takes about half a second, and every scope and trust policy reads it).
    reach = persona_reach(config)
    groups = _Groups.of(config, reach)
    bootstrapped = bootstraps(stacks, config)
    scopes: list[AccountScope] = []
    for (account, variant), group in _group(stacks).items():
        if not _has_iam(group):
            continue  # e.g. the Identity Center stack: its permission sets belong to other accounts
        # The stack in the config's region first: its region is the scope's home region.
        group.sort(key=lambda s: s.region != config.region)
        label = f"StackSet member {variant}" if variant else f"account {account}"
        model = build_account(group, permission_sets=False)
        scopes.append(
            AccountScope(label, model, variant=variant, stacks=group, config=_scope_config(config, variant, account, groups),
                         declared_accounts=frozenset(declared_accounts(config) | {model.account}), top_config=config,
                         reach=reach, bootstraps=bootstrapped)
        )
    scopes.sort(key=lambda s: (s.model.account != config.account_id or s.variant is not None, s.label))
    _place_permission_sets(stacks, scopes, config, groups)
    return _with_organization_levels(scopes, stacks, config, groups)


@dataclass(frozen=True)
class _Groups:
    """The config's StackSet groups and the member identity account's group (None: none)."""

    stacksets: tuple[StackSetGroup, ...] = ()
    identity: StackSetGroup | None = None

    @classmethod
    def of(cls, config: BaselineConfig, reach: Mapping[str, PersonaReach]) -> _Groups:
        if config.organization is None:
            return cls()
        return cls(tuple(stackset_groups(config, reach)), identity_account_group(config, reach))

    def variant_of(self) -> dict[str, str]:
        """member account id -> construct id of its StackSet group (the stage suffix)."""
        return {account: construct_id(group.key) for group in self.stacksets for account in group.accounts}


def _with_organization_levels(scopes: list[AccountScope], stacks: list[StackTemplate],
                              config: BaselineConfig, groups: _Groups) -> list[AccountScope]:
    """Each member scope with its SCP and RCP levels, split where its accounts' levels differ."""
    if config.organization is None:
        return scopes
    organization = organization_policies([s.template for s in stacks], config)
    variants = groups.variant_of()
    out = []
    for scope in scopes:
        if scope.variant is not None:
            accounts = [a for a, v in variants.items() if v == scope.variant]
        else:
            accounts = [scope.model.account]
        groups = level_groups(organization, accounts)
        if not groups:
            out.append(scope)
            continue
        for members, scps, rcps in groups:
            label, part = scope.label, None
            if len(groups) > 1:
                # Every OU of the part's accounts (a variant group may span OUs), and the account
                # when it stands alone.
                paths = ", ".join(sorted({organization.account_paths[m] for m in members}))
                label += f" in {paths}" + (f" ({members[0]})" if len(members) == 1 else "")
                part = members[0]
            out.append(replace(scope, label=label, scps=scps, rcps=rcps, member_accounts=members, part=part))
    return out


def declared_accounts(config: BaselineConfig) -> set[str]:
    """Every account id the config names: its ``account_id``, the Identity Center account,
    and for an organization its management, delegated administrator and member accounts."""
    accounts = {config.account_id}
    federation = config.federation
    if federation is not None and federation.identity_center is not None:
        accounts.add(federation.identity_center.account_id)
    org = config.organization
    if org is not None:
        accounts.add(org.management_account_id)
        if org.delegated_admin_account_id:
            accounts.add(org.delegated_admin_account_id)
        accounts |= {a.id for _, a in org.member_accounts()}
    accounts |= trusted_accounts(config)  # personas' extra trusted principals, declared by ARN
    return accounts


def _scope_config(config: BaselineConfig, variant: str | None, account: str, groups: _Groups) -> BaselineConfig:
    """The config a scope was synthesized from: a StackSet member's is its group's (its
    variant with its targeted machine roles, :mod:`...config.stackset_groups`), and so is the
    member identity account's, whose group is a stack of its own (``stacks/identity_account.py``)
    that keeps its users and SAML (issue 17, hub-api.md)."""
    if config.organization is None:
        return config
    if variant is None:
        group = groups.identity
        if group is None or group.accounts != (account,):
            return config
        return member_baseline_config(config, group.variant, group.machine_roles, group.service_roles,
                                      identity=True, policies=group.policies)
    for group in groups.stacksets:
        if construct_id(group.key) == variant:
            return member_baseline_config(config, group.variant, group.machine_roles, group.service_roles,
                                          policies=group.policies)
    return config


def _place_permission_sets(stacks: list[StackTemplate], scopes: list[AccountScope], config: BaselineConfig,
                           groups: _Groups) -> None:
    readers = stack_readers(stacks)
    by_arn = {}
    for reader in readers:
        for logical_id, resource in reader.resources.items():
            if resource.get("Type") == "AWS::SSO::PermissionSet":
                by_arn[reader.attribute(logical_id, resource, "PermissionSetArn")] = (reader, logical_id, resource)
    variants = groups.variant_of()
    member_stacks = {scope.variant: scope.stacks for scope in scopes if scope.variant is not None}
    deployed_too: dict[str, list[AccountModel]] = {}

    def also_deployed(account: str) -> list[AccountModel]:
        """The member template of ``account``'s OU as CloudFormation deploys it there (its
        ``AWS::AccountId`` is that account), when the account has stacks of its own too."""
        if account not in deployed_too:
            stacks = member_stacks.get(variants.get(account), [])
            here = [replace(stack, account=account, region=config.region) for stack in stacks]
            deployed_too[account] = [build_account(here, permission_sets=False)] if here else []
        return deployed_too[account]

    placed: set[tuple[str, str]] = set()
    for reader in readers:
        for resource in reader.resources.values():
            if resource.get("Type") != "AWS::SSO::Assignment":
                continue
            props = resource.get("Properties", {})
            target = str(reader.resolver.resolve(props.get("TargetId")))
            permission_set = by_arn.get(str(reader.resolver.resolve(props.get("PermissionSetArn"))))
            if permission_set is None:
                continue
            for scope in scopes:
                if scope.variant is None and scope.model.account != target:
                    continue
                if scope.variant is not None and variants.get(target) != scope.variant:
                    continue
                key = (scope.label, permission_set[1])
                if key not in placed:
                    placed.add(key)
                    # An account with stacks of its own that is also a StackSet target holds the
                    # member template's policies too: the permission set may reference them.
                    also = also_deployed(target) if scope.variant is None else []
                    collect_permission_set(permission_set[0], scope.model, permission_set[1], permission_set[2],
                                           also_deployed=also)
