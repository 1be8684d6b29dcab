"""The Identity Center directory as code: groups, users and group memberships.

* a group is a native ``AWS::IdentityStore::Group`` (display name, description);
* a membership is a native ``AWS::IdentityStore::GroupMembership`` (group id, user id);
* a user is a ``Custom::IdentityStoreUser`` backed by one inline function per stack
  (:mod:`.identity_store_user_handler`): create, update of every attribute the baseline
  sets, delete. CloudFormation's ``AWS::IdentityStore::User`` makes ``UserName`` *and*
  ``Emails`` create-only, so a changed e-mail address would replace the user: delete it
  with its MFA devices and create a stranger of the same name. The custom resource updates
  the address in place (``UpdateUser``) and only a new user name is a new user.

Construct ids derive from the names (plus a short digest, so ``alice.b`` and ``alice-b``
stay apart): a user or group keeps its logical id for as long as its name, and a new name
is a new resource. Assignments refer to the ids by reference (``Fn::GetAtt``), so nothing is
looked up. Sources: CloudFormation ``AWS::IdentityStore::Group``, ``GroupMembership``,
``User``; Identity Store API Reference, ``CreateUser``, ``UpdateUser``, ``DeleteUser``,
``DescribeUser``; Service Authorization Reference, "AWS Identity Store".
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from aws_cdk import Aws, CustomResource
from aws_cdk import aws_iam as iam
from aws_cdk import aws_identitystore as identitystore
from constructs import Construct

from ..config.identity_store import IdentityStoreConfig, IdentityStoreGroupConfig, IdentityStoreUserConfig
from ..inline_handler import inline_handler

#: The only Identity Store actions the user function may call (Identity Store API Reference).
USER_ACTIONS: tuple[str, ...] = (
    "identitystore:CreateUser",
    "identitystore:DescribeUser",
    "identitystore:UpdateUser",
    "identitystore:DeleteUser",
)

#: Log group of the user function (fixed, so its grant needs no reference to the function).
USER_HANDLER_LOG_GROUP = "/iam-baseline/identity-store-users"

#: Source of the user function, shipped inline as ``Code.ZipFile``.
USER_HANDLER_SOURCE = (Path(__file__).parent / "identity_store_user_handler.py").read_text(encoding="utf-8")


def name_id(name: str) -> str:
    """A construct id for a user or group name: its letters and digits, then 8 hex digits of
    the name's SHA-256, so that names differing only in punctuation stay distinct."""
    words = re.split(r"[^A-Za-z0-9]+", name)
    return "".join(w[:1].upper() + w[1:] for w in words) + hashlib.sha256(name.encode()).hexdigest()[:8]


def identity_store_arn(identity_store_id: str) -> str:
    """ARN of an identity store: ``arn:<partition>:identitystore::<account>:identitystore/<id>``."""
    return f"arn:{Aws.PARTITION}:identitystore::{Aws.ACCOUNT_ID}:identitystore/{identity_store_id}"


def user_properties(user: IdentityStoreUserConfig) -> str:
    """The ``User`` property of the custom resource: one JSON document, so the handler receives
    the optional attributes as absent rather than as the strings CloudFormation would make of them."""
    document = {
        "UserName": user.user_name,
        "DisplayName": user.display_name,
        "GivenName": user.given_name,
        "FamilyName": user.family_name,
        "Email": user.email,
        "Title": user.title,
        "Department": user.department,
    }
    return json.dumps({k: v for k, v in document.items() if v is not None}, sort_keys=True)


class IdentityStoreUserFunction(Construct):
    """The function behind every ``Custom::IdentityStoreUser`` of a stack (inline Python, 30 s).

    Its role carries one customer managed policy: :data:`USER_ACTIONS` on this identity
    store and its users (every Identity Store action is authorized on the identity store
    *and* on the user, so the store's ARN confines ``user/*`` to this store), plus log writes
    to :data:`USER_HANDLER_LOG_GROUP`. No group, membership or other action.

    Args:
        identity_store_id: the identity store the function may change users in.

    Attributes:
        function: the Lambda function (its ARN is the service token).
    """

    def __init__(self, scope: Construct, id: str, *, identity_store_id: str) -> None:
        super().__init__(scope, id)
        self.function = inline_handler(
            self,
            "Function",
            source=USER_HANDLER_SOURCE,
            statements=[
                iam.PolicyStatement(
                    actions=list(USER_ACTIONS),
                    resources=[identity_store_arn(identity_store_id), f"arn:{Aws.PARTITION}:identitystore:::user/*"],
                )
            ],
            log_group_name=USER_HANDLER_LOG_GROUP,
            timeout_seconds=30,
            description="Creates, updates and deletes Identity Center users (CloudFormation custom resource).",
            role_description="Runs the Identity Store user handler.",
            policy_description="Identity Store user handler: create, describe, update and delete users of one identity store.",
        )


