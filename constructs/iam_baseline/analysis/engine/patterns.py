"""Wildcard matching and policy variables, as IAM applies them to policy elements.

* ``Action``/``NotAction``: ``*`` matches any run of characters, ``?`` one character, and
  the comparison ignores case (IAM User Guide, "IAM JSON policy elements: Action": "action
  names are case insensitive").
* ``Resource``/``NotResource`` and the ``Arn*`` condition operators: the same wildcards,
  case-sensitive, matched per ARN segment: the five colon-separated segments before the
  resource part are compared one by one, so a wildcard does not span a segment, except
  that a ``*`` ending one of the five segments may match across colons; the resource part
  (which may itself contain colons) is compared whole (IAM User Guide, "IAM JSON policy
  elements: Resource" > "Using wildcards in resource ARNs";
  "Condition operators" > "Amazon Resource Name (ARN) condition operators"). A policy ARN
  with fewer segments is padded with ``*`` segments, as IAM does for identity-based policies.
* Policy variables ``${key}`` are replaced with the request's value for ``key`` before
  matching; ``${key, 'default'}`` supplies a default; ``${*}``, ``${?}`` and ``${$}`` stand
  for the literal characters. A variable without a value and without a default makes the
  pattern match nothing (IAM User Guide, "IAM policy elements: Variables and tags" >
  "Specifying default values" and "Special characters"). Variables are only substituted in
  policies with ``Version: 2012-10-17``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache

#: ``${key}`` or ``${key, 'default'}``; the key may contain ``/`` and ``:``.
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_SPECIAL_VARIABLES = {"*": "*", "?": "?", "$": "$"}

ContextLookup = Callable[[str], "str | list[str] | None"]


class Literal(str):
    """A piece of a pattern that came from a policy variable: its ``*``/``?`` are literal."""


def substitute(pattern: str, lookup: ContextLookup | None) -> list[str] | None:
    """Split ``pattern`` into plain pieces and :class:`Literal` pieces from policy variables.

    Returns ``None`` when a variable has neither a single value in the request nor a default:
    such a pattern matches nothing. ``lookup`` of ``None`` means the policy's version does not
    support variables, and the text stays as written.
    """
    if lookup is None or "${" not in pattern:
        return [pattern]
    pieces: list[str] = []
    pos = 0
    for match in _VARIABLE.finditer(pattern):
        pieces.append(pattern[pos : match.start()])
        inner = match.group(1).strip()
        if inner in _SPECIAL_VARIABLES:
            pieces.append(Literal(_SPECIAL_VARIABLES[inner]))
        else:
            key, _, default = inner.partition(",")
            value = lookup(key.strip())
            if isinstance(value, list):
                value = value[0] if len(value) == 1 else None
            if value is None and default:
                value = default.strip().strip("'")
            if value is None:
                return None
            pieces.append(Literal(value))
        pos = match.end()
    pieces.append(pattern[pos:])
    return pieces


@lru_cache(maxsize=16384)
def _glob_regex(text: str, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _pieces_regex(pieces: list[str], ignore_case: bool) -> re.Pattern[str]:
    if len(pieces) == 1 and not isinstance(pieces[0], Literal):
        return _glob_regex(pieces[0], ignore_case)
    body = "".join(re.escape(p) if isinstance(p, Literal) else _glob_regex(p, ignore_case).pattern for p in pieces)
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def glob_match(pattern: str, value: str, *, ignore_case: bool = False, lookup: ContextLookup | None = None) -> bool:
    """``*``/``?`` wildcard match of the whole ``value`` (``StringLike`` semantics)."""
    pieces = substitute(pattern, lookup)
    if pieces is None:
        return False
    return _pieces_regex(pieces, ignore_case).fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    """Whether an ``Action`` entry such as ``iam:Get*`` covers ``action`` (case-insensitive)."""
    return _glob_regex(pattern, True).fullmatch(action) is not None


class ActionPatterns:
    """An ``Action``/``NotAction`` list, split for matching: the ASCII entries without ``*``
    and ``?`` are looked up lower-cased in a set (for an ASCII action, a case-insensitive match
    of such an entry is equality of the lower-case texts), the others scanned with
    :func:`action_matches`. :meth:`any_match` equals ``any(action_matches(p, action) ...)``.
    """

    __slots__ = ("exact", "wildcard", "patterns")

    def __init__(self, patterns: tuple[str, ...]) -> None:
        def exact(p: str) -> bool:
            return p.isascii() and "*" not in p and "?" not in p

        self.patterns = patterns
        self.exact = frozenset(p.lower() for p in patterns if exact(p))
        self.wildcard = tuple(p for p in patterns if not exact(p))

    def any_match(self, action: str) -> bool:
        """Whether some entry covers ``action``."""
        if not action.isascii():  # Unicode case folding is not lower(): scan every entry
            return any(action_matches(p, action) for p in self.patterns)
        return action.lower() in self.exact or any(action_matches(p, action) for p in self.wildcard)


def _split_arn(text: str) -> list[str] | None:
    parts = text.split(":", 5)
    if len(parts) < 2 or parts[0] != "arn":
        return None
    return parts + ["*"] * (6 - len(parts))


def arn_matches(pattern: str, arn: str, *, lookup: ContextLookup | None = None) -> bool:
    """Whether a ``Resource`` entry or an ``ArnLike`` value covers ``arn`` (case-sensitive).

    ``*`` alone matches everything, ARN or not. Non-ARN patterns and values (e.g. an S3
    bucket name in a condition) are matched as one string.
    """
    if pattern == "*":
        return True
    pieces = substitute(pattern, lookup)
    if pieces is None:
        return False
    # Policy variables may carry colons (an ARN in a tag), so substitute before splitting.
    text = "".join(pieces)
    if not any(isinstance(p, Literal) for p in pieces):
        return _arn_segments_match(text, arn)
    # A literal from a variable: escape its wildcards, then match segment-wise on the result.
    escaped = "".join(_escape_literal(p) if isinstance(p, Literal) else p for p in pieces)
    return _arn_segments_match(escaped, arn, escaped=True)


def is_exact(pattern: str) -> bool:
    """Whether a ``Resource`` entry or an ``Arn*`` condition value matches only its own text.

    True for an entry without ``*``, ``?`` and ``${`` that is either no ARN (matched as one
    string) or an ARN with all six parts: :func:`arn_matches` then compares it segment by
    segment with literal text, case-sensitively, which is string equality. An ARN entry with
    fewer than five colons is padded with ``*`` segments, so it is not exact.
    """
    if "*" in pattern or "?" in pattern or "${" in pattern:
        return False
    return not pattern.startswith("arn:") or pattern.count(":") >= 5


class ArnPatterns:
    """A list of ``Resource`` entries (or ``Arn*`` condition values), split for matching.

    The exact entries (:func:`is_exact`) are looked up in a set, the others scanned with
    :func:`arn_matches`: an identity-account policy that lists a thousand member role ARNs
    costs one lookup, not a thousand regex matches. :meth:`any_match` equals
    ``any(arn_matches(p, value, lookup=lookup) for p in patterns)``.
    """

    __slots__ = ("exact", "wildcard")

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.exact = frozenset(p for p in patterns if is_exact(p))
        self.wildcard = tuple(p for p in patterns if not is_exact(p))

    def any_match(self, value: str, lookup: ContextLookup | None = None) -> bool:
        """Whether some entry covers ``value``."""
        return value in self.exact or any(arn_matches(p, value, lookup=lookup) for p in self.wildcard)


_ESCAPE = {"*": "\x00", "?": "\x01"}


def _escape_literal(text: str) -> str:
    return "".join(_ESCAPE.get(c, c) for c in text)


@lru_cache(maxsize=65536)
def _arn_segments_match(pattern: str, arn: str, escaped: bool = False) -> bool:
    pattern_parts = _split_arn(pattern)
    if pattern_parts is None or len(arn.split(":", 5)) != 6:
        return _segment_match(pattern, arn, escaped)
    return _arn_regex(tuple(pattern_parts), escaped).fullmatch(arn) is not None


@lru_cache(maxsize=16384)
def _arn_regex(parts: tuple[str, ...], escaped: bool) -> re.Pattern[str]:
    # Segments before the resource part: a wildcard stays inside its segment, except a `*`
    # that ends the segment, which "can expand to match beyond the colon boundaries" (IAM User
    # Guide, "IAM JSON policy elements: Resource" > "Using wildcards in resource ARNs").
    # The resource part (which may hold colons) is matched whole.
    body = []
    for index, segment in enumerate(parts):
        bounded = index < 5
        out = []
        for pos, c in enumerate(segment):
            if c == "*":
                out.append("[^:]*" if bounded and pos < len(segment) - 1 else ".*")
            elif c == "?":
                out.append("[^:]" if bounded else ".")
            elif escaped and c in "\x00\x01":
                out.append(re.escape("*" if c == "\x00" else "?"))
            else:
                out.append(re.escape(c))
        body.append("".join(out))
    return re.compile(":".join(body), re.DOTALL)


def _segment_match(pattern: str, value: str, escaped: bool) -> bool:
    if not escaped:
        return _glob_regex(pattern, False).fullmatch(value) is not None
    pieces: list[str] = []
    for c in pattern:
        if c == "\x00":
            pieces.append(Literal("*"))
        elif c == "\x01":
            pieces.append(Literal("?"))
        else:
            pieces.append(c)
    return _pieces_regex(pieces, False).fullmatch(value) is not None


def lookup_in(context: Mapping[str, str | list[str]]) -> ContextLookup:
    """A case-insensitive key lookup over a request context whose keys are lower-cased."""
    return lambda key: context.get(key.lower())
