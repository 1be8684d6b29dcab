"""The access matrix: who may (and may not) do what, pinned in the config and proven by ``make check``.

Each expectation names a principal, an action, a resource and the request context, and says
whether the synthesized policies must allow or deny it. ``make check``
(``python -m iam_baseline.analysis.check``) evaluates every expectation offline against the
templates with AWS's policy evaluation logic, and runs the privilege-escalation search for
every principal that is not listed in ``admin_principals``.
"""

from __future__ import annotations

from difflib import get_close_matches
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from .policy_document import condition_key_problem
from .types import ItemError, printable_text, unique

if TYPE_CHECKING:  # pragma: no cover - typing only; models.py imports this module
    from .models import BaselineConfig

#: ``kind:name`` with kind user, group (a member of the group), role, persona (the persona's
#: role), federated (an identity provider ARN suffix) or service; the name may use ``*``
#: and ``?`` to expand over every matching principal of the assembly. In ``admin_principals``
#: also ``identity_center_user:USER NAME`` and ``identity_center_group:GROUP NAME`` (names
#: may hold spaces): IAM Identity Center people allowed to reach admin permission sets.
#: ``member:admin``, ``member:root`` and ``member:stackset-execution`` are principals of the
#: organization's member accounts (rows with ``account``; see
#: ``iam_baseline.analysis.checks.member_accounts``).
PrincipalRef = Annotated[
    str,
    StringConstraints(
        pattern=r"^(?:(user|group|role|persona|permission_set|federated|service):[\x21-\x7e]+|identity_center_(?:user|group):[^\x00-\x20](?:.*[^\x00-\x20])?|member:(?:admin|root|stackset-execution))$"
    ),
]

#: An IAM action ``service:Action`` (no wildcard: a request names one action).
ActionName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+:[A-Za-z0-9]+$")]


#: The MFA keys, set from ``auth``/``mfa``/``mfa_age_seconds`` only (lower case).
_MFA_KEYS = ("aws:multifactorauthpresent", "aws:multifactorauthage")


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class RequestContextConfig(_Strict):
    """How the request is made (IAM User Guide, "AWS global condition context keys").

    ``auth``: ``console`` (a console session of an IAM user), ``access_key`` (long-term
    access keys: ``aws:MultiFactorAuthPresent`` and ``aws:MultiFactorAuthAge`` are absent),
    ``role_session`` (temporary credentials of an assumed role), ``web_identity`` or ``saml``
    (federation through an OIDC or SAML provider). Default: ``console`` for users, ``role_session``
    for roles. ``mfa_age_seconds``: seconds since the MFA sign-in (0-129600).
    ``keys``: any further request context keys, e.g. ``iam:PermissionsBoundary``.
    """

    auth: Literal["console", "access_key", "role_session", "web_identity", "saml"] | None = None
    mfa: bool = Field(True, description="Whether the session was authenticated with MFA.")
    mfa_age_seconds: int = Field(300, ge=0, le=129600, description="Seconds since MFA authentication (0-129600).")
    source_ip: Annotated[str, StringConstraints(pattern=r"^[0-9A-Fa-f.:/]{2,49}$")] | None = Field(
        None, description="aws:SourceIp of the request (an IPv4 or IPv6 address)."
    )
    keys: dict[str, str | tuple[str, ...]] = Field(
        default_factory=dict, description="Further request context keys and their values."
    )

    @field_validator("keys")
    @classmethod
    def _known_keys(cls, keys: dict[str, object]) -> dict[str, object]:
        for key in keys:
            # The MFA keys come from `auth`, `mfa` and `mfa_age_seconds`, which always set them
            # together as AWS does (the age is present exactly when MFA is true); one of them set
            # alone here would describe a request AWS never sends.
            if key.lower() in _MFA_KEYS:
                raise ItemError(
                    (key,),
                    f"{key} is set by the row's context (auth: access_key leaves it absent; mfa: true/false; "
                    "mfa_age_seconds: 0-129600), not under keys",
                )
            problem = condition_key_problem(key)
            if problem:
                raise ItemError((key,), problem)
        return keys


