"""The IAM Identity Center stack: permission sets and their assignments.

Deployed to the organization's management account or the Identity Center delegated
administrator, in the Identity Center home region (``federation.identity_center``), apart
from the account baseline, which every member account receives.
"""

from __future__ import annotations

import hashlib
import re

from aws_cdk import CfnOutput

from constructs import Construct
from iam_baseline.config import BaselineConfig
from iam_baseline.federation.identity_center import (
    AccountAssignments,
    IdentityStorePrincipalLookup,
    PermissionSet,
)
from iam_baseline.federation.identity_store import IdentityStoreDirectory
from iam_baseline.identity.personas import persona_policies
from iam_baseline.naming import construct_id
from stacks.base import BaselineStack


class IdentityCenterStack(BaselineStack):
    """Permission sets (one per configured set, persona policies included), the declared
    users, groups and memberships of the Identity Center directory, and assignments.

    A principal declared in ``identity_store`` is referenced (``Ref`` / ``Fn::GetAtt``);
    another principal given by name is looked up once, whatever the number of its assignments.
    With ``assignments_in_shards`` (an organization) the stack holds the permission sets
    only and exports each ARN (:func:`permission_set_export_name`); the assignments live in
    the shard stacks of ``stacks/identity_center_assignments.py``.

    Attributes:
        permission_sets: permission set name -> :class:`PermissionSet`.
        lookups: (principal type, name) -> :class:`IdentityStorePrincipalLookup`.
        directory: the :class:`IdentityStoreDirectory`, or ``None`` without ``identity_store``.

    Raises:
        ValueError: ``config.federation.identity_center`` is not set.
    """

    def __init__(self, scope: Construct, id: str, *, config: BaselineConfig, assignments_in_shards: bool = False) -> None:
        center = config.federation.identity_center if config.federation else None
        if center is None:
            raise ValueError("IdentityCenterStack needs federation.identity_center in the config")
        super().__init__(
            scope,
            id,
            config=config,
            stack_name=center.stack_name,
            account=center.account_id,
            region=center.region,
            description="cdk-iam-baseline: IAM Identity Center permission sets and assignments.",
        )
        self.directory = (
            IdentityStoreDirectory(
                self, "IdentityStore", identity_store_id=center.identity_store_id, identity_store=center.identity_store
            )
            if center.identity_store
            else None
        )

        self.permission_sets: dict[str, PermissionSet] = {}
        for ps in center.permission_sets:
            self.permission_sets[ps.name] = PermissionSet(
                self,
                f"PermissionSet{construct_id(ps.name)}",
                instance_arn=center.instance_arn,
                permission_set=ps,
                persona=persona_policies(ps.persona, config) if ps.persona else None,
                baseline_path=config.iam_path,
            )

        self.lookups: dict[tuple[str, str], IdentityStorePrincipalLookup] = {}
        if assignments_in_shards:
            for name, permission_set in self.permission_sets.items():
                CfnOutput(
                    permission_set,
                    "Arn",
                    value=permission_set.arn,
                    export_name=permission_set_export_name(center.stack_name, name),
                )
            # The shards reference the declared principals through exports too: no lookup.
            for kind, principals, attribute in (
                ("GROUP", self.directory.groups if self.directory else {}, "group_id"),
                ("USER", self.directory.users if self.directory else {}, "user_id"),
            ):
                for name, principal in principals.items():
                    CfnOutput(
                        principal,
                        "Id",
                        value=getattr(principal, attribute),
                        export_name=principal_export_name(center.stack_name, kind, name),
                    )
            return
        for i, assignment in enumerate(center.assignments):
            principal_id = assignment.principal_id
            if principal_id is None and self.directory is not None:
                principal_id = self.directory.principal_id(assignment.principal_type, assignment.principal_name)
            if principal_id is None:
                key = (assignment.principal_type, assignment.principal_name)
                if key not in self.lookups:
                    self.lookups[key] = IdentityStorePrincipalLookup(
                        self,
                        f"PrincipalLookup{len(self.lookups)}",
                        identity_store_id=center.identity_store_id,
                        principal_type=assignment.principal_type,
                        name=assignment.principal_name,
                    )
                principal_id = self.lookups[key].principal_id
            AccountAssignments(
                self,
                f"Assignment{i}",
                instance_arn=center.instance_arn,
                assignment=assignment,
                permission_set_arn=self.permission_sets[assignment.permission_set].arn,
                principal_id=principal_id,
            )


def permission_set_export_name(stack_name: str, permission_set: str) -> str:
    """Export name of a permission set's ARN: ``<stack>-PermissionSet-<name>``.

    Export names allow letters, digits, ``-`` and ``:``; other characters of a permission
    set name become ``-`` and a short hash of the name keeps such names distinct.
    """
    return _export_name(stack_name, "PermissionSet", permission_set)


def principal_export_name(stack_name: str, principal_type: str, name: str) -> str:
    """Export name of a declared group's or user's identity-store id: ``<stack>-Group-<name>``
    or ``<stack>-User-<name>`` (characters as in :func:`permission_set_export_name`)."""
    return _export_name(stack_name, principal_type.title(), name)


def _export_name(stack_name: str, kind: str, name: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9-]", "-", name)
    if safe != name:
        safe += "-" + hashlib.sha256(name.encode()).hexdigest()[:6]
    return f"{stack_name}-{kind}-{safe}"
