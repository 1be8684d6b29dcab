"""Config models of service roles: roles that an AWS service assumes for a workload.

An EC2 instance, a Lambda function or an ECS task acts as its role, so whoever may *pass* the
role to the service (``iam:PassRole``) holds its permissions. Each service role is therefore:

* trusted by exactly one service principal, with ``aws:SourceAccount`` and ``aws:SourceArn``
  in the same statement where the service sets them when it assumes the role (the
  cross-service confused-deputy fence: IAM User Guide, "The confused deputy problem" >
  "Cross-service confused deputy prevention"; ECS sets them for task roles, Amazon ECS
  Developer Guide, "Amazon ECS task IAM role"; EC2 and Lambda do not for instance and
  execution roles, so none is promised there);
* given an instance profile when the service is EC2 (EC2 takes a role only through one:
  IAM User Guide, "Use instance profiles");
* bounded by the developer permissions boundary, with policies from the persona catalogue
  (:class:`~.machine_roles.CataloguePolicies`, none allowing ``*`` on ``*``), never ``admin``;
* passable only by the personas in ``passed_by``: each gets ``iam:PassRole`` on exactly this
  role's ARN with ``iam:PassedToService`` the service, in the same statement (IAM User Guide,
  "Grant a user permissions to pass a role to an AWS service"). Nothing else in the config
  grants ``iam:PassRole`` on it.

The developer guard rails deny every change to the baseline's tagged resources, service roles
included, and ``iam:PassRole`` is such a change; so is the developer permissions boundary,
which also allows no IAM action beyond the workload roles. A role passed by a persona that
creates workload roles (:data:`WORKLOAD_ROLE_CREATORS`) is therefore exempted from both, to its
service only (:func:`developer_passable_roles`); see that function for why only then.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, model_validator

from .machine_roles import CataloguePolicies
from .targeting import Targets, nearest
from .types import IamName, IamPath, ItemError, printable_text, unique
from .types import PersonaKey as Persona

if TYPE_CHECKING:
    from .models import BaselineConfig

#: The services a service role may be for (their service principals).
ServicePrincipal = Literal["ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com"]

#: Services that set ``aws:SourceAccount`` and ``aws:SourceArn`` when they assume a role, with the
#: ARN pattern of their resources (``{partition}``, ``{account}``), so the trust can require them.
#: Source: Amazon ECS Developer Guide, "Amazon ECS task IAM role" (trust policy example).
CONFUSED_DEPUTY_SOURCE_ARNS: dict[str, str] = {
    "ecs-tasks.amazonaws.com": "arn:{partition}:ecs:*:{account}:*",
}


#: Personas that create workload roles: the built-in developer, whose guard rails allow roles
#: under ``workload_role_path`` with the developer boundary (``identity/developer_access.py``).
WORKLOAD_ROLE_CREATORS: tuple[str, ...] = ("developer",)


class ServiceRoleConfig(CataloguePolicies):
    """A role an AWS service assumes for a workload (see the module docstring).

    ``max_session_duration_seconds``: 3600-43200 (IAM API Reference, ``CreateRole``).
    """

    name: IamName = Field(description="Role name (1-64 characters of [A-Za-z0-9+=,.@_-]).")
    reason: printable_text(1000, min_length=1) = Field(  # type: ignore[valid-type]
        description="What the workload needs the role for (shown in the access report; 1-1000 characters)."
    )
    service: ServicePrincipal = Field(description="The service principal: ec2, lambda or ecs-tasks .amazonaws.com.")
    path: IamPath = Field(
        "/service/",
        description="IAM path of the role and its instance profile: outside iam_path (whose roles the developer guard "
        "rails deny passing) and outside workload_role_path (whose roles developers may change).",
    )
    instance_profile: bool = Field(True, description="EC2 only: create an instance profile of the same name (EC2 needs one).")
    passed_by: unique(Persona, "persona") = Field(  # type: ignore[valid-type]
        (), description="Personas whose roles may pass this role to its service (iam:PassRole with iam:PassedToService)."
    )
    max_session_duration_seconds: int = Field(3600, ge=3600, le=43200, description="Maximum session, seconds (3600-43200).")
    admin: bool = Field(False, description="Refused when true: whoever passes the role would hold its permissions.")
    targets: Targets | None = Field(
        None,
        description="Member accounts that receive the role through the StackSets (organization only; passed_by then "
        "names the personas' roles there); null: the config's own account.",
    )

    @model_validator(mode="after")
    def _fenced(self) -> "ServiceRoleConfig":
        if self.admin:
            raise ItemError(
                ("admin",),
                "refused: every principal that may pass a service role acts as it, so an admin-equivalent service role "
                "turns iam:PassRole into administrator access; grant it narrow policies",
            )
        if self.targets is not None and self.targets.empty:
            raise ItemError(("targets",), "targets names no account: give accounts or ous (or leave targets out)")
        return self

    @property
    def has_instance_profile(self) -> bool:
        """True for an EC2 role with ``instance_profile`` (the default)."""
        return self.service == "ec2.amazonaws.com" and self.instance_profile

    def trust_conditions(self, partition: str, account: str) -> dict[str, dict[str, str]]:
        """The confused-deputy conditions of the trust statement (empty where the service sets none)."""
        pattern = CONFUSED_DEPUTY_SOURCE_ARNS.get(self.service)
        if pattern is None:
            return {}
        return {
            "StringEquals": {"aws:SourceAccount": account},
            "ArnLike": {"aws:SourceArn": pattern.format(partition=partition, account=account)},
        }


def developer_passable_roles(config: "BaselineConfig") -> tuple[ServiceRoleConfig, ...]:
    """The service roles of the config's own account (no ``targets``; a StackSet member's config
    holds its group's roles so) exempted from the developer guard rails' tag Deny (to their
    service only): those whose ``passed_by`` names a persona that creates workload roles
    (:data:`WORKLOAD_ROLE_CREATORS`)."""
    return tuple(
        r for r in config.service_roles if r.targets is None and set(r.passed_by) & set(WORKLOAD_ROLE_CREATORS)
    )


def member_passable_roles(config: "BaselineConfig") -> tuple[ServiceRoleConfig, ...]:
    """The targeted service roles (member accounts) whose ``passed_by`` names a persona that
    creates workload roles: the protection SCP spares their ``iam:PassRole`` to their service,
    as the member's developer guard rails do (in each member, :func:`developer_passable_roles`
    of its StackSet group's config)."""
    return tuple(
        r for r in config.service_roles if r.targets is not None and set(r.passed_by) & set(WORKLOAD_ROLE_CREATORS)
    )


