"""The SCPs and RCPs in force for each member account, read from the synthesized templates.

The organization's policies are the ``AWS::Organizations::Policy`` resources of the assembly
(their ``Content`` and ``TargetIds``); the tree they attach to is the config's organization
(the root id, each OU's id and path, each OU's accounts), which the templates do not hold.
For every member account this yields one level per node from the root down, as
:func:`~..evaluator.evaluate` takes them (``scps=``): the root, each OU on the account's path
(``Workloads`` then ``Workloads/Prod``), then the account itself. Every level holds the AWS
managed ``FullAWSAccess`` SCP, which the deny-list model keeps attached everywhere, plus the
policies attached there; RCP levels likewise hold ``RCPFullAWSAccess``.

Sources: AWS Organizations User Guide, "SCP evaluation" (every level must allow, any Deny
denies), "Resource control policies" (RCPFullAWSAccess); the management account is governed
by neither.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...config.models import BaselineConfig
from ..engine.policy import Policy, PolicyKind
from .templates import load_stacks

POLICY_TYPE = "AWS::Organizations::Policy"

#: The AWS managed policies that stay attached to every root, OU and account.
FULL_AWS_ACCESS = Policy.from_document(
    "FullAWSAccess",
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    PolicyKind.SCP,
)
RCP_FULL_AWS_ACCESS = Policy.from_document(
    "RCPFullAWSAccess",
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]},
    PolicyKind.RCP,
)


@dataclass(frozen=True)
class AttachedPolicy:
    """One ``AWS::Organizations::Policy`` of the assembly: name, type, parsed policy, target ids."""

    name: str
    type: str
    policy: Policy
    target_ids: tuple[str, ...]


@dataclass(frozen=True)
class OrganizationPolicies:
    """The SCP and RCP levels of every member account.

    Attributes:
        scp_levels: account id -> one list of SCPs per level (root, OUs, account).
        rcp_levels: account id -> one list of RCPs per level.
        account_paths: account id -> the path of its OU.
        policies: every policy read from the assembly.
    """

    scp_levels: Mapping[str, list[list[Policy]]] = field(default_factory=dict)
    rcp_levels: Mapping[str, list[list[Policy]]] = field(default_factory=dict)
    account_paths: Mapping[str, str] = field(default_factory=dict)
    policies: tuple[AttachedPolicy, ...] = ()

    def accounts_of(self, selector: str) -> list[str]:
        """Member account ids that ``selector`` names: an account id, an OU path (its accounts and
        those of the OUs below it) or ``*`` (every member account); sorted."""
        if selector == "*":
            return sorted(self.account_paths)
        if selector in self.account_paths:
            return [selector]
        return sorted(a for a, p in self.account_paths.items() if p == selector or p.startswith(selector + "/"))


def level_groups(organization: OrganizationPolicies, accounts: Sequence[str]) -> list[tuple[tuple[str, ...], tuple, tuple]]:
    """``accounts`` grouped by identical SCP and RCP levels: ``(accounts, scp levels, rcp levels)``
    per group, in the order of each group's first account. Accounts without levels (not members
    of the organization) are left out."""
    groups: dict[tuple, list[str]] = {}
    levels: dict[tuple, tuple[tuple, tuple]] = {}
    for account in accounts:
        if account not in organization.scp_levels:
            continue
        scps = tuple(tuple(level) for level in organization.scp_levels[account])
        rcps = tuple(tuple(level) for level in organization.rcp_levels[account])
        key = (tuple(tuple(p.name for p in level) for level in scps), tuple(tuple(p.name for p in level) for level in rcps))
        groups.setdefault(key, []).append(account)
        levels.setdefault(key, (scps, rcps))
    return [(tuple(members), *levels[key]) for key, members in groups.items()]


def read_policies(stacks_templates: Sequence[Mapping[str, Any]]) -> list[AttachedPolicy]:
    """Every ``AWS::Organizations::Policy`` of the templates, parsed for its kind (SCP or RCP).

    Raises:
        PolicyError: a policy document is malformed.
    """
    found = []
    for template in stacks_templates:
        for resource in template.get("Resources", {}).values():
            if resource.get("Type") != POLICY_TYPE:
                continue
            props = resource["Properties"]
            kind = PolicyKind.SCP if props["Type"] == "SERVICE_CONTROL_POLICY" else PolicyKind.RCP
            content = props["Content"]
            if isinstance(content, str):  # Content may be given as a JSON string too
                content = json.loads(content)
            found.append(
                AttachedPolicy(props["Name"], props["Type"], Policy.from_document(props["Name"], content, kind), tuple(props.get("TargetIds", ())))
            )
    return found


def organization_policies(templates: Sequence[Mapping[str, Any]], config: BaselineConfig) -> OrganizationPolicies:
    """The levels of every member account of ``config.organization`` (empty without one)."""
    organization = config.organization
    if organization is None:
        return OrganizationPolicies()
    attached = read_policies(templates)
    ou_ids = {ou.path: ou.id for ou in organization.organizational_units}

    def level(node_id: str | None, type_: str, full: Policy) -> list[Policy]:
        return [full, *(a.policy for a in attached if a.type == type_ and node_id is not None and node_id in a.target_ids)]

    scp_levels, rcp_levels, paths = {}, {}, {}
    for ou, account in organization.member_accounts():
        parts = ou.path.split("/")
        chain = [organization.root_id, *(ou_ids.get("/".join(parts[: i + 1])) for i in range(len(parts))), account.id]
        scp_levels[account.id] = [level(node, "SERVICE_CONTROL_POLICY", FULL_AWS_ACCESS) for node in chain]
        rcp_levels[account.id] = [level(node, "RESOURCE_CONTROL_POLICY", RCP_FULL_AWS_ACCESS) for node in chain]
        paths[account.id] = ou.path
    return OrganizationPolicies(scp_levels, rcp_levels, paths, tuple(attached))


def load_organization_policies(out_dir: str | Path, config: BaselineConfig) -> OrganizationPolicies:
    """:func:`organization_policies` of every template of the cloud assembly in ``out_dir``."""
    return organization_policies([s.template for s in load_stacks(out_dir)], config)
