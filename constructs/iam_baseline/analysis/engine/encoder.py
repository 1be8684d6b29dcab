"""AWS's evaluation logic over a symbolic request: :func:`.evaluator.evaluate` in z3, rule by rule.

A request is: an action class index ``a`` (closed world, from the pruned catalog) or a free
action string for the open-world class, a resource string ``r``, a caller (kind, ARN, role
ARN, account) and the context keys (:mod:`.z3_conditions`). Each statement becomes a formula
"this statement applies"; the policies combine exactly as the concrete evaluator combines
them (its module docstring cites the IAM User Guide for each rule), including the
principal-match ranks of resource-based and trust policies.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import z3

from .conditions import PolicyError
from .policy import PRINCIPAL_KINDS, Policy, Statement
from .principal_match import NOT_PRINCIPAL_LEVELS, account_of
from .patterns import arn_matches
from .org_levels import RCP_SERVICES, service_of
from .z3_conditions import ConditionEncoder
from .z3_patterns import exact_text, glob_regex, literal, one_of, pattern_match

#: Principal kinds as z3 integers, in :class:`.space.PrincipalKind` order.
KINDS = ("user", "role_session", "federated", "service")


def _literal_prefix(text: str) -> str:
    return re.split(r"[*?]|\$\{", text, maxsplit=1)[0]


def may_overlap(pattern: str, arn_format: str) -> bool:
    """Whether a Resource pattern can match some ARN of a catalog format (a cheap, safe test:
    False only when a literal segment, or the literal start of the resource part, differs,
    compared up to the first segment whose ``*`` may cross colons or that holds a variable)."""
    if pattern == "*":
        return True
    parts = pattern.split(":", 5)
    formats = arn_format.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or len(formats) < 6:
        return True  # padded or non-ARN patterns: let the solver decide
    for p, f in zip(parts[:5], formats[:5], strict=True):
        if p.endswith("*") or "${" in p:
            return True  # the rest of the pattern may be shifted by colons: stop comparing
        if not any(c in p for c in "*?") and "${" not in f and "*" not in f and p != f:
            return False
    a, b = _literal_prefix(parts[5]), _literal_prefix(formats[5])
    return a.startswith(b) or b.startswith(a)


@dataclass
class Caller:
    """The symbolic caller."""

    kind: z3.ArithRef
    arn: z3.SeqRef
    role_arn: z3.SeqRef
    has_role: z3.BoolRef
    account: z3.SeqRef
    #: A service-linked role session (role path ``/aws-service-role/``): a plain Bool tied to
    #: the role's path where the caller is built, so SCP and RCP scope rules stay cheap.
    linked: z3.BoolRef
    #: Whether AWS may carry MFA context for this caller: False only for a role session whose
    #: chain began without AWS MFA (:class:`.context_rules.SessionOrigin`).
    mfa_carried: z3.BoolRef | None = None

    def is_kind(self, name: str) -> z3.BoolRef:
        return self.kind == KINDS.index(name)


@dataclass
class ActionClass:
    """Actions no statement of the question tells apart, with the same resource ARN formats.

    ``open`` is the open-world class: any action string, any resource.
    """

    members: tuple[str, ...]
    resource_arns: tuple[str, ...]
    open: bool = False

    @property
    def representative(self) -> str:
        return self.members[0] if self.members else ""


class Encoder:
    """Builds the "allowed" formula for one question.

    Args:
        classes: the action classes (index = value of ``action``).
        coverage: statement id -> indices of the closed classes its Action/NotAction covers.
        conditions: the condition encoder over the request's context keys.
        caller: the symbolic caller.
        resource: the resource term; ``five``: whether it splits into six ARN parts.
        open_action: the action string term of the open-world class (lower-case), if any.
    """

    def __init__(self, classes, coverage, conditions: ConditionEncoder, caller: Caller, resource, five,
                 action, open_action, has_boundary: bool) -> None:
        self.classes = classes
        self.coverage = coverage
        self.conditions = conditions
        self.caller = caller
        self.resource = resource
        self.five = five
        self.action = action
        self.open_action = open_action
        self.has_boundary = has_boundary
        self.star_classes = [i for i, c in enumerate(classes) if not c.open and not c.resource_arns]
        self._cache: dict[tuple[int, int, bool], z3.BoolRef] = {}

    # -- statement elements ---------------------------------------------------------------
    def _in_classes(self, indices: Sequence[int]) -> z3.BoolRef:
        """``action`` is one of ``indices``, as ranges of consecutive class indices."""
        if not indices:
            return z3.BoolVal(False)
        runs, start, prev = [], indices[0], indices[0]
        for i in list(indices[1:]) + [None]:
            if i is not None and i == prev + 1:
                prev = i
                continue
            runs.append(self.action == start if start == prev else z3.And(self.action >= start, self.action <= prev))
            if i is not None:
                start = prev = i
        return z3.Or(*runs)

    def covers_action(self, statement: Statement) -> z3.BoolRef:
        closed = self._in_classes(self.coverage[id(statement)])
        if self.open_action is None:
            return closed
        patterns = statement.actions if statement.actions is not None else statement.not_actions or ()
        hit = z3.Or(*[z3.InRe(self.open_action, glob_regex(p.lower())) for p in patterns]) if patterns else z3.BoolVal(False)
        open_cover = hit if statement.actions is not None else z3.Not(hit)
        open_index = len(self.classes) - 1
        return z3.If(self.action == open_index, open_cover, closed)

    def covers_resource(self, statement: Statement, variables: bool, positive: bool) -> z3.BoolRef:
        patterns = statement.resources if statement.resources is not None else statement.not_resources
        if patterns is None:
            return z3.BoolVal(True)
        positive = positive and statement.resources is not None
        hits = []
        # Exact entries (a thousand member role ARNs) are matched per group of equal reach, as
        # one membership test: Or over (reach and r == p) is (reach and r in {p, ...}).
        exact: dict[tuple[int, ...], list[str]] = {}
        for pattern in patterns:
            # Resource classes (design.md): the pattern is only matched, by the solver, for the
            # action classes whose catalog ARN formats it may overlap; for the others it is false.
            reach = [i for i, c in enumerate(self.classes)
                     if c.open or any(may_overlap(pattern, f) for f in c.resource_arns)]
            if exact_text(pattern, "arn", variables) is not None:
                exact.setdefault(tuple(reach), []).append(pattern)
                continue
            symbolic = z3.BoolVal(False)
            if reach:
                symbolic = pattern_match(self.resource, pattern, mode="arn", variables=variables,
                                         resolve=self.conditions.resolve, positive=positive,
                                         fresh=self.conditions.fresh, five=self.five)
            hits.append(self._in_reach(reach, symbolic, None if "${" in pattern else arn_matches(pattern, "*")))
        for reach, texts in exact.items():
            symbolic = one_of(self.resource, texts) if reach else z3.BoolVal(False)
            hits.append(self._in_reach(list(reach), symbolic, any(arn_matches(p, "*") for p in texts)))
        hit = z3.Or(*hits)
        return hit if statement.resources is not None else z3.Not(hit)

    def _in_reach(self, reach: list[int], symbolic: z3.BoolRef, on_star: bool | None) -> z3.BoolRef:
        """``symbolic`` for the action classes of ``reach`` (false for the others); for the classes
        whose actions take only ``*``, ``on_star`` (None: the pattern holds a policy variable,
        decided by ``symbolic`` as for the others)."""
        if reach and len(reach) < len(self.classes):
            symbolic = z3.And(self._in_classes(reach), symbolic)
        if self.star_classes and on_star is not None:
            # Actions without resource types take only "*": decide the pattern once here.
            symbolic = z3.If(self._in_classes(self.star_classes), z3.BoolVal(on_star), symbolic)
        return symbolic

    def conditions_hold(self, statement: Statement, variables: bool, positive: bool) -> z3.BoolRef:
        return z3.And(*[self.conditions.condition(c, variables, positive) for c in statement.conditions])

    # -- principals -------------------------------------------------------------------------
    def _entry(self, kind: str, ident: str) -> dict[str, z3.BoolRef]:
        c = self.caller
        false = z3.BoolVal(False)
        if kind == "AWS":
            if ident == "*":
                return {"direct": false, "role": false, "any": z3.BoolVal(True), "account": false}
            account = account_of(ident)
            return {
                "direct": c.arn == literal(ident),
                "role": z3.And(c.has_role, c.role_arn == literal(ident)),
                "any": false,
                "account": z3.And(c.account == literal(account), z3.Not(c.is_kind("service")))
                if account is not None else false,
            }
        if kind in ("Service", "Federated", "CanonicalUser"):
            direct = z3.BoolVal(True) if ident == "*" else c.arn == literal(ident)
            return {"direct": direct, "role": false, "any": false, "account": false}
        raise PolicyError(f"unknown principal type {kind!r}")

    def _principal_map(self, principals: dict[str, tuple[str, ...]]) -> dict[str, z3.BoolRef]:
        entries = [self._entry(kind, ident) for kind, ids in principals.items() for ident in ids]
        return {how: z3.Or(*[e[how] for e in entries]) if entries else z3.BoolVal(False)
                for how in ("direct", "role", "any", "account")}

    def principal_match(self, statement: Statement) -> dict[str, z3.BoolRef] | None:
        """How a resource-based statement names the caller: one Bool per rank, at most one
        true (the best, as :func:`.principal_match.match_principal_map` picks); None = never."""
        false = z3.BoolVal(False)
        if statement.principals is not None:
            m = self._principal_map(statement.principals)
            return {
                "direct": m["direct"],
                "role": z3.And(z3.Not(m["direct"]), m["role"]),
                "any": z3.And(z3.Not(m["direct"]), z3.Not(m["role"]), m["any"]),
                "account": z3.And(z3.Not(m["direct"]), z3.Not(m["role"]), z3.Not(m["any"]), m["account"]),
            }
        if statement.not_principals is not None:
            excluded = self._not_principal_excludes(statement)
            if statement.effect == "Deny" and self.has_boundary:
                excluded = false
            return {"direct": false, "role": false, "any": z3.Not(excluded), "account": false}
        return None

    def _not_principal_excludes(self, statement: Statement) -> z3.BoolRef:
        """Every level that identifies the caller is named (see principal_match.NOT_PRINCIPAL_LEVELS)."""
        m = self._principal_map(statement.not_principals or {})
        named = {"account": z3.Or(m["account"], m["any"]), "arn": z3.Or(m["direct"], m["any"]),
                 "role": z3.Or(m["role"], m["any"])}
        c = self.caller
        return z3.Or(*[
            z3.And(c.is_kind(kind), *[named[level] for level in levels])
            for kind, levels in NOT_PRINCIPAL_LEVELS.items()
        ])

    # -- policies ---------------------------------------------------------------------------
    def can_apply(self, statement: Statement) -> bool:
        """False when the statement covers no action of the question (its keys are not modelled)."""
        return bool(self.coverage.get(id(statement))) or self.open_action is not None

    def applies(self, policy: Policy, statement: Statement, positive: bool) -> z3.BoolRef:
        """The statement applies to the request (ignoring how the principal matched)."""
        key = (id(policy), id(statement), positive)
        if not self.can_apply(statement):
            return z3.BoolVal(False)
        if key not in self._cache:
            variables = policy.version == "2012-10-17"
            parts = [self.covers_action(statement)]
            if policy.kind in PRINCIPAL_KINDS:
                how = self.principal_match(statement)
                parts.append(z3.BoolVal(False) if how is None else z3.Or(*how.values()))
            parts.append(self.covers_resource(statement, variables, positive))
            parts.append(self.conditions_hold(statement, variables, positive))
            self._cache[key] = z3.And(*parts)
        return self._cache[key]

    def any_allows(self, policies: Sequence[Policy]) -> z3.BoolRef:
        return z3.Or(*[self.applies(p, s, True) for p in policies for s in p.statements if s.effect == "Allow"])

    def _service_linked(self) -> z3.BoolRef:
        return self.caller.linked

    def scp_governs(self) -> z3.BoolRef:
        """:func:`.org_levels.scp_governs` over the symbolic caller."""
        return z3.And(z3.Not(self.caller.is_kind("service")), z3.Not(self._service_linked()))

    def rcp_governs(self) -> z3.BoolRef:
        """:func:`.org_levels.rcp_governs` over the symbolic action and caller."""
        c = self.caller
        governed = self._in_classes([i for i, k in enumerate(self.classes)
                                     if not k.open and service_of(k.representative) in RCP_SERVICES])
        if self.open_action is not None:
            prefixes = z3.Or(*[z3.PrefixOf(literal(f"{s}:"), self.open_action) for s in sorted(RCP_SERVICES)])
            governed = z3.If(self.action == len(self.classes) - 1, prefixes, governed)
        return z3.And(governed, z3.Not(c.is_kind("service")), z3.Not(self._service_linked()))

    def allowed(self, *, identity: Sequence[Policy], boundary: Policy | None, session: Sequence[Policy],
                scps: Sequence[Sequence[Policy]], resource_policy: Policy | None,
                resource_policy_required: bool, rcps: Sequence[Sequence[Policy]] = ()) -> z3.BoolRef:
        """The request is ALLOWED: :func:`.evaluator.evaluate`, rule by rule."""
        applicable = [*identity, *session]
        if boundary is not None:
            applicable.append(boundary)
        if resource_policy is not None:
            applicable.append(resource_policy)
        deny = z3.Or(*[self.applies(p, s, False) for p in applicable for s in p.statements if s.effect == "Deny"])
        parts = [z3.Not(deny)]
        if scps:
            scp_deny = z3.Or(*[self.applies(p, s, False) for level in scps for p in level
                               for s in p.statements if s.effect == "Deny"])
            parts.append(z3.Implies(self.scp_governs(), z3.And(z3.Not(scp_deny), *[self.any_allows(level) for level in scps])))
        if rcps:
            governs = self.rcp_governs()
            rcp_deny = z3.Or(*[self.applies(p, s, False) for level in rcps for p in level
                               for s in p.statements if s.effect == "Deny"])
            parts.append(z3.Implies(governs, z3.And(z3.Not(rcp_deny), *[self.any_allows(level) for level in rcps])))
        direct_or_any = role = z3.BoolVal(False)
        if resource_policy is not None:
            variables = resource_policy.version == "2012-10-17"
            da, ro, ac = [], [], []
            for s in resource_policy.statements:
                if s.effect != "Allow" or not self.can_apply(s):
                    continue
                how = self.principal_match(s)
                if how is None:
                    continue
                rest = z3.And(self.covers_action(s), self.covers_resource(s, variables, False),
                              self.conditions_hold(s, variables, False))
                da.append(z3.And(rest, z3.Or(how["direct"], how["any"])))
                ro.append(z3.And(rest, how["role"]))
                ac.append(z3.And(rest, how["account"]))
            direct_or_any = z3.Or(*da)
            role = z3.And(z3.Not(direct_or_any), z3.Or(*ro))
            if resource_policy_required:
                parts.append(z3.Or(direct_or_any, *ro, *ac))
        rest = [z3.Or(self.any_allows(identity), role)]
        if boundary is not None:
            rest.append(self.any_allows([boundary]))
        if session:
            rest.append(self.any_allows(session))
        parts.append(z3.Or(direct_or_any, z3.And(*rest)))
        return z3.And(*parts)
