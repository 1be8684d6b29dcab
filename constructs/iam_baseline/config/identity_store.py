"""Config model of the IAM Identity Center directory: the people and groups the baseline creates.

``federation.identity_center.identity_store`` declares groups (display name, description,
members) and users (user name, display and given/family name, primary e-mail, optional
title and department) of the Identity Center directory. It is allowed only when the
instance's identity source is that directory (``identity_source: identity_center_directory``,
the default): with an external identity provider, the IdP provisions users and groups
through SCIM, and a second writer of the same directory would undo its changes and have
its own undone at the next sync.

Names are unique (Identity Store ``UserName`` and group ``DisplayName`` are its unique
attributes, compared without regard to case), and every member of a group is a declared user.
Sources: Identity Store API Reference, ``CreateUser``, ``CreateGroup``, ``User``;
IAM Identity Center User Guide, "Manage identities in IAM Identity Center", "Provisioning an
external identity provider into IAM Identity Center using SCIM".
"""

from __future__ import annotations

import enum
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from .detection import EmailAddress
from .strict import StrictModel
from .types import ItemError, display_name


class IdentitySource(str, enum.Enum):
    """Where the users and groups of an Identity Center instance come from.

    Source: IAM Identity Center User Guide, "Manage your identity source".
    """

    #: The Identity Center directory: the baseline may create users, groups and memberships.
    IDENTITY_CENTER_DIRECTORY = "identity_center_directory"
    #: An external IdP (SCIM) or Active Directory: the baseline never writes the directory.
    EXTERNAL = "external"


#: Names the Identity Store reserves for itself. Source: Identity Store API ``CreateUser``, ``UserName``.
RESERVED_NAMES = frozenset({"administrator", "awsadministrators"})


def _not_reserved(value: str) -> str:
    if value.casefold() in RESERVED_NAMES:
        raise ValueError(f"{value!r} is reserved by the Identity Store (Administrator, AWSAdministrators)")
    return value


#: An Identity Store user name: 1-128 printable characters without blanks, not reserved.
#: Source: Identity Store API ``CreateUser``, ``UserName`` (``[\p{L}\p{M}\p{S}\p{N}\p{P}]+``).
UserName = Annotated[
    display_name(128),  # type: ignore[valid-type]
    StringConstraints(pattern=r"^[^\s]+$"),
    AfterValidator(_not_reserved),
]

#: An Identity Store group display name: 1-1024 printable characters, not blank, not reserved.
#: Source: Identity Store API ``CreateGroup``, ``DisplayName``.
GroupName = Annotated[display_name(1024), AfterValidator(_not_reserved)]  # type: ignore[valid-type]

#: A user attribute (display name, given name, title, ...): 1-1024 printable characters, not blank.
Attribute = display_name(1024)


class IdentityStoreUserConfig(StrictModel):
    """A person in the Identity Center directory (``Custom::IdentityStoreUser``).

    ``user_name`` is the person's sign-in name and the user's identity in the baseline: a
    new name means a new user (the old one, with its MFA devices, is deleted), so renaming
    is refused unless recorded on purpose (:mod:`iam_baseline.config.identity_store_lock`).
    Every other field is updated in place. With "Send email OTP" enabled in the Identity
    Center console, the person receives a one-time code at ``email`` at their first sign-in
    and sets a password (IAM Identity Center User Guide, "Email one-time password to users
    created with API or CLI").
    """

    user_name: UserName = Field(description="Sign-in name, 1-128 characters without blanks (unique, case-insensitive).")
    display_name: Attribute = Field(description="Name shown in the AWS access portal, e.g. 'Alice Example'.")
    given_name: Attribute = Field(description="Given (first) name.")
    family_name: Attribute = Field(description="Family (last) name.")
    email: EmailAddress = Field(description="Primary e-mail address (name@domain.tld): receives the sign-in code.")
    title: Attribute | None = Field(None, description="Job title (optional).")
    department: Attribute | None = Field(None, description="Department (optional; enterprise extension).")


