"""INV-TRUST-DECLARED-WAYS: every role of the baseline is assumable only in the ways the config declares.

The declared ways (README.md, "What is proven"):

* a user or role session of a declared account, with ``aws:MultiFactorAuthPresent`` true and
  ``aws:MultiFactorAuthAge`` at most ``mfa.max_age_seconds``;
* ``sts:AssumeRoleWithSAML`` from one of the assembly's SAML providers with ``SAML:aud`` the
  AWS sign-in endpoint;
* ``sts:AssumeRoleWithWebIdentity`` from one of the assembly's OIDC providers, for a role
  the config declares as an OIDC deploy role, with an ``aud`` the provider declares and a
  ``sub`` inside the role's declared subjects;
* the service principal the trust policy names (never ``*``);
* for a machine role (``machine_roles:``), instead of the MFA way: its automation role
  (``aws:PrincipalArn``), or its third party's account with the agreed ``sts:ExternalId``;
* for a persona's role in a member account reached from the identity account
  (``organization.identity_account``, issue 17): also sessions of that persona's SAML roles in
  the identity account (``aws:PrincipalArn``), without AWS MFA, which a SAML session never
  carries (engine/context_rules.py).

Decided by the z3 engine (``find_allowed``), one symbolic question per caller family and role:
is any request ``sts:AssumeRole*`` on the role, from any caller of the family, with any
context, allowed by the trust policy **and outside the declared ways**? The declared ways are
written as IAM ``Deny`` statements (:func:`declared_ways`) and passed with the caller's
policies, so "allowed" means "allowed and undeclared", in IAM's own language, in both engines;
the counterexample is a concrete request the concrete evaluator replays. The families:

* AWS callers: every user and role session of **every** account (declared, named by the
  trust, or any other 12-digit account), with any ARN (the users and roles the trust names
  are asked apart, as concrete callers, which z3 decides much faster), holding an allow-everything
  identity-based policy (the worst case: cross-account requests need both sides, and the other
  side is not ours; for the baseline's own principals it over-approximates their policies);
* each SAML and OIDC provider of the assembly;
* every other federated provider and every service principal the trust does not name.

The OIDC question is the ``sub`` language inclusion of issue 9: the set of ``sub`` strings the
trust admits (``StringEquals``/``StringLike``, IAM's ``*`` and ``?``) must lie inside the set
the config declares (:mod:`.oidc_subjects`); a counterexample names one ``sub``.
"""

from __future__ import annotations

from functools import partial

from ....config.models import BaselineConfig
from ...engine.policy import Policy
from ...engine.request import RequestPrincipal
from ...engine.space import PrincipalKind, PrincipalSpace
from ...model.accounts import AccountScope
from ...model.templates import Principal
from . import oidc_subjects
from .base import Finding, Invariant
from .callers import honest_ask
from .requests import ALLOW_ALL
from .solver import first_finding
from .ways import declared_ways, named, named_callers, space


def _policies(*policies: Policy | None) -> tuple[Policy, ...]:
    return tuple(p for p in policies if p is not None)


def questions(scope: AccountScope, config: BaselineConfig, role: Principal):
    """``(family, space, identity-based policies)`` per caller family (module docstring)."""
    model = scope.model
    aws = _policies(ALLOW_ALL, declared_ways(scope, config, role))
    callers = named_callers(role)
    out = []
    if callers:
        out.append(("the users and roles the trust names", space(role, callers), aws))
    out.append(("AWS callers of every account", space(role, PrincipalSpace(
        kinds=frozenset({PrincipalKind.USER, PrincipalKind.ROLE_SESSION}), partition=model.partition,
        arn_not_like=tuple(p.role_arn or p.arn for p in callers))), aws))
    providers = sorted({*model.saml_providers, *model.oidc_providers})
    for provider in providers:
        if provider in model.oidc_providers:
            out += oidc_subjects.questions(scope, config, role, provider)
            continue
        caller = RequestPrincipal(provider, model.account, "federated")
        out.append((f"provider {provider}", space(role, (caller,)), _policies(declared_ways(scope, config, role, provider))))
    others = tuple(providers) + tuple(s for s in named(role, "Service") if s != "*")
    out.append(("every other federated provider and service", space(role, PrincipalSpace(
        kinds=frozenset({PrincipalKind.FEDERATED, PrincipalKind.SERVICE}), partition=model.partition,
        arn_not_like=others)), ()))
    return out


def check_role(scope: AccountScope, config: BaselineConfig, role: Principal) -> Finding:
    """The verdict on one role's trust policy: the first counterexample, else not proven, else proven."""
    families = [(family, space_, {"identity": identity, "trust": role.trust})
                for family, space_, identity in questions(scope, config, role)]
    return first_finding(role.ref, families, f"no caller of {len(families)} families has an undeclared way in",
                         "an undeclared way into the role", partial(honest_ask, scope))


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
