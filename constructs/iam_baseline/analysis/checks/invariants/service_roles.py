"""INV-SERVICE-ROLE-PASS: only the personas the config names may pass a service role, and only to its service.

Passing a role to a service is acting as it (the service then runs the workload with the role's
permissions: IAM User Guide, "Grant a user permissions to pass a role to an AWS service"), so
for every service role of the scope's config and every principal of the scope (users, groups,
roles), the symbolic engine decides ``iam:PassRole`` on the role's ARN with every value of
``iam:PassedToService``:

* a persona role of ``passed_by``: no request with ``iam:PassedToService`` other than the role's
  service is allowed;
* any other principal: no request at all, except the config's admin-equivalent principals
  (``access_matrix.admin_principals`` and what :func:`.admin.admin_refs` derives), which may do
  everything by design.

The escalation graph (issue 19) turns "may pass R to S" into an edge "acts as R"; this invariant
is the config's promise about who holds such an edge to a service role.
"""

from __future__ import annotations

from ....config.access_matrix import RequestContextConfig
from ....config.models import BaselineConfig
from ....config.personas import persona_views
from ....config.service_roles import ServiceRoleConfig
from ...engine.space import FREE, ActionSpace, RequestSpace, ResourceSpace, not_equals
from ...model.accounts import AccountScope
from ...model.subjects import subject_for
from ...model.templates import Principal
from .admin import admin_refs
from .base import Finding, Invariant, NotProven, Proven, Verdict
from .proofs import never_allowed_by
from .solver import ask


def _passers(config: BaselineConfig, service_role: ServiceRoleConfig) -> set[str]:
    """Refs of the persona roles that may pass ``service_role``."""
    views = persona_views(config)
    return {f"role:{views[persona].role.name}" for persona in service_role.passed_by if persona in views}


def check_pass(scope: AccountScope, config: BaselineConfig, service_role: ServiceRoleConfig, role: Principal,
               principal: Principal) -> Verdict:
    """Whether ``principal`` passes ``role`` only as the config says."""
    subject = subject_for(scope.model, principal, RequestContextConfig())
    # Sound without the solver (implicit deny), and spares z3 the principal's unrelated
    # policies, whose actions the pinned catalog may not know yet (AWS managed policies grow).
    if never_allowed_by(list(subject.identity), "iam:PassRole", role.arn):
        return Proven("no identity-based policy allows iam:PassRole on it")
    if subject.boundary is not None and never_allowed_by([subject.boundary], "iam:PassRole", role.arn):
        return Proven("the permissions boundary allows no iam:PassRole on it")
    passer = principal.ref in _passers(config, service_role)
    passed_to = not_equals(service_role.service, absent_ok=True) if passer else FREE
    space = RequestSpace(
        principals=(subject.principal,),
        actions=ActionSpace(include=("iam:PassRole",)),
        resources=ResourceSpace(include=(role.arn,)),
        context={"iam:PassedToService": passed_to},  # every other key free: MFA or not, any time, any IP
    )
    what = f"passes {role.name} to a service other than {service_role.service}" if passer else f"passes {role.name}"
    return ask(space, identity=subject.identity, boundary=subject.boundary, scps=scope.scps, note=f"{principal.ref} {what}")


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    """One finding per (service role, principal of the scope that is not admin-equivalent)."""
    roles = {p.name: p for p in scope.model.principals.values() if p.kind == "role"}
    admins = admin_refs(scope.model, config)
    principals = sorted(
        (p for p in scope.model.principals.values() if p.kind in ("user", "group", "role") and p.ref not in admins),
        key=lambda p: p.ref,
    )
    findings = []
    # Targeted service roles live in member accounts, whose scope config holds them without targets.
    for service_role in (r for r in config.service_roles if r.targets is None):
        role = roles.get(service_role.name)
        if role is None:
            findings.append(Finding(f"role:{service_role.name}", NotProven("declared service role is not in the templates")))
            continue
        for principal in principals:
            if principal.name == service_role.name:
                continue
            verdict = check_pass(scope, config, service_role, role, principal)
            if isinstance(verdict, Proven):
                verdict = Proven(f"{verdict.method}; passes it " + (f"only to {service_role.service}" if principal.ref in
                                 _passers(config, service_role) else "not at all"))
            findings.append(Finding(f"{principal.ref} -> role:{service_role.name}", verdict))
    return findings


INVARIANT = Invariant(
    id="INV-SERVICE-ROLE-PASS",
    promise="a service role is passed (iam:PassRole) only by the personas its config names, and only to its own service "
    "(iam:PassedToService); admin-equivalent principals excepted",
    rule="IAM User Guide, 'Grant a user permissions to pass a role to an AWS service'; 'IAM condition context keys' > "
    "iam:PassedToService",
    check=check,
)
