"""The ``Condition`` element: every operator family, ``...IfExists``, set operators, absent keys.

Rules implemented, each from the IAM User Guide:

* "IAM JSON policy elements: Condition" > "The condition block": all operators of a block
  must be true (AND), all keys under one operator must be true (AND), and a key matches
  when the request value matches *any* of the listed values (OR). Condition key names are
  case-insensitive; values are compared as each operator says.
* "Condition operators": String (``StringEquals``, ``StringNotEquals``,
  ``StringEqualsIgnoreCase``, ``StringNotEqualsIgnoreCase``, ``StringLike``,
  ``StringNotLike``), Numeric, Date, Bool, Binary (``BinaryEquals``), IP address
  (``IpAddress``, ``NotIpAddress``), ARN (``ArnEquals``, ``ArnLike``, ``ArnNotEquals``,
  ``ArnNotLike``; ``ArnEquals`` accepts wildcards like ``ArnLike``) and ``Null``.
* Same page: "If the key that you specify in a policy condition is not present in the
  request context, the values do not match and the condition is false. If the policy
  condition requires that the key is not matched, such as StringNotLike or ArnNotLike,
  and the right key is not present, the condition is true."
* Same page > "...IfExists condition operators": an absent key makes the condition true;
  a present key is compared with the base operator. ``Null`` takes no ``IfExists``.
* Same page > "Condition operator to check existence of condition keys": ``Null: true``
  is true when the key is absent (or, for a multivalued key, empty), ``Null: false`` when present.
* "Set operators for multivalued context keys": ``ForAnyValue:`` is true when at least one
  request value matches (false when the key is absent or empty); ``ForAllValues:`` is
  true when every request value matches (true when the key is absent or empty). A negated
  operator under a set operator negates the match of each single value.
* Policy variables are substituted in the values of String and ARN operators
  ("IAM policy elements: Variables and tags" > "Where you can use policy variables").

An operator this module does not know raises :class:`PolicyError`: an unknown operator is
never silently true or false.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from ..errors import AnalysisError
from .patterns import ContextLookup, arn_matches, glob_match, substitute


class PolicyError(AnalysisError):
    """A policy document that IAM would refuse or that this evaluator cannot judge."""


ContextValue = str | list[str]


def _as_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None


def _as_datetime(text: str) -> datetime | None:
    text = text.strip()
    number = _as_decimal(text)
    if number is not None:
        return datetime.fromtimestamp(float(number), tz=UTC)
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _as_bytes(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _compare(parse: Callable[[str], object | None], test: Callable[[object, object], bool]):
    def match(request: str, policy: str, _lookup: ContextLookup) -> bool:
        left, right = parse(request), parse(policy)
        return left is not None and right is not None and test(left, right)

    return match


def _resolved(policy: str, lookup: ContextLookup) -> str | None:
    pieces = substitute(policy, lookup)
    return None if pieces is None else "".join(pieces)


def _string_equals(request: str, policy: str, lookup: ContextLookup) -> bool:
    return _resolved(policy, lookup) == request


def _string_equals_ignore_case(request: str, policy: str, lookup: ContextLookup) -> bool:
    resolved = _resolved(policy, lookup)
    return resolved is not None and resolved.lower() == request.lower()


def _string_like(request: str, policy: str, lookup: ContextLookup) -> bool:
    return glob_match(policy, request, lookup=lookup)


def _arn_like(request: str, policy: str, lookup: ContextLookup) -> bool:
    return arn_matches(policy, request, lookup=lookup)


def _bool(request: str, policy: str, _lookup: ContextLookup) -> bool:
    return request.lower() in ("true", "false") and request.lower() == policy.lower()


def _ip(request: str, policy: str, _lookup: ContextLookup) -> bool:
    try:
        return ipaddress.ip_address(request.strip()) in ipaddress.ip_network(policy.strip(), strict=False)
    except ValueError:
        return False


@dataclass(frozen=True)
class _Operator:
    match: Callable[[str, str, ContextLookup], bool]
    negated: bool = False


_LT = lambda a, b: a < b  # noqa: E731 - table of comparisons below reads best as lambdas
_LE = lambda a, b: a <= b  # noqa: E731
_GT = lambda a, b: a > b  # noqa: E731
_GE = lambda a, b: a >= b  # noqa: E731
_EQ = lambda a, b: a == b  # noqa: E731

#: Base operators (without set prefix or IfExists suffix), keyed lower-case.
OPERATORS: dict[str, _Operator] = {
    "stringequals": _Operator(_string_equals),
    "stringnotequals": _Operator(_string_equals, negated=True),
    "stringequalsignorecase": _Operator(_string_equals_ignore_case),
    "stringnotequalsignorecase": _Operator(_string_equals_ignore_case, negated=True),
    "stringlike": _Operator(_string_like),
    "stringnotlike": _Operator(_string_like, negated=True),
    "numericequals": _Operator(_compare(_as_decimal, _EQ)),
    "numericnotequals": _Operator(_compare(_as_decimal, _EQ), negated=True),
    "numericlessthan": _Operator(_compare(_as_decimal, _LT)),
    "numericlessthanequals": _Operator(_compare(_as_decimal, _LE)),
    "numericgreaterthan": _Operator(_compare(_as_decimal, _GT)),
    "numericgreaterthanequals": _Operator(_compare(_as_decimal, _GE)),
    "dateequals": _Operator(_compare(_as_datetime, _EQ)),
    "datenotequals": _Operator(_compare(_as_datetime, _EQ), negated=True),
    "datelessthan": _Operator(_compare(_as_datetime, _LT)),
    "datelessthanequals": _Operator(_compare(_as_datetime, _LE)),
    "dategreaterthan": _Operator(_compare(_as_datetime, _GT)),
    "dategreaterthanequals": _Operator(_compare(_as_datetime, _GE)),
    "bool": _Operator(_bool),
    "binaryequals": _Operator(_compare(_as_bytes, _EQ)),
    "ipaddress": _Operator(_ip),
    "notipaddress": _Operator(_ip, negated=True),
    "arnequals": _Operator(_arn_like),
    "arnlike": _Operator(_arn_like),
    "arnnotequals": _Operator(_arn_like, negated=True),
    "arnnotlike": _Operator(_arn_like, negated=True),
}


@dataclass(frozen=True)
class ParsedOperator:
    """An operator name split into set prefix, base operator and ``IfExists``."""

    name: str
    set_operator: str | None  # "foranyvalue" | "forallvalues" | None
    base: str  # lower-case base name, e.g. "stringnotequals" or "null"
    if_exists: bool


def parse_operator(name: str) -> ParsedOperator:
    """Split ``ForAnyValue:StringLikeIfExists`` into its parts.

    Raises:
        PolicyError: unknown operator, unknown set prefix, or ``NullIfExists``.
    """
    prefix, sep, rest = name.partition(":")
    set_operator = None
    if sep:
        set_operator = prefix.lower()
        if set_operator not in ("foranyvalue", "forallvalues"):
            raise PolicyError(f"unknown condition set operator {prefix!r} in {name!r}")
    else:
        rest = name
    base = rest.lower()
    if_exists = base.endswith("ifexists")
    if if_exists:
        base = base[: -len("ifexists")]
    if base == "null":
        if if_exists:
            raise PolicyError(f"condition operator {name!r}: Null takes no IfExists")
    elif base not in OPERATORS:
        raise PolicyError(f"unknown condition operator {name!r}")
    return ParsedOperator(name, set_operator, base, if_exists)


def _present(value: ContextValue | None) -> bool:
    return value is not None and value != []


def key_matches(
    operator: ParsedOperator, request_value: ContextValue | None, policy_values: list[str], lookup: ContextLookup
) -> bool:
    """Evaluate one ``operator: {key: policy_values}`` entry against the request's value.

    ``request_value`` is ``None`` when the key is absent from the request context.
    """
    if operator.base == "null":
        wants_absent = [v.lower() == "true" for v in policy_values]
        return (not _present(request_value)) in wants_absent
    if not _present(request_value):
        if operator.if_exists:
            return True
        if operator.set_operator == "forallvalues":
            return True
        if operator.set_operator == "foranyvalue":
            return False
        return OPERATORS[operator.base].negated
    op = OPERATORS[operator.base]
    values = request_value if isinstance(request_value, list) else [request_value]

    def single(value: str) -> bool:
        hit = any(op.match(value, p, lookup) for p in policy_values)
        return not hit if op.negated else hit

    if operator.set_operator == "forallvalues":
        return all(single(v) for v in values)
    if operator.set_operator == "foranyvalue":
        return any(single(v) for v in values)
    # A single-valued operator on a multivalued key: a positive operator matches when any value
    # matches; a negated one when no value matches ("Condition operators", negated matching).
    if op.negated:
        return all(single(v) for v in values)
    return any(single(v) for v in values)


def normalize_values(raw: object) -> list[str]:
    """Policy condition values as strings: JSON booleans become ``true``/``false``."""
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for item in items:
        if isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, (int, float, str)):
            out.append(str(item))
        else:
            raise PolicyError(f"condition value {item!r} is not a string, number or boolean")
    return out


@dataclass(frozen=True)
class Condition:
    """One ``operator: key: values`` triple of a statement's ``Condition`` block."""

    operator: ParsedOperator
    key: str  # lower-case
    values: tuple[str, ...]
    label: str = ""  # the key as written in the policy, for explanations

    def holds(self, context: Mapping[str, ContextValue], lookup: ContextLookup) -> bool:
        """Whether the request context satisfies this condition."""
        return key_matches(self.operator, context.get(self.key), list(self.values), lookup)

    def describe(self) -> str:
        values = self.values[0] if len(self.values) == 1 else list(self.values)
        return f"{self.operator.name} {self.label or self.key}={values}"


def parse_conditions(block: object) -> tuple[Condition, ...]:
    """Parse a statement's ``Condition`` element.

    Raises:
        PolicyError: the block is not a mapping of operators to mappings, or an operator is unknown.
    """
    if block is None:
        return ()
    if not isinstance(block, dict):
        raise PolicyError(f"Condition must be an object, got {block!r}")
    out = []
    for name, entries in block.items():
        operator = parse_operator(name)
        if not isinstance(entries, dict):
            raise PolicyError(f"Condition operator {name!r} must map condition keys to values")
        for key, raw in entries.items():
            out.append(Condition(operator, key.lower(), tuple(normalize_values(raw)), key))
    return tuple(out)
