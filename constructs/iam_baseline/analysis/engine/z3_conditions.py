"""The request context and the ``Condition`` element in z3, mirroring :mod:`.conditions`.

Every condition key a question's policies read is a bounded list of values: ``count`` in
``0..bound`` (0 = absent) and one term per slot. A key's values take one *sort*, chosen by the
operators that read it: strings (String, Arn, Bool operators, ``Null``, policy variables),
numbers (Numeric: exact decimals with six fractional digits), dates (Date: whole epoch
seconds, year 1970..9999) or IP addresses (IpAddress: IPv4 or IPv6). A key read by operators of
two sorts, and ``BinaryEquals``, are not modelled: the question becomes NotProven.

The numeric, date and IP sorts are bounded subsets of what a request may hold (no seventh
fractional digit, no fractional second): a documented bound of the request space, like the
bounded multivalued sets.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

import z3

from .conditions import Condition, ContextValue, OPERATORS, _as_datetime, _as_decimal
from .z3_patterns import Unsupported, Variable, exact_text, glob_regex, literal, one_of, pattern_match, split_variables, text_of

STRING, NUMBER, DATE, IP = "string", "number", "date", "ip"
_SORT_OF_BASE = {
    **{name: STRING for name in OPERATORS if name.startswith(("string", "arn", "bool"))},
    **{name: NUMBER for name in OPERATORS if name.startswith("numeric")},
    **{name: DATE for name in OPERATORS if name.startswith("date")},
    "ipaddress": IP,
    "notipaddress": IP,
}
_SCALE = 10**6
_MAX_EPOCH = 253402300799  # 9999-12-31T23:59:59Z: datetime.fromtimestamp's range


def sort_for(base: str) -> str:
    """The value sort a base operator reads.

    Raises:
        Unsupported: ``BinaryEquals``.
    """
    if base not in _SORT_OF_BASE:
        raise Unsupported(f"condition operator {base!r} is not modelled symbolically")
    return _SORT_OF_BASE[base]


@dataclass
class KeyVar:
    """One condition key: its count of values and one z3 term per slot (plus per-slot flags)."""

    key: str
    sort: str
    bound: int
    count: z3.ArithRef
    values: list[z3.ExprRef]
    valid: list[z3.BoolRef] = field(default_factory=list)  # parses as a number/date/IP
    v6: list[z3.BoolRef] = field(default_factory=list)
    #: The one value the space pins the key to (present, single-valued), if it does.
    constant: str | None = None

    @property
    def present(self) -> z3.BoolRef:
        return self.count >= 1

    def slots(self):
        return range(self.bound)

    def render(self, model: z3.ModelRef) -> ContextValue | None:
        """The key's value in a concrete request (``None`` = absent)."""
        n = model.eval(self.count, model_completion=True).as_long()
        if n == 0:
            return None
        out = [self._render_one(model, i) for i in range(n)]
        return out[0] if n == 1 and self.bound == 1 else out

    def _render_one(self, model: z3.ModelRef, i: int) -> str:
        value = model.eval(self.values[i], model_completion=True)
        if self.sort == STRING:
            return text_of(value)
        if not z3.is_true(model.eval(self.valid[i], model_completion=True)):
            return "not-a-value"
        number = value.as_long()
        if self.sort == NUMBER:
            return str(Decimal(number) / Decimal(_SCALE))
        if self.sort == DATE:
            return str(number)
        if z3.is_true(model.eval(self.v6[i], model_completion=True)):
            return str(ipaddress.IPv6Address(number))
        return str(ipaddress.IPv4Address(number))


def make_key(key: str, sort: str, bound: int) -> KeyVar:
    """Fresh z3 terms for ``key`` (names carry the key, for reading models)."""
    count = z3.Int(f"n|{key}")
    if sort == STRING:
        values = [z3.String(f"v|{key}|{i}") for i in range(bound)]
        return KeyVar(key, sort, bound, count, values)
    values = [z3.Int(f"v|{key}|{i}") for i in range(bound)]
    valid = [z3.Bool(f"ok|{key}|{i}") for i in range(bound)]
    v6 = [z3.Bool(f"v6|{key}|{i}") for i in range(bound)]
    return KeyVar(key, sort, bound, count, values, valid, v6)


