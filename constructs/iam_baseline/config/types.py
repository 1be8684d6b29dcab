"""Field types shared by the config models: AWS's grammars, in ASCII where AWS's is ASCII.

Every pattern here spells its classes out (``[0-9]``, ``[A-Za-z0-9_]``) instead of ``\\d``
or ``\\w``: pydantic's regex engine, like Python's ``re`` without ``re.ASCII``, lets those
match any script's digits and letters, so a full-width account id or a role name with a
Cyrillic look-alike would pass here and fail in jsii or at deploy. Patterns are anchored
and the whole value must match (pydantic's engine has no ``$``-before-newline rule; the
Python checks below use ``fullmatch`` for the same reason). Free text is printable only
(no control characters) within AWS's length limits, and names are never blank.

:class:`ItemError` lets a validator of a whole section point at the item that is wrong
(``roles[1].providers``) instead of at the section.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, StringConstraints, WithJsonSchema


class ItemError(ValueError):
    """A rule of a whole section broken by one of its items.

    ``where`` is the path of that item below the section that raises (keys and list
    indexes), e.g. ``("roles", 1, "providers")``; the loader reports the error there.
    """

    def __init__(self, where: Sequence[str | int], message: str):
        super().__init__(message)
        self.where = tuple(where)


# --------------------------------------------------------------------------- identifiers
#: A 12-digit AWS account id. Source: AWS Account Management Reference, "View AWS account identifiers".
AccountId = Annotated[str, StringConstraints(pattern=r"^[0-9]{12}$")]

#: IAM user, group and role names: 1-64 characters of ``[A-Za-z0-9+=,.@_-]``.
#: Source: IAM User Guide, "IAM and AWS STS quotas" > "IAM name requirements".
IamName = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9+=,.@_-]+$")]

#: An IAM path: ``/`` or ``/segment/.../``, at most 512 characters of printable ASCII.
#: Source: IAM API Reference, ``CreateRole`` parameter ``Path``.
IamPath = Annotated[str, StringConstraints(min_length=1, max_length=512, pattern=r"^/(?:[\x21-\x2e\x30-\x7e]+/)*$")]

#: A persona key: how groups, SAML roles and permission sets name a persona (the built-ins
#: ``admin``, ``developer``, ``read_only``, ``support``, or a key of ``personas:``): a lowercase
#: letter, then at most 63 lowercase letters, digits and ``_``.
PersonaKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]

#: A group key: how users name their groups (``admins``, ``developers``, ``read_only`` or a
#: key of your own under ``groups:``), same grammar as :data:`PersonaKey`.
GroupKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]

#: IAM managed policy name, optionally under a path (``job-function/ViewOnlyAccess``), 1-128 characters.
#: Source: IAM API Reference, ``CreatePolicy`` parameter ``PolicyName``.
ManagedPolicyName = Annotated[
    str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9+=,.@_-]+(?:/[A-Za-z0-9+=,.@_-]+)*$")
]

#: Text without blanks or control characters, printable ASCII (ARNs, condition values of IAM's own keys).
AsciiToken = Annotated[str, StringConstraints(min_length=1, pattern=r"^[\x21-\x7e]+$")]


def non_ascii_note(value: Any) -> str:
    """For a string holding characters outside ASCII, where a grammar or a file name expects
    ASCII: which one and where (``; it contains the non-ASCII character 'а' U+0430 CYRILLIC
    SMALL LETTER A at position 1``), since a look-alike letter reads like the one it imitates;
    otherwise ``""``."""
    if not isinstance(value, str) or value.isascii():
        return ""
    index, char = next((i, c) for i, c in enumerate(value) if not c.isascii())
    name = unicodedata.name(char, "unnamed character")
    return f"; it contains the non-ASCII character {char!r} U+{ord(char):04X} {name} at position {index + 1}"


# --------------------------------------------------------------------------- tags
def _not_reserved(key: str) -> str:
    if key.lower().startswith("aws:"):
        raise ValueError("the tag key prefix 'aws:' is reserved for AWS")
    if not key.strip():
        raise ValueError("a tag key must not be blank")
    return key


#: A resource tag key: 1-128 letters, digits, spaces and ``_.:/=+-@``; the ``aws:`` prefix is
#: reserved for AWS. Source: IAM User Guide, "Tagging IAM resources" (50 tags per resource);
#: IAM Identity Center API ``Tag`` (the same rule for permission sets).
TagKey = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:/=+@ -]+$"),
    AfterValidator(_not_reserved),
]

#: A resource tag value: 0-256 letters, digits, spaces and ``_.:/=+-@``.
TagValue = Annotated[str, StringConstraints(max_length=256, pattern=r"^[A-Za-z0-9_.:/=+@ -]*$")]


# --------------------------------------------------------------------------- free text
_PRINTABLE = re.compile(r"[\t\n\r\x20-\x7e]*")
_PRINTABLE_LATIN1 = re.compile(r"[\t\n\r\x20-\x7e\xa1-\xff]*")


def _printable(text: str, *, latin1: bool) -> str:
    if (_PRINTABLE_LATIN1 if latin1 else _PRINTABLE).fullmatch(text):
        return text
    for index, char in enumerate(text):
        if char in "\t\n\r":
            continue
        allowed = " " <= char <= "~" or (latin1 and "\u00a1" <= char <= "\u00ff")
        if not allowed:
            name = unicodedata.name(char, f"U+{ord(char):04X}")
            raise ValueError(
                f"character {index + 1} ({name}) is not allowed: printable ASCII"
                + (" or Latin-1" if latin1 else "")
                + " only"
            )
    return text


def printable_text(max_length: int, *, min_length: int = 0, latin1: bool = False) -> Any:
    """Free text (descriptions, reasons): printable, tab and newlines allowed, at most ``max_length``.

    ``latin1``: also the Latin-1 letters IAM accepts in descriptions (IAM API Reference,
    ``CreateRole`` parameter ``Description``: ``[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*``).
    """
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length),
        AfterValidator(lambda text: _printable(text, latin1=latin1)),
    ]


def _a_name(text: str) -> str:
    if not text.strip():
        raise ValueError("a name must not be blank")
    if text != text.strip():
        raise ValueError("a name must not start or end with a space")
    for index, char in enumerate(text):
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            raise ValueError(f"character {index + 1} (U+{ord(char):04X}) is a control or invisible character")
    return text


def display_name(max_length: int) -> Any:
    """A name AWS accepts in any script (Identity Center user and group names): printable,
    not blank, no leading or trailing space, 1-``max_length`` characters.

    Source: IAM Identity Center Identity Store API, ``User.UserName`` and ``Group.DisplayName``.
    """
    return Annotated[str, StringConstraints(min_length=1, max_length=max_length), AfterValidator(_a_name)]


#: A name in printable ASCII with inner spaces (AWS account names: Organizations ``CreateAccount``
#: ``AccountName``, ``[\u0020-\u007E]+``, 1-50 characters).
def ascii_name(max_length: int) -> Any:
    """Printable ASCII, 1-``max_length`` characters, not blank, no leading or trailing space."""
    return Annotated[
        str,
        StringConstraints(min_length=1, max_length=max_length, pattern=r"^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$"),
    ]


# --------------------------------------------------------------------------- lists
T = TypeVar("T", bound=Hashable)


def refuse_duplicates(what: str, *, fold: Callable[[Any], Any] = lambda v: v, why: str = "list each once") -> Any:
    """An ``AfterValidator`` that refuses a list naming the same ``what`` twice, at the second one."""

    def check(values: tuple[Any, ...]) -> tuple[Any, ...]:
        first: dict[Any, int] = {}
        for index, value in enumerate(values):
            key = fold(value)
            if key in first:
                raise ItemError((index,), f"duplicate {what} {value!r} (also item {first[key]}): {why}")
            first[key] = index
        return values

    return AfterValidator(check)


def unique(item: Any, what: str, **kwargs: Any) -> Any:
    """``tuple[item, ...]`` without duplicates (see :func:`refuse_duplicates`)."""
    return Annotated[tuple[item, ...], refuse_duplicates(what, **kwargs)]


# --------------------------------------------------------------------------- Identity Center
#: A relay state (console URL after sign-in). Source: IAM Identity Center API, ``CreatePermissionSet``
#: parameter ``RelayState``: 1-240 characters of ``[a-zA-Z0-9&$@#\\/%?=~\\-_'"|!:,.;*+\\[\\]\\ \\(\\)\\{\\}]``.
RelayState = Annotated[
    str,
    StringConstraints(min_length=1, max_length=240, pattern=r"""^[a-zA-Z0-9&$@#\\/%?=~_'"|!:,.;*+\[\] (){}-]+$"""),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 240}),
]

_DURATION = re.compile(r"PT(?=[0-9])(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)S)?", re.ASCII)


def iso_duration_seconds(value: object) -> int | None:
    """Seconds of an ISO-8601 duration ``PT#H#M#S`` (the whole value; ASCII digits), else None."""
    match = _DURATION.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    hours, minutes, secs = (int(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + secs
