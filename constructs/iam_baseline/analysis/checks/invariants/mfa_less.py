"""INV-MFA-LESS-ONLY-MACHINE: a role that an AWS caller assumes without MFA is a declared machine role.

The identity account's people reach member accounts with MFA; the only declared ways in
without MFA are the machine roles (``machine_roles:``, each with its ``reason``, its one
principal proven by INV-MACHINE-ROLE-PRINCIPAL) and the identity account's SAML roles whose
providers all declare MFA at the identity provider (``federation.saml.providers[i].
mfa_at_identity_provider``, with its reason; :mod:`.saml_mfa`): their sessions carry no AWS MFA
context (IAM User Guide, "Configuring MFA-protected API access": "AWS cannot determine whether
that provider required MFA"), shown as "sign-in at the identity provider, no MFA seen by AWS".
A SAML role of the persona with an undeclared provider (its template's trust names one) is
asked like any named caller: it assumes the member role without MFA, a counterexample naming it.

Decided per role with a trust policy by the z3 engine: is any ``sts:AssumeRole`` on the role,
by an IAM user or role session of any account, with ``aws:MultiFactorAuthPresent`` absent (long-
term keys) or ``false``, allowed by the trust policy (the caller's own side worst case: an
allow-everything identity-based policy), other than by the declared SAML roles? The users and
roles the trust names are asked as concrete callers, the rest of every account symbolically
(as :mod:`.trust` does). Where INV-TRUST-DECLARED-WAYS is proven for the role (its AWS-caller
questions, answered once by the solver cache) this follows from it: every AWS caller it lets in
brings recent MFA or is a declared SAML role. SAML and OIDC federation into the role itself
(``AssumeRoleWithSAML``/``WithWebIdentity``) is a declared federated way (INV-TRUST-DECLARED-WAYS).
"""

from __future__ import annotations

from functools import partial

from ....config.models import BaselineConfig
from ...engine.space import PrincipalKind, PrincipalSpace, not_equals
from ...model.accounts import AccountScope
from ...model.templates import Principal
from . import trust
from .base import Finding, Invariant, Proven
from .callers import assembly_principal, honest_ask
from . import declared as what_is_declared
from .declared import machine_role
from .requests import ALLOW_ALL
from .saml_mfa import SamlMfa, saml_mfa
from .solver import first_finding
from .ways import named_callers, space

#: The request context of the question: no MFA (long-term keys: absent; temporary: false).
WITHOUT_MFA = {"aws:MultiFactorAuthPresent": not_equals("true", absent_ok=True)}


def check_role(scope: AccountScope, config: BaselineConfig, role: Principal) -> Finding:
    """The verdict on one role (module docstring)."""
    machine = machine_role(config, role.name)
    if machine is not None:
        return Finding(f"{role.ref} (machine role, reason: {machine.reason})",
                       Proven(f"declared machine role: reached without MFA only by {machine.principal_arn}"
                              + (" with its external id" if machine.third_party else "") + " (INV-MACHINE-ROLE-PRINCIPAL)"))
    top = scope.top_config or config
    declarations = {arn: _declaration(scope, top, arn) for arn in what_is_declared.identity_saml_roles(scope, top, role.name)}
    saml = tuple(arn for arn, found in declarations.items() if found.declared)
    idp = (f"; without AWS MFA only from the identity account's SAML roles {list(saml)} (sign-in at the identity "
           f"provider, no MFA seen by AWS; declared: {'; '.join(declarations[a].describe() for a in saml)})") if saml else ""
    honest = partial(honest_ask, scope)
    if len(saml) == len(declarations):
        # Every SAML role the hop list names is a declared exception: INV-TRUST-DECLARED-WAYS's
        # questions (answered once by the solver cache) decide this one.
        ways = [(family, space_, {"identity": identity, "trust": role.trust})
                for family, space_, identity in trust.questions(scope, config, role)
                if not family.startswith("provider") and "federated" not in family]
        implied = first_finding(role.ref, ways, "implied by INV-TRUST-DECLARED-WAYS (every AWS caller let in brings "
                                "recent MFA or is a declared SAML role)" + idp, "", honest)
        if isinstance(implied.verdict, Proven):
            return implied
    callers = tuple(c for c in named_callers(role) if (c.role_arn or c.arn) not in saml)
    excluded = tuple(c.role_arn or c.arn for c in named_callers(role)) + saml
    families = [("the users and roles the trust names, without MFA", callers)] if callers else []
    families.append(("IAM users and role sessions of every account, without MFA", PrincipalSpace(
        kinds=frozenset({PrincipalKind.USER, PrincipalKind.ROLE_SESSION}), partition=scope.model.partition,
        arn_not_like=excluded)))
    return first_finding(role.ref, [(family, space(role, principals, WITHOUT_MFA), {"identity": (ALLOW_ALL,),
                                                                                   "trust": role.trust})
                                    for family, principals in families],
                         "no AWS caller assumes it without MFA" + idp, "assumed without MFA, not a machine role"
                         + _undeclared_note(declarations), honest)


def _declaration(scope: AccountScope, config: BaselineConfig, arn: str) -> SamlMfa:
    """The MFA declaration of the identity account's SAML role ``arn``: its providers as its
    template's trust names them (the assembly's principal), else as the config lists them."""
    principal = assembly_principal(scope, arn)
    return saml_mfa(config, arn.rsplit("/", 1)[-1], principal.trust if principal is not None else None)


def _undeclared_note(declarations: dict[str, SamlMfa]) -> str:
    undeclared = [f"{arn} ({found.describe()})" for arn, found in declarations.items() if not found.declared]
    return f" (SAML roles not exempt: {'; '.join(undeclared)})" if undeclared else ""


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    """One finding per role with a trust policy in ``scope``, except roles only AWS services or
    federated providers assume (no IAM user or role session is let in: nothing to ask)."""
    roles = sorted((p for p in scope.model.principals.values() if p.kind == "role" and p.trust), key=lambda p: p.ref)
    return [check_role(scope, config, role) for role in roles if _admits_aws_callers(role)]


def _admits_aws_callers(role: Principal) -> bool:
    return any(s.effect == "Allow" and (s.not_principals is not None or "AWS" in (s.principals or {}))
               for s in role.trust.statements)


INVARIANT = Invariant(
    id="INV-MFA-LESS-ONLY-MACHINE",
    promise="a role that an IAM user or role session assumes without MFA is a declared machine role (its reason "
    "shown), or is reached so only from the identity account's SAML roles whose providers all declare MFA at the "
    "identity provider (mfa_at_identity_provider, its reason shown; no MFA seen by AWS)",
    rule="IAM User Guide, 'AWS global condition context keys' > aws:MultiFactorAuthPresent; 'Configuring "
    "MFA-protected API access' (AssumeRoleWithSAML and AssumeRoleWithWebIdentity carry no MFA); 'Access to AWS "
    "accounts owned by third parties'",
    check=check,
)
