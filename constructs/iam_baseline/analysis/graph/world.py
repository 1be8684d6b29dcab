"""The nodes of the analysis graph, and what the rules may look up about them.

Nodes, per account scope (:mod:`..model.accounts`):

* every user, group, role and permission set of the assembly (a group stands for a member
  holding only its policies, a permission set for the role Identity Center provisions);
* every AWS service principal a trust policy names;
* every Lambda function of the assembly (it holds its execution role);
* per compute service, "any resource of this type outside the assembly" (UNSEEN_COMPUTE),
  assumed to hold any role of its account that trusts the service and that a principal who is
  not an administrator (declared or admin-equivalent) may pass to it (an administrator already
  holds everything; what an administrator hands to compute is its own decision);
* the CDK bootstrap deploy and ``cfn-exec`` roles of every bootstrapped environment, each
  account and region a stack of the assembly names (:mod:`..model.bootstrap`; StackSet member
  accounts need none), the deploy role with the trust the bootstrap template gives it (its own
  account and the ``--trust`` accounts; AWS CDK Developer Guide, "Bootstrapping": it passes
  CloudFormation the execution role, which holds AdministratorAccess unless bootstrapped with
  ``--cloudformation-execution-policies``);
* stand-ins for principals outside the assembly: another IAM user (any user may be an
  administrator) and ``OrganizationAccountAccessRole`` (AWS Organizations User Guide,
  "Accessing member accounts": created with AdministratorAccess);
* one ADMIN node per account: what editing one's own identity-based policies yields.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from ...config.access_matrix import RequestContextConfig
from ...config.models import BaselineConfig
from ...config.oidc import CDK_DEFAULT_QUALIFIER
from ..engine.context_rules import MFA_AGE, MFA_PRESENT, SessionOrigin
from ..engine.evaluator import evaluate_assume_role
from ..engine.policy import Policy
from ..engine.request import Request, RequestPrincipal
from ..model.accounts import AccountScope
from ..model.bootstrap import Bootstrap
from ..model.subjects import REQUEST_TIME, Subject, subject_for
from ..model.templates import AccountModel, Principal
from .admin import STAND_IN_ROLE, STAND_IN_SERVICE_ROLE, STAND_IN_USER
from .nodes import Node, NodeKind

#: The request context of the search: the strongest a person can bring (MFA, fresh session).
SEARCH_CONTEXT = RequestContextConfig(mfa=True, mfa_age_seconds=60)

#: Compute services whose resources run code with a role: key -> (service principal, what).
COMPUTE_SERVICES: dict[str, tuple[str, str]] = {
    "ec2": ("ec2.amazonaws.com", "any EC2 instance"),
    "lambda": ("lambda.amazonaws.com", "any Lambda function"),
    "sagemaker": ("sagemaker.amazonaws.com", "any SageMaker notebook instance"),
    "glue": ("glue.amazonaws.com", "any Glue development endpoint"),
    "codebuild": ("codebuild.amazonaws.com", "any CodeBuild project"),
    "ecs": ("ecs-tasks.amazonaws.com", "any ECS task"),
}

_KINDS = {"user": NodeKind.USER, "group": NodeKind.GROUP, "role": NodeKind.ROLE, "permission_set": NodeKind.PERMISSION_SET}


def qualifiers_of(config: BaselineConfig | None) -> list[str]:
    federation = config.federation if config is not None else None
    roles = federation.oidc.deploy_roles if federation is not None and federation.oidc is not None else ()
    return sorted({CDK_DEFAULT_QUALIFIER} | {r.cdk_qualifier for r in roles if getattr(r, "cdk_qualifier", None)})


@dataclass
class World:
    """Every node of the graph and, per node, what decides its requests."""

    config: BaselineConfig | None
    nodes: dict[str, Node] = field(default_factory=dict)
    scope_of: dict[str, AccountScope] = field(default_factory=dict)
    principal_of: dict[str, Principal] = field(default_factory=dict)
    subject_of: dict[str, Subject] = field(default_factory=dict)
    by_arn: dict[str, str] = field(default_factory=dict)  # first node of each ARN, any scope
    _scoped_arn: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    #: A StackSet member role's ARN in each member account it is deployed to -> its node (the
    #: variant's template names a placeholder account; the identity account's policies name these).
    member_arns: dict[str, str] = field(default_factory=dict)
    scopes: list[AccountScope] = field(default_factory=list)
    admins: dict[str, set[str]] = field(default_factory=dict)  # scope label -> declared admin refs
    _trusts: dict[tuple[str, str], bool] = field(default_factory=dict, repr=False)
    _trust_text: dict[str, str] = field(default_factory=dict, repr=False)
    #: A CDK bootstrap deploy role's ARN -> its trust policy as the bootstrap template writes it
    #: (:mod:`..model.bootstrap`; the assembly holds no template of it).
    bootstrap_trust: dict[str, Policy] = field(default_factory=dict)
    #: (account, region) of a bootstrapped environment -> its cfn-exec role nodes (one per qualifier).
    execution_roles: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    # --- lookups the rules use -------------------------------------------------------------
    def model(self, node: Node) -> AccountModel:
        return self.scope_of[node.id].model

    def in_scope(self, node: Node, *kinds: NodeKind) -> Iterator[Node]:
        """Nodes of ``node``'s scope of the given kinds (all principals of the assembly)."""
        for other in self.nodes.values():
            if other.scope == node.scope and other.kind in kinds:
                yield other

    def everywhere(self, *kinds: NodeKind) -> Iterator[Node]:
        for other in self.nodes.values():
            if other.kind in kinds:
                yield other

    def admin_node(self, node: Node) -> str:
        return f"{prefix(node)}/admin"

    def stand_in_user(self, node: Node) -> str:
        return f"{prefix(node)}/stand-in:{STAND_IN_USER}"

    def stand_in_role(self, node: Node) -> str:
        return f"{prefix(node)}/stand-in:{STAND_IN_ROLE}"

    def stand_in_service_role(self, node: Node) -> str:
        return f"{prefix(node)}/stand-in:{STAND_IN_SERVICE_ROLE}"

    def unseen(self, node: Node, service: str) -> str:
        return f"{prefix(node)}/unseen:{service}"

    def arn(self, node: Node, service: str, resource: str, region: bool = True) -> str:
        model = self.model(node)
        return f"arn:{model.partition}:{service}:{model.region if region else ''}:{node.account}:{resource}"

    def trust_of(self, node_id: str | None) -> Policy | None:
        """The trust policy of a role node: its template's, or a CDK deploy role's as modelled."""
        principal = self.principal_of.get(node_id or "")
        if principal is not None:
            return principal.trust
        node = self.nodes.get(node_id or "")
        return self.bootstrap_trust.get(node.arn or "") if node is not None else None

    def trusts_service(self, role: Node, service: str) -> bool:
        """The role's trust policy lets ``service`` assume it (a role outside the assembly:
        assumed to, the worst case)."""
        key = (role.id, service)
        if key not in self._trusts:
            self._trusts[key] = self._trusts_service(role, service)
        return self._trusts[key]

    def _trusts_service(self, role: Node, service: str) -> bool:
        principal = self.principal_of.get(role.id)
        if principal is None:
            return role.kind is NodeKind.STAND_IN and role.id.endswith(STAND_IN_SERVICE_ROLE)
        if principal.trust is None:
            return False
        # Compute created in the role's account by whoever passes it: a service that sets the
        # confused-deputy keys names that account and a resource of its own there (IAM User
        # Guide, "The confused deputy problem" > "Cross-service confused deputy prevention"), so
        # a trust fenced with aws:SourceAccount/aws:SourceArn still admits it.
        model = self.model(role)
        arn_service = next((key for key, (name, _) in COMPUTE_SERVICES.items() if name == service), service.split(".")[0])
        context = {
            "aws:SourceAccount": role.account,
            "aws:SourceArn": f"arn:{model.partition}:{arn_service}:{model.region}:{role.account}:escalation-probe",
        }
        request = Request(RequestPrincipal(arn=service, account="", kind="service"), "sts:AssumeRole", principal.arn, context)
        return evaluate_assume_role(request, trust_policy=principal.trust).allowed

    def qualifiers(self) -> list[str]:
        return qualifiers_of(self.config)

    # --- construction ----------------------------------------------------------------------
    def add(self, node: Node, scope: AccountScope) -> None:
        self.nodes.setdefault(node.id, node)
        self.scope_of.setdefault(node.id, scope)
        if node.arn:
            self.by_arn.setdefault(node.arn, node.id)
            self._scoped_arn.setdefault((scope.label, node.arn), node.id)

    def node_for_arn(self, near: Node, arn: str) -> str | None:
        """The node with ``arn`` in ``near``'s scope, else in any scope (StackSet variants share
        one placeholder account, so an ARN alone does not name one node)."""
        return self._scoped_arn.get((near.scope, arn)) or self.by_arn.get(arn) or self.member_arns.get(arn)

    def real_account(self, node: Node) -> str | None:
        """The account ``node`` really is in: its own, or for a StackSet variant deployed to one
        account (the identity account's group) that account; None for a variant of several."""
        scope = self.scope_of[node.id]
        if not scope.variant:
            return node.account
        return scope.member_accounts[0] if len(scope.member_accounts) == 1 else None

    def caller_accounts(self, node: Node, role: Node) -> list[str]:
        """The real accounts ``node`` may call ``role`` as: its own, the one account of its
        StackSet variant, or for a variant of several accounts each of them that ``role``'s trust
        policy names and one it does not (a trust naming none of them decides alike for all: the
        variant's accounts hold the same principals, only the account differs)."""
        real = self.real_account(node)
        if real is not None:
            return [real]
        principal = self.principal_of.get(role.id)
        if principal is None or principal.trust is None:
            return []
        if role.id not in self._trust_text:
            self._trust_text[role.id] = json.dumps(principal.trust.document or {})
        text = self._trust_text[role.id]
        accounts = self.scope_of[node.id].member_accounts
        other = next((a for a in accounts if a not in text), None)
        return [a for a in accounts if a in text] + ([other] if other is not None else [])

    def member_role_arns(self, role: Node) -> list[tuple[str, str]]:
        """(member account, the role's ARN there) for a role of a StackSet member scope."""
        scope = self.scope_of[role.id]
        if not scope.variant or not role.arn:
            return []
        placeholder = f":{role.account}:"
        return [(m, role.arn.replace(placeholder, f":{m}:", 1)) for m in scope.member_accounts]


