"""Trust shape: a trust statement that relies on MFA says so the way README.md promises.

README.md ("What the baseline deploys"): "Every role trusts the account with exactly one
statement carrying ``Bool aws:MultiFactorAuthPresent = true`` and ``NumericLessThan
aws:MultiFactorAuthAge``". Semantically, ``BoolIfExists`` next to the age bound admits nothing
more, because AWS sends the age exactly when MFA is present (:mod:`..engine.context_rules`), so
the derived invariants prove such a trust; the promise is about the *shape* a reviewer reads,
and a shape that holds only thanks to that context fact is one edit (dropping the age) away from
admitting long-term access keys. This check therefore reads every Allow trust statement for AWS
principals whose conditions mention an MFA key and requires, in that statement:

* ``Bool`` (not ``BoolIfExists``, no set operator) ``aws:MultiFactorAuthPresent`` = ``true``;
* ``NumericLessThan`` or ``NumericLessThanEquals`` (not ``...IfExists``)
  ``aws:MultiFactorAuthAge`` with a bound of at most ``mfa.max_age_seconds``.

Sources: IAM User Guide, "AWS global condition context keys" > aws:MultiFactorAuthPresent
(absent for long-term access keys: "...IfExists" would admit them), aws:MultiFactorAuthAge;
"Configuring MFA-protected API access".
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from ...config.models import BaselineConfig
from ..engine.context_rules import MFA_AGE, MFA_PRESENT
from ..engine.policy import Policy, Statement
from ..model.accounts import AccountScope
from .matrix import CheckResult

CHECK_ID = "trust-shape"
PROMISE = ("every trust statement relying on MFA carries Bool aws:MultiFactorAuthPresent = true (not BoolIfExists) and "
           "NumericLessThan aws:MultiFactorAuthAge <= mfa.max_age_seconds in the same statement (README.md, "
           "'What the baseline deploys')")
_AGE_BOUNDS = ("numericlessthan", "numericlessthanequals")


def _bound(values: tuple[str, ...]) -> Decimal | None:
    try:
        return max(Decimal(v) for v in values) if values else None
    except InvalidOperation:
        return None


def statement_problems(statement: Statement, max_age_seconds: int) -> list[str]:
    """What the statement lacks of the promised shape (empty: it keeps the promise or does
    not rely on MFA)."""
    mfa = [c for c in statement.conditions if c.key in (MFA_PRESENT, MFA_AGE)]
    if statement.effect != "Allow" or not mfa or "AWS" not in (statement.principals or {}):
        return []
    problems = []
    present = [c for c in mfa if c.key == MFA_PRESENT]
    if not any(c.operator.base == "bool" and not c.operator.if_exists and not c.operator.set_operator
               and [v.lower() for v in c.values] == ["true"] for c in present):
        used = ", ".join(c.operator.name for c in present) or "no condition"
        problems.append(f"aws:MultiFactorAuthPresent needs Bool = true (has {used})")
    ages = [c for c in mfa if c.key == MFA_AGE]
    good = [c for c in ages if c.operator.base in _AGE_BOUNDS and not c.operator.if_exists
            and not c.operator.set_operator and _bound(c.values) is not None]
    if not good:
        used = ", ".join(c.operator.name for c in ages) or "no condition"
        problems.append(f"aws:MultiFactorAuthAge needs NumericLessThan <= {max_age_seconds} (has {used})")
    elif min(_bound(c.values) for c in good) > max_age_seconds:
        problems.append(f"aws:MultiFactorAuthAge bound {min(_bound(c.values) for c in good)} exceeds "
                        f"mfa.max_age_seconds {max_age_seconds}")
    return problems


def policy_problems(trust: Policy, max_age_seconds: int) -> list[str]:
    """Problems of every statement of ``trust``, each naming its statement."""
    out = []
    for statement in trust.statements:
        label = statement.sid or f"#{statement.index}"
        out += [f"statement {label}: {p}" for p in statement_problems(statement, max_age_seconds)]
    return out


def trust_shape_results(scopes: Iterable[AccountScope], config: BaselineConfig) -> list[CheckResult]:
    """One result per role with a trust policy, in every account scope."""
    results = []
    for scope in scopes:
        max_age = (scope.config or config).mfa.max_age_seconds
        for role in sorted((p for p in scope.model.principals.values() if p.kind == "role" and p.trust),
                           key=lambda p: p.ref):
            problems = policy_problems(role.trust, max_age)
            subject = f"{scope.label} {role.ref}"
            message = (f"{CHECK_ID} [{scope.label}] {role.ref}: " + "; ".join(problems) + f" -- promise broken: {PROMISE}"
                       if problems else f"{CHECK_ID} [{scope.label}] {role.ref}: keeps the promised shape")
            results.append(CheckResult(CHECK_ID, subject, PROMISE, not problems, message))
    return results
