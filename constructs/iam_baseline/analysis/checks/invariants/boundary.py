"""INV-BOUNDED-NO-ESCAPE: developers and every bounded role write nothing the baseline owns,
create no role without the boundary, and cannot shed it.

Subjects: the principals of every persona bounded like developers (``developer`` and each
persona with ``permissions_boundary: developer``: its IAM role, its SAML roles, its permission
sets) and a stand-in for *every* role a developer creates: a role bounded by the developer
boundary whose identity-based policy allows everything (IAM User Guide, "Permissions
boundaries for IAM entities": the effective permissions are the intersection).

For each subject, three questions to the z3 engine (``find_allowed``), over any request
context (keys the caller does not fix are free), each proven (unsat), refuted by a
counterexample the concrete evaluator replays, or not proven (never a pass). A question a
single statement settles (an unconditional Deny, a Deny of any other ``iam:PermissionsBoundary``,
no Allow in a policy that must allow: :mod:`.proofs`) is proven by it first, z3 decides the rest:

1. any IAM action outside the Read and List access levels (action-name prefixes of the Service
   Authorization Reference, :data:`.proofs.READ_PREFIXES`; ``iam:PassRole`` hands a role over
   rather than writing it, and is the escalation graph's question) on any IAM principal or
   managed policy under the baseline's ``iam_path``;
2. ``iam:CreateRole`` or ``iam:PutRolePermissionsBoundary`` on any role with
   ``iam:PermissionsBoundary`` absent or any other policy than the developer boundary;
3. ``iam:DeleteRolePermissionsBoundary``/``iam:DeleteUserPermissionsBoundary`` on any role or
   user, and every edit of the boundary policy itself (new default version, deletion).
"""

from __future__ import annotations

from ....config.access_matrix import RequestContextConfig
from ....config.models import BaselineConfig
from ....config.personas import DEVELOPER_BOUNDARY, persona_views
from ...engine.policy import PolicyKind
from ...engine.request import RequestPrincipal
from ...engine.space import ActionSpace, RequestSpace, ResourceSpace, not_equals
from ...model.accounts import AccountScope
from ...model.actions import catalog
from ...model.subjects import Subject, subject_for
from ...model.templates import managed_policy
from .base import Finding, Invariant, Proven, Verdict
from .proofs import READ_PREFIXES, denies_all_writes_on, denies_unconditionally, never_allowed_by, only_with_key
from .requests import ALLOW_ALL
from .solver import ask

#: The boundary's IAM name (identity/boundary.py ``DeveloperBoundary``, under ``iam_path``).
BOUNDARY_NAME = "DeveloperBoundary"
#: Reads (Read and List access levels) and PassRole: not writes to the resource (docstring).
NOT_WRITES = (*(f"iam:{p}*" for p in READ_PREFIXES), "iam:PassRole")
BOUNDARY_EDITS = ("iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion")
SHEDDING = ("iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary")
BOUNDARY_SETTING = ("iam:CreateRole", "iam:PutRolePermissionsBoundary")


def boundary_arn(scope: AccountScope, config: BaselineConfig) -> str:
    """The ARN of the developer boundary in ``scope``'s account."""
    return scope.model.iam_arn(f"policy{config.iam_path}{BOUNDARY_NAME}")


def bounded_personas(config: BaselineConfig) -> tuple[str, ...]:
    """Keys of the personas bounded like developers: ``developer`` and every persona of
    ``personas:`` with ``permissions_boundary: developer``."""
    views = persona_views(config)
    return tuple(
        key for key, view in views.items()
        if key == "developer" or (view.custom is not None and view.custom.permissions_boundary == DEVELOPER_BOUNDARY)
    )


def subjects(scope: AccountScope, config: BaselineConfig) -> list[Subject]:
    """The principals of every developer-bounded persona (:func:`bounded_personas`: its MFA role,
    its SAML roles, its permission sets) and the bounded-role stand-in."""
    model = scope.model
    bounded = set(bounded_personas(config))
    views = persona_views(config)
    names = {("role", views[key].role.name) for key in bounded if views[key].mfa_role}
    federation = config.federation
    if federation is not None and federation.saml is not None:
        names |= {("role", r.name) for r in federation.saml.roles if r.persona in bounded}
    if federation is not None and federation.identity_center is not None:
        names |= {("permission_set", p.name) for p in federation.identity_center.permission_sets if p.persona in bounded}
    spec = RequestContextConfig()
    out = [subject_for(model, p, spec) for p in sorted(model.principals.values(), key=lambda p: p.ref)
           if (p.kind, p.name) in names]
    arn = boundary_arn(scope, config)
    if arn in model.managed_policies:
        boundary = managed_policy(model, arn, PolicyKind.BOUNDARY)
        probe_arn = model.iam_arn(f"role{config.workload_role_path}bounded-role-probe")
        session = f"arn:{model.partition}:sts::{model.account}:assumed-role/bounded-role-probe/probe"
        out.append(Subject("bounded-role:*", RequestPrincipal(session, model.account, "role_session", probe_arn),
                           (ALLOW_ALL,), boundary, {"aws:PrincipalArn": probe_arn, "aws:PrincipalAccount": model.account}))
    return out


