"""INV-BOUNDED-NO-ESCAPE: developers and every bounded role write nothing the baseline owns,
create no role without the boundary, and cannot shed it.

Subjects: the developer persona's principals (its IAM role, its SAML roles, its permission
sets) and a stand-in for *every* role a developer creates: a role bounded by the developer
boundary whose identity-based policy allows everything (IAM User Guide, "Permissions
boundaries for IAM entities": the effective permissions are the intersection).

For each subject, three families of requests, each proven by a statement (:mod:`.proofs`) or
refuted by a concrete counterexample:

1. every write (any action outside the Read/List access levels) to each IAM principal and
   managed policy under the baseline's ``iam_path``;
2. ``iam:CreateRole`` and ``iam:PutRolePermissionsBoundary`` with any boundary other than the
   developer boundary, or none;
3. ``iam:DeleteRolePermissionsBoundary``/``iam:DeleteUserPermissionsBoundary`` on any
   resource, and every edit of the boundary policy itself (new default version, deletion).
"""

from __future__ import annotations

from ....config.access_matrix import RequestContextConfig
from ....config.models import BaselineConfig
from ...engine.evaluator import Request, evaluate
from ...model.accounts import AccountScope
from ...model.subjects import Subject, subject_for
from ...model.templates import managed_policy
from ...engine.evaluator import PolicyKind
from .base import Counterexample, Finding, Invariant, NotProven, Proven
from .proofs import denies_all_writes_on, denies_unconditionally, never_allowed_by, only_with_key
from .requests import ALLOW_ALL

#: The boundary's IAM name (identity/boundary.py ``DeveloperBoundary``, under ``iam_path``).
BOUNDARY_NAME = "DeveloperBoundary"
#: Writes tried on a baseline principal or policy when no Deny proves them all refused.
IAM_WRITES = (
    "iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRole", "iam:TagRole",
    "iam:UpdateRole", "iam:DeletePolicy", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
    "iam:AddUserToGroup", "iam:PutGroupPolicy", "iam:AttachGroupPolicy", "iam:DeleteUser", "iam:CreateAccessKey",
    "iam:PutUserPolicy", "iam:AttachUserPolicy", "iam:CreateLoginProfile",
)
BOUNDARY_EDITS = ("iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion")
SHEDDING = ("iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary")
BOUNDARY_SETTING = ("iam:CreateRole", "iam:PutRolePermissionsBoundary")


def boundary_arn(scope: AccountScope, config: BaselineConfig) -> str:
    return scope.model.iam_arn(f"policy{config.iam_path}{BOUNDARY_NAME}")


def subjects(scope: AccountScope, config: BaselineConfig) -> list[Subject]:
    """The developer persona's principals and the bounded-role stand-in."""
    model = scope.model
    names = {("role", config.roles.developer.name)}
    federation = config.federation
    if federation is not None and federation.saml is not None:
        names |= {("role", r.name) for r in federation.saml.roles if r.persona == "developer"}
    if federation is not None and federation.identity_center is not None:
        names |= {("permission_set", p.name) for p in federation.identity_center.permission_sets if p.persona == "developer"}
    spec = RequestContextConfig()
    out = [subject_for(model, p, spec) for p in sorted(model.principals.values(), key=lambda p: p.ref)
           if (p.kind, p.name) in names]
    arn = boundary_arn(scope, config)
    if arn in model.managed_policies:
        boundary = managed_policy(model, arn, PolicyKind.BOUNDARY)
        probe_arn = model.iam_arn(f"role{config.workload_role_path}bounded-role-probe")
        session = f"arn:{model.partition}:sts::{model.account}:assumed-role/bounded-role-probe/probe"
        from ...engine.evaluator import RequestPrincipal

        out.append(Subject("bounded-role:*", RequestPrincipal(session, model.account, "role_session", probe_arn),
                           (ALLOW_ALL,), boundary, {"aws:PrincipalArn": probe_arn, "aws:PrincipalAccount": model.account}))
    return out


