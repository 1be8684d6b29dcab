"""The symbolic caller of a question: its terms, the shapes of a principal space, and back.

A question (:mod:`.question`) asks about either a list of concrete callers or a
:class:`.space.PrincipalSpace` (kinds, accounts, ARN patterns, session origins). Either way the
solver sees one :class:`.encoder.Caller`; this module builds its terms and constraints, ties
the condition keys AWS derives from the caller to them ("AWS global condition context keys":
``aws:PrincipalArn``, ``aws:PrincipalAccount``, ``aws:PrincipalType``, ``aws:username``), and
reads a model's caller back as the session origin of a concrete request.

ARN shapes follow "IAM identifiers" > "IAM ARNs" (users, roles, assumed-role sessions, SAML
and OIDC providers); service principals are ``<name>.amazonaws.com``.
"""

from __future__ import annotations

from collections.abc import Sequence

import z3

from .context_rules import SessionOrigin
from .encoder import KINDS, Caller
from .org_levels import is_service_linked
from .request import RequestPrincipal
from .space import PrincipalKind, PrincipalSpace
from .z3_conditions import KeyVar
from .z3_patterns import literal, pattern_match
from .z3_shapes import ACCOUNT, NAME, PATH, chars

__all__ = ["CALLER_KEYS", "SERVICE_LINKED_PATH", "caller_constant", "caller_terms", "session_origin", "tie"]

#: The path of every service-linked role ("Using service-linked roles", IAM User Guide).
SERVICE_LINKED_PATH = "/aws-service-role/"

#: Keys AWS derives from the caller; tied to the symbolic caller unless the space lists them.
CALLER_KEYS = ("aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:username")

def caller_terms(solver: z3.Solver, principals: PrincipalSpace | Sequence[RequestPrincipal]) -> tuple[Caller, z3.SeqRef]:
    """The caller's terms and the user-name term, constrained in ``solver`` to ``principals``."""
    caller = Caller(z3.Int("caller_kind"), z3.String("caller_arn"), z3.String("caller_role_arn"),
                    z3.Bool("caller_has_role"), z3.String("caller_account"), z3.Bool("caller_service_linked"),
                    z3.Bool("caller_mfa_carried"))
    user_name = z3.String("caller_user_name")
    if isinstance(principals, PrincipalSpace):
        solver.add(*_principal_space(caller, user_name, principals))
        return caller, user_name
    options = []
    for p in principals:
        options.append(z3.And(
            caller.kind == KINDS.index(str(getattr(p.kind, "value", p.kind))),
            caller.arn == literal(p.arn),
            caller.account == literal(p.account),
            caller.has_role == z3.BoolVal(p.role_arn is not None),
            caller.role_arn == literal(p.role_arn or ""),
            user_name == literal(p.arn.rsplit("/", 1)[-1]),
            caller.linked == z3.BoolVal(is_service_linked(p.role_arn)),
            caller.mfa_carried == z3.BoolVal(p.session_origin is None or p.session_origin.carries_mfa),
        ))
    solver.add(z3.Or(*options))
    return caller, user_name


