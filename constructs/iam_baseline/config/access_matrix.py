"""The access matrix: who may (and may not) do what, pinned in the config and proven by ``make check``.

Each expectation names a principal, an action, a resource and the request context, and says
whether the synthesized policies must allow or deny it. ``make check``
(``python -m iam_baseline.analysis.check``) evaluates every expectation offline against the
templates with AWS's policy evaluation logic, and runs the privilege-escalation search for
every principal that is not listed in ``admin_principals``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

#: ``kind:name`` with kind user, group (a member of the group), role, persona (the persona's
#: role), federated (an identity provider ARN suffix) or service; the name may use ``*``
#: and ``?`` to expand over every matching principal of the assembly. In ``admin_principals``
#: also ``identity_center_user:USER NAME`` and ``identity_center_group:GROUP NAME`` (names
#: may hold spaces): IAM Identity Center people allowed to reach admin permission sets.
PrincipalRef = Annotated[
    str,
    StringConstraints(
        pattern=r"^(?:(user|group|role|persona|permission_set|federated|service):\S+|identity_center_(?:user|group):\S(?:.*\S)?)$"
    ),
]

#: An IAM action ``service:Action`` (no wildcard: a request names one action).
ActionName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+:[A-Za-z0-9]+$")]


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
    source_ip: str | None = Field(None, description="aws:SourceIp of the request.")
    keys: dict[str, str | tuple[str, ...]] = Field(
        default_factory=dict, description="Further request context keys and their values."
    )


class Expectation(_Strict):
    """One row of the access matrix: principal x action x resource x context -> allowed or denied."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")] = Field(
        description="Unique id, lower-case letters, digits and hyphens (1-80 characters)."
    )
    principal: PrincipalRef = Field(description="Who makes the request, e.g. role:Developer or group:Developers.")
    action: ActionName = Field(description="The IAM action, e.g. iam:CreateRole.")
    resource: str = Field(
        "*",
        min_length=1,
        description="Resource ARN; {account}, {partition} and {region} are filled in; role:NAME etc. name a principal.",
    )
    context: RequestContextConfig = RequestContextConfig()
    expect: Literal["allowed", "denied"] = Field(description="The decision the policies must reach.")
    because: str = Field(min_length=1, max_length=500, description="The promise this row pins, for the failure message.")


class AccessMatrixConfig(_Strict):
    """The access matrix section of ``config/baseline.yaml``.

    ``admin_principals`` are allowed to be admin-equivalent; the privilege-escalation search
    runs on every other user, role and group member, and fails on any reachable path.
    """

    admin_principals: tuple[PrincipalRef, ...] = Field(
        ("persona:admin",), description="Principals that may be admin-equivalent (exempt from the escalation search)."
    )
    escalation_search: bool = Field(True, description="Search the known privilege-escalation paths.")
    expectations: tuple[Expectation, ...] = Field((), description="The expectations.")

    @model_validator(mode="after")
    def _unique_ids(self) -> AccessMatrixConfig:
        ids = [e.id for e in self.expectations]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate expectation ids {dupes}: each row needs its own id")
        return self
