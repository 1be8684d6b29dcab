"""Member accounts as the organization invariants see them: which guard rails the config
attaches to a scope's accounts, and the callers of a member account.

A scope with ``member_accounts`` (:mod:`...model.accounts`) stands for accounts that share
their SCP and RCP levels; the invariants decide the first of them, the others being the same
question with another account id. "Any principal of the member account" is every IAM user and
role session of it holding an allow-everything identity-based policy (an administrator of the
account can grant that to anyone), service-linked roles excepted: AWS owns their policies and
SCPs do not restrict them (AWS Organizations User Guide, "SCP effects on permissions").
"""

from __future__ import annotations

from collections.abc import Iterable

from ....config.models import BaselineConfig
from ...engine.request import RequestPrincipal
from ...engine.space import PrincipalKind, PrincipalSpace, RequestSpace
from ...model.accounts import AccountScope
from .base import Proven, Verdict
from .solver import ask

#: Callers that an account's own IAM controls.
MEMBER_KINDS = frozenset({PrincipalKind.USER, PrincipalKind.ROLE_SESSION})


def member_account(scope: AccountScope) -> str | None:
    """The member account a scope's organization invariants decide, or None (not a member)."""
    return scope.member_accounts[0] if scope.member_accounts else None


def subject(scope: AccountScope) -> str:
    """How a finding names the accounts it stands for."""
    first, count = scope.member_accounts[0], len(scope.member_accounts)
    return f"member account {first}" + (f" (and {count - 1} more with the same SCPs and RCPs)" if count > 1 else "")


def _ou_path(config: BaselineConfig, account: str) -> str | None:
    for ou, member in config.organization.member_accounts():
        if member.id == account:
            return ou.path
    return None


def attached(config: BaselineConfig, targets: tuple[str, ...], account: str) -> bool:
    """Whether a guard rail with ``targets`` (``root`` or OU paths) covers ``account`` per the config."""
    path = _ou_path(config, account)
    if path is None:
        return False
    return any(t == "root" or path == t or path.startswith(t + "/") for t in targets)


def guardrail_covers(config: BaselineConfig | None, name: str, account: str) -> bool:
    """Whether the config enables the SCP guard rail ``name`` (a field of
    ``service_control_policies``) for ``account``."""
    organization = config.organization if config is not None else None
    scps = organization.service_control_policies if organization is not None else None
    if scps is None:
        return False
    guardrail = getattr(scps, name)
    return guardrail.enabled and attached(config, guardrail.targets, account)


def any_member_principal(account: str, partition: str, exempt: tuple[str, ...] = ()) -> PrincipalSpace:
    """Every user and role session of ``account`` but service-linked roles and ``exempt``
    (``aws:PrincipalArn`` patterns)."""
    return PrincipalSpace(kinds=MEMBER_KINDS, accounts=frozenset({account}), partition=partition,
                          arn_not_like=exempt, service_linked_roles=False)


def root_user(account: str, partition: str) -> RequestPrincipal:
    """The member account's root user (``aws:PrincipalArn`` ``arn:aws:iam::ACCOUNT:root``)."""
    return RequestPrincipal(f"arn:{partition}:iam::{account}:root", account, "user")


def ask_all(spaces: Iterable[RequestSpace], **policies) -> Verdict:
    """Proven when the solver proves every space; else the first other verdict."""
    verdict: Verdict = Proven("no question")
    for space in spaces:
        verdict = ask(space, **policies)
        if not isinstance(verdict, Proven):
            break
    return verdict
