"""INV-TRUST-DECLARED-WAYS: every role of the baseline is assumable only in the ways the config declares.

The declared ways (README.md, "What is proven"):

* a user or role session of a declared account, with ``aws:MultiFactorAuthPresent`` true and
  ``aws:MultiFactorAuthAge`` at most ``mfa.max_age_seconds``;
* ``sts:AssumeRoleWithSAML`` from one of the assembly's SAML providers with ``SAML:aud`` the
  AWS sign-in endpoint;
* ``sts:AssumeRoleWithWebIdentity`` from one of the assembly's OIDC providers, for a role
  the config declares as an OIDC deploy role, with an ``aud`` the provider declares and a
  ``sub`` inside the role's declared subjects;
* the service principal the trust policy names (never ``*``).

Decided over every caller kind (users and role sessions of the account, of each account the
trust names and of a foreign account; every principal ARN the trust names; AWS services;
federated providers, declared or not; the anonymous ``*``), every ``sts:AssumeRole*`` action
and every equivalence class of the trust policy's condition keys (:mod:`.requests`). Callers
outside the model hold an allow-everything identity policy (the worst case: cross-account
requests need both sides, and the other side is not ours).
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from ....config.models import BaselineConfig
from ...engine.evaluator import Request, RequestPrincipal, evaluate_assume_role
from ...model.accounts import AccountScope
from ...model.subjects import subject_for
from ...model.templates import AccountModel, Principal
from ....config.access_matrix import RequestContextConfig
from .base import Counterexample, Finding, Invariant, NotProven, Proven
from .declared import declared_accounts, declared_subjects, machine_role, oidc_audiences
from .requests import FOREIGN_ACCOUNT, Caller, TooManyClasses, aws_callers, caller_contexts, key_classes, unsupported

ACTIONS = ("sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity")
SAML_AUDIENCE = "https://signin.aws.amazon.com/saml"


def _named(role: Principal, kind: str) -> list[str]:
    return sorted({i for s in role.trust.statements for i in (s.principals or {}).get(kind, ())})


def callers(scope: AccountScope, role: Principal) -> list[Caller]:
    """Every caller class the trust question ranges over."""
    model = scope.model
    out = aws_callers(model, model.account) + aws_callers(model, FOREIGN_ACCOUNT)
    for ident in _named(role, "AWS"):
        account = ident.split(":")[4] if ident.startswith("arn:") else ident
        if account.isdigit() and account not in (model.account, FOREIGN_ACCOUNT):
            out += aws_callers(model, account)
        inside = model.principals.get(ident)
        if inside is not None and inside.kind in ("user", "role"):
            subject = subject_for(model, inside, RequestContextConfig())
            out.append(Caller(subject.principal, subject.identity, subject.boundary, inside=True))
        elif ident.startswith("arn:") and ":role/" in ident:
            out.append(Caller(RequestPrincipal(ident.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/") + "/probe",
                                               account, "role_session", role_arn=ident), aws_callers(model, account)[0].identity))
        elif ident.startswith("arn:") and ":user/" in ident:
            out.append(Caller(RequestPrincipal(ident, account, "user"), aws_callers(model, account)[0].identity))
    for service in {*_named(role, "Service"), "probe.amazonaws.com"} - {"*"}:
        out.append(Caller(RequestPrincipal(service, "", "service"), ()))
    providers = {*_named(role, "Federated"), *model.saml_providers, *model.oidc_providers,
                 f"arn:{model.partition}:iam::{FOREIGN_ACCOUNT}:oidc-provider/probe.example.com"} - {"*"}
    for provider in sorted(providers):
        out.append(Caller(RequestPrincipal(provider, model.account, "federated"), ()))
    return out


def declared_way(scope: AccountScope, config: BaselineConfig, role: Principal, request: Request) -> bool:
    """Whether an allowed ``request`` is one of the ways the config declares (module docstring)."""
    p, context, model = request.principal, request.context, scope.model
    machine = machine_role(config, role.name)
    if machine is not None:  # no MFA: its one principal (INV-MACHINE-ROLE-PRINCIPAL decides it symbolically)
        if request.action != "sts:AssumeRole" or p.kind not in ("user", "role_session"):
            return False
        if machine.third_party is not None:
            return p.account == machine.third_party.account_id and context.get("sts:externalid") == machine.third_party.external_id
        return p.role_arn == machine.principal_arn
    if p.kind in ("user", "role_session"):
        age = context.get("aws:multifactorauthage")
        return (
            request.action == "sts:AssumeRole"
            and p.account in declared_accounts(config, scope)
            and context.get("aws:multifactorauthpresent") == "true"
            and age is not None and int(age) <= config.mfa.max_age_seconds
        )
    if p.kind == "service":
        return p.arn in _named(role, "Service")
    if p.kind == "federated":
        if p.arn in model.saml_providers:
            return request.action == "sts:AssumeRoleWithSAML" and context.get("saml:aud") == SAML_AUDIENCE
        if p.arn in model.oidc_providers and request.action == "sts:AssumeRoleWithWebIdentity":
            issuer = p.arn.split(":oidc-provider/", 1)[1]
            subs = declared_subjects(config, role.name)
            return (
                context.get(f"{issuer}:aud".lower()) in oidc_audiences(config, issuer)
                and any(fnmatchcase(str(context.get(f"{issuer}:sub".lower(), "")), s) for s in subs)
            )
    return False


def _extra_values(config: BaselineConfig, model: AccountModel) -> dict[str, tuple[str, ...]]:
    extra = {"aws:MultiFactorAuthAge": ("0", str(config.mfa.max_age_seconds), str(config.mfa.max_age_seconds + 1)),
             "aws:MultiFactorAuthPresent": ("true",)}
    return extra


def check_role(scope: AccountScope, config: BaselineConfig, role: Principal) -> Finding:
    """The verdict on one role's trust policy."""
    reason = unsupported(role.trust)
    if reason:
        return Finding(role.ref, NotProven(reason))
    classes = key_classes(role.trust, _extra_values(config, scope.model))
    evaluations = 0
    try:
        for caller in callers(scope, role):
            for context in caller_contexts(caller, classes):
                for action in ACTIONS:
                    request = Request(caller.principal, action, role.arn, context)
                    evaluations += 1
                    decision = evaluate_assume_role(
                        request, trust_policy=role.trust, identity=caller.identity, boundary=caller.boundary,
                        scps=scope.scps if caller.principal.account == scope.model.account else (),
                    )
                    if decision.allowed and not declared_way(scope, config, role, request):
                        return Finding(role.ref, Counterexample(request, decision, "an undeclared way into the role"))
    except TooManyClasses as error:
        return Finding(role.ref, NotProven(str(error)))
    return Finding(role.ref, Proven(f"{evaluations} request classes of the trust policy evaluated, none undeclared"))


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    """One finding per role with a trust policy in ``scope``."""
    roles = sorted((p for p in scope.model.principals.values() if p.kind == "role" and p.trust), key=lambda p: p.ref)
    return [check_role(scope, config, role) for role in roles]


INVARIANT = Invariant(
    id="INV-TRUST-DECLARED-WAYS",
    promise="every role is assumable only by MFA-authenticated principals of declared accounts (MFA not older than "
    "mfa.max_age_seconds), its SAML providers with SAML:aud, its OIDC provider with aud and a declared sub, or its "
    "service principal",
    rule="IAM User Guide, 'IAM roles' > 'Role trust policy'; 'Policy evaluation logic' (cross-account: both sides "
    "must allow); 'AWS global condition context keys' > aws:MultiFactorAuthPresent, aws:MultiFactorAuthAge",
    check=check,
)
