"""IAM Identity Center as the templates deploy it: people, groups, memberships, assignments.

Identity Center users are principals of their own: a person signs in to the AWS access
portal and reaches, in each account, the permission sets assigned to them directly or to
one of their groups (IAM Identity Center User Guide, "Assign user access to AWS accounts",
"Permission sets"). This module reads that chain, user -> group -> permission set ->
account, from the assembly's templates (every stack, whatever its account: the Identity
Center stack deploys to the management or delegated administrator account):

* users: ``Custom::IdentityStoreUser`` (user name in its ``User`` property);
* groups: ``AWS::IdentityStore::Group`` (``DisplayName``);
* memberships: ``AWS::IdentityStore::GroupMembership`` (``GroupId`` -> ``Fn::GetAtt`` of a
  group, ``MemberId.UserId`` -> ``Ref`` of a user);
* assignments: ``AWS::SSO::Assignment`` (``PrincipalId``, ``PrincipalType``,
  ``PermissionSetArn`` -> ``Fn::GetAtt`` of an ``AWS::SSO::PermissionSet``, ``TargetId``).

A principal id is resolved structurally: ``Ref`` of a declared user, ``Fn::GetAtt GroupId``
of a declared group, ``Fn::GetAtt`` of a ``Custom::IdentityStorePrincipalLookup`` (a principal
that exists outside the baseline, named by the lookup), ``Fn::ImportValue`` of another
stack's export (followed), or a literal identity-store id. Anything else, or a reference
whose kind does not match ``PrincipalType``, is kept as a :class:`Dangling` reference: the
checks report it (an assignment whose principal does not exist). This module never imports
aws_cdk.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .templates import StackTemplate, load_stacks

LOOKUP = "Custom::IdentityStorePrincipalLookup"
USER = "Custom::IdentityStoreUser"
GROUP = "AWS::IdentityStore::Group"
MEMBERSHIP = "AWS::IdentityStore::GroupMembership"
ASSIGNMENT = "AWS::SSO::Assignment"
PERMISSION_SET = "AWS::SSO::PermissionSet"


class PrincipalKind(str, enum.Enum):
    """An Identity Center principal kind, as ``AWS::SSO::Assignment.PrincipalType`` names it."""

    USER = "USER"
    GROUP = "GROUP"

    @property
    def ref_kind(self) -> str:
        """The access-matrix reference kind: ``identity_center_user`` or ``identity_center_group``."""
        return f"identity_center_{self.value.lower()}"


class Origin(str, enum.Enum):
    """Where a principal comes from."""

    DECLARED = "declared"  # created by the baseline (identity_store)
    EXISTING = "existing"  # created elsewhere, looked up by name at deploy time
    BY_ID = "by_id"  # given by identity-store id: unknown name


@dataclass(frozen=True, order=True)
class DirectoryPrincipal:
    """A user or group of the Identity Center directory, as an assignment or membership names it."""

    kind: PrincipalKind
    name: str
    origin: Origin

    @property
    def ref(self) -> str:
        """``identity_center_user:alice`` / ``identity_center_group:Developers`` (``id:`` for an id)."""
        return f"{self.kind.ref_kind}:{self.name}"


@dataclass(frozen=True)
class Dangling:
    """A principal reference that names no principal of the right kind."""

    where: str  # stack/logical id of the assignment or membership
    reference: str  # the PrincipalId / GroupId / UserId as written
    reason: str


@dataclass(frozen=True, order=True)
class IdentityCenterAssignment:
    """One ``AWS::SSO::Assignment``: ``principal`` gets ``permission_set`` in ``account``."""

    account: str
    permission_set: str
    principal: DirectoryPrincipal
    stack: str
    logical_id: str


@dataclass(frozen=True, order=True)
class Reach:
    """A person reaches ``permission_set`` in ``account``, directly or through ``via`` (a group)."""

    person: str
    account: str
    permission_set: str
    via: DirectoryPrincipal | None


@dataclass
class IdentityCenterModel:
    """The people, groups, memberships and assignments of the assembly.

    Attributes:
        users: declared user names.
        groups: group name -> its members (user names), for declared groups.
        assignments: every account assignment whose principal resolved.
        dangling: every principal reference that did not resolve (assignments and memberships).
        permission_sets: permission set name -> (stack, logical id) of its ``AWS::SSO::PermissionSet``.
    """

    users: set[str] = field(default_factory=set)
    groups: dict[str, set[str]] = field(default_factory=dict)
    assignments: list[IdentityCenterAssignment] = field(default_factory=list)
    dangling: list[Dangling] = field(default_factory=list)
    permission_sets: dict[str, tuple[StackTemplate, str]] = field(default_factory=dict)

    def groups_of(self, person: str) -> list[str]:
        """The declared groups ``person`` is a member of, sorted."""
        return sorted(name for name, members in self.groups.items() if person in members)

    def reach(self) -> list[Reach]:
        """Every (person, account, permission set) of a declared user, and the group it comes through."""
        found: set[Reach] = set()
        for a in self.assignments:
            if a.principal.kind is PrincipalKind.USER and a.principal.name in self.users:
                found.add(Reach(a.principal.name, a.account, a.permission_set, None))
            elif a.principal.kind is PrincipalKind.GROUP and a.principal.origin is Origin.DECLARED:
                found |= {Reach(p, a.account, a.permission_set, a.principal) for p in self.groups.get(a.principal.name, ())}
        return sorted(found, key=lambda r: (r.person, r.account, r.permission_set, r.via is not None, r.via or ""))


class _Stack:
    """Structural resolution of principal and permission set references in one stack."""

    def __init__(self, stack: StackTemplate, exports: Mapping[str, tuple["_Stack", Any]]) -> None:
        self.stack = stack
        self.resources: dict[str, Any] = stack.template.get("Resources", {})
        self.exports = exports

    def where(self, logical_id: str) -> str:
        return f"{self.stack.stack_name}/{logical_id}"

    def _follow(self, value: Any) -> tuple["_Stack", Any]:
        """``value``, with ``Fn::ImportValue`` of a literal export name replaced by the export's value."""
        if isinstance(value, Mapping) and set(value) == {"Fn::ImportValue"} and isinstance(value["Fn::ImportValue"], str):
            if value["Fn::ImportValue"] in self.exports:
                stack, exported = self.exports[value["Fn::ImportValue"]]
                return stack._follow(exported)
        return self, value

    def principal(self, value: Any, kind: PrincipalKind) -> DirectoryPrincipal | str:
        """The principal ``value`` names, or why it names none."""
        stack, value = self._follow(value)
        if isinstance(value, str):
            return DirectoryPrincipal(kind, value, Origin.BY_ID)
        target, attribute = _target(value)
        resource = stack.resources.get(target or "", {})
        type_ = resource.get("Type")
        props = resource.get("Properties", {})
        if type_ == USER and attribute is None and kind is PrincipalKind.USER:
            return DirectoryPrincipal(kind, json.loads(props["User"])["UserName"], Origin.DECLARED)
        if type_ == GROUP and attribute == "GroupId" and kind is PrincipalKind.GROUP:
            return DirectoryPrincipal(kind, props["DisplayName"], Origin.DECLARED)
        if type_ == LOOKUP and attribute == f"{kind.value.title()}Id":
            call = json.loads(props["Create"])
            name = call["parameters"]["AlternateIdentifier"]["UniqueAttribute"]["AttributeValue"]
            return DirectoryPrincipal(kind, name, Origin.EXISTING)
        if type_ is None:
            return f"refers to {target or json.dumps(value)!r}, which no stack of the assembly defines"
        return f"refers to {type_} {target} ({attribute or 'Ref'}), which is not a {kind.value.lower()}"

    def permission_set(self, value: Any) -> str | None:
        stack, value = self._follow(value)
        target, attribute = _target(value)
        resource = stack.resources.get(target or "", {})
        if resource.get("Type") == PERMISSION_SET and attribute == "PermissionSetArn":
            return str(resource["Properties"]["Name"])
        return None


