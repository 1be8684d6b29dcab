"""Config models of IAM Identity Center: permission sets and their account assignments.

Props of :mod:`iam_baseline.federation.identity_center`. ISO-8601 session durations, inline
policy size and assignments naming unknown identity-store principals are refused at load time.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationInfo, field_validator, model_validator

from ..federation.policy_size import (
    PERMISSION_SET_INLINE_POLICY_MAX_CHARS,
    PolicySizeError,
    check_policy_size,
)
from .identity_store import IdentitySource, IdentityStoreConfig
from .regions import RegionName
from .strict import StrictModel
from .policy_document import check_identity_policy
from .types import (
    AccountId,
    IamPath,
    ItemError,
    ManagedPolicyName,
    PersonaKey as Persona,
    RelayState,
    TagKey,
    TagValue,
    display_name,
    iso_duration_seconds,
    printable_text,
    unique,
)
from .sections import refuse_duplicates, require_some

def session_duration_seconds(value: object) -> int:
    """Seconds of an ISO-8601 duration ``PT#H#M#S`` between PT1H and PT12H.

    Raises:
        ValueError: any other value, e.g. ``12h`` or ``43200``.
    """
    seconds = iso_duration_seconds(value)
    if seconds is None or not 3600 <= seconds <= 43200:
        shown = repr(value) if isinstance(value, str) else json.dumps(value)  # as YAML wrote it: true, not True
        raise ValueError(
            f"session duration {shown} is not an ISO-8601 duration from PT1H to PT12H "
            "(e.g. PT1H, PT8H, PT1H30M); IAM Identity Center refuses other forms"
        )
    return seconds


class ManagedPolicyReferenceConfig(StrictModel):
    """A customer managed policy by name and path; it must exist in every assigned account."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9+=,.@_-]+$")]
    path: IamPath = "/"


class PermissionsBoundaryConfig(StrictModel):
    """A permission set's permissions boundary: one customer managed or AWS managed policy."""

    customer_managed_policy: ManagedPolicyReferenceConfig | None = None
    aws_managed_policy: ManagedPolicyName | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "PermissionsBoundaryConfig":
        if (self.customer_managed_policy is None) == (self.aws_managed_policy is None):
            raise ValueError("give exactly one of customer_managed_policy, aws_managed_policy")
        return self


class PermissionSetConfig(StrictModel):
    """An IAM Identity Center permission set.

    ``persona`` adds the managed policies of that baseline persona (the same as its IAM
    role), so moving from IAM users to Identity Center keeps what people may do. Quotas:
    name 1-32 characters, description 1-700, relay state 1-240, one inline policy of at
    most 10,240 characters (whitespace excluded), session duration PT1H-PT12H.
    Source: IAM Identity Center API ``CreatePermissionSet``; "IAM Identity Center quotas".
    """

    name: Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9+=,.@_-]+$")] = Field(
        description="Permission set name (1-32 characters of [A-Za-z0-9+=,.@_-])."
    )
    persona: Persona | None = Field(None, description="Baseline persona whose policies the set carries.")
    description: printable_text(700, min_length=1, latin1=True) | None = Field(  # type: ignore[valid-type]
        None, description="1-700 printable characters (ASCII and Latin-1)."
    )
    session_duration: str = Field("PT1H", description="ISO-8601 duration PT1H..PT12H, e.g. PT8H.")
    relay_state: RelayState | None = Field(None, description="Console URL users land on after sign-in (1-240 characters).")
    aws_managed_policies: unique(ManagedPolicyName, "managed policy") = Field(  # type: ignore[valid-type]
        (), description="AWS managed policy names."
    )
    customer_managed_policies: unique(  # type: ignore[valid-type]
        ManagedPolicyReferenceConfig, "customer managed policy", fold=lambda p: (p.path, p.name)
    ) = ()
    inline_policy: dict[str, Any] | None = Field(
        None,
        description="At most one inline identity-based policy document (Version, Statement); '*' on '*' only with persona admin.",
    )
    permissions_boundary: PermissionsBoundaryConfig | None = None
    tags: dict[TagKey, TagValue] = Field(
        default_factory=dict, max_length=50, description="Tags of the permission set (at most 50; keys not 'aws:...')."
    )

    @field_validator("session_duration", mode="before")
    @classmethod
    def _iso_duration(cls, value: object) -> object:
        session_duration_seconds(value)
        return value

    @model_validator(mode="after")
    def _admin_only_with_admin_persona(self) -> "PermissionSetConfig":
        if self.inline_policy is not None and self.persona != "admin" and check_identity_policy(self.inline_policy):
            raise ItemError(
                ("inline_policy",),
                f"the inline policy allows '*' on '*' (every action on every resource), but the permission set's "
                f"persona is {self.persona or 'none'}: only persona admin may be admin-equivalent; narrow the "
                "statement, or set persona: admin",
            )
        return self

    @field_validator("inline_policy")
    @classmethod
    def _inline_policy_fits(cls, document: dict[str, Any] | None) -> dict[str, Any] | None:
        if document is None:
            return None
        check_identity_policy(document)  # grammar, operators, keys: see policy_document
        try:
            check_policy_size(document, limit=PERMISSION_SET_INLINE_POLICY_MAX_CHARS, what="the inline policy")
        except PolicySizeError as exc:
            raise ValueError(f"{exc}; move statements to a customer managed policy") from None
        return document


