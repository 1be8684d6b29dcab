"""The identity account's baseline: one ``cdk deploy`` stack, not a StackSet instance.

With a member account as ``organization.identity_account`` (:mod:`iam_baseline.config.hub`),
that account's baseline holds the people (IAM users, groups, SAML providers and roles) and the
identity half: ``<Group>-MemberRoles[-N]`` and ``<Role>-SamlMemberRoles[-N]``, which list the
exact ARN of every member role they reach. That list grows with the member accounts: at 100
member accounts the template was 76 KB, at 500 accounts 233 KB, past the 51,200 bytes a
StackSet's ``TemplateBody`` may hold (CloudFormation API Reference, ``CreateStackSet``). A stack
deployed with ``cdk deploy`` uploads its template to the account's CDK bootstrap bucket and may
reach 1 MB (CloudFormation User Guide, "CloudFormation quotas", template body size in an S3
object), so the identity account keeps "exactly those ARNs" at any organization size.

The stack is built from the same member config its StackSet group would have had (its OU's
variant and the targeted items that reach it, :func:`~iam_baseline.config.stackset_groups.identity_account_group`),
so the account receives the same baseline as any member, plus the hub's people and identity half.
No StackSet targets it (its variant's StackSet spares it with the ``DIFFERENCE`` filter).

Deployment: the identity account is bootstrapped like the StackSets administrator,
``cdk bootstrap aws://<identity account id>/<home region> --trust <management account id>``,
and ``cdk deploy --all`` from the management account deploys this stack with the others. With
detection, ``IdentityAccount-GlobalEvents`` forwards the account's global events (IAM changes,
console sign-ins, the global STS endpoint) from us-east-1 to its home region
(:func:`add_identity_global_events_stack`): that region is bootstrapped the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import App

from iam_baseline.config import BaselineConfig
from iam_baseline.config.hub import PersonaReach, member_hub_part, persona_reach
from iam_baseline.config.member_config import member_baseline_config
from iam_baseline.config.stackset_groups import identity_account_group
from stacks.account_baseline import AccountBaselineStack
from stacks.global_events import GlobalEventsStack, needs_global_events_stack
from stacks.placement import MemberAccount

#: Construct id (and ``cdk deploy`` name) of the identity account's stack.
IDENTITY_ACCOUNT_STACK_ID = "IdentityAccount"
#: Construct id of its global-events stack (stack name ``<stack_name>-GlobalEvents``, us-east-1).
IDENTITY_GLOBAL_EVENTS_STACK_ID = f"{IDENTITY_ACCOUNT_STACK_ID}-GlobalEvents"


def add_identity_account_stack(
    app: App, config: BaselineConfig, reach: Mapping[str, PersonaReach] | None = None
) -> AccountBaselineStack | None:
    """Add ``IdentityAccount``: the member identity account's baseline with its people and the
    identity half, env = that account and the home region, stack name ``config.stack_name``.
    None without a member identity account (none set, or it is the management account, whose
    ``AccountBaseline`` stack then holds the people). ``reach``: the hop list
    (:func:`~iam_baseline.config.hub.persona_reach` of ``config``) when the caller has it.

    Raises:
        ItemError: see :func:`~iam_baseline.config.stackset_groups.stackset_groups`.
        pydantic.ValidationError: see :func:`~iam_baseline.config.member_config.member_baseline_config`.
    """
    if reach is None:
        reach = persona_reach(config)  # the hop list, once (config/hub.py)
    group = identity_account_group(config, reach)
    if group is None:
        return None
    (account,) = group.accounts
    return AccountBaselineStack(
        app,
        IDENTITY_ACCOUNT_STACK_ID,
        config=member_baseline_config(
            config, group.variant, group.machine_roles, group.service_roles, identity=True, policies=group.policies
        ),
        hub=member_hub_part(config, group.personas, True, reach),
        placement=MemberAccount(account),
    )


def add_identity_global_events_stack(app: App, identity: AccountBaselineStack) -> GlobalEventsStack | None:
    """Add ``IdentityAccount-GlobalEvents``: the forwarding rules of the identity account in the
    global-events region (us-east-1), one per alert rule of ``identity`` (same pattern), sending
    to that account's home-region default bus; None when its config has no detection or its home
    region is the global-events region. It depends on ``identity`` (``cdk deploy --all`` deploys
    the alert rules first). Deployed with ``cdk deploy`` through the identity account's us-east-1
    CDK bootstrap, whose roles the ProtectBaseline seal covers
    (:class:`~iam_baseline.config.identity_deployment.IdentityDeployment`).
    """
    config = identity.config
    if not needs_global_events_stack(config):
        return None
    stack = GlobalEventsStack(
        app,
        IDENTITY_GLOBAL_EVENTS_STACK_ID,
        config=config,
        rules=identity.detection.rules,
        account=identity.account,
        member=True,
    )
    stack.add_stack_dependency(identity)
    return stack
