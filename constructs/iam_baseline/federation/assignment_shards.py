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

A shard that resolves principals by name also holds one inline policy per lookup on its
lookup function's role (:mod:`.principal_lookup_policy`), and IAM counts them together
against the role's policy size quota: with three names per account, that quota binds before
the resources per stack do. :class:`ShardQuotas` measures both.

The number of shards is explicit because changing it moves accounts between stacks (a
migration, README.md section "Organization-wide rollout"); :func:`plan_shards` refuses a plan in which a shard would
exceed either quota and says how many shards would do (:func:`shard_count_for`, which counts
with the same :class:`ShardQuotas`, so the count it names passes the synth-time quota check).
This module is plain Python (no CDK), so the plan is cheap to compute and to test. Sources:
AWS CloudFormation User Guide, "CloudFormation quotas" (resources per stack, template body
size); IAM User Guide, "IAM and AWS STS quotas" (role policy size).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from ..config.federation import IdentityCenterConfig, PrincipalAssignmentConfig
from ..config.organization import OrganizationConfig
from ..errors import BaselineError
from ..partitions import partition_of
from ..quotas.limits import ROLE_INLINE_POLICY_SIZE
from .principal_lookup_policy import lookup_policy_length

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


@dataclass(frozen=True)
class ShardQuotas:
    """The quotas a shard's stack must stay under, and the size of one lookup's policy.

    Attributes:
        max_resources: CloudFormation resources per stack; a shard must hold fewer.
        max_role_policy_chars: IAM "Role policy size" (characters, whitespace excluded) of the
            lookup function's role: all its inline policies together, at most this.
        group_lookup_chars, user_lookup_chars: characters of one group's (user's) lookup
            policy. The defaults are the longest of any partition, account and identity
            store; :meth:`for_center` gives the exact ones of an Identity Center instance.
    """

    max_resources: int = MAX_RESOURCES_PER_STACK
    max_role_policy_chars: int = ROLE_INLINE_POLICY_SIZE.default
    group_lookup_chars: int = lookup_policy_length("GROUP")
    user_lookup_chars: int = lookup_policy_length("USER")

    @classmethod
    def for_center(cls, center: IdentityCenterConfig) -> "ShardQuotas":
        """The quotas with the lookup policies measured as IAM will see them in ``center``'s
        account, region (partition) and identity store."""
        where = {"partition": partition_of(center.region), "account_id": center.account_id}
        return cls(
            group_lookup_chars=lookup_policy_length("GROUP", center.identity_store_id, **where),
            user_lookup_chars=lookup_policy_length("USER", center.identity_store_id, **where),
        )

    def lookup_policy_chars(self, shard: Shard) -> int:
        """Characters of the inline policies of ``shard``'s lookup function role (one per
        principal given by name; a name the identity store declares is counted too, so the
        figure never falls short)."""
        return sum(self.group_lookup_chars if p.type == "GROUP" else self.user_lookup_chars for p in shard.lookups)

    def problem(self, shard: Shard) -> str | None:
        """Why ``shard`` does not fit (the first quota it exceeds, in words), or None."""
        if shard.resource_count >= self.max_resources:
            return (
                f"Identity Center assignment shard {shard.index} would hold {shard.resource_count} resources, over "
                f"CloudFormation's {self.max_resources} per stack"
            )
        chars = self.lookup_policy_chars(shard)
        if chars > self.max_role_policy_chars:
            return (
                f"Identity Center assignment shard {shard.index} would resolve {len(shard.lookups)} principals by "
                f"name, whose lookup policies are {chars} characters on one role, over IAM's role policy size "
                f"quota of {self.max_role_policy_chars}"
            )
        return None


def plan_shards(assignments: list[AccountAssignment], shards: int, *, quotas: ShardQuotas | None = None) -> list[Shard]:
    """Place ``assignments`` in ``shards`` stacks by account; return the non-empty shards.

    Args:
        quotas: what a shard may hold; default :class:`ShardQuotas` (longest lookup policies).

    Raises:
        BaselineError: a shard would hold ``quotas.max_resources`` resources or more, or lookup
            policies over ``quotas.max_role_policy_chars``; the message names the smallest
            shard count that fits both.
    """
    quotas = quotas or ShardQuotas()
    plan = _place(assignments, shards)
    problems = [problem for problem in map(quotas.problem, plan) if problem]
    if problems:
        enough = shard_count_for(assignments, start=shards + 1, quotas=quotas)
        raise BaselineError(
            f"{problems[0]}; set organization.assignment_shards to at least {enough} (changing it moves "
            f"accounts between stacks: see README.md, section Organization-wide rollout)"
        )
    return plan


def _place(assignments: list[AccountAssignment], shards: int) -> list[Shard]:
    by_index: dict[int, Shard] = {}
    for assignment in sorted(assignments):
        index = shard_of(assignment.account_id, shards)
        by_index.setdefault(index, Shard(index)).assignments.append(assignment)
    return [by_index[i] for i in sorted(by_index)]


def shard_count_for(
    assignments: list[AccountAssignment], *, start: int = 1, quotas: ShardQuotas | None = None
) -> int:
    """The smallest shard count, from ``start`` on, whose every shard fits ``quotas`` (default
    :class:`ShardQuotas`): the count :func:`plan_shards` accepts with the same quotas.

    Raises:
        BaselineError: one account alone needs more than one stack.
    """
    quotas = quotas or ShardQuotas()
    per_account = Counter(a.account_id for a in assignments)
    for shards in range(start, 10 * len(per_account) + 2):
        if not any(map(quotas.problem, _place(assignments, shards))):
            return shards
    raise BaselineError(
        f"one account holds {max(per_account.values())} assignments (with their principals' lookups), more than "
        f"one stack can: split them"
    )