class Expectation(_Strict):
    """One row of the access matrix: principal x action x resource x context -> allowed or denied."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")] = Field(
        description="Unique id, lower-case letters, digits and hyphens (1-80 characters)."
    )
    principal: PrincipalRef = Field(description="Who makes the request, e.g. role:Developer or group:Developers.")
    action: ActionName = Field(description="The IAM action, e.g. iam:CreateRole.")
    resource: Annotated[str, StringConstraints(min_length=1, max_length=2048, pattern=r"^[\x21-\x7e]+$")] = Field(
        "*",
        description="Resource ARN; {account}, {partition} and {region} are filled in; role:NAME etc. name a principal; "
        "{self} and {username} are the caller's own ARN and user name.",
    )
    context: RequestContextConfig = RequestContextConfig()
    account: str | None = Field(
        None,
        description="For member:admin, member:root and member:stackset-execution: a member account id, an OU path or '*' (every member "
        "account); the request is decided with that account's SCPs (iam_baseline.analysis.checks.member_accounts).",
    )
    expect: Literal["allowed", "denied"] = Field(description="The decision the policies must reach.")
    because: printable_text(500, min_length=1) = Field(  # type: ignore[valid-type]
        description="The promise this row pins, for the failure message (1-500 printable characters)."
    )

    @model_validator(mode="after")
    def _account_for_member_rows(self) -> "Expectation":
        if self.account is not None and not self.principal.startswith("member:"):
            raise ValueError(
                f"account {self.account!r} applies to member:admin, member:root and member:stackset-execution rows only; "
                f"{self.principal} is a principal of the config's own account"
            )
        return self


class AccessMatrixConfig(_Strict):
    """The access matrix section of ``config/baseline.yaml``.

    ``admin_principals`` are allowed to be admin-equivalent; the privilege-escalation search
    runs on every other user, role and group member, and fails on any reachable path.
    """

    admin_principals: unique(PrincipalRef, "principal") = Field(  # type: ignore[valid-type]
        ("persona:admin",), description="Principals that may be admin-equivalent (exempt from the escalation search)."
    )
    escalation_search: bool = Field(
        True,
        description="Search the known privilege-escalation paths. It builds the one analysis graph over every "
        "account scope: with false, INV-HOPS-DECLARED (hub organizations) is reported as not proven.",
    )
    expectations: tuple[Expectation, ...] = Field((), description="The expectations.")

    @model_validator(mode="after")
    def _unique_ids(self) -> AccessMatrixConfig:
        first: dict[str, int] = {}
        for index, row in enumerate(self.expectations):
            if row.id in first:
                raise ItemError(
                    ("expectations", index, "id"),
                    f"duplicate expectation id {row.id!r} (also expectations[{first[row.id]}]): each row needs its own id",
                )
            first[row.id] = index
        return self


#: Principal kinds whose names the config itself declares (others come from the assembly or
#: from outside the account: generated role names, federated providers, services).
_DECLARED_KINDS = ("user", "group", "role", "persona", "permission_set")


def declared_principals(config: "BaselineConfig") -> dict[str, set[str]]:
    """Every principal name the config declares, by kind (``persona`` keys included)."""
    names: dict[str, set[str]] = {kind: set() for kind in _DECLARED_KINDS}
    names["persona"] = {"admin", "developer", "read_only", "support", *config.personas}
    names["user"] = {u.name for u in config.users}
    names["group"] = {g.name for _, g in config.groups.items()}
    names["role"] = {name for name, _ in config._role_names()}
    bg = config.break_glass
    if bg is not None and bg.mode == "users":
        names["user"] |= set(bg.users)
        names["group"].add(bg.group_name)
    elif bg is not None:
        names["role"].add(bg.role_name)
    center = config.federation.identity_center if config.federation else None
    if center is not None:
        names["permission_set"] = {p.name for p in center.permission_sets}
    store = center.identity_store if center is not None else None
    if store is not None:  # without it the people live outside the config: nothing to check against
        names["identity_center_user"] = {u.user_name for u in store.users} | set(store.existing_users)
        names["identity_center_group"] = {g.name for g in store.groups} | set(store.existing_groups)
    return names


def check_principal_references(config: "BaselineConfig") -> None:
    """Principals named in ``access_matrix`` exist, and ``admin_principals`` has no wildcard.

    A wildcard among the admin principals (``role:*``) would exempt every principal it
    matches from the privilege-escalation search, and a misspelt name would exempt nobody
    and test nothing: both weaken the proof without a word.

    Raises:
        ItemError: at the reference that is wrong, with the declared names of its kind.
    """
    matrix = config.access_matrix
    if matrix is None:
        return
    declared = declared_principals(config)
    for index, ref in enumerate(matrix.admin_principals):
        kind, _, name = ref.partition(":")
        if "*" in name or "?" in name:
            raise ItemError(
                ("access_matrix", "admin_principals", index),
                f"{ref!r} is a pattern: admin principals are exempt from the escalation search, so each must be "
                "named exactly (a wildcard would exempt every principal it matches)",
            )
        _must_exist(declared, kind, name, ref, ("access_matrix", "admin_principals", index))
    for index, row in enumerate(matrix.expectations):
        kind, _, name = row.principal.partition(":")
        if "*" not in name and "?" not in name:
            _must_exist(declared, kind, name, row.principal, ("access_matrix", "expectations", index, "principal"))


def _must_exist(declared: dict[str, set[str]], kind: str, name: str, ref: str, where: tuple[str | int, ...]) -> None:
    # Roles may also be generated by the baseline (custom resources): only a name that is
    # none of the config's and looks like a config name is refused, with the nearest one.
    if kind not in declared or name in declared[kind]:
        return
    close = get_close_matches(name, sorted(declared[kind]), n=1, cutoff=0.6)
    if kind == "role" and not close:
        return
    hint = f" (did you mean '{kind}:{close[0]}'?)" if close else ""
    listed = ", ".join(sorted(declared[kind])) or "none"
    raise ItemError(where, f"{ref!r} names no {kind.replace('_', ' ')} of this config{hint}; declared: {listed}")