class IdentityStoreUser(Construct):
    """One person of the Identity Center directory: a ``Custom::IdentityStoreUser``.

    Args:
        identity_store_id: the directory (``d-`` and 10 hex digits, or a UUID).
        user: user name, display name, given and family name, primary e-mail, optional title
            and department; validated by :class:`IdentityStoreUserConfig`.
        service_token: ARN of the :class:`IdentityStoreUserFunction`.

    Attributes:
        user_id: the user's identity-store id (``Ref``: the physical id is the ``UserId``).
    """

    def __init__(
        self, scope: Construct, id: str, *, identity_store_id: str, user: IdentityStoreUserConfig, service_token: str
    ) -> None:
        super().__init__(scope, id)
        self.user = user
        self.resource = CustomResource(
            self,
            "Resource",
            resource_type="Custom::IdentityStoreUser",
            service_token=service_token,
            properties={"IdentityStoreId": identity_store_id, "User": user_properties(user)},
        )
        self.user_id = self.resource.ref


class IdentityStoreGroup(Construct):
    """One group of the Identity Center directory and its members.

    Creates an ``AWS::IdentityStore::Group`` and, per member, an
    ``AWS::IdentityStore::GroupMembership`` (construct id from the member's user name, so
    adding or removing one member touches only that membership).

    Args:
        identity_store_id: the directory.
        group: display name, description, member user names (validated by the config).
        user_ids: user name -> identity-store user id, for every member.

    Attributes:
        group_id: the group's identity-store id (``Fn::GetAtt GroupId``).
        memberships: member user name -> its ``CfnGroupMembership``.

    Raises:
        KeyError: a member has no entry in ``user_ids`` (the config model refuses unknown members).
    """

    def __init__(
        self, scope: Construct, id: str, *, identity_store_id: str, group: IdentityStoreGroupConfig, user_ids: dict[str, str]
    ) -> None:
        super().__init__(scope, id)
        self.resource = identitystore.CfnGroup(
            self, "Resource", identity_store_id=identity_store_id, display_name=group.name, description=group.description
        )
        self.group_id = self.resource.attr_group_id
        self.memberships = {
            member: identitystore.CfnGroupMembership(
                self,
                f"Member{name_id(member)}",
                identity_store_id=identity_store_id,
                group_id=self.group_id,
                member_id=identitystore.CfnGroupMembership.MemberIdProperty(user_id=user_ids[member]),
            )
            for member in group.members
        }


class IdentityStoreDirectory(Construct):
    """Every declared user and group of ``identity_store``, with their memberships.

    Args:
        identity_store_id: the instance's identity store.
        identity_store: the users, groups and memberships to create, validated by
            :class:`IdentityStoreConfig`.

    Attributes:
        users: user name -> :class:`IdentityStoreUser`.
        groups: group name -> :class:`IdentityStoreGroup`.
        function: the :class:`IdentityStoreUserFunction` (``None`` without users).
    """

    def __init__(self, scope: Construct, id: str, *, identity_store_id: str, identity_store: IdentityStoreConfig) -> None:
        super().__init__(scope, id)
        self.function = (
            IdentityStoreUserFunction(self, "UserHandler", identity_store_id=identity_store_id) if identity_store.users else None
        )
        self.users = {
            user.user_name: IdentityStoreUser(
                self,
                f"User{name_id(user.user_name)}",
                identity_store_id=identity_store_id,
                user=user,
                service_token=self.function.function.function_arn,
            )
            for user in identity_store.users
        }
        user_ids = {name: user.user_id for name, user in self.users.items()}
        self.groups = {
            group.name: IdentityStoreGroup(
                self, f"Group{name_id(group.name)}", identity_store_id=identity_store_id, group=group, user_ids=user_ids
            )
            for group in identity_store.groups
        }

    def principal_id(self, principal_type: str, name: str) -> str | None:
        """The id of a declared group (``GROUP``) or user (``USER``) by reference, else ``None``."""
        if principal_type == "GROUP":
            return self.groups[name].group_id if name in self.groups else None
        return self.users[name].user_id if name in self.users else None