def scope_prefix(scope: AccountScope) -> str:
    """The first part of the ids of a scope's nodes: its account, or ``stackset:<variant>`` for
    a StackSet member variant (every variant shares one placeholder account), with
    ``@<account>`` for each part of a variant split by its accounts' SCP/RCP levels: the parts
    hold the same principals under different SCPs, and one id per part keeps either from
    standing in for the other."""
    if not scope.variant:
        return scope.model.account
    return f"stackset:{scope.variant}" + (f"@{scope.part}" if scope.part else "")


def prefix(node: Node) -> str:
    return node.id.split("/", 1)[0]


def build_world(scopes: list[AccountScope], config: BaselineConfig | None,
                declared: dict[str, set[str]] | None = None) -> World:
    """The nodes of ``scopes``. ``declared``: scope label -> the refs the config makes admin."""
    world = World(config, scopes=list(scopes), admins=declared or {})
    for scope in scopes:
        model = scope.model
        key = scope_prefix(scope)
        admins = world.admins.get(scope.label, set())
        machines = _machine_names(scope.config or config)
        for principal in sorted(model.principals.values(), key=lambda p: p.ref):
            kind = _KINDS.get(principal.kind)
            if kind is None:
                continue
            node = Node(f"{key}/{principal.ref}", kind, model.account, principal.ref, principal.arn,
                        principal.ref, principal.ref in admins, scope=scope.label)
            world.add(node, scope)
            world.principal_of[node.id] = principal
            world.subject_of[node.id] = _subject(model, principal, machines)
            for _, arn in world.member_role_arns(node):
                world.member_arns.setdefault(arn, node.id)
        _add_services(world, scope)
        for function in model.functions:
            name = function.arn.rsplit(":", 1)[-1]
            world.add(Node(f"{key}/function:{name}", NodeKind.COMPUTE, model.account, f"function:{name}",
                           function.arn, scope=scope.label), scope)
        for service_key, (_, what) in COMPUTE_SERVICES.items():
            world.add(Node(f"{key}/unseen:{service_key}", NodeKind.UNSEEN_COMPUTE, model.account,
                           f"{what} (not in the assembly)", assumed=f"{what} outside the assembly: may hold any role "
                           "of the account that trusts its service and that a non-administrator may pass to it",
                           scope=scope.label), scope)
        iam = model.iam_arn
        world.add(Node(f"{key}/stand-in:{STAND_IN_USER}", NodeKind.STAND_IN, model.account,
                       "another IAM user (not in the assembly)", iam(STAND_IN_USER),
                       assumed="a user outside the assembly may be an administrator", scope=scope.label), scope)
        world.add(Node(f"{key}/stand-in:{STAND_IN_ROLE}", NodeKind.STAND_IN, model.account,
                       "OrganizationAccountAccessRole", iam(STAND_IN_ROLE),
                       assumed="created by AWS Organizations with AdministratorAccess, trusting the management "
                       "account (AWS Organizations User Guide, 'Accessing member accounts')", scope=scope.label), scope)
        world.add(Node(f"{key}/stand-in:{STAND_IN_SERVICE_ROLE}", NodeKind.STAND_IN, model.account,
                       "an administrator role outside the assembly that trusts the service", iam(STAND_IN_SERVICE_ROLE),
                       assumed="not in the assembly: assumed to hold AdministratorAccess and to trust any AWS service",
                       scope=scope.label), scope)
        world.add(Node(f"{key}/admin", NodeKind.ADMIN, model.account, f"administrator of {model.account}",
                       assumed="any principal that may rewrite its own permissions", scope=scope.label), scope)
    _add_bootstrap(world, scopes)
    return world