def _principal_space(c: Caller, name: z3.SeqRef, space: PrincipalSpace) -> list[z3.BoolRef]:
    S = literal  # noqa: N806
    part = S(space.partition)
    path = z3.String("caller_path")
    session = z3.String("caller_session")
    provider = z3.String("caller_provider")
    iam = z3.Concat(S("arn:"), part, S(":iam::"), c.account)
    shapes = {
        PrincipalKind.USER: z3.And(c.arn == z3.Concat(iam, S(":user"), path, name), z3.Not(c.has_role)),
        PrincipalKind.ROLE_SESSION: z3.And(
            c.has_role,
            c.role_arn == z3.Concat(iam, S(":role"), path, name),
            c.arn == z3.Concat(S("arn:"), part, S(":sts::"), c.account, S(":assumed-role/"), name, S("/"), session),
            z3.InRe(session, NAME),
        ),
        PrincipalKind.FEDERATED: z3.And(
            z3.Not(c.has_role),
            z3.Or(c.arn == z3.Concat(iam, S(":saml-provider/"), provider),
                  c.arn == z3.Concat(iam, S(":oidc-provider/"), provider)),
            z3.InRe(provider, z3.Plus(chars("A-Za-z0-9._/-"))),
        ),
        PrincipalKind.SERVICE: z3.And(
            z3.Not(c.has_role), c.account == S(""),
            z3.InRe(c.arn, z3.Concat(z3.Plus(chars("a-z0-9.-")), z3.Re(".amazonaws.com"))),
        ),
    }
    accounts = (z3.Or(*[c.account == S(a) for a in sorted(space.accounts)]) if space.accounts
                else z3.InRe(c.account, ACCOUNT))
    out = [z3.InRe(path, PATH), z3.InRe(name, NAME), z3.Implies(z3.Not(c.has_role), c.role_arn == S(""))]
    out.append(c.linked == z3.And(c.has_role, z3.PrefixOf(S(SERVICE_LINKED_PATH), path)))
    if not space.service_linked_roles:
        out.append(z3.Not(c.linked))
    # Only role sessions lose MFA context; whether one of the space may carry it follows
    # its possible origins (context_rules.SessionOrigin).
    sessions_may_carry = any(o.carries_mfa for o in space.session_origins)
    out.append(z3.Implies(z3.Not(c.is_kind("role_session")), c.mfa_carried))
    if not sessions_may_carry:
        out.append(z3.Implies(c.is_kind("role_session"), z3.Not(c.mfa_carried)))
    elif len(space.session_origins) == 1:
        out.append(c.mfa_carried)
    out.append(z3.Or(*[z3.And(c.kind == KINDS.index(k.value), shapes[k],
                              accounts if k is not PrincipalKind.SERVICE else z3.BoolVal(True))
                       for k in space.kinds]))
    principal_arn = z3.If(c.has_role, c.role_arn, c.arn)

    def like(p: str) -> z3.BoolRef:
        return pattern_match(principal_arn, p, mode="arn", variables=False, resolve=lambda v: None,
                             positive=True, fresh=lambda label: z3.String(label))

    if space.arn_like:
        out.append(z3.Or(*[like(p) for p in space.arn_like]))
    out += [z3.Not(like(p)) for p in space.arn_not_like]
    return out


def tie(var: KeyVar, c: Caller, user_name: z3.SeqRef) -> z3.BoolRef:
    """``var`` (one of :data:`CALLER_KEYS`) holds what AWS derives from the caller ``c``."""
    one = lambda term: z3.And(var.count == 1, var.values[0] == term)  # noqa: E731
    if var.key == "aws:principalarn":
        value = z3.If(c.has_role, c.role_arn, c.arn)
    elif var.key == "aws:principalaccount":
        value = c.account
    elif var.key == "aws:principaltype":
        value = z3.If(c.is_kind("user"), literal("User"), literal("AssumedRole"))
    else:  # aws:username: the user's name; no such key for other callers
        return z3.If(c.is_kind("user"), one(user_name), var.count == 0)
    return z3.If(z3.Or(c.is_kind("user"), c.is_kind("role_session")), one(value), z3.BoolVal(True))


def caller_constant(principals: PrincipalSpace | Sequence[RequestPrincipal], key: str) -> str | None:
    """The value of a caller key when the space has one concrete caller that has it."""
    if isinstance(principals, PrincipalSpace) or len(principals) != 1:
        return None
    p = principals[0]
    if p.kind not in ("user", "role_session"):
        return None
    return {
        "aws:principalarn": p.role_arn or p.arn,
        "aws:principalaccount": p.account,
        "aws:principaltype": "User" if p.kind == "user" else "AssumedRole",
        "aws:username": p.arn.rsplit("/", 1)[-1] if p.kind == "user" else None,
    }[key]


def session_origin(principals: PrincipalSpace | Sequence[RequestPrincipal], kind: str, carried: bool,
                   principal_of: tuple[str, str | None]) -> SessionOrigin:
    """The session origin of the model's caller: a concrete caller's own, else one of the
    space's origins that agrees with whether MFA was carried."""
    if not isinstance(principals, PrincipalSpace):
        for p in principals:
            if (p.arn, p.role_arn) == principal_of and str(getattr(p.kind, "value", p.kind)) == kind:
                return p.origin
        return SessionOrigin.ASSUME_ROLE
    for origin in sorted(principals.session_origins, key=lambda o: o.value):
        if origin.carries_mfa == carried:
            return origin
    return SessionOrigin.ASSUME_ROLE
