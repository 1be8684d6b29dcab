"""Build the analysis graph: the catalogue's attempts decided by the concrete evaluator.

For every source node and every rule that applies to its kind, the rule proposes attempts
(target, requests); an attempt becomes an edge when the evaluator allows each of its requests
for the source's caller (its identity-based policies, permissions boundary and the SCPs of its
account; a role's trust policy for ``sts:AssumeRole``, a CDK deploy role's as the bootstrap
template writes it, plus the caller's own policies across accounts; a resource's policy, e.g. a KMS key policy, when the assembly holds one). Each
request carries the source's context (MFA present and fresh, a fresh ``aws:TokenIssueTime``),
the rule's keys (``iam:PassedToService``, ``iam:PolicyARN``) and the target's tags as
``aws:ResourceTag/...``. Structural edges (a function holds its role, a service assumes a role
that trusts it, the CDK deploy role passes the execution role) need no request of the source.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from ...config.models import BaselineConfig
from ..engine.evaluator import Decision, Outcome, evaluate, evaluate_assume_role
from ..engine.policy import Policy
from ..engine.request import Request, RequestPrincipal
from ..model.accounts import AccountScope
from ..model.stack_reader import PLACEHOLDER_ACCOUNT
from .admin import admin_refs, is_admin_equivalent
from .graph import AccessGraph
from ..engine.context_rules import MFA_AGE, MFA_PRESENT, SessionOrigin
from .nodes import PRINCIPAL_KINDS, Chain, Edge, HopMfa, Node, NodeKind, Step
from .rules import BY_ID, RULES, Ask, Attempt
from .symbolic_edges import decide_symbolically, worth_asking
from .world import COMPUTE_SERVICES, World, build_world

#: Actions whose resource is a role and whose resource-based policy is the role's trust policy.
ASSUME_ROLE_ACTIONS = frozenset(a.lower() for a in ("sts:AssumeRole", "sts:AssumeRoleWithSAML",
                                                     "sts:AssumeRoleWithWebIdentity", "sts:TagSession"))

#: The caller's side at its widest, to ask what a trust policy alone admits.
ALLOW_EVERYTHING = Policy.from_document("caller's side: allow everything", {
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})

#: Rules whose edges record the MFA state of the hop (:class:`.nodes.HopMfa`).
MFA_HOPS = frozenset({"assume-member-role"})


def build_graph(scopes: Sequence[AccountScope], config: BaselineConfig | None = None,
                declared: dict[str, set[str]] | None = None, *, symbolic: bool = True) -> AccessGraph:
    """The graph of every principal of ``scopes`` (see the module docstring).

    Args:
        scopes: the account scopes of the assembly (:func:`..model.accounts.load_scopes`), or
            hand-built ones.
        config: the top-level config (declared admins, CDK qualifiers, Identity Center and
            organization accounts); None: no declared admins, default qualifier.
        declared: scope label -> refs declared admin (default: derived from ``config``).
        symbolic: a request the concrete evaluator denies under a conditioned Allow is asked of
            the z3 engine over every context the caller controls (:mod:`.symbolic_edges`);
            False: the concrete evaluator alone (the search context only).

    Raises:
        PolicyError: a policy the evaluator cannot judge.
    """
    if declared is None:
        declared = {s.label: admin_refs(s.model, s.top_config or s.config or config) for s in scopes} if config else {}
    world = build_world(list(scopes), config, declared)
    builder = _Builder(world, symbolic)
    builder.run()
    return AccessGraph(world.nodes, tuple(builder.edges.values()), builder.admins(), world, tuple(builder.undecided))


def decide_request(world: World, node: Node, request: Request, own: dict | None = None) -> Decision:
    """Decide ``request`` of ``node``'s caller with everything that applies to it.

    ``own``: the caller's identity, boundary and SCP policies to use (default: all of them;
    the builder passes them reduced to the statements naming the request's action)."""
    subject = world.subject_of[node.id]
    scope = world.scope_of[node.id]
    trust = world.trust_of(world.node_for_arn(node, request.resource))
    if own is None:
        own = dict(identity=subject.identity, boundary=subject.boundary, scps=scope.scps)
    if request.action.lower() in ASSUME_ROLE_ACTIONS and trust is not None:
        decision = evaluate_assume_role(request, trust_policy=trust, **own)
        if decision.allowed and _account_of(request.resource) != request.principal.account:
            # Across accounts the caller's own policies must allow too (IAM User Guide,
            # "Cross-account policy evaluation logic").
            mine = evaluate(request, **own)
            if not mine.allowed:
                return mine
        return decision
    resource_policy = scope.model.resource_policies.get(request.resource)
    if resource_policy is not None:
        return evaluate(request, resource_policy=resource_policy.policy,
                        resource_policy_required=resource_policy.required, **own)
    return evaluate(request, **own)