def federated_origin(principal: Principal) -> SessionOrigin | None:
    """How a session of ``principal`` begins when its trust policy admits only SAML or OIDC
    providers (every Allow names only ``Federated`` principals), else None."""
    trust = principal.trust
    if principal.kind != "role" or trust is None:
        return None
    allows = [s for s in trust.statements if s.effect == "Allow"]
    if not allows or any(set(s.principals or {}) != {"Federated"} for s in allows):
        return None
    arns = [a for s in allows for a in s.principals["Federated"]]
    return SessionOrigin.SAML if any(":saml-provider/" in a for a in arns) else SessionOrigin.WEB_IDENTITY


def session_origin(principal: Principal, machine_roles: frozenset[str] = frozenset()) -> SessionOrigin | None:
    """How a session of role ``principal`` begins when AWS carries no MFA context for it: a SAML
    or OIDC role (:func:`federated_origin`), a role only AWS services assume (a service calls
    ``AssumeRole`` without MFA), a machine role of the config (``machine_roles``: names; no MFA
    by construction). None: a role people may assume with MFA (or not a role)."""
    origin = federated_origin(principal)
    if origin is not None or principal.kind != "role" or principal.trust is None:
        return origin
    allows = [s for s in principal.trust.statements if s.effect == "Allow"]
    if principal.name in machine_roles or (allows and all(set(s.principals or {}) == {"Service"} for s in allows)):
        return SessionOrigin.ASSUME_ROLE_WITHOUT_MFA
    return None


