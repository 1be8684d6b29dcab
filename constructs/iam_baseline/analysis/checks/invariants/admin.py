"""INV-ONLY-ADMINS-ADMIN: only the config's ``admin_principals`` can become an administrator.

An administrator here is a role that is admin-equivalent by itself (it may attach
AdministratorAccess to a role, put a role policy and create users: :func:`~..escalation.is_admin_equivalent`)
or the CDK bootstrap *deploy role* of any declared account: the roles ``cdk bootstrap``
creates are outside the assembly, so they are modelled by their documented shape (AWS CDK
Developer Guide, "Bootstrapping": the deploy role trusts its account and passes CloudFormation
the ``cfn-exec`` role, which holds AdministratorAccess unless bootstrapped with
``--cloudformation-execution-policies``). Whoever can assume the deploy role is therefore
admin-equivalent, and the report says so.

Decided over the graph of the scope's principals: an edge P -> R when P may call
``sts:AssumeRole`` on R (R's trust policy and P's identity-based policies and boundary,
with the most permissive context a person brings: MFA present and fresh). A principal that
is not declared admin must reach no administrator, directly or through a chain.
"""

from __future__ import annotations

from collections import deque

from ....config.access_matrix import RequestContextConfig
from ....config.models import BaselineConfig
from ....config.personas import admin_personas, persona_views
from ...model.accounts import AccountScope
from ...model.subjects import subject_for
from ...model.templates import AccountModel, Principal
from ..escalation import is_admin_equivalent
from ..matrix import decide
from .base import Counterexample, Finding, Invariant, Proven

CONTEXT = RequestContextConfig(mfa=True, mfa_age_seconds=0)
DEFAULT_QUALIFIER = "hnb659fds"


def admin_refs(model: AccountModel, config: BaselineConfig) -> set[str]:
    """The refs the config makes admin in ``model``.

    Declared: ``access_matrix.admin_principals`` and the admin personas (``admin`` and every
    persona with ``admin: true``); ``persona:X`` covers X's IAM role, SAML roles and permission
    sets. Derived: every group whose ``assumable_roles`` include an admin persona, the break-glass group (users mode) and
    every OIDC deploy role that may assume the CDK deploy role. A group's members are admins too.
    """
    matrix = config.access_matrix
    admins = admin_personas(config)  # admin and every persona declared admin: true
    declared = list(matrix.admin_principals if matrix else ())
    declared += [f"persona:{key}" for key in admins]
    declared += [f"group:{g.name}" for _, g in config.groups.items() if set(admins) & set(g.assumable_roles)]
    if config.break_glass is not None and config.break_glass.mode == "users":
        declared.append(f"group:{config.break_glass.group_name}")
    federation = config.federation
    if federation is not None and federation.oidc is not None:
        declared += [f"role:{r.name}" for r in federation.oidc.deploy_roles if "deploy" in r.cdk_roles]
    refs: set[str] = set()
    federation = config.federation
    for ref in declared:
        kind, _, name = ref.partition(":")
        if kind == "persona":
            persona = persona_views(config).get(name)
            if persona is not None and persona.mfa_role:
                refs.add(f"role:{persona.role.name}")
            if federation is not None and federation.saml is not None:
                refs |= {f"role:{r.name}" for r in federation.saml.roles if r.persona == name}
            if federation is not None and federation.identity_center is not None:
                refs |= {f"permission_set:{p.name}" for p in federation.identity_center.permission_sets if p.persona == name}
        else:
            refs.add(ref)
    groups = {r.split(":", 1)[1] for r in refs if r.startswith("group:")}
    refs |= {p.ref for p in model.principals.values() if p.kind == "user" and groups & set(p.groups)}
    return refs


def _qualifiers(config: BaselineConfig) -> set[str]:
    federation = config.federation
    roles = federation.oidc.deploy_roles if federation is not None and federation.oidc is not None else ()
    return {DEFAULT_QUALIFIER} | {r.cdk_qualifier for r in roles if getattr(r, "cdk_qualifier", None)}


