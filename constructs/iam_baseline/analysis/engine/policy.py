"""Policy documents as the engines read them: kind, statements, and their Action/Resource match.

A document is parsed once, validated for its shape ("IAM JSON policy elements": ``Effect``,
exactly one of ``Action``/``NotAction``, ``Resource`` and ``NotResource`` exclusive,
``Principal``/``NotPrincipal`` objects), and then matched by :mod:`.evaluator` and encoded by
:mod:`.encoder`. Action and resource patterns follow :mod:`.patterns`; conditions
:mod:`.conditions`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from .conditions import Condition, ContextValue, PolicyError, parse_conditions
from .patterns import ActionPatterns, ArnPatterns

__all__ = ["PRINCIPAL_KINDS", "Policy", "PolicyKind", "Statement"]


class PolicyKind(str, enum.Enum):
    """Where a policy sits in the evaluation; names follow the IAM User Guide."""

    IDENTITY = "identity-based policy"
    BOUNDARY = "permissions boundary"
    SESSION = "session policy"
    SCP = "service control policy"
    RCP = "resource control policy"
    RESOURCE = "resource-based policy"
    TRUST = "trust policy"


def _strings(value: object, element: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) for item in items):
        raise PolicyError(f"{element} must be a string or a list of strings, got {value!r}")
    return tuple(items)


def _principal_map(value: object, element: str) -> dict[str, tuple[str, ...]]:
    if value == "*":
        return {"AWS": ("*",)}
    if not isinstance(value, dict):
        raise PolicyError(f"{element} must be \"*\" or an object, got {value!r}")
    return {kind: _strings(ids, f"{element}.{kind}") for kind, ids in value.items()}


@dataclass(frozen=True)
class Statement:
    """One parsed statement. Exactly one of each pair (Action/NotAction, ...) is set."""

    index: int
    sid: str | None
    effect: str  # "Allow" | "Deny"
    actions: tuple[str, ...] | None
    not_actions: tuple[str, ...] | None
    resources: tuple[str, ...] | None
    not_resources: tuple[str, ...] | None
    principals: dict[str, tuple[str, ...]] | None
    not_principals: dict[str, tuple[str, ...]] | None
    conditions: tuple[Condition, ...]
    #: ``actions`` or ``not_actions``, and ``resources`` or ``not_resources``, split into exact
    #: entries (looked up in a set) and wildcards (scanned); made here, never passed.
    action_patterns: ActionPatterns = field(init=False, compare=False, repr=False)
    resource_patterns: ArnPatterns | None = field(default=None, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        listed = self.actions if self.actions is not None else self.not_actions
        object.__setattr__(self, "action_patterns", ActionPatterns(listed or ()))
        listed = self.resources if self.resources is not None else self.not_resources
        object.__setattr__(self, "resource_patterns", None if listed is None else ArnPatterns(listed))

    @classmethod
    def parse(cls, index: int, raw: object) -> Statement:
        """Parse one statement object.

        Raises:
            PolicyError: missing or invalid Effect, both or neither of Action/NotAction, or a
                malformed element.
        """
        if not isinstance(raw, dict):
            raise PolicyError(f"statement {index} must be an object, got {raw!r}")
        effect = raw.get("Effect")
        if effect not in ("Allow", "Deny"):
            raise PolicyError(f"statement {index}: Effect must be Allow or Deny, got {effect!r}")
        if ("Action" in raw) == ("NotAction" in raw):
            raise PolicyError(f"statement {index}: exactly one of Action and NotAction is required")
        if "Resource" in raw and "NotResource" in raw:
            raise PolicyError(f"statement {index}: Resource and NotResource are exclusive")

        def opt(name: str) -> tuple[str, ...] | None:
            return _strings(raw[name], name) if name in raw else None

        return cls(
            index=index,
            sid=raw.get("Sid"),
            effect=effect,
            actions=opt("Action"),
            not_actions=opt("NotAction"),
            resources=opt("Resource"),
            not_resources=opt("NotResource"),
            principals=_principal_map(raw["Principal"], "Principal") if "Principal" in raw else None,
            not_principals=_principal_map(raw["NotPrincipal"], "NotPrincipal") if "NotPrincipal" in raw else None,
            conditions=parse_conditions(raw.get("Condition")),
        )

    def covers_action(self, action: str) -> bool:
        """Action/NotAction match; NotAction matches every action it does not list."""
        hit = self.action_patterns.any_match(action)
        return hit if self.actions is not None else not hit

    def covers_resource(self, resource: str, lookup) -> bool:
        """Resource/NotResource match. A statement with neither (trust policies) covers all."""
        if self.resource_patterns is None:
            return True
        hit = self.resource_patterns.any_match(resource, lookup)
        return hit if self.resources is not None else not hit

    def conditions_hold(self, context: Mapping[str, ContextValue], lookup) -> bool:
        return all(c.holds(context, lookup) for c in self.conditions)


@dataclass(frozen=True)
class Policy:
    """A policy document with a name for explanations and its place in the evaluation."""

    name: str
    kind: PolicyKind
    statements: tuple[Statement, ...]
    version: str = "2012-10-17"
    #: The resolved JSON document, kept for reports and differential tests.
    document: dict | None = field(default=None, compare=False, repr=False)

    @classmethod
    def from_document(cls, name: str, document: object, kind: PolicyKind = PolicyKind.IDENTITY) -> Policy:
        """Parse a JSON policy document (already free of CloudFormation intrinsics).

        Raises:
            PolicyError: the document or one of its statements is malformed.
        """
        if not isinstance(document, dict) or "Statement" not in document:
            raise PolicyError(f"policy {name}: a policy document needs a Statement element")
        raw = document["Statement"]
        items = raw if isinstance(raw, list) else [raw]
        try:
            statements = tuple(Statement.parse(i, s) for i, s in enumerate(items))
        except PolicyError as error:
            raise PolicyError(f"policy {name}: {error}") from None
        return cls(name, kind, statements, str(document.get("Version", "2008-10-17")), document)



#: Policy kinds whose statements name principals (an RCP's ``Principal`` is always ``"*"``).
PRINCIPAL_KINDS = (PolicyKind.RESOURCE, PolicyKind.TRUST, PolicyKind.RCP)
