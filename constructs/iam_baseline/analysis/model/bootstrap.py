"""The CDK bootstraps the assembly needs, and what their deploy roles trust.

``cdk deploy`` needs a CDK bootstrap in every environment (account and region) a stack of the
assembly names: the stacks with an environment, which ``cdk ls --long`` lists with theirs
(README, "Bootstrap order for a new organization"). A StackSet member template names none: its
accounts are deployed by the StackSets service and need no bootstrap, so they have no CDK roles.

The bootstrap template's deploy role trusts its own account (``Principal: {AWS: <account>}``:
the account root, which delegates to the caller's identity-based policies) and each account
given with ``cdk bootstrap --trust`` (AWS CDK Developer Guide, "Bootstrapping", "Customizing
bootstrapping" > ``--trust``). The config has no key for ``--trust``; the README's bootstrap
steps give it: every bootstrapped account of an organization other than the management account
(the delegated administrator, the identity account, an analyzer account) is bootstrapped with
``--trust <management account>``, whose pipeline deploys it; the management account and an
account outside any organization trust only themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ...config.models import BaselineConfig
from ..engine.policy import Policy, PolicyKind
from .stack_reader import PLACEHOLDER_ACCOUNT, StackTemplate


@dataclass(frozen=True)
class Bootstrap:
    """One bootstrapped environment.

    Attributes:
        account: its 12-digit account id.
        region: its region (each region has its own bootstrap and CDK roles).
        trusted: the other accounts its deploy role trusts (``cdk bootstrap --trust``), sorted.
    """

    account: str
    region: str
    trusted: tuple[str, ...] = ()

    def deploy_role(self, partition: str, qualifier: str) -> str:
        """The deploy role's ARN, ``cdk-<qualifier>-deploy-role-<account>-<region>``."""
        return f"arn:{partition}:iam::{self.account}:role/cdk-{qualifier}-deploy-role-{self.account}-{self.region}"

    def execution_role(self, partition: str, qualifier: str) -> str:
        """The CloudFormation execution role's ARN, ``cdk-<qualifier>-cfn-exec-role-<account>-<region>``."""
        return f"arn:{partition}:iam::{self.account}:role/cdk-{qualifier}-cfn-exec-role-{self.account}-{self.region}"

    def deploy_trust(self, partition: str, qualifier: str) -> Policy:
        """The deploy role's trust policy as the bootstrap template writes it: ``sts:AssumeRole``
        for the root of its account and of each trusted account (a trust policy)."""
        roots = [f"arn:{partition}:iam::{a}:root" for a in (self.account, *self.trusted)]
        name = f"trust:cdk-{qualifier}-deploy-role-{self.account}-{self.region} (cdk bootstrap, as documented)"
        return Policy.from_document(name, {"Version": "2012-10-17", "Statement": [
            {"Sid": "BootstrapAccounts", "Effect": "Allow", "Principal": {"AWS": roots}, "Action": "sts:AssumeRole"}]},
            PolicyKind.TRUST)


def trusted_by_bootstrap(config: BaselineConfig | None, account: str) -> tuple[str, ...]:
    """The accounts ``account``'s bootstrap trusts besides itself (module docstring): the
    management account for any other account of an organization, else none."""
    organization = config.organization if config is not None else None
    if organization is None or account == organization.management_account_id:
        return ()
    return (organization.management_account_id,)


def bootstraps(stacks: Iterable[StackTemplate], config: BaselineConfig | None) -> tuple[Bootstrap, ...]:
    """One :class:`Bootstrap` per environment of a stack of the assembly (StackSet member
    templates, which have none, left out), sorted by account and region."""
    environments = sorted({(s.account, s.region) for s in stacks if s.account != PLACEHOLDER_ACCOUNT})
    return tuple(Bootstrap(a, r, trusted_by_bootstrap(config, a)) for a, r in environments)
