"""The account baseline stack: everything one AWS account needs for human IAM access.

Composes the library's identity constructs from a validated :class:`BaselineConfig`.
It never parses files: ``app.py`` loads and validates the config first.
"""

from __future__ import annotations

from aws_cdk import BootstraplessSynthesizer, RemovalPolicy, Tags
from aws_cdk import aws_iam as iam

from constructs import Construct
from iam_baseline.config import BaselineConfig
from iam_baseline.config.hub import HubPart, management_hub_part
from iam_baseline.config.personas import persona_views
from iam_baseline.identity.hub import MemberPersonaRole
from iam_baseline.config.provenance import record
from iam_baseline.identity.machine_roles import MachineRole
from iam_baseline.identity.service_roles import ServiceRole
from iam_baseline.partitions import partition_of
from iam_baseline.errors import BaselineError
from iam_baseline.federation.account import AccountFederation
from iam_baseline.identity import (
    AccountPasswordPolicy,
    DeveloperGuardrailsPolicy,
    DeveloperPermissionsBoundary,
    ForceMfaPolicy,
    HumanUser,
    HumanUserGroup,
    MfaAssumableRole,
)
from iam_baseline.identity.personas import (
    DEVELOPER_BOUNDARY_POLICY_NAME,
    DEVELOPER_GUARDRAILS_POLICY_NAME,
    DEVELOPER_PROTECTION_POLICY_NAME,
    persona_policies,
)
from iam_baseline.config.service_roles import boundary_passable_roles, developer_passable_roles
from iam_baseline.identity.protection import (
    PassableServiceRole,
    ProtectedResources,
)
from iam_baseline.identity.users import initial_password_length
from iam_baseline.keys import baseline_key
from iam_baseline.naming import construct_id
from stacks.base import BaselineStack
from stacks.detection import add_detection
from stacks.identity_half import add_identity_half
from stacks.placement import MemberAccount, OwnAccount, Placement, StackSetMember


def protected_resources(config: BaselineConfig) -> ProtectedResources:
    """The detection resources of ``config`` that the guard rails protect by name too: the
    alert topic, the enabled analyzers and the CloudTrail log group of the metric filters."""
    detection = config.detection
    if detection is None:
        return ProtectedResources()
    analyzers = detection.access_analyzer
    trail_log_group = detection.alerts.cloudtrail_log_group_name
    return ProtectedResources(
        topic_names=(detection.alerts.topic_name,),
        analyzer_names=tuple(a.name for a in (analyzers.external_access, analyzers.unused_access) if a.enabled),
        log_group_names=(trail_log_group,) if trail_log_group else (),
    )


