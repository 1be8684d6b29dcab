"""Stable sharding of IAM Identity Center account assignments over CloudFormation stacks.

An organization of hundreds of accounts has thousands of assignments (one
``AWS::SSO::Assignment`` per permission set, principal and account), more than one stack
may hold: CloudFormation allows 500 resources per stack and a 1 MB template. The
assignments are spread over a fixed number of stacks (``organization.assignment_shards``)
by a hash of the **account id**, so:

* every assignment of an account sits in the same shard;
* adding an account, or one assignment (one permission set for one principal in one
  account), changes exactly one shard and leaves every other template byte-for-byte equal;
* the placement depends on nothing else: not on config order, nor on the other accounts.

The number of shards is explicit because changing it moves accounts between stacks (a
migration, README.md section "Organization-wide rollout"); :func:`plan_shards` refuses a plan in which a shard would
exceed the quota and says how many shards would do. This module is plain Python (no CDK),
so the plan is cheap to compute and to test. Source: AWS CloudFormation User Guide,
"CloudFormation quotas" (resources per stack, template body size).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from ..config.federation import IdentityCenterConfig, PrincipalAssignmentConfig
from ..config.organization import OrganizationConfig
from ..errors import BaselineError

#: CloudFormation quota: resources per stack.
MAX_RESOURCES_PER_STACK = 500

#: Resources a shard adds once it resolves any principal by name: CDK's singleton
#: AwsCustomResource function and its role.
LOOKUP_FUNCTION_RESOURCES = 2

#: Resources per principal resolved by name: the custom resource and its inline policy.
RESOURCES_PER_LOOKUP = 2


@dataclass(frozen=True, order=True)
class Principal:
    """A group or user, by identity-store id or by name (resolved at deploy time)."""

    type: str
    id: str | None = None
    name: str | None = None

    @classmethod
    def of(cls, assignment: PrincipalAssignmentConfig) -> "Principal":
        return cls(assignment.principal_type, assignment.principal_id, assignment.principal_name)

    @property
    def key(self) -> str:
        """A stable text key: ``GROUP:id:<id>`` or ``GROUP:name:<name>``."""
        return f"{self.type}:id:{self.id}" if self.id else f"{self.type}:name:{self.name}"


@dataclass(frozen=True, order=True)
class AccountAssignment:
    """One ``AWS::SSO::Assignment``: ``principal`` gets ``permission_set`` in ``account_id``."""

    account_id: str
    permission_set: str
    principal: Principal


@dataclass
class Shard:
    """The assignments of one stack, and the principals it resolves by name."""

    index: int
    assignments: list[AccountAssignment] = field(default_factory=list)

    @property
    def lookups(self) -> list[Principal]:
        """Principals given by name, each resolved once in this shard (sorted)."""
        return sorted({a.principal for a in self.assignments if a.principal.name is not None})

    @property
    def resource_count(self) -> int:
        """CloudFormation resources of the shard's stack (see the module constants)."""
        lookups = len(self.lookups)
        return len(self.assignments) + RESOURCES_PER_LOOKUP * lookups + (LOOKUP_FUNCTION_RESOURCES if lookups else 0)


def account_assignments(
    center: IdentityCenterConfig, organization: OrganizationConfig | None = None
) -> list[AccountAssignment]:
    """Every account assignment of the config: the explicit ones of ``identity_center``
    and, for each OU, its assignments in each of its accounts. Duplicates collapse; sorted."""
    found = {
        AccountAssignment(account, a.permission_set, Principal.of(a)) for a in center.assignments for account in a.account_ids
    }
    if organization is not None:
        found |= {
            AccountAssignment(account.id, a.permission_set, Principal.of(a))
            for ou in organization.organizational_units
            for a in ou.assignments
            for account in ou.accounts
        }
    return sorted(found)


def shard_of(account_id: str, shards: int) -> int:
    """The shard (0 .. shards-1) of ``account_id``: SHA-256 of the id, modulo ``shards``."""
    return int.from_bytes(hashlib.sha256(account_id.encode()).digest()[:8], "big") % shards


def plan_shards(
    assignments: list[AccountAssignment], shards: int, *, max_resources: int = MAX_RESOURCES_PER_STACK
) -> list[Shard]:
    """Place ``assignments`` in ``shards`` stacks by account; return the non-empty shards.

    Raises:
        BaselineError: a shard would hold ``max_resources`` resources or more; the message
            names the smallest shard count that fits.
    """
    plan = _place(assignments, shards)
    too_big = [s for s in plan if s.resource_count >= max_resources]
    if too_big:
        worst = max(too_big, key=lambda s: s.resource_count)
        enough = shard_count_for(assignments, start=shards + 1, max_resources=max_resources)
        raise BaselineError(
            f"Identity Center assignment shard {worst.index} would hold {worst.resource_count} resources, over "
            f"CloudFormation's {max_resources} per stack; set organization.assignment_shards to at least "
            f"{enough} (changing it moves accounts between stacks: see README.md, section Organization-wide rollout)"
        )
    return plan


def _place(assignments: list[AccountAssignment], shards: int) -> list[Shard]:
    by_index: dict[int, Shard] = {}
    for assignment in sorted(assignments):
        index = shard_of(assignment.account_id, shards)
        by_index.setdefault(index, Shard(index)).assignments.append(assignment)
    return [by_index[i] for i in sorted(by_index)]


def shard_count_for(
    assignments: list[AccountAssignment], *, start: int = 1, max_resources: int = MAX_RESOURCES_PER_STACK
) -> int:
    """The smallest shard count, from ``start`` on, whose every shard fits under ``max_resources``.

    Raises:
        BaselineError: one account alone needs more than one stack.
    """
    per_account = Counter(a.account_id for a in assignments)
    for shards in range(start, 10 * len(per_account) + 2):
        if all(s.resource_count < max_resources for s in _place(assignments, shards)):
            return shards
    raise BaselineError(
        f"one account holds {max(per_account.values())} assignments, more than one stack can: split them"
    )
