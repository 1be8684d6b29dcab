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

**What a role session carries** (issue 17). IAM User Guide, "Configuring MFA-protected API
access" (id_credentials_mfa_configure-api-require):

* "Other AWS STS API operations that return temporary credentials do not support MFA. For
  ``AssumeRoleWithWebIdentity`` and ``AssumeRoleWithSAML``, the user is authenticated by an
  external provider and AWS cannot determine whether that provider required MFA." ("Compare
  AWS STS credentials" agrees: MFA support "No" for both.)
* "``AssumeRole`` and ``GetSessionToken`` can also be called without MFA information. In that
  case, the caller gets back temporary security credentials, but the session information for
  those temporary credentials does not indicate that the user authenticated with MFA."
* "The temporary credentials returned by ``AssumeRole`` do not include MFA information in the
  context, so you cannot check individual API operations for MFA." But "Compare AWS STS
  credentials", footnote 1, says MFA information given to ``AssumeRole`` "ensures that the
  temporary security credentials that result from the API call can be used only by users who
  are authenticated with an MFA device", and "AWS global condition context keys" defines
  ``aws:MultiFactorAuthPresent`` as whether "MFA was used to validate the temporary security
  credentials that made the request". The pages disagree about a session from ``AssumeRole``
  *with* MFA, so both engines let it carry either value (the weaker claim: a proof that holds
  here holds whichever page is right).
* "Roles terms and concepts" > "Role chaining": a role session assuming a second role. MFA
  devices are associated with IAM users ("the user includes the device identifier for the
  device that's associated with the user"), so a role session has no device to present: a
  chained session carries at most what the first session of its chain carried.

Hence :class:`SessionOrigin`: a role session whose chain began with ``AssumeRoleWithSAML``,
``AssumeRoleWithWebIdentity`` or an ``AssumeRole`` without MFA never sends
``aws:MultiFactorAuthPresent`` ``true`` (nor an age); one whose chain began with an IAM user's
``AssumeRole`` with MFA may. A trust policy that requires MFA is therefore never satisfied by a
SAML or OIDC session, nor by any role chained from one.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from ..errors import AnalysisError
from .conditions import _as_decimal

MFA_PRESENT = "aws:multifactorauthpresent"
MFA_AGE = "aws:multifactorauthage"
#: The values AWS puts in ``aws:MultiFactorAuthPresent``.
MFA_PRESENT_VALUES = ("true", "false")


class SessionOrigin(str, enum.Enum):
    """How the first credentials of a role session's chain were issued (see the module text).

    Only role sessions have an origin; for other callers it is ignored.
    """

    #: ``AssumeRole`` by an IAM user that may have given MFA: the session may carry MFA.
    ASSUME_ROLE = "AssumeRole"
    #: ``AssumeRole`` by an IAM user without MFA information: never MFA.
    ASSUME_ROLE_WITHOUT_MFA = "AssumeRole without MFA"
    #: ``AssumeRoleWithSAML``: MFA, if any, happened at the identity provider; never AWS MFA.
    SAML = "AssumeRoleWithSAML"
    #: ``AssumeRoleWithWebIdentity`` (OIDC): never AWS MFA.
    WEB_IDENTITY = "AssumeRoleWithWebIdentity"

    @property
    def carries_mfa(self) -> bool:
        """Whether a session of this origin may send ``aws:MultiFactorAuthPresent`` ``true``."""
        return self is SessionOrigin.ASSUME_ROLE


class ImpossibleContext(AnalysisError):
    """A request context that AWS never sends (e.g. an MFA age without MFA present)."""


def context_problem(context: Mapping[str, object], origin: SessionOrigin | None = None) -> str | None:
    """Why ``context`` (lower-case keys) is one AWS never sends, or ``None``.

    ``origin``: for a role session, how its chain began (``None``: not a role session).
    """
    present = context.get(MFA_PRESENT)
    if origin is not None and not origin.carries_mfa and present == "true":
        return (f"{MFA_PRESENT} is 'true' for a role session whose chain began with {origin.value}: "
                "AWS carries no MFA context for it")
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


def check_context(context: Mapping[str, object], origin: SessionOrigin | None = None) -> None:
    """Refuse a context AWS never sends (``origin``: as :func:`context_problem`).

    Raises:
        ImpossibleContext: with the reason.
    """
    problem = context_problem(context, origin)
    if problem:
        raise ImpossibleContext(f"impossible request context: {problem}")
