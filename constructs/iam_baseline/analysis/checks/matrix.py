"""Evaluate the access matrix of the config against the synthesized templates.

Each :class:`~iam_baseline.config.access_matrix.Expectation` expands to one check per
matching principal (``user:*`` checks every user). Requests to assume a role
(``sts:AssumeRole``, ``sts:AssumeRoleWithSAML``, ``sts:AssumeRoleWithWebIdentity``) are
decided with the role's trust policy and the caller's policies
(:func:`~..evaluator.evaluate_assume_role`); every other request with the caller's
identity-based policies and permissions boundary (:func:`~..evaluator.evaluate`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fnmatch import fnmatchcase

from ...config.access_matrix import AccessMatrixConfig, Expectation, RequestContextConfig
from ...config.models import BaselineConfig
from ...config.personas import persona_views
from ..engine.evaluator import Decision, evaluate, evaluate_assume_role
from ..engine.request import Request
from ..model.subjects import Subject, external_subject, fill, subject_for
from ..model.templates import AccountModel, Principal

#: Actions whose resource is a role and whose resource-based policy is the role's trust policy.
ASSUME_ROLE_ACTIONS = frozenset(
    a.lower() for a in ("sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity", "sts:TagSession")
)


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: what was asked, what the policies decided, and why."""

    check: str  # expectation id or escalation path id
    subject: str
    summary: str  # "iam:CreateRole on arn:... (mfa)"
    passed: bool
    message: str
    decision: Decision | None = None
    #: The request that failed (a counterexample), kept so that it can be replayed.
    request: Request | None = None


class MatrixError(ValueError):
    """An expectation that names something the assembly does not hold."""


def persona_roles(config: BaselineConfig) -> dict[str, str]:
    """persona -> role name, from the config (``persona:admin`` -> ``role:Admin``)."""
    return {key: view.role.name for key, view in persona_views(config).items() if view.mfa_role}


def expand_principals(model: AccountModel, config: BaselineConfig, ref: str) -> list[Principal]:
    """The principals of the assembly that ``ref`` (``kind:name-glob``) stands for.

    Raises:
        MatrixError: no principal matches.
    """
    kind, _, pattern = ref.partition(":")
    if kind == "persona":
        roles = persona_roles(config)
        names = [name for persona, name in roles.items() if fnmatchcase(persona, pattern)]
        found = [p for p in model.principals.values() if p.kind == "role" and p.name in names]
    else:
        found = [p for p in model.principals.values() if p.kind == kind and fnmatchcase(p.name, pattern)]
    if not found:
        raise MatrixError(f"{ref}: no such principal in the assembly")
    return sorted(found, key=lambda p: p.ref)


def resolve_resource(model: AccountModel, config: BaselineConfig, resource: str) -> str:
    """Fill ``{account}``, ``{partition}``, ``{region}``; ``role:NAME``/``persona:X`` -> the ARN."""
    if resource.startswith(("role:", "user:", "group:", "persona:")):
        return expand_principals(model, config, resource)[0].arn
    return fill(model, resource)


def decide(model: AccountModel, subject: Subject, action: str, resource: str, extra_context=None) -> Decision:
    """Decide one request of ``subject``; role assumption goes through the trust policy."""
    context = dict(subject.context) | dict(extra_context or {})
    request = Request(subject.principal, action, resource, context)
    if action.lower() in ASSUME_ROLE_ACTIONS:
        role = model.principals.get(resource)
        if role is None or role.trust is None:
            # A role outside the assembly (the CDK bootstrap roles, roles of other tools or
            # accounts): its trust policy is unknown, so assume the worst, that it trusts the
            # caller's account, as the CDK bootstrap roles do. The caller's own identity-based
            # policies and boundary then decide; a "denied" row holds only if they deny.
            decision = evaluate(request, identity=subject.identity, boundary=subject.boundary)
            return replace(decision, reason=f"{decision.reason} (trust policy of {resource} unknown: "
                           "decided by the caller's policies, as if the role trusted the account)")
        return evaluate_assume_role(request, trust_policy=role.trust, identity=subject.identity, boundary=subject.boundary)
    return evaluate(request, identity=subject.identity, boundary=subject.boundary)


def subjects_for(model: AccountModel, config: BaselineConfig, ref: str, spec: RequestContextConfig) -> list[Subject]:
    """Every caller ``ref`` stands for, with the request context ``spec``."""
    kind, _, name = ref.partition(":")
    if kind in ("federated", "service"):
        return [external_subject(model, kind, name, spec)]
    return [subject_for(model, p, spec) for p in expand_principals(model, config, ref)]


def describe_context(spec: RequestContextConfig) -> str:
    auth = spec.auth or "default auth"
    mfa = "no MFA" if not spec.mfa else f"MFA {spec.mfa_age_seconds}s ago"
    if spec.auth == "access_key":
        mfa = "no MFA key"
    extra = "".join(f", {k}={v}" for k, v in spec.keys.items())
    return f"{auth}, {mfa}{extra}"


def check_expectation(model: AccountModel, config: BaselineConfig, expectation: Expectation) -> list[CheckResult]:
    """One result per caller the expectation stands for."""
    resource = resolve_resource(model, config, expectation.resource)
    results = []
    for subject in subjects_for(model, config, expectation.principal, expectation.context):
        # {self}/{username}: the caller's own ARN and name, so one row covers every user.
        own = resource.replace("{self}", str(subject.context.get("aws:PrincipalArn", ""))).replace(
            "{username}", str(subject.context.get("aws:username", "")))
        decision = decide(model, subject, expectation.action, own)
        got = "allowed" if decision.allowed else "denied"
        summary = f"{expectation.action} on {own} ({describe_context(expectation.context)})"
        passed = got == expectation.expect
        message = (
            f"{subject.label}: {summary}: expected {expectation.expect}, got {decision.explain()}"
            f" -- promise: {expectation.because}"
        )
        results.append(CheckResult(expectation.id, subject.label, summary, passed, message, decision))
    return results


def missing_principals(model: AccountModel, config: BaselineConfig, matrix: AccessMatrixConfig) -> dict[str, list[str]]:
    """Each principal reference of the rows that the assembly lacks -> the ids of the rows naming it.

    Federated and service principals are outside the assembly by nature and never missing.
    """
    missing: dict[str, list[str]] = {}
    for expectation in matrix.expectations:
        refs = [expectation.principal]
        if expectation.resource.startswith(("role:", "user:", "group:", "persona:")):
            refs.append(expectation.resource)
        for ref in refs:
            if ref.startswith(("federated:", "service:")):
                continue
            try:
                expand_principals(model, config, ref)
            except MatrixError:
                missing.setdefault(ref, []).append(expectation.id)
    return missing


def check_matrix(model: AccountModel, config: BaselineConfig, matrix: AccessMatrixConfig) -> list[CheckResult]:
    """Evaluate every expectation; a reference to a missing principal is a failed check."""
    results: list[CheckResult] = []
    for expectation in matrix.expectations:
        try:
            results += check_expectation(model, config, expectation)
        except MatrixError as error:
            results.append(CheckResult(expectation.id, expectation.principal, "", False, str(error)))
    return results
