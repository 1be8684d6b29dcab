"""AWS's policy evaluation logic for one request within one account, offline.

The order follows the IAM User Guide, "Policy evaluation logic" > "Determining whether a
request is allowed or denied within an account" (the flow chart), rule by rule:

1. **Authentication and request context.** The caller supplies the request context
   (:class:`Request`): principal, action, resource and context keys. Keys that the caller
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
``Resource``/``NotResource`` per :mod:`.patterns`, ``Principal``/``NotPrincipal`` for
resource-based policies, and ``Condition`` per :mod:`.conditions`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .conditions import Condition, ContextValue, PolicyError, parse_conditions
from .context_rules import SessionOrigin, check_context
from .patterns import action_matches, arn_matches, lookup_in
from .org_levels import rcp_governs, scp_governs

__all__ = [
    "Decision",
    "Outcome",
    "Policy",
    "PolicyError",
    "PolicyKind",
    "Request",
    "RequestPrincipal",
    "StatementRef",
    "evaluate",
    "evaluate_assume_role",
]


class PolicyKind(str, enum.Enum):
    """Where a policy sits in the evaluation; names follow the IAM User Guide."""

    IDENTITY = "identity-based policy"
    BOUNDARY = "permissions boundary"
    SESSION = "session policy"
    SCP = "service control policy"
    RCP = "resource control policy"
    RESOURCE = "resource-based policy"
    TRUST = "trust policy"


def _strings(value: object, element: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) for item in items):
        raise PolicyError(f"{element} must be a string or a list of strings, got {value!r}")
    return tuple(items)


def _principal_map(value: object, element: str) -> dict[str, tuple[str, ...]]:
    if value == "*":
        return {"AWS": ("*",)}
    if not isinstance(value, dict):
        raise PolicyError(f"{element} must be \"*\" or an object, got {value!r}")
    return {kind: _strings(ids, f"{element}.{kind}") for kind, ids in value.items()}


@dataclass(frozen=True)
class Statement:
    """One parsed statement. Exactly one of each pair (Action/NotAction, ...) is set."""

    index: int
    sid: str | None
    effect: str  # "Allow" | "Deny"
    actions: tuple[str, ...] | None
    not_actions: tuple[str, ...] | None
    resources: tuple[str, ...] | None
    not_resources: tuple[str, ...] | None
    principals: dict[str, tuple[str, ...]] | None
    not_principals: dict[str, tuple[str, ...]] | None
    conditions: tuple[Condition, ...]

    @classmethod
    def parse(cls, index: int, raw: object) -> Statement:
        """Parse one statement object.

        Raises:
            PolicyError: missing or invalid Effect, both or neither of Action/NotAction, or a
                malformed element.
        """
        if not isinstance(raw, dict):
            raise PolicyError(f"statement {index} must be an object, got {raw!r}")
        effect = raw.get("Effect")
        if effect not in ("Allow", "Deny"):
            raise PolicyError(f"statement {index}: Effect must be Allow or Deny, got {effect!r}")
        if ("Action" in raw) == ("NotAction" in raw):
            raise PolicyError(f"statement {index}: exactly one of Action and NotAction is required")
        if "Resource" in raw and "NotResource" in raw:
            raise PolicyError(f"statement {index}: Resource and NotResource are exclusive")

        def opt(name: str) -> tuple[str, ...] | None:
            return _strings(raw[name], name) if name in raw else None

        return cls(
            index=index,
            sid=raw.get("Sid"),
            effect=effect,
            actions=opt("Action"),
            not_actions=opt("NotAction"),
            resources=opt("Resource"),
            not_resources=opt("NotResource"),
            principals=_principal_map(raw["Principal"], "Principal") if "Principal" in raw else None,
            not_principals=_principal_map(raw["NotPrincipal"], "NotPrincipal") if "NotPrincipal" in raw else None,
            conditions=parse_conditions(raw.get("Condition")),
        )

    def covers_action(self, action: str) -> bool:
        """Action/NotAction match; NotAction matches every action it does not list."""
        if self.actions is not None:
            return any(action_matches(p, action) for p in self.actions)
        return not any(action_matches(p, action) for p in self.not_actions or ())

    def covers_resource(self, resource: str, lookup) -> bool:
        """Resource/NotResource match. A statement with neither (trust policies) covers all."""
        if self.resources is not None:
            return any(arn_matches(p, resource, lookup=lookup) for p in self.resources)
        if self.not_resources is not None:
            return not any(arn_matches(p, resource, lookup=lookup) for p in self.not_resources)
        return True

    def conditions_hold(self, context: Mapping[str, ContextValue], lookup) -> bool:
        return all(c.holds(context, lookup) for c in self.conditions)


@dataclass(frozen=True)
class Policy:
    """A policy document with a name for explanations and its place in the evaluation."""

    name: str
    kind: PolicyKind
    statements: tuple[Statement, ...]
    version: str = "2012-10-17"
    #: The resolved JSON document, kept for reports and differential tests.
    document: dict | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_document(cls, name: str, document: object, kind: PolicyKind = PolicyKind.IDENTITY) -> Policy:
        """Parse a JSON policy document (already free of CloudFormation intrinsics).

        Raises:
            PolicyError: the document or one of its statements is malformed.
        """
        if not isinstance(document, dict) or "Statement" not in document:
            raise PolicyError(f"policy {name}: a policy document needs a Statement element")
        raw = document["Statement"]
        items = raw if isinstance(raw, list) else [raw]
        try:
            statements = tuple(Statement.parse(i, s) for i, s in enumerate(items))
        except PolicyError as error:
            raise PolicyError(f"policy {name}: {error}") from None
        return cls(name, kind, statements, str(document.get("Version", "2008-10-17")), document)


@dataclass(frozen=True)
class RequestPrincipal:
    """Who makes the request, as the request context describes them.

    Attributes:
        arn: the caller's ARN: an IAM user ARN, an assumed-role session ARN
            (``arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION``), a federated provider ARN or
            a service principal name.
        account: the caller's account id ("" for a service).
        role_arn: for a role session, the role's IAM ARN (what ``aws:PrincipalArn`` holds).
        kind: ``user``, ``role_session``, ``federated`` or ``service``.
        origin: for a role session, how the first credentials of its chain were issued, which
            decides whether AWS may carry MFA context (:class:`.context_rules.SessionOrigin`);
            ignored for other kinds.
    """

    arn: str
    account: str
    kind: str = "user"
    role_arn: str | None = None
    origin: SessionOrigin = SessionOrigin.ASSUME_ROLE

    @property
    def session_origin(self) -> SessionOrigin | None:
        """The origin when this caller is a role session, else ``None``."""
        return self.origin if str(getattr(self.kind, "value", self.kind)) == "role_session" else None


@dataclass(frozen=True)
class Request:
    """One API request: principal, action, resource ARN and request context keys."""

    principal: RequestPrincipal
    action: str
    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Condition keys are case-insensitive: store them lower-case once.
        object.__setattr__(self, "context", {k.lower(): v for k, v in self.context.items()})


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

    def explain(self) -> str:
        """One line: outcome, reason and the deciding statements."""
        refs = "; ".join(str(r) for r in self.deciding)
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
        principal_match = None
        if policy.kind in PRINCIPAL_KINDS:
            principal_match = _principal_match(statement, request.principal, has_boundary)
            if principal_match is None:
                continue
        if statement.covers_resource(request.resource, lookup) and statement.conditions_hold(request.context, lookup):
            out.append((statement, principal_match))
    return out


#: Policy kinds whose statements name principals (an RCP's ``Principal`` is always ``"*"``).
PRINCIPAL_KINDS = (PolicyKind.RESOURCE, PolicyKind.TRUST, PolicyKind.RCP)


def _principal_match(statement: Statement, principal: RequestPrincipal, has_boundary: bool = False) -> str | None:
    """How a resource-based statement's Principal/NotPrincipal covers ``principal``, or None.

    Source: IAM User Guide, "AWS JSON policy elements: Principal": an account id or
    ``arn:PARTITION:iam::ACCOUNT:root`` stands for the account (delegating to its IAM
    policies); a role ARN covers the role's sessions; wildcards are not allowed except ``*``.
    ``NotPrincipal`` per :func:`not_principal_excludes`.
    """
    if statement.principals is not None:
        return _match_principal_map(statement.principals, principal)
    if statement.not_principals is not None:
        if statement.effect == "Deny" and has_boundary:
            # "The NotPrincipal element with a Deny effect will always deny any IAM principal
            # that has a permissions boundary policy attached, regardless of the values
            # specified in the NotPrincipal element" ("AWS JSON policy elements: NotPrincipal").
            return "any"
        return None if not_principal_excludes(statement.not_principals, principal) else "any"
    return None


#: The identities AWS checks, one after the other, against a ``NotPrincipal`` element: the
#: caller is excluded only when every one of them is named ("AWS JSON policy elements:
#: NotPrincipal" > "Key points": "you must also specify the account ARN of the principal that
#: you don't want to deny ... AWS might verify the account first and then the user. If an
#: assumed-role user is being evaluated, AWS verifies the account first, then the role, and
#: then the assumed-role user").
NOT_PRINCIPAL_LEVELS: dict[str, tuple[str, ...]] = {
    "user": ("account", "arn"),
    "role_session": ("account", "role", "arn"),
    "federated": ("arn",),
    "service": ("arn",),
}


def not_principal_excludes(not_principals: dict[str, tuple[str, ...]], principal: RequestPrincipal) -> bool:
    """Whether a ``NotPrincipal`` element names every identity level of ``principal``."""
    named = {"account": False, "role": False, "arn": False}
    for kind, ids in not_principals.items():
        for ident in ids:
            how = _match_one(kind, ident, principal)
            if how == "any":
                named = dict.fromkeys(named, True)
            elif how == "direct":
                named["arn"] = True
            elif how == "role":
                named["role"] = True
            elif how == "account":
                named["account"] = True
    return all(named[level] for level in NOT_PRINCIPAL_LEVELS.get(principal.kind, ("arn",)))


def _match_principal_map(principals: dict[str, tuple[str, ...]], principal: RequestPrincipal) -> str | None:
    best = None
    rank = {"direct": 3, "role": 2, "any": 1, "account": 0}
    for kind, ids in principals.items():
        for ident in ids:
            how = _match_one(kind, ident, principal)
            if how and (best is None or rank[how] > rank[best]):
                best = how
    return best


def account_of(ident: str) -> str | None:
    """The account an ``AWS`` principal entry names as a whole (``123456789012`` or
    ``arn:aws:iam::123456789012:root``), else ``None``."""
    account = ident.split(":")[4] if ident.startswith("arn:") and ident.endswith(":root") else ident
    return account if account.isdigit() else None


def _match_one(kind: str, ident: str, principal: RequestPrincipal) -> str | None:
    if kind == "AWS":
        if ident == "*":
            return "any"
        if ident == principal.arn:
            return "direct"
        if principal.role_arn and ident == principal.role_arn:
            return "role"
        if account_of(ident) == principal.account and principal.kind != "service":
            return "account"
        return None
    if kind in ("Service", "Federated", "CanonicalUser"):
        return "direct" if ident == principal.arn or ident == "*" else None
    raise PolicyError(f"unknown principal type {kind!r}")


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