def _target(value: Any) -> tuple[str | None, str | None]:
    """``(logical id, attribute)`` of a ``Ref`` (attribute ``None``) or ``Fn::GetAtt``; else ``(None, None)``."""
    if isinstance(value, Mapping) and set(value) == {"Ref"}:
        return str(value["Ref"]), None
    if isinstance(value, Mapping) and set(value) == {"Fn::GetAtt"}:
        target = value["Fn::GetAtt"]
        if isinstance(target, str):
            target = target.split(".", 1)
        return str(target[0]), str(target[1])
    return None, None


def load_identity_center(out_dir: str | Path) -> IdentityCenterModel:
    """Read every stack of the assembly in ``out_dir`` into an :class:`IdentityCenterModel`
    (empty when no stack holds Identity Center resources)."""
    return identity_center_of(load_stacks(out_dir))


def identity_center_of(stacks: list[StackTemplate]) -> IdentityCenterModel:
    """The :class:`IdentityCenterModel` of ``stacks`` (see the module documentation)."""
    exports: dict[str, tuple[_Stack, Any]] = {}
    readers = [_Stack(stack, exports) for stack in stacks]
    for reader in readers:
        for output in reader.stack.template.get("Outputs", {}).values():
            name = output.get("Export", {}).get("Name")
            if isinstance(name, str):
                exports[name] = (reader, output["Value"])
    model = IdentityCenterModel()
    for reader in readers:
        for logical_id, resource in reader.resources.items():
            props = resource.get("Properties", {})
            if resource.get("Type") == USER:
                model.users.add(json.loads(props["User"])["UserName"])
            elif resource.get("Type") == GROUP:
                model.groups.setdefault(props["DisplayName"], set())
            elif resource.get("Type") == PERMISSION_SET:
                model.permission_sets[str(props["Name"])] = (reader.stack, logical_id)
    for reader in readers:
        for logical_id, resource in reader.resources.items():
            if resource.get("Type") == MEMBERSHIP:
                _membership(reader, logical_id, resource.get("Properties", {}), model)
            elif resource.get("Type") == ASSIGNMENT:
                _assignment(reader, logical_id, resource.get("Properties", {}), model)
    return model


