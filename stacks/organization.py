"""The organization rollout: baseline StackSets per variant and sharded Identity Center assignments.

``add_organization_stacks`` adds, for a config with an ``organization`` section:

* ``OrganizationRollout``: one service-managed StackSet per baseline variant, in the
  StackSets delegated administrator (or the management account), home region; each
  StackSet's template is the ``AccountBaselineStack`` of that variant, built as a
  StackSet member (no environment, no asset) in its own ``Stage``; with detection, a second
  StackSet per variant (``<name_prefix>-<variant>-GlobalEvents``) deploys the forwarding rules
  of that variant's alert rules to the same accounts in us-east-1 (:mod:`stacks.global_events`);
* ``IdentityAccount``: a member identity account's baseline, people and identity half, as a
  stack of its own (:mod:`stacks.identity_account`; no StackSet targets that account);
* ``IdentityCenterAssignmentsNNN``: the account assignments, sharded stably by account;
* ``OrganizationGuardrails`` (management account): centralized root access, ``RootTasks``,
  the SCPs and the RCP (:mod:`stacks.organization_guardrails`), and ``RootTasks`` in the IAM
  delegated administrator when one is configured.

The management account keeps the ``AccountBaseline`` stack built by ``app.py``.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import App, Stack, Stage

from iam_baseline.config import BaselineConfig
from iam_baseline.config.hub import PersonaReach, member_hub_part, persona_reach
from iam_baseline.config.member_config import member_baseline_config
from iam_baseline.config.stackset_groups import StackSetGroup, stackset_groups
from iam_baseline.config.stackset_moves import MovePlan
from iam_baseline.federation.assignment_shards import ShardQuotas, account_assignments, plan_shards
from iam_baseline.naming import construct_id
from iam_baseline.partitions import global_events_region
from iam_baseline.organization import RetiringStackSet, ServiceManagedStackSet
from stacks.account_baseline import AccountBaselineStack
from stacks.base import BaselineStack
from stacks.global_events import GlobalEventsStack, needs_global_events_stack
from stacks.identity_account import add_identity_account_stack, add_identity_global_events_stack
from stacks.identity_center_assignments import AssignmentShardStack
from stacks.placement import StackSetMember
from stacks.organization_guardrails import add_guardrail_stacks


#: The suffix of a group's forwarding StackSet ``<name_prefix>-<key>-GlobalEvents``.
_FORWARDING = "GlobalEvents"


class OrganizationRolloutStack(BaselineStack):
    """The baseline StackSets, one per variant, targeting the OUs that name the variant.

    ``moves`` (:class:`~iam_baseline.config.stackset_moves.MovePlan`, from the StackSets lock):
    the StackSet an account joins depends on (``DependsOn``) the one it leaves, and a StackSet
    that moved accounts leave and no account keeps stays one more deploy as a
    :class:`~iam_baseline.organization.RetiringStackSet` (no stack instances), so each old
    stack instance is deleted before the new one creates the same IAM names.

    Attributes:
        stack_sets: StackSet group key (the variant key, or ``<variant>-<digest>`` for a
            combination with targeted machine roles) -> :class:`ServiceManagedStackSet`.
        member_stacks: group key -> the member ``AccountBaselineStack`` (in its own stage).
        forwarding_stack_sets: group key -> the StackSet ``<name_prefix>-<key>-GlobalEvents`` that
            forwards the group's global events from us-east-1 (:meth:`_forward_global_events`).
        global_events_stacks: group key -> its template, the member ``GlobalEventsStack`` (same stage).
        retiring: group key -> :class:`~iam_baseline.organization.RetiringStackSet`.
    """

    def __init__(
        self, scope: App, id: str, *, config: BaselineConfig, moves: MovePlan = MovePlan(),
        reach: Mapping[str, PersonaReach] | None = None,
    ) -> None:
        organization = config.organization
        if organization is None:
            raise ValueError("OrganizationRolloutStack needs the organization section in the config")
        rollout = organization.stacksets
        super().__init__(
            scope,
            id,
            config=config,
            stack_name=rollout.stack_name,
            account=organization.admin_account_id,
            region=config.region,
            description="cdk-iam-baseline: account baseline StackSets (service-managed, per OU).",
        )
        self.config = config
        self.stack_sets: dict[str, ServiceManagedStackSet] = {}
        self.member_stacks: dict[str, AccountBaselineStack] = {}
        self.forwarding_stack_sets: dict[str, ServiceManagedStackSet] = {}
        self.global_events_stacks: dict[str, GlobalEventsStack] = {}
        if reach is None:
            reach = persona_reach(config)  # the hop list, once for every group (config/hub.py)
        for group in stackset_groups(config, reach):
            key = group.key
            # A Stage keeps the member template out of `cdk deploy --all` and gives it its
            # own nested cloud assembly, which the StackSet reads its TemplateBody from.
            stage = Stage(scope, f"StackSetMember{construct_id(key)}")
            self.member_stacks[key] = AccountBaselineStack(
                stage,
                "AccountBaseline",
                config=member_baseline_config(
                    config, group.variant, group.machine_roles, group.service_roles, policies=group.policies
                ),
                placement=StackSetMember(),
                hub=member_hub_part(config, group.personas, False, reach),
            )
            description = organization.baselines[group.variant].description
            if group.machine_roles:
                description = f"{description} With machine roles {', '.join(group.machine_roles)}."
            if group.personas:
                description = f"{description} With the identity account's persona roles {', '.join(group.personas)}."
            if group.service_roles:
                description = f"{description} With service roles {', '.join(group.service_roles)}."
            if group.policies:
                description = f"{description} With policies {', '.join(group.policies)}."
            description = description[:1024]
            self.stack_sets[key] = self._stack_set(
                "", key, self.member_stacks[key], group, config.region, description
            )
            self._forward_global_events(stage, key, group, description)
        # A moving account leaves the forwarding StackSet twin of its old group too, and both
        # twins hold the fixed-name role GlobalEventsForwarding: the twins are ordered (and
        # retire) exactly as their baseline StackSets, or the new twin's instance would clash.
        self.retiring: dict[str, RetiringStackSet] = {}
        for name in moves.retiring:
            key = name.removeprefix(f"{rollout.name_prefix}-")
            self.retiring[key] = self._retiring(key, "", config.region)
            if name in moves.retiring_forwarding:  # only a twin the lock says may exist
                self.retiring[f"{key}-{_FORWARDING}"] = self._retiring(key, _FORWARDING, global_events_region(config.region))
        by_name = {f"{rollout.name_prefix}-{key}": s.resource for key, s in {
            **self.stack_sets, **{f"{k}-{_FORWARDING}": s for k, s in self.forwarding_stack_sets.items()}, **self.retiring,
        }.items()}
        for joined, left in moves.depends_on:
            for name in left:
                by_name[joined].add_resource_dependency(by_name[name])  # DependsOn
                twins = (f"{joined}-{_FORWARDING}", f"{name}-{_FORWARDING}")
                if all(twin in by_name for twin in twins):
                    by_name[twins[0]].add_resource_dependency(by_name[twins[1]])

    def _retiring(self, key: str, suffix: str, region: str) -> RetiringStackSet:
        """The instance-less :class:`RetiringStackSet` under the construct id and name the StackSet
        ``<name_prefix>-<key>[-<suffix>]`` had (same logical id: updated in place)."""
        organization = self.config.organization
        assert organization is not None
        return RetiringStackSet(
            self,
            f"StackSet{construct_id(key)}{suffix}",
            stack_set_name="-".join(filter(None, (organization.stacksets.name_prefix, key, suffix))),
            rollout=organization.stacksets,
            delegated_admin=organization.delegated_admin_account_id is not None,
            region=region,
        )

    def _forward_global_events(self, stage: Stage, key: str, group: StackSetGroup, description: str) -> None:
        """The forwarding StackSet ``<name_prefix>-<key>-GlobalEvents`` of group ``key``: the same
        accounts as its baseline StackSet, in the global-events region (us-east-1), one forwarding
        rule per alert rule of the group's member template (same pattern) to each account's
        home-region default bus. Nothing when the group has no alert rule or the home region is
        the global-events region (:class:`~stacks.global_events.GlobalEventsStack`)."""
        member = self.member_stacks[key]
        if not needs_global_events_stack(member.config) or not member.detection.rules:
            return
        self.global_events_stacks[key] = GlobalEventsStack(stage, "GlobalEvents", config=member.config, rules=member.detection.rules)
        self.forwarding_stack_sets[key] = self._stack_set(
            _FORWARDING, key, self.global_events_stacks[key], group, global_events_region(member.config.region),
            f"Forwards IAM, sign-in and global STS events to the home region's alert rules. {description}"[:1024],
        )

    def _stack_set(
        self, suffix: str, key: str, template: Stack, group: StackSetGroup, region: str, description: str
    ) -> ServiceManagedStackSet:
        """The StackSet ``<name_prefix>-<key>[-<suffix>]`` deploying ``template`` to ``group``'s
        accounts in ``region``."""
        organization = self.config.organization
        assert organization is not None
        return ServiceManagedStackSet(
            self,
            f"StackSet{construct_id(key)}{suffix}",
            stack_set_name="-".join(filter(None, (organization.stacksets.name_prefix, key, suffix))),
            template=template,
            organizational_unit_ids=group.ou_ids,
            # The plain variant spares the accounts another group serves; a combination
            # reaches exactly its accounts (config/stackset_groups.py).
            accounts=group.accounts if group.items else group.excluded,
            account_filter="INTERSECTION" if group.items else "DIFFERENCE",
            region=region,
            rollout=organization.stacksets,
            delegated_admin=organization.delegated_admin_account_id is not None,
            description=description,
        )


def add_organization_stacks(
    app: App, config: BaselineConfig, *, identity_center: Stack | None, moves: MovePlan = MovePlan(),
    reach: Mapping[str, PersonaReach] | None = None,
) -> list[Stack]:
    """Add the rollout stack (ordering ``moves``) and, with Identity Center, the assignment shard stacks.

    ``reach``: the hop list (:func:`~iam_baseline.config.hub.persona_reach` of ``config``) when
    the caller has it (``app.py`` computes it once per synth); computed once here otherwise.
    An account entering the identity account's own stack (``moves.identity_after``): the
    ``IdentityAccount`` stack depends on ``OrganizationRollout``, whose update deletes the
    account's StackSet instances first (``cdk deploy`` deploys a stack after those it depends on).

    Raises:
        BaselineError: a shard would exceed CloudFormation's resources-per-stack quota, or its
            lookup policies IAM's role policy size quota.
    """
    if reach is None:
        reach = persona_reach(config)  # the hop list, once for the rollout and the identity account
    rollout = OrganizationRolloutStack(app, "OrganizationRollout", config=config, moves=moves, reach=reach)
    stacks: list[Stack] = [rollout]
    guardrails = add_guardrail_stacks(app, config)
    stacks += guardrails
    identity = add_identity_account_stack(app, config, reach)
    if identity is not None:
        # The protection SCPs exempt its CDK execution role (config.identity_deployment.identity_stack_deployers):
        # `cdk deploy --all` updates them first, so an organization whose SCPs predate the
        # exemption does not refuse the identity account's baseline.
        identity.add_stack_dependency(guardrails[0], "ProtectBaseline exempts its CDK execution role")
        if moves.identity_after:
            # The identity account leaves these StackSets: their instances hold the same IAM names.
            identity.add_stack_dependency(rollout, f"its account leaves {', '.join(moves.identity_after)} first")
        stacks.append(identity)
        forwarding = add_identity_global_events_stack(app, identity)
        if forwarding is not None:
            stacks.append(forwarding)
    center = config.federation.identity_center if config.federation else None
    if center is not None and config.organization is not None:
        shards = plan_shards(
            account_assignments(center, config.organization),
            config.organization.assignment_shards,
            quotas=ShardQuotas.for_center(center),
        )
        for shard in shards:
            stack = AssignmentShardStack(app, f"IdentityCenterAssignments{shard.index:03d}", config=config, shard=shard)
            if identity_center is not None:
                stack.add_stack_dependency(identity_center)  # imports its permission set ARNs
            stacks.append(stack)
    return stacks