def _baseline_owned(scope: AccountScope, config: BaselineConfig) -> list[str]:
    model = scope.model
    owned = [p.arn for p in model.principals.values() if p.kind in ("user", "group", "role") and p.path == config.iam_path]
    owned += [arn for arn in model.managed_policies if f":policy{config.iam_path}" in arn]
    return sorted(set(owned))


def _ask(scope: AccountScope, subject: Subject, actions: ActionSpace, resources: tuple[str, ...],
         context: dict | None = None) -> Verdict:
    space = RequestSpace(principals=(subject.principal,), actions=actions, resources=ResourceSpace(include=resources),
                         context=context or {})
    return ask(space, identity=subject.identity, boundary=subject.boundary, scps=scope.scps)


def _finding(label: str, verdict: Verdict, proven: str) -> Finding:
    return Finding(label, Proven(f"{verdict.method}: {proven}") if isinstance(verdict, Proven) else verdict)


def check_writes(scope: AccountScope, config: BaselineConfig, subject: Subject) -> Finding:
    """Question 1 of the module docstring: no write to what lies under ``iam_path``."""
    label = f"{subject.label} writes to the baseline's resources"
    owned = _baseline_owned(scope, config)
    policies = [*subject.identity, *([subject.boundary] if subject.boundary else [])]
    # An unconditional Deny of every IAM write on a resource proves it at once (sound, .proofs);
    # z3 is asked about the rest (measured: every write on 20 ARNs at once timed out at 10 s).
    open_ = [arn for arn in owned if not denies_all_writes_on(policies, "iam", arn)]
    denied = f"an unconditional Deny of every write covers {len(owned) - len(open_)} of {len(owned)}"
    if not open_:
        return Finding(label, Proven(f"{denied} baseline principals and policies under {config.iam_path}"))
    # The closed world takes only patterns that name catalog actions (IAM has no Describe*...).
    reads = tuple(p for p in NOT_WRITES if catalog().matching(p))
    verdict = _ask(scope, subject, ActionSpace(include=("iam:*",), exclude=reads), tuple(open_))
    return _finding(label, verdict, f"{denied}; no write to the other {len(open_)} under {config.iam_path}")


def _statement_proof(subject: Subject, action: str, resource: str | None, key: tuple[str, set[str]] | None = None) -> str | None:
    """Why a statement alone refuses ``action`` (on ``resource``) to ``subject``, or None (then z3 is asked)."""
    policies = [*subject.identity, *([subject.boundary] if subject.boundary else [])]
    if key is not None:
        reason = only_with_key(policies, action, *key)
        if reason:
            return reason
    elif denies_unconditionally(policies, action, resource or "*"):
        return "an unconditional Deny"
    if never_allowed_by(list(subject.identity), action, resource):
        return "no identity-based policy allows it"
    if subject.boundary is not None and never_allowed_by([subject.boundary], action, resource):
        return "the boundary allows it not"
    return None


def check_boundary_setting(scope: AccountScope, config: BaselineConfig, subject: Subject) -> Finding:
    """Question 2: no role created or re-bounded without the developer boundary."""
    label = f"{subject.label} creates a role without the boundary"
    arn = boundary_arn(scope, config)
    reasons = [_statement_proof(subject, a, None, ("iam:PermissionsBoundary", {arn})) for a in BOUNDARY_SETTING]
    if all(reasons):
        return Finding(label, Proven("; ".join(f"{a}: {r}" for a, r in zip(BOUNDARY_SETTING, reasons))))
    verdict = _ask(scope, subject, ActionSpace(include=BOUNDARY_SETTING), (scope.model.iam_arn("role/*"),),
                   {"iam:PermissionsBoundary": not_equals(arn, absent_ok=True)})
    return _finding(label, verdict, f"no role created or re-bounded with iam:PermissionsBoundary absent or other than {arn}")


def check_shedding(scope: AccountScope, config: BaselineConfig, subject: Subject) -> Finding:
    """Question 3: no boundary removed, no edit of the boundary policy."""
    label = f"{subject.label} sheds the boundary"
    model = scope.model
    arn = boundary_arn(scope, config)
    questions = [(a, None) for a in SHEDDING] + [(a, arn) for a in BOUNDARY_EDITS]
    if all(_statement_proof(subject, a, r) for a, r in questions):
        return Finding(label, Proven(f"{len(questions)} boundary-removing requests refused by a Deny or never allowed"))
    verdict = _ask(scope, subject, ActionSpace(include=SHEDDING), (model.iam_arn("role/*"), model.iam_arn("user/*")))
    if isinstance(verdict, Proven):
        verdict = _ask(scope, subject, ActionSpace(include=BOUNDARY_EDITS), (arn,))
    return _finding(label, verdict, "no boundary removed from a role or user, no edit of the boundary policy")


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    out = []
    for subject in subjects(scope, config):
        out += [check_writes(scope, config, subject), check_boundary_setting(scope, config, subject),
                check_shedding(scope, config, subject)]
    return out


INVARIANT = Invariant(
    id="INV-BOUNDED-NO-ESCAPE",
    promise="developers and every role bounded by the developer boundary write nothing under the baseline's iam_path, "
    "create no role without the developer boundary, and cannot remove or edit the boundary",
    rule="IAM User Guide, 'Permissions boundaries for IAM entities' (effective permissions are the intersection; "
    "iam:PermissionsBoundary condition key); 'Policy evaluation logic' (an explicit deny overrides any allow)",
    check=check,
)