class PrincipalAssignmentConfig(StrictModel):
    """Grants one permission set to a group or user (the accounts are given by the subclass
    or, for an organizational unit, are the OU's accounts).

    The principal is given by identity-store id (``principal_id``) or by name
    (``principal_name``: a group's display name, a user's user name), resolved at deploy
    time by a lookup custom resource: synth never calls AWS.
    """

    permission_set: Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9+=,.@_-]+$")] = Field(
        description="Name of a permission set declared in federation.identity_center."
    )
    principal_type: Literal["GROUP", "USER"]
    principal_id: Annotated[
        str, StringConstraints(pattern=r"^(?:[0-9a-f]{10}-)?[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$")
    ] | None = None
    principal_name: display_name(1024) | None = Field(  # type: ignore[valid-type]
        None, description="Group display name or user name: 1-1024 printable characters, not blank."
    )

    @model_validator(mode="after")
    def _one_principal(self) -> "PrincipalAssignmentConfig":
        if (self.principal_id is None) == (self.principal_name is None):
            raise ValueError("give exactly one of principal_id, principal_name")
        return self


class AssignmentConfig(PrincipalAssignmentConfig):
    """Grants one permission set to a group or user in the listed accounts."""

    account_ids: unique(AccountId, "account id") = Field(  # type: ignore[valid-type]
        min_length=1, description="Accounts the assignment applies to (each once)."
    )


class IdentityCenterConfig(StrictModel):
    """IAM Identity Center permission sets and assignments, deployed to the management
    account or the delegated administrator, in the Identity Center home region."""

    instance_arn: Annotated[
        str, StringConstraints(pattern=r"^arn:aws(?:-cn|-us-gov)?:sso:::instance/(?:sso)?ins-[a-zA-Z0-9.-]{16}$")
    ] = Field(description="ARN of the Identity Center instance.")
    identity_store_id: Annotated[str, StringConstraints(pattern=r"^d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    account_id: AccountId = Field(description="Management or delegated administrator account.")
    region: RegionName = Field(description="Identity Center home region.")
    stack_name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9-]{0,127}$")] = "IamBaselineIdentityCenter"
    permission_sets: tuple[PermissionSetConfig, ...] = Field(description="Permission sets (at least one).")
    assignments: tuple[AssignmentConfig, ...] = ()
    identity_source: IdentitySource = Field(
        IdentitySource.IDENTITY_CENTER_DIRECTORY,
        description="identity_center_directory (default) or external (an IdP provisions users and groups through SCIM).",
    )
    identity_store: IdentityStoreConfig | None = Field(
        None, description="Users, groups and memberships the baseline creates (identity_center_directory only)."
    )

    @field_validator("identity_store")
    @classmethod
    def _one_writer(cls, store: IdentityStoreConfig | None, info: ValidationInfo) -> IdentityStoreConfig | None:
        if store is not None and info.data.get("identity_source") == IdentitySource.EXTERNAL:
            raise ValueError(
                "the identity source is external: the external IdP provisions users and groups (SCIM) and would "
                "overwrite what the baseline writes, and the baseline would undo its changes (two writers of one "
                "directory). Manage people and groups in the IdP and remove identity_store; assignments may still "
                "name them (looked up at deploy time)"
            )
        return store

    @model_validator(mode="after")
    def _references(self) -> "IdentityCenterConfig":
        require_some("permission_sets", self.permission_sets)
        names = [p.name for p in self.permission_sets]
        refuse_duplicates("permission set name", names, "names are unique in an instance", "permission_sets")
        granted: dict[tuple[str, str, str, str], int] = {}  # (set, type, principal, account) -> assignment
        for i, assignment in enumerate(self.assignments):
            principal = assignment.principal_id or assignment.principal_name or ""
            for j, account in enumerate(assignment.account_ids):
                key = (assignment.permission_set, assignment.principal_type, principal, account)
                if key in granted and granted[key] != i:
                    raise ItemError(
                        ("assignments", i, "account_ids", j),
                        f"assignments[{granted[key]}] already grants {assignment.permission_set} to "
                        f"{assignment.principal_type} {principal} in account {account}: list each grant once",
                    )
                granted[key] = i
        for i, assignment in enumerate(self.assignments):
            if assignment.permission_set not in names:
                raise ItemError(("assignments", i, "permission_set"), f"assignments[{i}]: unknown permission set {assignment.permission_set!r}; declared: {names}")
            principal_problem(("assignments", i), assignment, self.identity_store)
        return self


def principal_problem(where: tuple[str | int, ...], assignment: PrincipalAssignmentConfig, store: IdentityStoreConfig | None) -> None:
    """Refuse an assignment naming a principal that ``identity_store`` neither declares nor lists as existing.

    Without an ``identity_store`` section every name is looked up at deploy time (the
    principals live outside the baseline, e.g. provisioned by an external IdP).

    Raises:
        ItemError: at ``where`` + ``principal_name``: the name is unknown; the message names
            the declared and existing principals.
    """
    name = assignment.principal_name
    if store is None or name is None or store.has(assignment.principal_type, name):
        return
    kind, declared, existing = (
        ("group", [g.name for g in store.groups], store.existing_groups)
        if assignment.principal_type == "GROUP"
        else ("user", [u.user_name for u in store.users], store.existing_users)
    )
    raise ItemError(
        (*where, "principal_name"),
        f"unknown {kind} {name!r}: declare it in identity_store.{kind}s {sorted(declared)} or, if it "
        f"exists outside the baseline, list it in identity_store.existing_{kind}s {sorted(existing)}",
    )