def _account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 else ""


def _as_account(subject, account: str) -> tuple[RequestPrincipal, dict]:
    """``subject``'s caller and context with its variant placeholder account replaced by ``account``."""
    placeholder = subject.principal.account

    def real(text):
        if not isinstance(text, str):
            return text
        return account if text == placeholder else text.replace(f":{placeholder}:", f":{account}:")

    p = subject.principal
    caller = RequestPrincipal(real(p.arn), account, p.kind, real(p.role_arn) if p.role_arn else None, p.origin)
    return caller, {k: real(v) for k, v in subject.context.items()}


def replay(graph: AccessGraph, chain: Chain) -> list[Decision]:
    """Every request of ``chain`` decided again by the concrete evaluator, in order."""
    return [decide_request(graph.world, graph.nodes[edge.source], step.request)
            for edge in chain.edges for step in edge.steps]


class _Builder:
    def __init__(self, world: World, symbolic: bool = True) -> None:
        self.world = world
        self.symbolic = symbolic
        self.undecided: list[tuple[str, str, str, str]] = []
        self.edges: dict[tuple[str, str, str], Edge] = {}
        self.cache: dict[tuple, Decision] = {}
        self._admins: dict[str, str] | None = None
        self.covers: dict[tuple[str, str], bool] = {}
        self.reduced: dict[tuple[str, str], dict] = {}
        self.pattern_cache: dict[tuple, bool] = {}
        self.account_free: dict[int, bool] = {}  # trust policy (by id) -> it reads no member account

    # --- deciding --------------------------------------------------------------------------
    def decide(self, node: Node, ask: Ask) -> tuple[Decision | None, Request, str]:
        """(decision, the request decided, why undecided): the concrete evaluator first; when it
        denies and a conditioned Allow could admit another context, the z3 engine
        (:mod:`.symbolic_edges`). decision None: undecided."""
        key = (node.id, ask.action.lower(), ask.resource, ask.context, ask.absent, ask.caller_account)
        if key not in self.cache:
            request = self.request(node, ask)
            if not self._may(node, ask):
                self.cache[key] = (Decision(Outcome.IMPLICIT_DENY, "no identity-based policy allows it"), request, "")
            else:
                decision = decide_request(self.world, node, request, self._reduced(node, ask.action))
                self.cache[key] = (decision, request, "")
                if not decision.allowed and self.symbolic:
                    self.cache[key] = self._symbolic(node, ask, request, decision)
        return self.cache[key]

    def _symbolic(self, node: Node, ask: Ask, request: Request, denied: Decision) -> tuple[Decision | None, Request, str]:
        world = self.world
        own = self._reduced(node, ask.action)
        target_id = world.node_for_arn(node, ask.resource)
        target = world.principal_of.get(target_id or "")
        assume = ask.action.lower() in ASSUME_ROLE_ACTIONS
        trust = world.trust_of(target_id) if assume else None
        if assume and (trust is None or ask.caller_account or world.nodes[target_id].account != node.account):
            return denied, request, ""  # outside the assembly or across accounts: the concrete answer stands
        role_arn = world.subject_of[node.id].principal.role_arn or world.subject_of[node.id].principal.arn
        if not worth_asking(own["identity"], own["boundary"], trust, ask.action, ask.resource, role_arn):
            return denied, request, ""
        fixed = dict(ask.context) | {k: v for k, v in request.context.items() if k.startswith("aws:resourcetag/")}
        decision, found, why = decide_symbolically(
            request, fixed, ask.absent, target_known=target is not None, identity=own["identity"],
            boundary=own["boundary"], scps=own["scps"], resource_policy=trust, required=trust is not None)
        if decision is not None:
            return decision, found, ""
        return (None, request, why) if why else (denied, request, "")

    def _may(self, node: Node, ask: Ask) -> bool:
        """False when nothing but the caller's identity-based policies could allow ``ask`` and no
        Allow of them names its action (a shortcut: the evaluator would say the same)."""
        action = ask.action.lower()
        if action in ASSUME_ROLE_ACTIONS or ask.resource in self.world.scope_of[node.id].model.resource_policies:
            return True
        key = (node.id, action)
        if key not in self.covers:
            self.covers[key] = any(s.effect == "Allow" for p in self._reduced(node, ask.action)["identity"]
                                   for s in p.statements)
        return self.covers[key]

    def _covers(self, statement, action: str) -> bool:
        # Keyed by the patterns: AWS managed policies repeat across principals and accounts.
        key = (statement.actions, statement.not_actions, action.lower())
        if key not in self.pattern_cache:
            self.pattern_cache[key] = statement.covers_action(action)
        return self.pattern_cache[key]

    def _reduced(self, node: Node, action: str) -> dict:
        """The caller's policies with only the statements whose Action/NotAction covers ``action``
        (the others never match a request for it, so every decision is unchanged; it saves
        matching hundreds of AWS managed policy patterns per request)."""
        key = (node.id, action.lower())
        if key not in self.reduced:
            subject = self.world.subject_of[node.id]

            def keep(policy: Policy | None) -> Policy | None:
                if policy is None:
                    return None
                statements = tuple(s for s in policy.statements if self._covers(s, action))
                return Policy(policy.name, policy.kind, statements, policy.version, policy.document)

            self.reduced[key] = dict(identity=tuple(keep(p) for p in subject.identity), boundary=keep(subject.boundary),
                                     scps=tuple(tuple(keep(p) for p in level) for level in self.world.scope_of[node.id].scps))
        return self.reduced[key]

    def request(self, node: Node, ask: Ask) -> Request:
        """The request of ``ask`` made by ``node``'s caller: its context, the rule's keys and the
        target principal's tags as ``aws:ResourceTag/...``."""
        world = self.world
        subject = world.subject_of[node.id]
        caller, own = (subject.principal, dict(subject.context)) if not ask.caller_account else \
            _as_account(subject, ask.caller_account)
        context = own | dict(ask.context)
        target = world.principal_of.get(world.node_for_arn(node, ask.resource) or "")
        if target is not None:
            context |= {f"aws:ResourceTag/{k}": v for k, v in target.tags.items()}
        return Request(caller, ask.action, ask.resource, context)

    def attempt(self, node: Node, attempt: Attempt, rule: str = "") -> tuple[Step, ...] | None:
        """The allowed steps of ``attempt``, or None (an undecided request is recorded)."""
        steps = []
        for ask in attempt.asks:
            decision, request, why = self.decide(node, ask)
            if decision is None:
                self.undecided.append((node.id, rule, attempt.target, why))
                return None
            if not decision.allowed:
                return None
            steps.append(Step(request, decision))
        return tuple(steps)

    def add(self, source: str, target: str, rule: str, steps: tuple[Step, ...] = (), note: str = "",
            mfa: HopMfa | None = None, accounts: tuple[str, ...] = ()) -> None:
        if target not in self.world.nodes or source == target:
            return
        key = (source, target, rule)
        known = self.edges.get(key)
        if known is None:
            self.edges[key] = Edge(source, target, rule, BY_ID[rule].family, steps, note, mfa, accounts)
        elif accounts and not set(accounts) <= set(known.accounts):
            # Another caller account of the same variant: the hop reaches these accounts too.
            self.edges[key] = replace(known, accounts=tuple(sorted({*known.accounts, *accounts})))

    def hop_mfa(self, node: Node, steps: tuple[Step, ...]) -> HopMfa:
        """The MFA state of an allowed role assumption (:class:`HopMfa`): a SAML or OIDC session
        carries none (engine/context_rules.py), else the hop is MFA-protected when the same
        requests without MFA (``false``, and absent as with long-term keys for a user) are denied."""
        caller = self.world.subject_of[node.id].principal
        origin = caller.session_origin
        if origin is not None and not origin.carries_mfa:
            return HopMfa.IDENTITY_PROVIDER if origin is not SessionOrigin.ASSUME_ROLE_WITHOUT_MFA else HopMfa.NONE
        contexts = [{"aws:multifactorauthpresent": "false"}]
        if caller.kind == "user":
            contexts.append({})
        for without in contexts:
            if all(self._allowed_without_mfa(node, step.request, without) for step in steps):
                return HopMfa.NONE
        return HopMfa.MFA

    def _allowed_without_mfa(self, node: Node, request: Request, without: dict) -> bool:
        context = {k: v for k, v in request.context.items() if k not in (MFA_PRESENT, MFA_AGE)} | without
        return decide_request(self.world, node, Request(request.principal, request.action, request.resource,
                                                        context)).allowed

    # --- building --------------------------------------------------------------------------
    def run(self) -> None:
        deferred: list[tuple[str, Attempt, str, tuple[Step, ...]]] = []
        for node in list(self.world.nodes.values()):
            if node.kind not in PRINCIPAL_KINDS:
                continue
            for rule in RULES:
                if rule.attempts is None or node.kind not in rule.sources:
                    continue
                for attempt in rule.attempts(self.world, node):
                    if attempt.accounts:
                        self._member_hop(node, attempt, rule.id)
                        continue
                    steps = self.attempt(node, attempt, rule.id)
                    if steps is None:
                        continue
                    if attempt.requires_reach is not None:
                        deferred.append((node.id, attempt, rule.id, steps))
                    else:
                        mfa = self.hop_mfa(node, steps) if rule.id in MFA_HOPS else None
                        self.add(node.id, attempt.target, rule.id, steps, attempt.note, mfa)
        self._structural()
        self._deferred(deferred)

    def _member_hop(self, node: Node, attempt: Attempt, rule: str) -> None:
        """A hop into a StackSet member role, decided in each of its member accounts: the edge
        keeps every account where both halves allow (:attr:`.nodes.Edge.accounts`), its steps
        the first one's. The role's trust policy is the same template in each account, so when
        it does not name the account (no ``AWS::AccountId``, no ``Resource``) and refuses the
        caller even with an allow-everything identity-based policy, no account is asked."""
        first_account, first = attempt.accounts[0]
        if self._trust_refuses(node, first):
            return
        reached, steps = [], None
        for account, ask in attempt.accounts:
            allowed = self.attempt(node, Attempt(attempt.target, (ask,)), rule)
            if allowed is not None:
                reached.append(account)
                steps = steps or allowed
        if steps is None:
            return
        accounts = ", ".join(reached[:3]) + (f" and {len(reached) - 3} more" if len(reached) > 3 else "")
        self.add(node.id, attempt.target, rule, steps, f"{attempt.note} in {accounts}",
                 self.hop_mfa(node, steps) if rule in MFA_HOPS else None, tuple(sorted(reached)))

    def _trust_refuses(self, node: Node, ask: Ask) -> bool:
        """The target role's trust policy refuses ``node``'s request in every member account (see
        :meth:`_member_hop`); False when that cannot be said without asking each account."""
        target = self.world.principal_of.get(self.world.node_for_arn(node, ask.resource) or "")
        trust = target.trust if target is not None else None
        if trust is None:
            return False
        key = id(trust)
        if key not in self.account_free:
            text = json.dumps(trust.document or {})
            self.account_free[key] = PLACEHOLDER_ACCOUNT not in text and not any(
                s.resources is not None or s.not_resources is not None for s in trust.statements)
        if not self.account_free[key]:
            return False
        return not evaluate_assume_role(self.request(node, ask), trust_policy=trust, identity=(ALLOW_EVERYTHING,)).allowed

    def _structural(self) -> None:
        world = self.world
        for node in list(world.nodes.values()):
            if node.kind is NodeKind.SERVICE:
                for role in world.in_scope(node, NodeKind.ROLE):
                    if world.trusts_service(role, node.arn or ""):
                        request = Request(RequestPrincipal(node.arn or "", "", "service"), "sts:AssumeRole", role.arn or "")
                        decision = evaluate_assume_role(request, trust_policy=world.principal_of[role.id].trust)
                        self.add(node.id, role.id, "service-assumes-role", (Step(request, decision),),
                                 f"{node.arn} assumes {role.label}")
            elif node.kind is NodeKind.COMPUTE:
                model = world.scope_of[node.id].model
                function = next((f for f in model.functions if f.arn == node.arn), None)
                role = world.node_for_arn(node, function.role_arn or "") if function else None
                if role:
                    self.add(node.id, role, "compute-holds-role", (), f"{node.label} runs as {world.nodes[role].label}")
            elif node.kind is NodeKind.BOOTSTRAP_ROLE and "/bootstrap:deploy:" in node.id:
                self.add(node.id, node.id.replace("/bootstrap:deploy:", "/bootstrap:cfn-exec:"),
                         "cdk-deploy-passes-execution-role", (), "CloudFormation deploys with the cfn-exec role")
        self._unseen_compute()

    def _unseen_compute(self) -> None:
        """Any resource of a compute type holds every role of its account that trusts its service
        and that some principal who is not an administrator (declared or admin-equivalent) may
        pass to that service."""
        from .rules.pass_role import pass_role, passable_roles

        world = self.world
        for unseen in list(world.everywhere(NodeKind.UNSEEN_COMPUTE)):
            service = COMPUTE_SERVICES[unseen.id.rsplit(":", 1)[-1]][0]
            admins = self.admins()
            passers = [n for n in world.in_scope(unseen, *PRINCIPAL_KINDS) if not n.declared_admin and n.id not in admins]
            for role in passable_roles(world, unseen, service):
                for passer in passers:
                    steps = self.attempt(passer, Attempt(role.id, (pass_role(role, service),)))
                    if steps is not None:
                        self.add(unseen.id, role.id, "compute-holds-role", (),
                                 f"{role.label} may run on it: {passer.label} may pass it to {service}")
                        break

    def _deferred(self, deferred: list[tuple[str, Attempt, str, tuple[Step, ...]]]) -> None:
        """Edits of another principal count once the editor reaches it; repeat until stable."""
        changed = True
        while changed and deferred:
            changed = False
            graph = AccessGraph(self.world.nodes, tuple(self.edges.values()), {}, self.world)
            for source, attempt, rule, steps in list(deferred):
                if graph.reaches(source, attempt.requires_reach):
                    self.add(source, attempt.target, rule, steps, attempt.note)
                    deferred.remove((source, attempt, rule, steps))
                    changed = True

    def admins(self) -> dict[str, str]:
        if self._admins is None:
            self._admins = self._find_admins()
        return self._admins

    def _find_admins(self) -> dict[str, str]:
        world = self.world
        found: dict[str, str] = {}
        for node in world.nodes.values():
            if node.kind in PRINCIPAL_KINDS:
                subject = world.subject_of[node.id]
                scope = world.scope_of[node.id]
                if is_admin_equivalent(scope.model, subject, scope.scps):
                    found[node.id] = "attaches AdministratorAccess, writes role policies and creates users"
            elif node.kind is NodeKind.ADMIN or node.kind is NodeKind.STAND_IN or (
                    node.kind is NodeKind.BOOTSTRAP_ROLE and "/bootstrap:cfn-exec:" in node.id):
                found[node.id] = node.assumed or node.label
        return found


__all__ = ["build_graph", "decide_request", "replay"]