def _membership(reader: _Stack, logical_id: str, props: Mapping[str, Any], model: IdentityCenterModel) -> None:
    group = reader.principal(props.get("GroupId"), PrincipalKind.GROUP)
    user = reader.principal((props.get("MemberId") or {}).get("UserId"), PrincipalKind.USER)
    for principal, reference in ((group, props.get("GroupId")), (user, props.get("MemberId"))):
        if isinstance(principal, str):
            model.dangling.append(Dangling(reader.where(logical_id), json.dumps(reference), principal))
    if isinstance(group, DirectoryPrincipal) and isinstance(user, DirectoryPrincipal):
        if group.origin is Origin.DECLARED and user.origin is Origin.DECLARED:
            model.groups.setdefault(group.name, set()).add(user.name)


def _assignment(reader: _Stack, logical_id: str, props: Mapping[str, Any], model: IdentityCenterModel) -> None:
    where = reader.where(logical_id)
    try:
        kind = PrincipalKind(props.get("PrincipalType"))
    except ValueError:
        model.dangling.append(Dangling(where, json.dumps(props.get("PrincipalType")), "is not a principal type (USER or GROUP)"))
        return
    principal = reader.principal(props.get("PrincipalId"), kind)
    permission_set = reader.permission_set(props.get("PermissionSetArn"))
    if isinstance(principal, str):
        model.dangling.append(Dangling(where, json.dumps(props.get("PrincipalId")), principal))
        return
    if permission_set is None:
        model.dangling.append(Dangling(where, json.dumps(props.get("PermissionSetArn")), "names no permission set of the assembly"))
        return
    model.assignments.append(
        IdentityCenterAssignment(str(props.get("TargetId")), permission_set, principal, reader.stack.stack_name, logical_id)
    )