def boundary_passable_roles(config: "BaselineConfig") -> tuple[ServiceRoleConfig, ...]:
    """The service roles the developer permissions boundary allows passing and exempts from its
    tag Deny (to their service only): those with a passer bounded by it. Such a role always has
    a workload role creator among its passers too (:func:`service_role_rules` refuses it
    otherwise), because of what the boundary is.

    Why: the boundary bounds *every* role a developer creates. Once it lets a role pass R, a
    developer may write a workload role whose policy passes R, and so acts as R. When the
    developer is among R's passers that gives nothing the developer lacks; otherwise it would
    hand R to every developer, against ``passed_by``. Roles without a bounded passer stay out:
    the exemption would serve no declared passer, and the boundary is one policy of at most
    6,144 characters.
    """
    from .personas import DEVELOPER_BOUNDARY

    bounded = {key for key, persona in config.personas.items() if persona.permissions_boundary == DEVELOPER_BOUNDARY}
    return tuple(r for r in developer_passable_roles(config) if set(r.passed_by) & bounded)


def service_role_rules(config: "BaselineConfig") -> None:
    """A service role's ``passed_by`` names personas with an MFA role, a persona bounded by the
    developer boundary passes a role only beside a workload role creator (else the boundary
    leaves the grant empty, see :func:`boundary_passable_roles`), its path is neither inside nor
    around ``iam_path`` or ``workload_role_path``, and its ``targets`` need an organization and
    name its accounts and OUs (unknown names: the nearest given); raises :class:`ItemError` there."""
    from .personas import DEVELOPER_BOUNDARY, persona_views

    views = persona_views(config)
    with_role = [key for key, view in views.items() if view.mfa_role]
    for index, role in enumerate(config.service_roles):
        if role.targets is not None:
            if config.organization is None:
                raise ItemError(("service_roles", index, "targets"), "targets need the organization section (member accounts to target)")
            config.organization.directory.resolve(role.targets, ("service_roles", index, "targets"))
        for position, key in enumerate(role.passed_by):
            if key not in with_role:
                raise ItemError(
                    ("service_roles", index, "passed_by", position),
                    f"{key!r} is not a persona with an MFA role (the grant is attached to that role); personas: {with_role}"
                    + (nearest(key, with_role) if nearest(key, with_role).startswith("; nearest") else ""),
                )
            custom = views[key].custom
            bounded = custom is not None and custom.permissions_boundary == DEVELOPER_BOUNDARY
            if bounded and not set(role.passed_by) & set(WORKLOAD_ROLE_CREATORS):
                raise ItemError(
                    ("service_roles", index, "passed_by", position),
                    f"persona {key!r} carries the developer permissions boundary, which lets a role pass a service "
                    f"role only when a persona that creates workload roles ({', '.join(WORKLOAD_ROLE_CREATORS)}) passes "
                    "it too: every role developers create carries that boundary, so allowing it there would hand "
                    f"{role.name} to every developer; add developer to passed_by or give {key!r} no developer boundary",
                )
        for key in ("iam_path", "workload_role_path"):
            other = getattr(config, key)
            if role.path.startswith(other) or other.startswith(role.path):
                raise ItemError(
                    ("service_roles", index, "path"),
                    f"path {role.path!r} overlaps {key} {other!r}: the developer guard rails deny passing roles under "
                    "iam_path, and developers may change roles under workload_role_path; choose a path of its own",
                )


