"""Facts about the request context that AWS guarantees, shared by both engines.

IAM User Guide, "AWS global condition context keys":

* ``aws:MultiFactorAuthPresent`` is absent for requests signed with long-term access keys,
  and present with ``true`` or ``false`` for temporary credentials (``true`` when MFA was used);
* ``aws:MultiFactorAuthAge`` "is included in the request context only if the principal was
  authenticated using MFA", as the number of seconds since that authentication.

Hence the age is present **exactly when** ``aws:MultiFactorAuthPresent`` is ``true``. Without
this fact a solver could pick an age without MFA, and a trust statement with
``BoolIfExists`` plus an age bound would look weaker than the same statement with ``Bool``,
though no real request tells them apart. The concrete evaluator refuses a context that breaks
the fact (:class:`ImpossibleContext`); the symbolic encoder never builds one
(:func:`.z3_context.mfa_consistency`).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import AnalysisError
from .conditions import _as_decimal

MFA_PRESENT = "aws:multifactorauthpresent"
MFA_AGE = "aws:multifactorauthage"
#: The values AWS puts in ``aws:MultiFactorAuthPresent``.
MFA_PRESENT_VALUES = ("true", "false")


class ImpossibleContext(AnalysisError):
    """A request context that AWS never sends (e.g. an MFA age without MFA present)."""


def context_problem(context: Mapping[str, object]) -> str | None:
    """Why ``context`` (lower-case keys) is one AWS never sends, or ``None``."""
    present = context.get(MFA_PRESENT)
    if present is not None and present not in MFA_PRESENT_VALUES:
        return f"{MFA_PRESENT} is {present!r}; AWS sends only 'true' or 'false'"
    age = context.get(MFA_AGE)
    has_age = age is not None
    number = _as_decimal(age) if isinstance(age, str) else None
    if has_age and (number is None or not number.is_finite() or number < 0):
        return f"{MFA_AGE} is {age!r}; AWS sends a number of seconds"
    if has_age != (present == "true"):
        return (f"{MFA_AGE} is {'present' if has_age else 'absent'} while {MFA_PRESENT} is "
                f"{present if present is not None else 'absent'}: AWS sends the age exactly when MFA is present (true)")
    return None


def check_context(context: Mapping[str, object]) -> None:
    """Refuse a context AWS never sends.

    Raises:
        ImpossibleContext: with the reason.
    """
    problem = context_problem(context)
    if problem:
        raise ImpossibleContext(f"impossible request context: {problem}")
