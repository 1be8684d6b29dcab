"""IAM Identity Center assignment shards: the account assignments of an organization,
spread over stacks by :mod:`iam_baseline.federation.assignment_shards`.

Each shard stack lives next to the permission sets (the Identity Center account and home
region), imports the permission set ARNs and the ids of declared groups and users exported by
the ``IdentityCenter`` stack, resolves the other principals it names once each, and holds one ``AWS::SSO::Assignment`` per (account,
permission set, principal). Construct ids derive from that triple, never from an order, so
a template changes only when its own accounts' assignments change.
"""

from __future__ import annotations

import hashlib

from aws_cdk import Fn

from constructs import Construct
from iam_baseline.config import BaselineConfig
from iam_baseline.federation.assignment_shards import Shard
from iam_baseline.federation.identity_center import (
    IdentityStorePrincipalLookup,
    account_assignment,
)
from stacks.base import BaselineStack
from stacks.identity_center import permission_set_export_name, principal_export_name


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:10]


class AssignmentShardStack(BaselineStack):
    """The account assignments of one shard (stack ``<identity center stack>-Assignments-NNN``).

    Attributes:
        assignments: the ``CfnAssignment`` resources, in the shard's order.
        shard: the planned shard.
    """

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, shard: Shard) -> None:
        center = config.federation.identity_center if config.federation else None
        if center is None:
            raise ValueError("AssignmentShardStack needs federation.identity_center in the config")
        super().__init__(
            scope,
            id,
            config=config,
            stack_name=f"{center.stack_name}-Assignments-{shard.index:03d}",
            account=center.account_id,
            region=center.region,
            description=f"cdk-iam-baseline: IAM Identity Center account assignments, shard {shard.index}.",
            analytics_reporting=False,  # keeps the resource count exactly the planned one
        )
        self.shard = shard
        store = center.identity_store
        principal_ids = {
            principal: (
                # Declared in the Identity Center stack: its export, no lookup.
                Fn.import_value(principal_export_name(center.stack_name, principal.type, principal.name))
                if store is not None and store.declared(principal.type, principal.name)
                else IdentityStorePrincipalLookup(
                    self,
                    f"PrincipalLookup{principal.type.title()}{_digest(principal.key)}",
                    identity_store_id=center.identity_store_id,
                    principal_type=principal.type,
                    name=principal.name,
                ).principal_id
            )
            for principal in shard.lookups
        }
        permission_set_arns = {
            name: Fn.import_value(permission_set_export_name(center.stack_name, name))
            for name in sorted({a.permission_set for a in shard.assignments})
        }
        self.assignments = [
            account_assignment(
                self,
                f"Assignment{a.account_id}{_digest(a.permission_set + '|' + a.principal.key)}",
                instance_arn=center.instance_arn,
                permission_set_arn=permission_set_arns[a.permission_set],
                principal_id=a.principal.id or principal_ids[a.principal],
                principal_type=a.principal.type,
                account_id=a.account_id,
            )
            for a in shard.assignments
        ]