def service_sid(service: str) -> str:
    """``ec2.amazonaws.com`` -> ``Ec2``, ``ecs-tasks.amazonaws.com`` -> ``EcsTasks`` (Sids are alphanumeric)."""
    return "".join(part.capitalize() for part in service.split(".")[0].split("-"))


def pass_role_exemption(
    roles: Sequence[tuple[str, str]], tagged: dict[str, Any], elsewhere: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The ``iam:PassRole`` part of a Deny on the baseline's tagged resources, minus ``roles``,
    each to its own service: the one rule that the developer guard rails
    (:func:`iam_baseline.identity.protection.passable_role_statements`, roles of
    :func:`developer_passable_roles`) and the ``ProtectDetection`` SCP
    (:func:`iam_baseline.organization.service_control_policies.protect_detection`, roles of
    :func:`member_passable_roles`) both write, so that they cannot drift apart.

    Args:
        roles: ``(role ARN or ARN pattern, service principal)`` of the exempted roles; empty: no
            statement (the tag Deny then covers ``iam:PassRole`` itself).
        tagged: the tag Deny's condition (``aws:ResourceTag/<key>``, and the SCP's exempt principals).
        elsewhere: more condition operators for the per-service Denies (the SCP's exempt principals).

    Returns:
        JSON statements, services sorted: ``DenyProtectedRolePassing`` denies passing any tagged
        role but ``roles``; ``DenyPassingElsewhere<Service>`` denies passing one of ``roles`` to
        any other service (``StringNotEquals`` also matches a request without
        ``iam:PassedToService``). Sources: IAM User Guide, "Grant a user permissions to pass a
        role to an AWS service"; "IAM condition context keys" > ``iam:PassedToService``.
    """
    if not roles:
        return []
    by_service: dict[str, list[str]] = {}
    for arn, service in roles:
        by_service.setdefault(service, []).append(arn)
    return [
        {"Sid": "DenyProtectedRolePassing", "Effect": "Deny", "Action": "iam:PassRole",
         "NotResource": [arn for arn, _ in roles], "Condition": tagged},
        *(
            {"Sid": f"DenyPassingElsewhere{service_sid(service)}", "Effect": "Deny", "Action": "iam:PassRole",
             "Resource": by_service[service],
             "Condition": {"StringNotEquals": {"iam:PassedToService": service}, **(elsewhere or {})}}
            for service in sorted(by_service)
        ),
    ]
