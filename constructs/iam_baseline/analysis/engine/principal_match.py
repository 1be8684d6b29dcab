"""How a statement's ``Principal``/``NotPrincipal`` element covers the caller of a request.

Source: IAM User Guide, "AWS JSON policy elements: Principal" and "AWS JSON policy elements:
NotPrincipal". A match is ranked: ``direct`` (the caller's own ARN), ``role`` (the role of a
role session), ``any`` (``"*"``) or ``account`` (the caller's account, which only delegates to
its identity-based policies).
"""

from __future__ import annotations

from .conditions import PolicyError
from .policy import Statement
from .request import RequestPrincipal

__all__ = ["NOT_PRINCIPAL_LEVELS", "account_of", "match_principal_map", "not_principal_excludes", "principal_match"]


def principal_match(statement: Statement, principal: RequestPrincipal, has_boundary: bool = False) -> str | None:
    """How a resource-based statement's Principal/NotPrincipal covers ``principal``, or None.

    Source: IAM User Guide, "AWS JSON policy elements: Principal": an account id or
    ``arn:PARTITION:iam::ACCOUNT:root`` stands for the account (delegating to its IAM
    policies); a role ARN covers the role's sessions; wildcards are not allowed except ``*``.
    ``NotPrincipal`` per :func:`not_principal_excludes`.
    """
    if statement.principals is not None:
        return match_principal_map(statement.principals, principal)
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


def match_principal_map(principals: dict[str, tuple[str, ...]], principal: RequestPrincipal) -> str | None:
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