class IdentityStoreGroupConfig(StrictModel):
    """A group of the Identity Center directory (``AWS::IdentityStore::Group``) and its members
    (one ``AWS::IdentityStore::GroupMembership`` each)."""

    name: GroupName = Field(description="Group display name, 1-1024 characters (unique, case-insensitive).")
    description: Attribute | None = Field(None, description="Group description (optional).")
    members: tuple[UserName, ...] = Field((), description="User names of declared users (identity_store.users).")


class IdentityStoreConfig(StrictModel):
    """Users and groups the baseline creates in the Identity Center directory.

    ``existing_groups`` and ``existing_users`` name principals created elsewhere (by hand,
    before the baseline) that assignments may still name: they are resolved by a lookup at
    deploy time. Any other name in an assignment must be declared here.
    """

    groups: tuple[IdentityStoreGroupConfig, ...] = Field((), description="Groups and their members.")
    users: tuple[IdentityStoreUserConfig, ...] = Field((), description="Users (people).")
    existing_groups: tuple[GroupName, ...] = Field((), description="Groups that exist outside the baseline.")
    existing_users: tuple[UserName, ...] = Field((), description="Users that exist outside the baseline.")

    @model_validator(mode="after")
    def _names(self) -> "IdentityStoreConfig":
        _unique("user name", [(("users", i, "user_name"), u.user_name) for i, u in enumerate(self.users)], "UserName")
        _unique("group name", [(("groups", i, "name"), g.name) for i, g in enumerate(self.groups)], "the group DisplayName")
        declared = {u.user_name.casefold(): u.user_name for u in self.users}
        for i, group in enumerate(self.groups):
            for j, member in enumerate(group.members):
                if member not in declared.values():
                    hint = f"; did you mean {declared[member.casefold()]!r}?" if member.casefold() in declared else ""
                    raise ItemError(
                        ("groups", i, "members", j),
                        f"unknown user {member!r} in group {group.name!r}; a member must be one of identity_store.users "
                        f"{sorted(declared.values())}{hint}",
                    )
            _unique(f"member of group {group.name!r}", [(("groups", i, "members", j), m) for j, m in enumerate(group.members)], "a membership")
        for kind, existing, own in (
            ("group", self.existing_groups, [g.name for g in self.groups]),
            ("user", self.existing_users, [u.user_name for u in self.users]),
        ):
            folded = {o.casefold() for o in own}
            for index, name in enumerate(existing):
                if name.casefold() in folded:
                    raise ItemError(
                        (f"existing_{kind}s", index),
                        f"{name!r} is also declared in identity_store.{kind}s: a {kind} is either created here or exists elsewhere",
                    )
        return self

    def has(self, principal_type: str, name: str) -> bool:
        """Whether ``name`` is a declared or existing group (``GROUP``) or user (``USER``)."""
        if principal_type == "GROUP":
            return name in {g.name for g in self.groups} or name in self.existing_groups
        return name in {u.user_name for u in self.users} or name in self.existing_users

    def declared(self, principal_type: str, name: str) -> bool:
        """Whether the baseline creates the group or user ``name`` (so it is referenced, not looked up)."""
        if principal_type == "GROUP":
            return name in {g.name for g in self.groups}
        return name in {u.user_name for u in self.users}


def _unique(what: str, entries: list[tuple[tuple[str | int, ...], str]], attribute: str) -> None:
    """Refuse, at the second one, two entries whose names are equal without regard to case (the Identity Store's rule)."""
    seen: dict[str, tuple[str | int, ...]] = {}
    for where, name in entries:
        key = name.casefold()
        if key in seen:
            first = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in seen[key]).lstrip(".")
            raise ItemError(
                where, f"duplicate {what} {name!r} (also {first}): {attribute} is unique in an identity store, whatever the case"
            )
        seen[key] = where