def _baseline_owned(scope: AccountScope, config: BaselineConfig) -> list[str]:
    model = scope.model
    owned = [p.arn for p in model.principals.values() if p.kind in ("user", "group", "role") and p.path == config.iam_path]
    owned += [arn for arn in model.managed_policies if f":policy{config.iam_path}" in arn]
    return sorted(set(owned))


def _try(scope: AccountScope, subject: Subject, action: str, resource: str, keys=None) -> Counterexample | None:
    request = Request(subject.principal, action, resource, {**subject.context, **(keys or {})})
    decision = evaluate(request, identity=subject.identity, boundary=subject.boundary, scps=scope.scps)
    return Counterexample(request, decision) if decision.allowed else None


def _policies(subject: Subject):
    return list(subject.identity) + ([subject.boundary] if subject.boundary else [])


def check_writes(scope: AccountScope, config: BaselineConfig, subject: Subject) -> Finding:
    label = f"{subject.label} writes to the baseline's resources"
    unproven = []
    for resource in _baseline_owned(scope, config):
        if denies_all_writes_on(_policies(subject), "iam", resource):
            continue
        for action in IAM_WRITES:
            found = _try(scope, subject, action, resource)
            if found:
                return Finding(label, found)
        unproven.append(resource)
    if unproven:
        return Finding(label, NotProven(f"no unconditional Deny of every write on {', '.join(unproven[:3])}"))
    return Finding(label, Proven(f"an unconditional Deny of every write covers each of {len(_baseline_owned(scope, config))} "
                                 f"baseline principals and policies under {config.iam_path}"))


def check_boundary_setting(scope: AccountScope, config: BaselineConfig, subject: Subject) -> Finding:
    label = f"{subject.label} creates a role without the boundary"
    arn = boundary_arn(scope, config)
    model = scope.model
    reasons = []
    for action in BOUNDARY_SETTING:
        reason = only_with_key(_policies(subject), action, "iam:PermissionsBoundary", {arn})
        if reason is None and never_allowed_by(list(subject.identity), action):
            reason = "no identity-based policy allows it"
        if reason is None and subject.boundary is not None and never_allowed_by([subject.boundary], action):
            reason = "the boundary allows it not"
        if reason is None:
            for resource in (model.iam_arn(f"role{config.workload_role_path}probe"), model.iam_arn("role/probe")):
                for keys in ({}, {"iam:PermissionsBoundary": f"arn:{model.partition}:iam::aws:policy/AdministratorAccess"}):
                    found = _try(scope, subject, action, resource, keys)
                    if found:
                        return Finding(label, found)
            return Finding(label, NotProven(f"{action}: no statement pins iam:PermissionsBoundary to {arn}"))
        reasons.append(f"{action}: {reason}")
    return Finding(label, Proven("; ".join(reasons)))


def check_shedding(scope: AccountScope, config: BaselineConfig, subject: Subject) -> Finding:
    label = f"{subject.label} sheds the boundary"
    model = scope.model
    arn = boundary_arn(scope, config)
    questions = [(a, "*") for a in SHEDDING] + [(a, arn) for a in BOUNDARY_EDITS]
    for action, resource in questions:
        probe = resource if resource != "*" else model.iam_arn(f"role{config.workload_role_path}probe")
        if resource == "*" and denies_unconditionally(_policies(subject), action, "*"):
            continue
        if resource != "*" and denies_unconditionally(_policies(subject), action, resource):
            continue
        if never_allowed_by(list(subject.identity), action, None if resource == "*" else resource):
            continue
        if subject.boundary is not None and never_allowed_by([subject.boundary], action, None if resource == "*" else resource):
            continue
        found = _try(scope, subject, action, probe)
        if found:
            return Finding(label, found)
        return Finding(label, NotProven(f"{action} on {resource}: neither refused by a Deny nor left unallowed"))
    return Finding(label, Proven(f"{len(questions)} boundary-removing requests refused by a Deny or never allowed"))


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
