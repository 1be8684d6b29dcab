"""One question for the solver: the pruned action domain, the request terms, the space's limits.

Following design.md ("Symbolic encoding: what a quick feasibility sketch measured"):

* The action domain is finite (closed world, the pinned catalog) and pruned per question to
  the actions of the space that every policy type which must allow does allow somewhere; a
  question where nothing survives is proven without the solver.
* Actions that no statement of the question tells apart and that share their resource ARN
  formats form one class: the solver picks a class, the counterexample names its first
  member.
* Each closed-world action takes only resources of its catalog resource types (an action
  without resource types only ``*``), so a ``*`` resource never pairs with an arbitrary ARN.
* The open world adds one class whose action is any ``service:action`` string (lower-case:
  action names compare case-insensitively) with any resource.

The caller's terms, the shapes of a principal space and the caller keys tied to them are
:mod:`.z3_caller`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

import z3

from ..model.actions import ActionCatalog, catalog
from .policy import Policy, Statement
from .request import Request, RequestPrincipal
from .org_levels import RCP_SERVICES, scp_governs, service_of
from .encoder import KINDS, ActionClass, Encoder, may_overlap
from .space import MULTIVALUE_BOUND, KeyConstraint, PrincipalSpace, RequestSpace
from .context_rules import MFA_AGE, MFA_PRESENT
from .z3_conditions import NUMBER, STRING, ConditionEncoder, KeyVar, domain, make_key, sort_for
from .z3_context import constant_of, constrain, example_value, mfa_carry, mfa_consistency
from .z3_patterns import Unsupported, Variable, pattern_match, split_variables, text_of
from .z3_caller import CALLER_KEYS, caller_constant, caller_terms, session_origin, tie
from .z3_shapes import ACTION_NAME, formats_regex

#: Multivalued global keys ("AWS global condition context keys").
_MULTIVALUED_GLOBALS = {"aws:tagkeys", "aws:calledvia", "aws:principalservicenameslist",
                        "aws:principalorgpaths", "aws:sourcevpcarn"}


def _all_statements(policies) -> list[tuple[Policy, Statement]]:
    return [(p, s) for p in policies for s in p.statements]


@dataclass
class Question:
    """Everything about one ``find_allowed`` call (see :mod:`.symbolic`)."""

    space: RequestSpace
    identity: tuple[Policy, ...] = ()
    boundary: Policy | None = None
    session: tuple[Policy, ...] = ()
    scps: tuple[tuple[Policy, ...], ...] = ()
    rcps: tuple[tuple[Policy, ...], ...] = ()
    resource_policy: Policy | None = None
    resource_policy_required: bool = False
    #: Policies outside the evaluation whose statements the action classes must also tell
    #: apart (the other policy set of a difference question, :mod:`.difference`).
    distinguish: tuple[Policy, ...] = ()
    catalog: ActionCatalog = field(default_factory=catalog)

    def __post_init__(self) -> None:
        self.policies = [*(p for level in (*self.scps, *self.rcps) for p in level), *self.identity, *self.session]
        self.policies += [p for p in (self.boundary, self.resource_policy) if p is not None]
        self.policies += list(self.distinguish)
        self.statements = _all_statements(self.policies)
        self._check_names()
        self.empty_reason = ""
        self.classes: list[ActionClass] = []
        self.coverage: dict[int, list[int]] = {}
        self._prune()

    # -- actions ----------------------------------------------------------------------------
    def _check_names(self) -> None:
        if self.space.actions.open_world:
            return  # any service:Action string is a possible action
        for policy, statement in self.statements:
            for pattern in statement.actions or statement.not_actions or ():
                self.catalog.check_pattern(pattern, where=f"policy {policy.name}")
        for pattern in (*self.space.actions.include, *self.space.actions.exclude):
            self.catalog.check_pattern(pattern, where="the question's action space")

    def _covered(self, statement: Statement) -> frozenset[str]:
        if statement.actions is not None:
            return self.catalog.keys_covered(statement.actions)
        return self.catalog.keys_covered(statement.not_actions or (), negated=True)

    def _prune(self) -> None:
        acts = self.space.actions
        domain_keys = set().union(*[self.catalog.keys_matching(p) for p in acts.include])
        domain_keys -= set().union(*[self.catalog.keys_matching(p) for p in acts.exclude])
        covered = {id(s): self._covered(s) for _, s in self.statements}

        def allows(policies) -> set[str]:
            return set().union(*[covered[id(s)] for p in policies for s in p.statements if s.effect == "Allow"])

        granting = [*self.identity] + ([self.resource_policy] if self.resource_policy else [])
        survivors = domain_keys & allows(granting)
        # SCP levels prune only when they govern every caller of the space (they spare
        # service-linked roles and service principals, which a principal space may include).
        principals = self.space.principals
        if not isinstance(principals, PrincipalSpace) and all(
                scp_governs(str(getattr(p.kind, "value", p.kind)), p.role_arn) for p in principals):
            for level in self.scps:
                survivors &= allows(level)
        # RCP levels prune nothing: whether they govern depends on the caller too (service-linked
        # roles and service principals are spared), which the solver decides.
        if self.boundary is not None and not self.resource_policy:
            survivors &= allows([self.boundary])
        if self.session and not self.resource_policy:
            survivors &= allows(self.session)
        if self.resource_policy_required and self.resource_policy is not None:
            survivors &= allows([self.resource_policy])
        self.action_count = len(survivors)
        relevant = [s for _, s in self.statements if covered[id(s)] & survivors]
        patterns = {p for s in relevant for p in (s.resources or s.not_resources or ()) if p != "*"}
        patterns |= {p for p in (*self.space.resources.include, *self.space.resources.exclude) if p != "*"}
        reached: dict[str, bool] = {}

        def formats_of(info) -> tuple[tuple[str, ...], str | None]:
            # Formats that no resource pattern of the question can match are interchangeable
            # (every pattern is false on them): keep one of them, so that actions differing
            # only there fall into one class (3,120 classes -> a few dozen on the default
            # assembly's "anything without MFA" question).
            if info is None or not info.resource_arns:
                return (), None
            kept, unreached = [], None
            for f in info.resource_arns:
                if f not in reached:
                    reached[f] = any(may_overlap(p, f) for p in patterns)
                if reached[f]:
                    kept.append(f)
                elif unreached is None or f < unreached:
                    unreached = f
            return tuple(sorted(kept)), unreached

        groups: dict[tuple, list[str]] = {}
        unreached_of: dict[tuple, str | None] = {}
        for key in sorted(survivors):
            info = self.catalog.get(key)
            kept, unreached = formats_of(info)
            # With RCPs, whether they govern an action is one more thing that tells actions apart.
            governed = bool(self.rcps) and service_of(key) in RCP_SERVICES
            signature = (tuple(key in covered[id(s)] for s in relevant), kept, unreached is not None, governed)
            groups.setdefault(signature, []).append(info.name if info else key)
            unreached_of.setdefault(signature, unreached)  # the first member's, for a readable ARN
        self.classes = [ActionClass(tuple(m), sig[1] + ((unreached_of[sig],) if sig[2] else ()))
                        for sig, m in groups.items()]
        index = {name.lower(): i for i, c in enumerate(self.classes) for name in c.members[:1]}
        for _, s in self.statements:
            self.coverage[id(s)] = sorted(
                i for i, c in enumerate(self.classes) if c.members[0].lower() in covered[id(s)]
            )
        del index
        if acts.open_world:
            self.classes.append(ActionClass((), (), open=True))
        if not self.classes:
            self.empty_reason = (
                "no action of the space is allowed by every policy type that must allow it "
                "(pruned before solving)"
            )

    # -- terms --------------------------------------------------------------------------------
    def build(self) -> tuple[z3.Solver, z3.BoolRef]:
        """A fresh solver with the space's constraints, and the "allowed" formula.

        Raises:
            Unsupported: a construct the encoder does not model exactly.
        """
        solver = z3.Solver()
        names = count()
        self.fresh_terms: list[z3.SeqRef] = []

        def fresh(label: str) -> z3.SeqRef:
            term = z3.String(f"{label}#{next(names)}")
            self.fresh_terms.append(term)
            return term

        fresh.define = solver.add  # type: ignore[attr-defined]  # top-level definitions of fresh terms

        self.action = z3.Int("action")
        solver.add(self.action >= 0, self.action < len(self.classes))
        self.open_action = z3.String("open_action") if self.space.actions.open_world else None
        self.resource = z3.String("resource")
        # Catalog ARN formats all have six parts and "*" has one: only the open-world class
        # needs the solver to count colons.
        star = z3.Or(z3.BoolVal(False), *[self.action == i for i, c in enumerate(self.classes)
                                          if not c.open and not c.resource_arns])
        five = z3.Not(star)
        if self.open_action is not None:
            from .z3_patterns import has_five_colons

            five = z3.If(self.action == len(self.classes) - 1, has_five_colons(self.resource), five)
        self.caller, self._user_name = caller_terms(solver, self.space.principals)
        self.keys = self._keys(solver)
        solver.add(*self._space_constraints(fresh))
        conditions = ConditionEncoder(self.keys, fresh)
        encoder = Encoder(self.classes, self.coverage, conditions, self.caller, self.resource, five,
                          self.action, self.open_action, has_boundary=self.boundary is not None)
        return solver, self.formula(encoder)

    def formula(self, encoder: Encoder) -> z3.BoolRef:
        """The formula the solver satisfies: "allowed" (:mod:`.difference` asks another one
        over the same request terms)."""
        return encoder.allowed(identity=self.identity, boundary=self.boundary, session=self.session,
                               scps=self.scps, rcps=self.rcps, resource_policy=self.resource_policy,
                               resource_policy_required=self.resource_policy_required)

    def _space_constraints(self, fresh) -> list[z3.BoolRef]:
        out = []
        formats: dict[tuple[str, ...], list[int]] = {}
        for i, c in enumerate(self.classes):
            if not c.open:
                formats.setdefault(c.resource_arns, []).append(i)
        for arns, indices in formats.items():
            member = z3.Or(*[self.action == i for i in indices])
            if arns:
                out.append(z3.Implies(member, z3.InRe(self.resource, formats_regex(arns))))
            else:
                out.append(z3.Implies(member, self.resource == z3.StringVal("*")))
        if self.open_action is not None:
            acts = self.space.actions
            inc = z3.Or(*[z3.InRe(self.open_action, _lower_glob(p)) for p in acts.include])
            exc = [z3.Not(z3.InRe(self.open_action, _lower_glob(p))) for p in acts.exclude]
            out.append(z3.Implies(self.action == len(self.classes) - 1,
                                  z3.And(z3.InRe(self.open_action, ACTION_NAME), inc, *exc)))
        res = self.space.resources

        def match(p: str) -> z3.BoolRef:
            return pattern_match(self.resource, p, mode="arn", variables=False, resolve=lambda v: None,
                                 positive=True, fresh=fresh)

        out.append(z3.Or(*[match(p) for p in res.include]))
        out += [z3.Not(match(p)) for p in res.exclude]
        return out

    # -- context keys -------------------------------------------------------------------------
    def _key_usage(self) -> dict[str, tuple[set[str], bool]]:
        usage: dict[str, tuple[set[str], bool]] = {}

        def use(key: str, sort: str | None, multi: bool = False) -> None:
            sorts, was_multi = usage.get(key, (set(), False))
            if sort:
                sorts.add(sort)
            usage[key] = (sorts, was_multi or multi)

        relevant = {id(s) for _, s in self.statements if self.coverage.get(id(s)) or self.space.actions.open_world}
        for policy, statement in self.statements:
            if id(statement) not in relevant:
                continue
            variables = policy.version == "2012-10-17"
            texts = list(statement.resources or statement.not_resources or ())
            for condition in statement.conditions:
                op = condition.operator
                sort = None if op.base == "null" else sort_for(op.base)
                use(condition.key, sort, op.set_operator is not None)
                if sort == STRING:
                    texts += list(condition.values)
            for text in texts:
                for piece in split_variables(text, variables):
                    if isinstance(piece, Variable):
                        use(piece.key, STRING)
        for key in CALLER_KEYS:
            if key in usage and key not in self._space_context():
                use(key, STRING)
        if {MFA_AGE, MFA_PRESENT} & {*usage, *self._space_context()}:  # sent together (context_rules)
            use(MFA_PRESENT, STRING), use(MFA_AGE, None if MFA_AGE in usage else NUMBER)
        return usage

    def _space_context(self) -> dict[str, KeyConstraint]:
        return {k.lower(): v for k, v in self.space.context.items()}

    def _keys(self, solver: z3.Solver) -> dict[str, KeyVar]:
        keys = {}
        context = self._space_context()
        for key, (sorts, multi) in self._key_usage().items():
            if len(sorts) > 1:
                raise Unsupported(f"condition key {key} is read as {' and '.join(sorted(sorts))} values")
            sort = next(iter(sorts), STRING)
            kind = self.catalog.key_type(key) or ""
            bound = MULTIVALUE_BOUND if multi or kind.startswith("ArrayOf") or key in _MULTIVALUED_GLOBALS else 1
            constraint = context.get(key)
            if constraint is not None and constraint.exactly is not None:
                bound = max(bound, len(constraint.exactly))
            var = make_key(key, sort, bound)
            solver.add(*domain(var))
            if constraint is not None:
                solver.add(*constrain(var, constraint))
                var.constant = constant_of(constraint) if sort == STRING else None
            elif key in CALLER_KEYS:
                solver.add(tie(var, self.caller, self._user_name))
                var.constant = caller_constant(self.space.principals, key)
            keys[key] = var
        solver.add(*mfa_consistency(keys), *mfa_carry(keys, self.caller.mfa_carried))
        return keys

    # -- the model, back to a request -------------------------------------------------------------
    def request_from(self, model: z3.ModelRef) -> Request:
        """The concrete request of a sat model (absent keys left out)."""
        ev = lambda t: model.eval(t, model_completion=True)  # noqa: E731
        c = self.caller
        kind = KINDS[ev(c.kind).as_long()]
        has_role = z3.is_true(ev(c.has_role))
        arn, role_arn = text_of(ev(c.arn)), text_of(ev(c.role_arn)) if has_role else None
        origin = session_origin(self.space.principals, kind, z3.is_true(ev(c.mfa_carried)), principal_of=(arn, role_arn))
        principal = RequestPrincipal(arn=arn, account=text_of(ev(c.account)), kind=kind, role_arn=role_arn,
                                     origin=origin)
        cls = self.classes[ev(self.action).as_long()]
        action = text_of(ev(self.open_action)) if cls.open else cls.representative
        context = {}
        for key, var in self.keys.items():
            value = var.render(model)
            if value is not None:
                context[key] = value
        for key, constraint in self._space_context().items():
            if key not in self.keys:
                value = example_value(constraint)
                if value is not None:
                    context[key] = value
        return Request(principal, action, text_of(ev(self.resource)), context)


def _lower_glob(pattern: str) -> z3.ReRef:
    from .z3_patterns import glob_regex

    return glob_regex(pattern.lower())


