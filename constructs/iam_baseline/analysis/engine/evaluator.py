"""AWS's policy evaluation logic for one request within one account, offline.

The order follows the IAM User Guide, "Policy evaluation logic" > "Determining whether a
request is allowed or denied within an account" (the flow chart), rule by rule:

1. **Authentication and request context.** The caller supplies the request context
   (:class:`.request.Request`): principal, action, resource and context keys. Keys that the caller
   leaves out are *absent*, as ``aws:MultiFactorAuthPresent`` is for long-term access keys
   ("AWS global condition context keys"). A context AWS never sends (an MFA age without
   ``aws:MultiFactorAuthPresent`` true, or the converse) is refused (:mod:`.context_rules`).
2. **Explicit deny.** "An explicit deny in any policy overrides any allows": every applicable
   policy (SCPs, resource-based policy, identity-based policies, permissions boundary,
   session policies) is searched for a matching ``Deny`` statement first
   (:attr:`Outcome.EXPLICIT_DENY`).
3. **Service control policies.** When SCPs are given, every level of the organization (root,
   OUs, account) must allow the action ("Service control policies (SCPs)" > "SCP evaluation");
   otherwise the request is implicitly denied; SCPs spare service-linked roles and service
   principals (:func:`.org_levels.scp_governs`). **Resource control policies** are the same
   kind of level on the resource's side ("RCP evaluation"), for the requests that
   :func:`.org_levels.rcp_governs` says they govern (their Deny statements join rule 2 only then).
4. **Resource-based policy.** Within one account, a resource-based policy that allows an IAM
   user ARN or a role *session* ARN grants access by itself, unlimited by an implicit deny in
   identity-based policies, permissions boundaries or session policies; one that allows the
   *role* ARN is still limited by the role's permissions boundary and session policy; one
   that names the account (``arn:aws:iam::ACCOUNT:root``) only delegates to identity-based
   policies ("Policy evaluation logic" > "Evaluating identity-based policies with
   resource-based policies" and "Permissions boundaries for IAM entities" > "Evaluating
   effective permissions with boundaries").
5. **Identity-based policies.** Without an allow here (or from rule 4), implicit deny.
6. **Permissions boundary.** "An entity's permissions boundary allows it to perform only the
   actions that are allowed by both its identity-based policies and its permissions
   boundaries": without an allow in the boundary, implicit deny.
7. **Session policies.** "The resulting session's permissions are the intersection of the
   role's identity-based policy and the session policies": without an allow, implicit deny.
8. Otherwise the request is **allowed**.

Role assumption (:func:`evaluate_assume_role`) is the same logic with the role's trust
policy as the resource-based policy, except that the trust policy *must* allow: "the trust
policy of the role and the permissions policy of the principal both must allow"
("Grant a user permissions to switch roles" and "IAM roles" > "Role trust policy"), unless the
trust policy names the principal's own ARN, which by rule 4 suffices within one account.

Statement matching ("IAM JSON policy elements"): ``Action``/``NotAction`` and
``Resource``/``NotResource`` per :mod:`.patterns` (parsed in :mod:`.policy`),
``Principal``/``NotPrincipal`` for resource-based policies per :mod:`.principal_match`, and
``Condition`` per :mod:`.conditions`. The request itself is :mod:`.request`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .context_rules import check_context
from .org_levels import rcp_governs, scp_governs
from .patterns import lookup_in
from .policy import PRINCIPAL_KINDS, Policy, PolicyKind, Statement
from .principal_match import principal_match
from .request import Request

__all__ = [
    "Decision",
    "Outcome",
    "StatementRef",
    "evaluate",
    "evaluate_assume_role",
]


@dataclass(frozen=True)
class StatementRef:
    """A statement that took part in a decision, named for a human reader."""

    policy: str
    kind: PolicyKind
    index: int
    sid: str | None
    effect: str

    def __str__(self) -> str:
        label = self.sid or f"#{self.index}"
        return f"{self.kind.value} {self.policy} statement {label} ({self.effect})"


class Outcome(str, enum.Enum):
    ALLOWED = "allowed"
    EXPLICIT_DENY = "explicit deny"
    IMPLICIT_DENY = "implicit deny"


@dataclass(frozen=True)
class Decision:
    """The result of one evaluation and the statements that decided it.

    For an allow, ``deciding`` holds the allow statements of each policy type that had to
    allow; for an explicit deny, the matching deny statements; for an implicit deny, it is
    empty and ``reason`` names the policy type that had no allow.
    """

    outcome: Outcome
    reason: str
    deciding: tuple[StatementRef, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOWED

    def statements(self) -> str:
        """The deciding statements on one line, in the evaluator's order, each said once: a
        statement that decided at several levels (the same SCP attached to the root, an OU and
        the account) with ``at n levels``; empty when none decided."""
        counts: dict[str, int] = {}
        for ref in self.deciding:
            counts[str(ref)] = counts.get(str(ref), 0) + 1
        return "; ".join(text + (f" at {n} levels" if n > 1 else "") for text, n in counts.items())

    def explain(self) -> str:
        """One line: outcome, reason and the deciding statements."""
        refs = self.statements()
        return f"{self.outcome.value}: {self.reason}" + (f" [{refs}]" if refs else "")


def _ref(policy: Policy, statement: Statement) -> StatementRef:
    return StatementRef(policy.name, policy.kind, statement.index, statement.sid, statement.effect)


def _lookup_for(policy: Policy, request: Request):
    # Policy variables exist only in version 2012-10-17; older documents keep ${...} literal.
    return lookup_in(request.context) if policy.version == "2012-10-17" else None


def _matching(
    policy: Policy, request: Request, effect: str, has_boundary: bool = False
) -> list[tuple[Statement, str | None]]:
    """Statements of ``policy`` with ``effect`` that apply to ``request``.

    For resource-based policies the second item tells how the principal matched
    (``direct``, ``role``, ``account`` or ``any``), else ``None``.
    """
    lookup = _lookup_for(policy, request)
    out = []
    for statement in policy.statements:
        if statement.effect != effect or not statement.covers_action(request.action):
            continue
        how = None
        if policy.kind in PRINCIPAL_KINDS:
            how = principal_match(statement, request.principal, has_boundary)
            if how is None:
                continue
        if statement.covers_resource(request.resource, lookup) and statement.conditions_hold(request.context, lookup):
            out.append((statement, how))
    return out



def _find_denies(policies: Iterable[Policy], request: Request, has_boundary: bool) -> list[StatementRef]:
    return [_ref(p, s) for p in policies for s, _ in _matching(p, request, "Deny", has_boundary)]


def _allows(policies: Iterable[Policy], request: Request) -> list[StatementRef]:
    return [_ref(p, s) for p in policies for s, _ in _matching(p, request, "Allow")]


def evaluate(
    request: Request,
    *,
    identity: Sequence[Policy] = (),
    boundary: Policy | None = None,
    session: Sequence[Policy] = (),
    scps: Sequence[Sequence[Policy]] = (),
    rcps: Sequence[Sequence[Policy]] = (),
    resource_policy: Policy | None = None,
    resource_policy_required: bool = False,
) -> Decision:
    """Decide ``request`` against the principal's policies (see the module docstring).

    Args:
        request: principal, action, resource ARN and request context.
        identity: the identity-based policies of the principal (for a user, including those of
            its groups; inline and managed alike).
        boundary: the principal's permissions boundary, if any.
        session: session policies passed when the role session was created.
        scps: service control policies, one sequence per level of the organization
            (root, each OU, the account); empty when the account is not governed by SCPs.
        rcps: resource control policies of the account that owns the resource, one sequence
            per level; empty for a resource of the management account or outside the
            organization. They apply only where :func:`.org_levels.rcp_governs` says so.
        resource_policy: the resource-based policy of the resource (a role's trust policy for
            ``sts:AssumeRole``).
        resource_policy_required: the resource policy must allow by itself (role trust).

    Raises:
        PolicyError: a statement cannot be judged (e.g. an unknown condition operator).
        ImpossibleContext: a context AWS never sends (:mod:`.context_rules`).
    """
    check_context(request.context, request.principal.session_origin)
    if not rcp_governs(request.action, request.principal.kind, request.principal.role_arn):
        rcps = ()
    if not scp_governs(request.principal.kind, request.principal.role_arn):
        scps = ()
    applicable = [*(p for level in scps for p in level), *(p for level in rcps for p in level), *identity, *session]
    if boundary is not None:
        applicable.append(boundary)
    if resource_policy is not None:
        applicable.append(resource_policy)
    denies = _find_denies(applicable, request, boundary is not None)
    if denies:
        return Decision(Outcome.EXPLICIT_DENY, "an explicit deny in an applicable policy overrides any allow", tuple(denies))

    allowed_by: list[StatementRef] = []
    for kind, levels in (("service control policy", scps), ("resource control policy", rcps)):
        for level, policies in enumerate(levels):
            level_allows = _allows(policies, request)
            if not level_allows:
                return Decision(Outcome.IMPLICIT_DENY, f"no {kind} at organization level {level} allows it")
            allowed_by += level_allows

    resource_grant = None  # "direct" | "role" | "account" | "any"
    if resource_policy is not None:
        rank = {"direct": 3, "role": 2, "any": 3, "account": 1}
        for statement, how in _matching(resource_policy, request, "Allow"):
            if resource_grant is None or rank[how] > rank[resource_grant]:
                resource_grant = how
            allowed_by.append(_ref(resource_policy, statement))
        if resource_grant is None and resource_policy_required:
            return Decision(Outcome.IMPLICIT_DENY, f"the {resource_policy.kind.value} does not allow this principal")
        # "any" (Principal "*") names every caller, including this one directly.
        if resource_grant in ("direct", "any") and request.principal.kind in ("user", "role_session", "service", "federated"):
            return Decision(
                Outcome.ALLOWED,
                f"the {resource_policy.kind.value} allows the principal itself, which within one account suffices",
                tuple(allowed_by),
            )

    identity_allows = _allows(identity, request)
    if not identity_allows and resource_grant != "role":
        return Decision(Outcome.IMPLICIT_DENY, "no identity-based policy allows it")
    allowed_by += identity_allows
    if boundary is not None:
        boundary_allows = _allows([boundary], request)
        if not boundary_allows:
            return Decision(Outcome.IMPLICIT_DENY, f"the permissions boundary {boundary.name} does not allow it")
        allowed_by += boundary_allows
    if session:
        session_allows = _allows(session, request)
        if not session_allows:
            return Decision(Outcome.IMPLICIT_DENY, "no session policy allows it")
        allowed_by += session_allows
    return Decision(Outcome.ALLOWED, "allowed by every policy type that applies", tuple(allowed_by))


def evaluate_assume_role(
    request: Request,
    *,
    trust_policy: Policy,
    identity: Sequence[Policy] = (),
    boundary: Policy | None = None,
    session: Sequence[Policy] = (),
    scps: Sequence[Sequence[Policy]] = (),
    rcps: Sequence[Sequence[Policy]] = (),
) -> Decision:
    """Decide an ``sts:AssumeRole*`` request: the trust policy and the caller's policies.

    ``request.resource`` is the role's ARN and ``request.action`` one of ``sts:AssumeRole``,
    ``sts:AssumeRoleWithSAML``, ``sts:AssumeRoleWithWebIdentity`` (or ``sts:TagSession`` /
    ``sts:SetSourceIdentity``). ``trust_policy`` must have kind :attr:`PolicyKind.TRUST`.

    Raises:
        PolicyError: see :func:`evaluate`.
    """
    return evaluate(
        request,
        identity=identity,
        boundary=boundary,
        session=session,
        scps=scps,
        rcps=rcps,
        resource_policy=trust_policy,
        resource_policy_required=True,
    )