def _machine_names(config: BaselineConfig | None) -> frozenset[str]:
    return frozenset(m.name for m in getattr(config, "machine_roles", ()) or ())


def _subject(model: AccountModel, principal: Principal, machine_roles: frozenset[str] = frozenset()) -> Subject:
    subject = subject_for(model, principal, SEARCH_CONTEXT)
    context = dict(subject.context) | {"aws:TokenIssueTime": REQUEST_TIME}  # a fresh session (aws:TokenIssueTime)
    caller = subject.principal
    origin = session_origin(principal, machine_roles)
    if origin is not None:
        # A SAML, OIDC, service or machine session: AWS carries no MFA context for it
        # (engine/context_rules.py); a role chained from it carries none either.
        caller = replace(caller, origin=origin)
        context = {k: v for k, v in context.items() if k.lower() not in (MFA_PRESENT, MFA_AGE)}
        context["aws:MultiFactorAuthPresent"] = "false"
    return Subject(subject.label, caller, subject.identity, subject.boundary, context, subject.source)


def _add_services(world: World, scope: AccountScope) -> None:
    model = scope.model
    key = scope_prefix(scope)
    for principal in model.principals.values():
        if principal.trust is None:
            continue
        for statement in principal.trust.statements:
            for service in (statement.principals or {}).get("Service", ()):
                world.add(Node(f"{key}/service:{service}", NodeKind.SERVICE, model.account,
                               f"service:{service}", service, scope=scope.label), scope)