class AccountBaselineStack(BaselineStack):
    """Groups, MFA-gated persona roles, users, force-MFA, password policy and boundary.

    Deployed once per account, in the config's home region (IAM is global: a second
    deployment would fight over the same names and the one password policy).

    ``placement`` (:mod:`stacks.placement`) says where it is deployed:

    * :class:`~stacks.placement.OwnAccount` (default): the config's own account and home region,
      ``config.stack_name``;
    * :class:`~stacks.placement.StackSetMember`: the template of a service-managed StackSet: no
      environment (the account is ``AWS::AccountId`` wherever it lands), no bootstrap version
      rule and no asset (``BootstraplessSynthesizer`` refuses any), the password policy handler
      shipped inline, no CDK analytics resource. ``config`` then declares no IAM users;
    * :class:`~stacks.placement.MemberAccount`: one member account's baseline deployed with
      ``cdk deploy`` (the identity account, ``stacks/identity_account.py``): environment = that
      account and the home region, a normal bootstrapped stack (its template may reach 1 MB
      through the bootstrap bucket), the password policy handler inline as in every member.

    ``hub`` (:class:`~iam_baseline.config.hub.HubPart`): with ``organization.identity_account``,
    which halves of the hops this account holds. A member account's part comes from its StackSet
    group (``stacks/organization.py``) or, for the identity account, from its own group
    (``stacks/identity_account.py``); the management account's is derived from ``config``.

    Raises:
        BaselineError: a member baseline declares IAM users without holding the hub's people.

    Attributes:
        roles: persona key ("admin", "developer", "read_only", "support", and the keys of
            ``personas:`` with an MFA role) -> ``iam.Role``.
        groups: group key ("admins", "developers", "read_only", and the config's own) -> ``iam.Group``.
        policies: customer managed policy name -> ``iam.ManagedPolicy`` (the developer's and ``policies:``).
        boundary: the developer permissions boundary construct.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: BaselineConfig,
        placement: Placement = OwnAccount(),
        hub: HubPart | None = None,
    ) -> None:
        member = placement.member
        stackset_member = isinstance(placement, StackSetMember)
        if hub is None and not member:
            hub = management_hub_part(config)
        people = hub is None or hub.people
        if member and config.users and not (hub is not None and hub.people):
            what = "a StackSet member" if stackset_member else "a member account"
            raise BaselineError(f"{what} baseline cannot declare IAM users: they would exist in every account")
        if stackset_member:
            where: dict = dict(synthesizer=BootstraplessSynthesizer(), analytics_reporting=False)
        else:
            account = placement.account_id if isinstance(placement, MemberAccount) else config.account_id
            where = dict(stack_name=config.stack_name, account=account, region=config.region)
        # Protected: the stack holds the last ways in (Admin role, break-glass), and the
        # guard rails deny developers any change to its resources.
        super().__init__(
            scope,
            id,
            config=config,
            description="cdk-iam-baseline: account IAM baseline (groups, MFA roles, guard rails).",
            protected=True,
            **where,
        )
        path = config.iam_path
        protected = protected_resources(config)
        # Service roles a developer passes: exempted from the guard rails' tag Deny, and those
        # with a bounded passer allowed by the boundary, to their service only (see
        # config.service_roles.boundary_passable_roles for why no others).
        passable = tuple(PassableServiceRole(r.path, r.name, r.service) for r in developer_passable_roles(config))
        bounded_passable = tuple(PassableServiceRole(r.path, r.name, r.service) for r in boundary_passable_roles(config))

        force_mfa = ForceMfaPolicy(
            self,
            "ForceMfa",
            path=path,
            allow_password_change_without_mfa=config.mfa.allow_password_change_without_mfa,
        )
        record(force_mfa, "mfa")
        record(
            # In a member account the handler's role and policy sit under the baseline's path,
            # which the ProtectBaseline SCP guards (a generated name at "/" was editable there).
            # A member account deployed with `cdk deploy` (the identity account) ships the handler
            # inline too: its template is then the same shape as every StackSet member's, so the
            # ProtectBaseline SCP and the guard rails cover its handler's role, function and log
            # group (INLINE_HANDLER_LOG_GROUP) by the names they already name, and no Lambda
            # asset has to be published to its bootstrap bucket.
            AccountPasswordPolicy(
                self, "PasswordPolicy", policy=config.password_policy, inline_handler=member, handler_path=path
            ),
            "password_policy",
        )
        # Quota errors and warnings name the persona whose roles it bounds.
        self.boundary = record(DeveloperPermissionsBoundary(
            self,
            "DeveloperBoundary",
            path=path,
            workload_role_path=config.workload_role_path,
            assumable_cdk_qualifiers=config.developer_cdk_qualifiers,
            developer_stack_prefixes=config.developer_stack_prefixes,
            protected=protected,
            service_linked_roles=config.developer_service_linked_roles,
            passable_service_roles=bounded_passable,
        ), "roles.developer")
        guardrails = DeveloperGuardrailsPolicy(
            self,
            "DeveloperGuardrails",
            boundary_arn=self.boundary.arn,
            path=path,
            workload_role_path=config.workload_role_path,
            assumable_cdk_qualifiers=config.developer_cdk_qualifiers,
            developer_stack_prefixes=config.developer_stack_prefixes,
            protected=protected,
            service_linked_roles=config.developer_service_linked_roles,
            passable_service_roles=passable,
            managed_policy_name=DEVELOPER_GUARDRAILS_POLICY_NAME,
            protection_policy_name=DEVELOPER_PROTECTION_POLICY_NAME,
        )
        own_policies: dict[str, iam.IManagedPolicy] = {
            DEVELOPER_GUARDRAILS_POLICY_NAME: guardrails.policy,
            DEVELOPER_PROTECTION_POLICY_NAME: guardrails.protection_policy,
            DEVELOPER_BOUNDARY_POLICY_NAME: self.boundary.policy,
        }
        for name, policy in config.policies.items():
            if policy.targets is not None:
                continue  # in member accounts only, through their StackSet group's config (config.policy_targets)
            own_policies[name] = record(
                iam.ManagedPolicy(
                    self,
                    f"Policy-{name}",  # the IAM name itself: distinct names never share an id
                    managed_policy_name=name,
                    path=path,
                    description=policy.description or None,
                    document=iam.PolicyDocument.from_json(policy.document),
                ),
                f"policies.{name}",
            )
        self.policies = own_policies

        def managed_policies(persona: str) -> list[iam.IManagedPolicy]:
            """The persona's policies, shared by its MFA role and its SAML role."""
            policies = persona_policies(persona, config)
            return [iam.ManagedPolicy.from_aws_managed_policy_name(n) for n in policies.aws_managed] + [
                own_policies[n] for n in policies.customer_managed
            ]

        def bound(persona: str, role: iam.IRole) -> None:
            """Apply the persona's permissions boundary, if any, to ``role``."""
            boundary = persona_policies(persona, config).boundary
            if boundary is not None:
                iam.PermissionsBoundary.of(role).apply(own_policies[boundary])

        self.roles: dict[str, iam.IRole] = {}
        for key, persona in persona_views(config).items():
            where = f"roles.{key}" if persona.built_in else f"personas.{key}"
            if hub is not None and hub.member_roles_only:
                if key in hub.member_personas:
                    reach = hub.reach[key]
                    self.roles[key] = record(
                        MemberPersonaRole(
                            self,
                            f"{construct_id(key)}Role",
                            role=persona.role,
                            identity_account=hub.identity_account,
                            users=reach.users,
                            saml_roles=reach.saml_roles,
                            mfa_max_age_seconds=config.mfa.max_age_seconds,
                            path=path,
                            managed_policies=managed_policies(key),
                        ),
                        f"{where}.reach",
                    ).role
                    bound(key, self.roles[key])
                    for tag_key, tag_value in persona.role.tags.items():
                        Tags.of(self.roles[key]).add(tag_key, tag_value)
                continue
            if not persona.mfa_role:
                continue
            self.roles[key] = record(
                MfaAssumableRole(
                    self,
                    f"{construct_id(key)}Role",
                    role=persona.role,
                    mfa_max_age_seconds=config.mfa.max_age_seconds,
                    path=path,
                    managed_policies=managed_policies(key),
                    trusted_principals=persona.role.trusted_principals,
                ),
                where,
            ).role
            bound(key, self.roles[key])
            for tag_key, tag_value in persona.role.tags.items():
                Tags.of(self.roles[key]).add(tag_key, tag_value)
        # The Admin role is the break-glass users' way to administer the account: kept even
        # when the stack is deleted or a change would replace it. Not in a StackSet member: no
        # break-glass user lives there (config/member_config.py), the StackSet's own
        # retain_stacks_on_account_removal keeps a whole instance, and a retained Admin role
        # would outlive its stack instance when the account moves to another StackSet, where
        # the new instance then fails to create "Admin" (config/stackset_moves.py).
        if "admin" in self.roles and not stackset_member:  # a hub member account may have none
            self.roles["admin"].apply_removal_policy(RemovalPolicy.RETAIN)
        # Targeted machine roles reach member accounts through their StackSet group's config,
        # where their targets are gone (config.stackset_groups); the rest live here.
        for index, machine_role in enumerate(config.machine_roles):
            if machine_role.targets is None:
                record(
                    MachineRole(
                        self,
                        f"Machine-{machine_role.name}",
                        role=machine_role,
                        path=path,
                        boundary=self.boundary.policy,
                        customer_policies=[own_policies[n] for n in machine_role.customer_managed_policies],
                    ),
                    f"machine_roles[{index}]",
                )
        for index, service_role in enumerate(config.service_roles):
            if service_role.targets is not None:
                continue  # in member accounts, through its StackSet group's config (as machine roles)
            record(
                ServiceRole(
                    self,
                    f"Service-{service_role.name}",
                    role=service_role,
                    path=path,
                    boundary=self.boundary.policy,
                    passers=[self.roles[p] for p in service_role.passed_by],
                    partition=partition_of(config.region),
                    customer_policies=[own_policies[n] for n in service_role.customer_managed_policies],
                ),
                f"service_roles[{index}]",
            )

        federation = config.federation
        saml = federation.saml if federation and people else None  # SAML lives with the people
        if federation and (saml or federation.oidc):
            self.federation = record(
                AccountFederation(
                    self,
                    "Federation",
                    saml=saml,
                    oidc=federation.oidc,
                    persona_policies=managed_policies,
                    path=path,
                ),
                "federation",
            )

        if federation and saml:
            views = persona_views(config)
            for role in saml.roles:
                bound(role.persona, self.federation.saml_roles[role.name])
                for tag_key, tag_value in views[role.persona].role.tags.items():
                    Tags.of(self.federation.saml_roles[role.name]).add(tag_key, tag_value)

        # The identity half: sts:AssumeRole on exactly the member role ARNs of each hop.
        hub_policies: dict[str, list[iam.IManagedPolicy]] = {}  # group key -> policies
        if hub is not None and hub.identity_half:
            saml_roles = self.federation.saml_roles if federation and saml else {}
            hub_policies = add_identity_half(self, config, hub, path=path, saml_roles=saml_roles)

        self.groups: dict[str, iam.IGroup] = {}
        for key, group_config in config.groups.items() if people else ():
            self.groups[key] = record(
                HumanUserGroup(
                    self,
                    f"{construct_id(key)}Group",
                    group_name=group_config.name,
                    path=path,
                    force_mfa_policy=force_mfa.policy,
                    # A member account's roles are the hub's: the member-role policies cover them.
                    assumable_roles=[self.roles[p] for p in group_config.assumable_roles if p in self.roles]
                    if hub is None or not hub.member_roles_only
                    else [],
                    member_role_policies=hub_policies.get(key, ()),
                ),
                f"groups.{key}",
            ).group

        password_key = None
        if (config.users and people) or (config.break_glass is not None and config.break_glass.mode == "users"):
            password_key = baseline_key(
                self, "InitialPasswordKey", description="Encrypts the initial console passwords of the baseline's IAM users."
            )
        for index, user in enumerate(config.users if people else ()):
            record(HumanUser(
                self,
                # The IAM name itself: distinct names such as a.b and a_b must not share an id.
                f"User-{user.name}",
                user_name=user.name,
                path=path,
                groups=[self.groups[g] for g in user.groups],
                encryption_key=password_key,
                password_length=initial_password_length(config.password_policy.minimum_length),
                nested=stackset_member,
            ), f"users[{index}]")

        self.detection = add_detection(
            # None only in a member account without the admin hop, where break-glass never is.
            self, config, admin_role=self.roles.get("admin"), force_mfa_policy=force_mfa.policy, password_key=password_key,
            hub=hub,
        )