def domain(var: KeyVar) -> list[z3.BoolRef]:
    """Range constraints of a key's terms."""
    out = [var.count >= 0, var.count <= var.bound]
    for i in var.slots():
        if var.sort == DATE:
            out.append(z3.And(var.values[i] >= 0, var.values[i] <= _MAX_EPOCH))
        if var.sort == IP:
            top = z3.If(var.v6[i], z3.IntVal(2**128 - 1), z3.IntVal(2**32 - 1))
            out.append(z3.And(var.values[i] >= 0, var.values[i] <= top))
    return out


def _frac_decimal(text: str) -> Fraction | None:
    number = _as_decimal(text)
    return None if number is None or not number.is_finite() else Fraction(number)


def _frac_date(text: str) -> Fraction | None:
    try:
        value = _as_datetime(text)
    except (OverflowError, OSError, ValueError):
        return None
    if value is None:
        return None
    delta = value - datetime(1970, 1, 1, tzinfo=UTC)
    return Fraction(delta.days * 86400 + delta.seconds) + Fraction(delta.microseconds, 10**6)


def _compare(base: str, left: z3.ArithRef, right: Fraction) -> z3.BoolRef:
    r = z3.RealVal(right)
    l = z3.ToReal(left)
    suffix = base[len("numeric") :] if base.startswith("numeric") else base[len("date") :]
    return {
        "equals": l == r,
        "notequals": l == r,  # negation applied by the caller, as OPERATORS does
        "lessthan": l < r,
        "lessthanequals": l <= r,
        "greaterthan": l > r,
        "greaterthanequals": l >= r,
    }[suffix]


#: Operators whose value without wildcards or variables matches only its own text, and how
#: :func:`.z3_patterns.exact_text` reads it (``StringEqualsIgnoreCase`` compares case-insensitively).
_EXACT_MODES = {"stringequals": "glob", "stringnotequals": "glob", "stringlike": "glob", "stringnotlike": "glob",
                "arnequals": "arn", "arnlike": "arn", "arnnotequals": "arn", "arnnotlike": "arn"}