def deploy_roles(scope: AccountScope, config: BaselineConfig) -> list[str]:
    """ARNs of the CDK bootstrap deploy roles of every declared account, home region."""
    part = scope.model.partition
    return sorted(
        f"arn:{part}:iam::{account}:role/cdk-{q}-deploy-role-{account}-{config.region}"
        for account in scope.declared_accounts | {scope.model.account} for q in _qualifiers(config)
    )


def _may_assume_anything(subject) -> bool:
    """Some identity-based Allow covers sts:AssumeRole (else the subject has no edge at all)."""
    return any(s.effect == "Allow" and s.covers_action("sts:AssumeRole") for p in subject.identity for s in p.statements)


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    model = scope.model
    principals = sorted((p for p in model.principals.values() if p.kind in ("user", "group", "role", "permission_set")),
                        key=lambda p: p.ref)
    subjects = {p.arn: subject_for(model, p, CONTEXT) for p in principals}
    roles = [p for p in principals if p.kind == "role" and p.trust]
    admins = admin_refs(model, scope.top_config or config)
    is_admin: dict[str, str] = {}
    for p in principals:
        if p.kind in ("role", "permission_set", "user", "group") and is_admin_equivalent(model, subjects[p.arn]):
            is_admin[p.arn] = "attaches AdministratorAccess, writes role policies and creates users"
    bootstrap = deploy_roles(scope, config)
    findings = []
    for p in principals:
        if p.ref in admins:
            continue
        if p.arn in is_admin:
            from ...engine.evaluator import Request
            from ..escalation import STAND_IN_ROLE

            subject = subjects[p.arn]
            target = model.iam_arn(STAND_IN_ROLE)
            decision = decide(model, subject, "iam:PutRolePolicy", target)
            request = Request(subject.principal, "iam:PutRolePolicy", target, dict(subject.context))
            findings.append(Finding(p.ref, Counterexample(request, decision, f"{p.ref} is itself an administrator: "
                                                          + is_admin[p.arn])))
            continue
        # Breadth-first over "may assume": the first administrator reached is the counterexample.
        queue, seen = deque([(p.arn, ())]), {p.arn}
        found = None
        while queue and found is None:
            arn, chain = queue.popleft()
            subject = subjects[arn]
            if arn != p.arn and arn in is_admin:
                found = (chain, is_admin[arn])
                break
            if not _may_assume_anything(subject):
                continue
            for target in bootstrap:
                decision = decide(model, subject, "sts:AssumeRole", target)
                if decision.allowed:
                    found = (chain + ((target, decision),), "the CDK bootstrap deploy role (documented shape: "
                             "CloudFormation acts with the AdministratorAccess execution role)")
                    break
            for role in roles:
                if role.arn in seen:
                    continue
                decision = decide(model, subject, "sts:AssumeRole", role.arn)
                if decision.allowed:
                    seen.add(role.arn)
                    queue.append((role.arn, chain + ((role.arn, decision),)))
        if found is None:
            findings.append(Finding(p.ref, Proven(f"no chain of role assumptions from it reaches one of "
                                                  f"{len(is_admin) + len(bootstrap)} administrator roles")))
            continue
        chain, why = found
        first_target, first_decision = chain[0]
        from ...engine.evaluator import Request

        request = Request(subjects[p.arn].principal, "sts:AssumeRole", first_target, dict(subjects[p.arn].context))
        path = " -> ".join([p.ref] + [t.rsplit("/", 1)[-1] for t, _ in chain])
        findings.append(Finding(p.ref, Counterexample(request, first_decision, f"reaches an administrator: {path}; {why}")))
    return findings


INVARIANT = Invariant(
    id="INV-ONLY-ADMINS-ADMIN",
    promise="only access_matrix.admin_principals can become an administrator, directly or through chains of role "
    "assumption (the CDK bootstrap deploy role counts as administrator)",
    rule="IAM User Guide, 'Switch to an IAM role' and 'Policy evaluation logic' (role trust policy and the caller's "
    "policies must both allow); AWS CDK Developer Guide, 'Bootstrapping' (deploy and cfn-exec roles)",
    check=check,
)