def bootstraps_of(scopes: list[AccountScope]) -> tuple[Bootstrap, ...]:
    """The run's CDK bootstraps (:attr:`AccountScope.bootstraps`); for scopes built by hand,
    which carry none, each account scope's own account in its home region."""
    found = {b for scope in scopes for b in scope.bootstraps}
    if not found:
        found = {Bootstrap(s.model.account, s.model.region) for s in scopes if not s.variant}
    return tuple(sorted(found, key=lambda b: (b.account, b.region)))


def bootstrap_id(bootstrap: Bootstrap, kind: str, qualifier: str, home: str) -> str:
    """``<account>/bootstrap:<deploy|cfn-exec>:<qualifier>``, with ``@<region>`` outside the home region."""
    return f"{bootstrap.account}/bootstrap:{kind}:{qualifier}" + (f"@{bootstrap.region}" if bootstrap.region != home else "")


def _add_bootstrap(world: World, scopes: list[AccountScope]) -> None:
    """The deploy and cfn-exec roles of each bootstrapped environment (:mod:`..model.bootstrap`:
    member accounts of a StackSet are not bootstrapped), each in the scope of its account (else
    the first), with the deploy role's trust policy as the bootstrap template writes it."""
    if not scopes:
        return
    home = getattr(world.config, "region", None) or scopes[0].model.region
    for bootstrap in bootstraps_of(scopes):
        scope = next((s for s in scopes if not s.variant and s.model.account == bootstrap.account), scopes[0])
        partition, account = scope.model.partition, bootstrap.account
        where = f" in {bootstrap.region}" if bootstrap.region != home else ""
        trusting = ", ".join((account, *bootstrap.trusted))
        for qualifier in world.qualifiers():
            deploy = bootstrap.deploy_role(partition, qualifier)
            world.add(Node(bootstrap_id(bootstrap, "deploy", qualifier, home), NodeKind.BOOTSTRAP_ROLE, account,
                           f"CDK deploy role ({qualifier}) of {account}{where}", deploy,
                           assumed=f"CDK bootstrap deploy role (AWS CDK Developer Guide, 'Bootstrapping'): trusts the "
                           f"account(s) {trusting}, passes CloudFormation the cfn-exec role", scope=scope.label), scope)
            world.bootstrap_trust[deploy] = bootstrap.deploy_trust(partition, qualifier)
            execution = bootstrap_id(bootstrap, "cfn-exec", qualifier, home)
            world.execution_roles.setdefault((account, bootstrap.region), []).append(execution)
            world.add(Node(execution, NodeKind.BOOTSTRAP_ROLE, account,
                           f"CDK cfn-exec role ({qualifier}) of {account}{where}",
                           bootstrap.execution_role(partition, qualifier),
                           assumed="CDK bootstrap CloudFormation execution role: AdministratorAccess unless bootstrapped "
                           "with --cloudformation-execution-policies", scope=scope.label), scope)


def policies_of(world: World, node: Node) -> tuple[tuple[Policy, ...], Policy | None]:
    subject = world.subject_of[node.id]
    return subject.identity, subject.boundary
