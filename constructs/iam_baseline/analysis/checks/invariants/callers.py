"""Who a trust counterexample's caller is: a principal of the assembly answers with its own policies.

The trust questions (:mod:`.trust`, :mod:`.mfa_less`) give every AWS caller an allow-everything
identity-based policy (:data:`.requests.ALLOW_ALL`): the worst case for a principal outside the
assembly, whose policies no template shows. A caller the trust names may be a principal of the
assembly (an identity account's user such as ``bob.developer``) whose own identity-based
policies, permissions boundary and SCPs refuse what the trust admits (the force-MFA Deny, a
group policy that asks for MFA): a cross-account request needs both sides (IAM User Guide,
"Cross-account policy evaluation logic"). So, in :func:`honest_ask`:

* a counterexample whose caller is not a principal of the assembly is shown as "a principal
  outside this assembly, e.g. <its request>" (its side is the allow-everything stand-in);
* one whose caller is a principal of the assembly is asked again, for that caller alone, with
  its own identity-based policies, boundary and SCPs (in place of the stand-in; the declared
  ways stay; for a StackSet template's role, the member account shown stands in the caller's
  policies for the template's placeholder account). A counterexample of that question is shown, its own statements in "allowed by".
  When its own policies refuse every such request, the caller is left out and the family asked
  again: the counterexample shown is another caller, or there is none and the verdict is
  proven, naming the callers that the trust alone admits and their own policies refuse;
* a caller that is a principal of a StackSet template (its policies name the template's
  placeholder account, not the caller's) is shown as z3 found it.

"The assembly" is every scope :func:`assembly` was given (``make check``: all of them,
:func:`.catalog.run_invariants`), else the scope asked about alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

from ...engine.policy import Policy
from ...engine.request import RequestPrincipal
from ...engine.space import PrincipalSpace, RequestSpace
from ...graph.world import SEARCH_CONTEXT
from ...model.accounts import AccountScope
from ...model.stack_reader import PLACEHOLDER_ACCOUNT
from ...model.subjects import Subject, subject_for
from .base import Counterexample, NotProven, Proven, Verdict
from .requests import ALLOW_ALL
from .solver import ask

#: How a counterexample with the allow-everything stand-in names its caller.
OUTSIDE = "a principal outside this assembly, e.g. "

#: Callers of the assembly refused by their own policies, asked again at most this often.
MAX_REFUSED = 16

_ASSEMBLY: list[tuple[AccountScope, ...]] = []


@contextmanager
def assembly(scopes: Sequence[AccountScope]) -> Iterator[None]:
    """Within the block, ``scopes`` are the assembly whose principals answer with their own policies."""
    _ASSEMBLY.append(tuple(scopes))
    try:
        yield
    finally:
        _ASSEMBLY.pop()


def _scopes(scope: AccountScope) -> tuple[AccountScope, ...]:
    known = _ASSEMBLY[-1] if _ASSEMBLY else ()
    return known if any(s is scope for s in known) else (scope,)


def assembly_principal(scope: AccountScope, arn: str):
    """The principal ``arn`` of a real account of the assembly (``scope``'s own included), as its
    template reads, else None (a StackSet template's principal, or one outside the assembly)."""
    parts = arn.split(":")
    account = parts[4] if len(parts) > 5 else ""
    for candidate in _scopes(scope):
        if candidate.model.account == account and arn in candidate.model.principals:
            return candidate.model.principals[arn]
    return None


def own_side(scope: AccountScope, caller: RequestPrincipal) -> tuple[Subject, tuple] | None | bool:
    """``(its subject, its account's SCP levels)`` when ``caller`` is a principal of a real
    account of the assembly; True when it is a principal of a StackSet template (kept as
    found); None when it is outside the assembly."""
    arn = caller.role_arn or caller.arn
    for candidate in _scopes(scope):
        model = candidate.model
        if model.account == PLACEHOLDER_ACCOUNT:
            if caller.account in candidate.member_accounts and \
                    arn.replace(f":{caller.account}:", f":{PLACEHOLDER_ACCOUNT}:", 1) in model.principals:
                return True
            continue
        principal = model.principals.get(arn) if model.account == caller.account else None
        if principal is not None and principal.kind in ("user", "role"):
            return subject_for(model, principal, SEARCH_CONTEXT), candidate.scps
    return None


def _only(space: RequestSpace, caller: RequestPrincipal) -> RequestSpace:
    return replace(space, principals=(caller,))


def _without(space: RequestSpace, caller: RequestPrincipal) -> RequestSpace | None:
    """``space`` without ``caller`` (by ``aws:PrincipalArn``); None when no caller is left."""
    arn = caller.role_arn or caller.arn
    if isinstance(space.principals, PrincipalSpace):
        return replace(space, principals=replace(space.principals, arn_not_like=(*space.principals.arn_not_like, arn)))
    left = tuple(p for p in space.principals if (p.role_arn or p.arn) != arn)
    return replace(space, principals=left) if left else None


def honest_ask(scope: AccountScope, space: RequestSpace, note: str = "", **policies) -> Verdict:
    """:func:`.solver.ask`, whose counterexample's caller, when the question gives callers the
    allow-everything stand-in, is honest about its own side (module docstring)."""
    identity = tuple(policies.pop("identity", ()))
    if ALLOW_ALL not in identity:
        return ask(space, identity=identity, note=note, **policies)
    declared = tuple(p for p in identity if p is not ALLOW_ALL)
    refused: list[str] = []
    current: RequestSpace | None = space
    while current is not None and len(refused) < MAX_REFUSED:
        verdict = ask(current, identity=identity, note=note, **policies)
        if not isinstance(verdict, Counterexample):
            return _with_refused(verdict, refused)
        caller = verdict.request.principal
        side = own_side(scope, caller)
        if side is None:
            return replace(verdict, caller=OUTSIDE)
        if side is True:
            return verdict
        subject, _ = side
        mine = ask_own_side(scope, current, caller, side, declared, note, **policies)
        if not isinstance(mine, Proven):
            return mine
        refused.append(subject.label)
        current = _without(current, caller)
    if current is not None:
        return NotProven(f"more than {MAX_REFUSED} callers of the assembly are admitted by the trust alone and refused by "
                         f"their own identity-based policies ({', '.join(refused)}); not asked further")
    return _with_refused(Proven("z3: no caller is left: every one the trust admits is refused by its own policies"),
                         refused)


def ask_own_side(scope: AccountScope, space: RequestSpace, caller: RequestPrincipal, side: tuple[Subject, tuple],
                 declared: tuple = (), note: str = "", **policies) -> Verdict:
    """``space`` asked for ``caller`` alone (``side``: its :func:`own_side`) with its own identity-based
    policies, boundary and SCPs in place of the allow-everything stand-in (``declared``: the
    declared-ways policies kept beside them; ``policies``: the rest of the question, e.g. the
    trust). For a StackSet template's role, the member account shown stands in the caller's
    policies for the template's placeholder account. Proven: its own policies refuse it."""
    subject, scps = side
    member = _member(scope, caller)
    return ask(_only(space, caller), identity=(*(_as_template(p, member) for p in subject.identity), *declared),
               boundary=_as_template(subject.boundary, member), scps=scps,
               note=f"{note}, {subject.label} with its own identity-based policies",
               **{k: v for k, v in policies.items() if k not in ("boundary", "scps", "identity")})


def _with_refused(verdict: Verdict, refused: list[str]) -> Verdict:
    if refused and isinstance(verdict, Proven):
        return replace(verdict, aside=f"the trust alone admits {', '.join(refused)}; their own identity-based "
                       "policies refuse it")
    return verdict


def _member(scope: AccountScope, caller: RequestPrincipal) -> str | None:
    """For a StackSet template's scope, the member account the question stands for: the first
    that is not the caller's (:meth:`.base.AccountNames.shown_member` shows the same one)."""
    if scope.model.account != PLACEHOLDER_ACCOUNT:
        return None
    return next((m for m in sorted(scope.member_accounts) if m != caller.account), None)


def _as_template(policy: Policy | None, member: str | None) -> Policy | None:
    """``policy`` (the caller's own) with ``member``'s ARNs in the template's placeholder account:
    the role asked about is that member's, which its scope reads with the placeholder."""
    if policy is None or member is None or policy.document is None:
        return policy
    text = json.dumps(policy.document)
    if f":{member}:" not in text:
        return policy
    return Policy.from_document(policy.name, json.loads(text.replace(f":{member}:", f":{PLACEHOLDER_ACCOUNT}:")), policy.kind)
