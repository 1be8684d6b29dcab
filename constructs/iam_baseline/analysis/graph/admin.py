"""Who is an administrator: admin-equivalence of a principal, and the admins a config declares.

Admin-equivalent (IAM without limits): allowed to attach AdministratorAccess to a role, to write
a role's inline policy and to create users, on resources the baseline does not name (a stand-in
role and user), with the SCPs of its account. Declared: the config's
``access_matrix.admin_principals`` and what follows from it (see :func:`admin_refs`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ...config.models import BaselineConfig
from ...config.personas import admin_personas, persona_views
from ..engine.evaluator import evaluate
from ..engine.policy import Policy
from ..engine.request import Request
from ..model.subjects import Subject
from ..model.templates import AccountModel

STAND_IN_ROLE = "role/OrganizationAccountAccessRole"
#: A role outside the assembly that holds AdministratorAccess and trusts an AWS service (the
#: worst case the PassRole rules assume: its trust is unknown). Not OrganizationAccountAccessRole,
#: which trusts the management account only, so no service could run with it.
STAND_IN_SERVICE_ROLE = "role/admin-role-outside-the-assembly"
STAND_IN_USER = "user/another-user"


def admin_probes(model: AccountModel) -> list[tuple[str, str, dict[str, str]]]:
    """The three requests an administrator may make: (action, resource, extra context)."""
    admin_policy = f"arn:{model.partition}:iam::aws:policy/AdministratorAccess"
    return [
        ("iam:AttachRolePolicy", model.iam_arn(STAND_IN_ROLE), {"iam:PolicyARN": admin_policy}),
        ("iam:CreateUser", model.iam_arn(STAND_IN_USER), {}),
        ("iam:PutRolePolicy", model.iam_arn(STAND_IN_ROLE), {}),
    ]


def is_admin_equivalent(model: AccountModel, subject: Subject, scps: Sequence[Sequence[Policy]] = ()) -> bool:
    """Allowed to attach AdministratorAccess to a role, write a role policy and create users."""
    for action, resource, extra in admin_probes(model):
        request = Request(subject.principal, action, resource, dict(subject.context) | extra)
        if not evaluate(request, identity=subject.identity, boundary=subject.boundary, scps=scps).allowed:
            return False
    return True


def admin_refs(model: AccountModel, config: BaselineConfig) -> set[str]:
    """The refs the config makes admin in ``model``.

    Declared: ``access_matrix.admin_principals`` and the admin personas (``admin`` and every
    persona with ``admin: true``); ``persona:X`` covers X's IAM role, SAML roles and permission
    sets. Derived: every group whose ``assumable_roles`` include an admin persona, the
    break-glass group (users mode) and every OIDC deploy role that may assume the CDK deploy
    role. A group's members are admins too.
    """
    matrix = config.access_matrix
    admins = admin_personas(config)  # admin and every persona declared admin: true
    declared = list(matrix.admin_principals if matrix else ())
    declared += [f"persona:{key}" for key in admins]
    declared += [f"group:{g.name}" for _, g in config.groups.items() if set(admins) & set(g.assumable_roles)]
    if config.break_glass is not None and config.break_glass.mode == "users":
        declared.append(f"group:{config.break_glass.group_name}")
    federation = config.federation
    if federation is not None and federation.oidc is not None:
        declared += [f"role:{r.name}" for r in federation.oidc.deploy_roles if "deploy" in r.cdk_roles]
    refs: set[str] = set()
    for ref in declared:
        kind, _, name = ref.partition(":")
        if kind == "persona":
            persona = persona_views(config).get(name)
            if persona is not None and persona.mfa_role:
                refs.add(f"role:{persona.role.name}")
            if federation is not None and federation.saml is not None:
                refs |= {f"role:{r.name}" for r in federation.saml.roles if r.persona == name}
            if federation is not None and federation.identity_center is not None:
                refs |= {f"permission_set:{p.name}" for p in federation.identity_center.permission_sets if p.persona == name}
        else:
            refs.add(ref)
    groups = {r.split(":", 1)[1] for r in refs if r.startswith("group:")}
    refs |= {p.ref for p in model.principals.values() if p.kind == "user" and groups & set(p.groups)}
    return refs
