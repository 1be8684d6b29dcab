"""A question's constraints on the request context, on the encoder's key terms
(:class:`.space.KeyConstraint` -> z3), and example values for keys no policy reads."""

from __future__ import annotations

import ipaddress
from fractions import Fraction
from itertools import count

import z3

from .context_rules import MFA_AGE, MFA_PRESENT, MFA_PRESENT_VALUES
from .space import KeyConstraint
from .z3_conditions import DATE, NUMBER, STRING, KeyVar, _frac_date, _frac_decimal
from .z3_patterns import Unsupported


def example_value(constraint: KeyConstraint):
    """A value satisfying a constraint on a key no policy reads (``None`` = absent)."""
    if constraint.may_be_absent:
        return None
    if constraint.exactly is not None:
        return list(constraint.exactly) if len(constraint.exactly) != 1 else constraint.exactly[0]
    if constraint.one_of:
        return constraint.one_of[0]
    return next(f"value-{i}" for i in count() if f"value-{i}" not in constraint.none_of)


def constant_of(constraint: KeyConstraint) -> str | None:
    """The one single value a constraint pins a key to, if it does."""
    if constraint.may_be_absent or not constraint.may_be_present:
        return None
    if constraint.exactly is not None:
        return constraint.exactly[0] if len(constraint.exactly) == 1 else None
    if constraint.one_of is not None and len(constraint.one_of) == 1:
        return None  # one value per slot, but possibly two slots: not a single value
    return None


def constrain(var: KeyVar, constraint: KeyConstraint) -> list[z3.BoolRef]:
    """The space's :class:`KeyConstraint` on a key's terms."""
    out = []
    if not constraint.may_be_absent:
        out.append(var.count >= 1)
    if not constraint.may_be_present:
        out.append(var.count == 0)
    if constraint.exactly is not None:
        out.append(z3.Or(var.count == 0, var.count == len(constraint.exactly)))
        for i, value in enumerate(constraint.exactly):
            out.append(z3.Implies(var.count > i, equal_value(var, i, value)))
    for i in var.slots():
        if constraint.one_of is not None:
            out.append(z3.Implies(var.count > i, z3.Or(*[equal_value(var, i, v) for v in constraint.one_of])))
        for v in constraint.none_of:
            out.append(z3.Implies(var.count > i, z3.Not(equal_value(var, i, v))))
    return out


def mfa_consistency(keys: dict[str, KeyVar]) -> list[z3.BoolRef]:
    """AWS's MFA context fact (:mod:`.context_rules`) on the key terms: ``aws:MultiFactorAuthPresent``
    holds one of ``true``/``false``, and the age is present exactly when it holds ``true``.
    Both keys must be terms when either is (:meth:`.question.Question._key_usage` adds the partner)."""
    present, age = keys.get(MFA_PRESENT), keys.get(MFA_AGE)
    if present is None or age is None:
        return []
    one = z3.And(present.count == 1, z3.Or(*[equal_value(present, 0, v) for v in MFA_PRESENT_VALUES]))
    out = [z3.Or(present.count == 0, one), age.present == z3.And(present.present, equal_value(present, 0, "true"))]
    if age.sort == NUMBER:  # a number of seconds, not negative
        out.append(z3.Implies(age.present, z3.And(age.valid[0], age.values[0] >= 0)))
    elif age.sort == STRING:
        out.append(z3.Implies(age.present, z3.InRe(age.values[0], z3.Plus(z3.Range("0", "9")))))
    return out


def mfa_carry(keys: dict[str, KeyVar], carried: z3.BoolRef | None) -> list[z3.BoolRef]:
    """A caller for whom AWS carries no MFA context (``carried`` false: a role session whose chain
    began with SAML, OIDC or an ``AssumeRole`` without MFA, :mod:`.context_rules`) never sends
    ``aws:MultiFactorAuthPresent`` ``true``."""
    present = keys.get(MFA_PRESENT)
    if present is None or carried is None:
        return []
    return [z3.Implies(z3.Not(carried), z3.Not(z3.And(present.count >= 1, equal_value(present, 0, "true"))))]


def equal_value(var: KeyVar, i: int, text: str) -> z3.BoolRef:
    """Slot ``i`` holds a value that the evaluator cannot tell from ``text``."""
    if var.sort == STRING:
        return var.values[i] == z3.StringVal(text)
    if var.sort in (NUMBER, DATE):
        value = _frac_decimal(text) if var.sort == NUMBER else _frac_date(text)
        scale = 10**6 if var.sort == NUMBER else 1
        if value is None:
            return z3.Not(var.valid[i])
        scaled = value * scale
        if scaled != Fraction(int(scaled)):
            raise Unsupported(f"value {text!r} of {var.key} is finer than the encoder's {var.sort} values")
        return z3.And(var.valid[i], var.values[i] == int(scaled))
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return z3.Not(var.valid[i])
    return z3.And(var.valid[i], var.v6[i] == (address.version == 6), var.values[i] == int(address))
