"""The set of requests a question ranges over (Cedar-style explicit request environment).

A :class:`RequestSpace` names who may call (:class:`PrincipalSpace` or concrete callers),
which actions (:class:`ActionSpace`, closed world from the pinned action catalog or open
world), which resources (:class:`ResourceSpace`) and what each condition key may hold
(:class:`KeyConstraint`). The symbolic encoder (:mod:`.symbolic`) asks whether any request of
the space is allowed; the space is explicit so that a proof says exactly what it covers.

Principal shapes follow the IAM User Guide, "IAM identifiers" > "IAM ARNs" (user
``arn:aws:iam::ACCOUNT:user/PATH/NAME``, role ``arn:aws:iam::ACCOUNT:role/PATH/NAME``, role
session ``arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION``, SAML and OIDC providers) and
"AWS JSON policy elements: Principal" (service principals ``NAME.amazonaws.com``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from .context_rules import SessionOrigin
from .request import RequestPrincipal


class PrincipalKind(str, enum.Enum):
    """The kinds of caller the evaluator knows (:attr:`RequestPrincipal.kind` holds the value)."""

    USER = "user"
    ROLE_SESSION = "role_session"
    FEDERATED = "federated"
    SERVICE = "service"


@dataclass(frozen=True)
class PrincipalSpace:
    """A symbolic caller: any principal of the given kinds in the given accounts.

    Attributes:
        kinds: the kinds of caller (default: all four).
        accounts: the caller's account ids (12 digits); ``None`` means any account, including
            ones the assembly never names (the "every principal of every account" question).
            Services have no account (``""``) whatever this says.
        partition: the ARN partition of the caller.
        arn_like: when not empty, the caller's ``aws:PrincipalArn`` (a user's or a federated
            provider's ARN, a role session's *role* ARN, a service's name) matches one of these
            ``ArnLike`` patterns.
        arn_not_like: the caller's ``aws:PrincipalArn`` matches none of these.
        service_linked_roles: whether role sessions of service-linked roles (path
            ``/aws-service-role/``) are in the space. AWS owns their policies and SCPs do not
            restrict them, so questions about what an account's own IAM could grant leave them
            out (False); excluding them here is exact, an ``arn_not_like`` pattern is slow.
        session_origins: how the chains of the role sessions in the space began (default: any).
            Without :attr:`.SessionOrigin.ASSUME_ROLE` no role session of the space sends
            ``aws:MultiFactorAuthPresent`` ``true`` (:mod:`.context_rules`).
    """

    kinds: frozenset[PrincipalKind] = frozenset(PrincipalKind)
    accounts: frozenset[str] | None = None
    partition: str = "aws"
    arn_like: tuple[str, ...] = ()
    arn_not_like: tuple[str, ...] = ()
    service_linked_roles: bool = True
    session_origins: frozenset[SessionOrigin] = frozenset(SessionOrigin)


@dataclass(frozen=True)
class ActionSpace:
    """Which actions a question covers.

    Attributes:
        include: ``Action``-style patterns (case-insensitive, ``*`` and ``?``); default all.
        exclude: patterns removed from ``include``.
        open_world: also every ``service:Action`` string that the catalog does not list (an
            action AWS adds later); its resource is then any string. Closed world (default):
            only catalog actions, each with its catalog resource types.
    """

    include: tuple[str, ...] = ("*",)
    exclude: tuple[str, ...] = ()
    open_world: bool = False


@dataclass(frozen=True)
class ResourceSpace:
    """Which resources a question covers: ``Resource``-style ARN patterns.

    The catalog narrows every closed-world action to the ARN formats of its resource types
    (an action without resource types takes only ``*``), so a ``*`` here does not pair an
    action with an ARN it cannot act on.
    """

    include: tuple[str, ...] = ("*",)
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class KeyConstraint:
    """What one condition key of the request context may hold.

    A key holds a list of values; absent means no value. Single-valued keys hold at most one
    value; multivalued keys (catalog type ``ArrayOf...``, or used under ``ForAnyValue:`` /
    ``ForAllValues:``) at most :data:`MULTIVALUE_BOUND` values unless ``exactly`` says more.

    Attributes:
        may_be_absent: the key may be missing from the request.
        may_be_present: the key may be in the request.
        one_of: when present, every value is one of these.
        none_of: when present, no value is one of these.
        exactly: when present, the values are exactly this list (replaying a concrete context).
    """

    may_be_absent: bool = True
    may_be_present: bool = True
    one_of: tuple[str, ...] | None = None
    none_of: tuple[str, ...] = ()
    exactly: tuple[str, ...] | None = None


#: How many values a multivalued key holds at most in a symbolic request (a bounded set).
MULTIVALUE_BOUND = 2

FREE = KeyConstraint()
ABSENT = KeyConstraint(may_be_present=False)
PRESENT_ANY = KeyConstraint(may_be_absent=False)


def equals(*values: str, absent_ok: bool = False) -> KeyConstraint:
    """The key is present with one of ``values`` (or absent, when ``absent_ok``)."""
    return KeyConstraint(may_be_absent=absent_ok, one_of=tuple(values))


def not_equals(*values: str, absent_ok: bool = True) -> KeyConstraint:
    """The key is absent (when ``absent_ok``) or holds none of ``values``."""
    return KeyConstraint(may_be_absent=absent_ok, none_of=tuple(values))


def exactly(value: str | list[str] | None) -> KeyConstraint:
    """The key holds exactly ``value`` (a string or a list), or is absent for ``None``."""
    if value is None or value == []:
        return ABSENT
    items = (value,) if isinstance(value, str) else tuple(value)
    return KeyConstraint(may_be_absent=False, exactly=items)


@dataclass(frozen=True)
class RequestSpace:
    """The requests a question ranges over.

    Attributes:
        principals: concrete callers (any one of them) or a :class:`PrincipalSpace`.
        actions: see :class:`ActionSpace`.
        resources: see :class:`ResourceSpace`.
        context: per condition key (case-insensitive), what it may hold; keys not listed are
            free (present or absent, any value), except the keys AWS derives from the caller
            (``aws:PrincipalArn``, ``aws:PrincipalAccount``, ``aws:PrincipalType``,
            ``aws:username``), which follow the caller unless listed here.
    """

    principals: tuple[RequestPrincipal, ...] | PrincipalSpace = PrincipalSpace()
    actions: ActionSpace = ActionSpace()
    resources: ResourceSpace = ResourceSpace()
    context: dict[str, KeyConstraint] = field(default_factory=dict)

    def __hash__(self) -> int:  # context is a dict: hash by identity is enough for caching
        return id(self)