class ConditionEncoder:
    """Encodes conditions over the request's :class:`KeyVar` terms.

    Args:
        keys: the context keys of the question (lower-case -> KeyVar).
        fresh: makes a fresh string term (for patterns with variables between wildcards).
    """

    def __init__(self, keys: dict[str, KeyVar], fresh) -> None:
        self.keys = keys
        self.fresh = fresh

    def resolve(self, var: Variable):
        """(defined, value) of a policy variable: the key's single value, else undefined."""
        key = self.keys.get(var.key)
        if key is None:
            return None
        if key.sort != STRING:
            raise Unsupported(f"policy variable ${{{var.key}}} reads a key with {key.sort} values")
        if key.constant is not None:
            return z3.BoolVal(True), literal(key.constant)
        return key.count == 1, key.values[0]

    def condition(self, condition: Condition, variables: bool, positive: bool) -> z3.BoolRef:
        """Whether the request context satisfies ``condition`` (see conditions.key_matches)."""
        op = condition.operator
        var = self.keys[condition.key]
        if op.base == "null":
            wants = [v.lower() == "true" for v in condition.values]
            return z3.Or(*[z3.Not(var.present) if w else var.present for w in wants])
        if op.if_exists or op.set_operator == "forallvalues":
            absent_result = z3.BoolVal(True)
        elif op.set_operator == "foranyvalue":
            absent_result = z3.BoolVal(False)
        else:
            absent_result = z3.BoolVal(OPERATORS[op.base].negated)
        negated = OPERATORS[op.base].negated

        # Values that match only their own text (a list of principal ARNs): one membership test.
        mode = _EXACT_MODES.get(op.base) if var.sort == STRING else None
        exact = [t for t in (exact_text(p, mode, variables) for p in condition.values) if t is not None] if mode else []
        rest = [p for p in condition.values if not mode or exact_text(p, mode, variables) is None]

        def single(i: int) -> z3.BoolRef:
            hits = [self._match(op.base, var, i, p, variables, positive and not negated) for p in rest]
            hit = z3.Or(*hits, one_of(var.values[i], exact)) if exact else z3.Or(*hits)
            return z3.Not(hit) if negated else hit

        if op.set_operator == "forallvalues" or (op.set_operator is None and negated):
            present_result = z3.And(*[z3.Or(var.count <= i, single(i)) for i in var.slots()])
        else:
            present_result = z3.Or(*[z3.And(var.count > i, single(i)) for i in var.slots()])
        return z3.If(var.present, present_result, absent_result)

    def _match(self, base: str, var: KeyVar, i: int, policy: str, variables: bool, positive: bool) -> z3.BoolRef:
        value = var.values[i]
        if var.sort == NUMBER:
            right = _frac_decimal(policy)
            return z3.BoolVal(False) if right is None else z3.And(var.valid[i], _compare(base, value * 1, right * _SCALE))
        if var.sort == DATE:
            right = _frac_date(policy)
            return z3.BoolVal(False) if right is None else z3.And(var.valid[i], _compare(base, value, right))
        if var.sort == IP:
            return self._ip(var, i, policy)
        if base in ("stringequals", "stringnotequals"):
            return self._equals(value, policy, variables)
        if base in ("stringequalsignorecase", "stringnotequalsignorecase"):
            pieces = split_variables(policy, variables)
            if not all(isinstance(p, str) for p in pieces):
                raise Unsupported("StringEqualsIgnoreCase with a policy variable")
            text = "".join(pieces).replace("\x00", "*").replace("\x01", "?")  # type: ignore[arg-type]
            escaped = text.replace("*", "\x00").replace("?", "\x01")
            return z3.InRe(value, glob_regex(escaped, ignore_case=True))
        if base in ("stringlike", "stringnotlike"):
            return pattern_match(value, policy, mode="glob", variables=variables, resolve=self.resolve,
                                 positive=positive, fresh=self.fresh)
        if base.startswith("arn"):
            return pattern_match(value, policy, mode="arn", variables=variables, resolve=self.resolve,
                                 positive=positive, fresh=self.fresh)
        if base == "bool":
            word = policy.lower()
            return z3.InRe(value, glob_regex(word, ignore_case=True)) if word in ("true", "false") else z3.BoolVal(False)
        raise Unsupported(f"condition operator {base!r} on string values")

    def _equals(self, value: z3.SeqRef, policy: str, variables: bool) -> z3.BoolRef:
        pieces = split_variables(policy, variables)
        if len(pieces) == 1 and isinstance(pieces[0], str):  # no variable: one equality (most lists)
            return value == literal(pieces[0].replace("\x00", "*").replace("\x01", "?"))
        terms, defined = [], []
        for piece in pieces:
            if isinstance(piece, str):
                terms.append(literal(piece.replace("\x00", "*").replace("\x01", "?")))
                continue
            got = self.resolve(piece)
            ok, term = (z3.BoolVal(False), literal("")) if got is None else got
            if piece.default is not None:
                term, ok = z3.If(ok, term, literal(piece.default)), z3.BoolVal(True)
            terms.append(term)
            defined.append(ok)
        whole = terms[0] if len(terms) == 1 else (z3.Concat(*terms) if terms else literal(""))
        return z3.And(*defined, value == whole)

    def _ip(self, var: KeyVar, i: int, policy: str) -> z3.BoolRef:
        try:
            network = ipaddress.ip_network(policy.strip(), strict=False)
        except ValueError:
            return z3.BoolVal(False)
        lo, hi = int(network.network_address), int(network.broadcast_address)
        v6 = var.v6[i] if network.version == 6 else z3.Not(var.v6[i])
        return z3.And(var.valid[i], v6, var.values[i] >= lo, var.values[i] <= hi)
