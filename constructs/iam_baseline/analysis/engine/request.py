"""The request the engines decide: who asks (:class:`RequestPrincipal`) and what (:class:`Request`).

The request context follows the IAM User Guide, "Policy evaluation logic" > "Authentication
and request context": principal, action, resource and context keys; keys the caller leaves
out are *absent*.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .conditions import ContextValue
from .context_rules import SessionOrigin

__all__ = ["Request", "RequestPrincipal"]


@dataclass(frozen=True)
class RequestPrincipal:
    """Who makes the request, as the request context describes them.

    Attributes:
        arn: the caller's ARN: an IAM user ARN, an assumed-role session ARN
            (``arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION``), a federated provider ARN or
            a service principal name.
        account: the caller's account id ("" for a service).
        role_arn: for a role session, the role's IAM ARN (what ``aws:PrincipalArn`` holds).
        kind: ``user``, ``role_session``, ``federated`` or ``service``.
        origin: for a role session, how the first credentials of its chain were issued, which
            decides whether AWS may carry MFA context (:class:`.context_rules.SessionOrigin`);
            ignored for other kinds.
    """

    arn: str
    account: str
    kind: str = "user"
    role_arn: str | None = None
    origin: SessionOrigin = SessionOrigin.ASSUME_ROLE

    @property
    def session_origin(self) -> SessionOrigin | None:
        """The origin when this caller is a role session, else ``None``."""
        return self.origin if str(getattr(self.kind, "value", self.kind)) == "role_session" else None


@dataclass(frozen=True)
class Request:
    """One API request: principal, action, resource ARN and request context keys."""

    principal: RequestPrincipal
    action: str
    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Condition keys are case-insensitive: store them lower-case once.
        object.__setattr__(self, "context", {k.lower(): v for k, v in self.context.items()})
