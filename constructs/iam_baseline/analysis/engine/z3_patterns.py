"""Wildcard patterns and policy variables as z3 string constraints, mirroring :mod:`.patterns`.

* ``StringLike`` globs: ``*`` any run, ``?`` one character, whole-string match.
* ARN patterns (``Resource``, ``ArnLike``): per segment, the five segments before the
  resource part never span a colon, except that a ``*`` ending a segment may match across
  colons (IAM User Guide, "IAM JSON policy elements: Resource" > "Using wildcards in resource
  ARNs"); a value with fewer than five colons is matched as one glob; ``*`` alone matches all.
* Policy variables ``${key}`` / ``${key, 'default'}`` hold the request's single value of the
  key (a variable without one and without a default makes the pattern match nothing);
  ``${*}``, ``${?}``, ``${$}`` are the literal characters (IAM User Guide, "IAM policy
  elements: Variables and tags").

Identical patterns build identical terms (a cache keyed by the pattern text) and adjacent
literal characters are merged into one ``Re(...)`` (design.md: one invariant went from
``unknown`` to 9 ms with that).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import z3

from .patterns import _split_arn, is_exact

def literal(text: str, ctx: z3.Context | None = None) -> z3.SeqRef:
    """The z3 string whose characters are exactly ``text``.

    ``z3.StringVal`` reads ``\\u{..}`` and ``\\uXXXX`` escapes in its argument (the SMT-LIB 2.6
    string theory); IAM compares a policy's characters as written. A Deny on the literal text
    ``b\\u{41}`` read as ``bA`` would prove a refusal IAM does not make, so every text a policy
    or a principal brings in goes through here: a backslash enters as its own escape.
    """
    return z3.StringVal(text.replace("\\", "\\u{5c}"), ctx)


_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}


class Unsupported(Exception):
    """A construct the encoder does not model exactly: the question becomes NotProven."""


@dataclass(frozen=True)
class Variable:
    """A ``${key}`` in a pattern: the key (lower-case) and its default, if any."""

    key: str
    default: str | None


Piece = str | Variable


def split_variables(pattern: str, variables: bool) -> list[Piece]:
    """Split ``pattern`` into plain text (with wildcards) and :class:`Variable` pieces.

    Special variables become escaped literal text (``\\x00`` for ``*``, ``\\x01`` for ``?``)
    so that they never act as wildcards. ``variables`` false (policy Version 2008-10-17)
    keeps the text as written.
    """
    if not variables or "${" not in pattern:
        return [pattern]
    pieces: list[Piece] = []
    pos = 0
    for match in _VARIABLE.finditer(pattern):
        pieces.append(pattern[pos : match.start()])
        inner = match.group(1).strip()
        if inner in _SPECIAL:
            pieces.append({"*": "\x00", "?": "\x01", "$": "$"}[inner])
        else:
            key, _, default = inner.partition(",")
            pieces.append(Variable(key.strip().lower(), default.strip().strip("'") if default else None))
        pos = match.end()
    pieces.append(pattern[pos:])
    merged: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        elif piece != "":
            merged.append(piece)
    return merged


_ANY = z3.AllChar(z3.ReSort(z3.StringSort()))
_NOT_COLON = z3.Diff(_ANY, z3.Re(":"))


def _literal_run(chars: list[str]) -> z3.ReRef:
    text = "".join(chars).replace("\x00", "*").replace("\x01", "?")
    return z3.Re(literal(text))


def _concat(parts: list[z3.ReRef]) -> z3.ReRef:
    if not parts:
        return z3.Re(literal(""))
    return parts[0] if len(parts) == 1 else z3.Concat(*parts)


def _case_insensitive(c: str) -> z3.ReRef:
    low, up = c.lower(), c.upper()
    return z3.Re(literal(c)) if low == up else z3.Union(z3.Re(literal(low)), z3.Re(literal(up)))


def glob_regex(text: str, ignore_case: bool = False) -> z3.ReRef:
    """``*``/``?`` glob over any characters (``\\x00``/``\\x01`` are literal ``*``/``?``)."""
    key = (text, ignore_case)
    if key not in _GLOB_CACHE:  # not setdefault: its argument would build the regex every time
        _GLOB_CACHE[key] = _build(text, ignore_case, arn_segments=False)
    return _GLOB_CACHE[key]


def arn_regex(text: str) -> z3.ReRef:
    """An ARN pattern of at least two segments, with segment semantics (module docstring)."""
    if text not in _ARN_CACHE:
        _ARN_CACHE[text] = _build(text, False, arn_segments=True)
    return _ARN_CACHE[text]


_GLOB_CACHE: dict[tuple[str, bool], z3.ReRef] = {}
_ARN_CACHE: dict[str, z3.ReRef] = {}


def _build(text: str, ignore_case: bool, arn_segments: bool) -> z3.ReRef:
    segments = _split_arn(text) if arn_segments else [text]
    assert segments is not None
    parts: list[z3.ReRef] = []
    for index, segment in enumerate(segments):
        if index:
            parts.append(z3.Re(literal(":")))
        bounded = arn_segments and index < 5
        run: list[str] = []
        for pos, c in enumerate(segment):
            if c in "*?":
                if run:
                    parts.append(_literal_run(run))
                    run = []
                if c == "?":
                    parts.append(_NOT_COLON if bounded else _ANY)
                else:
                    crosses = not bounded or pos == len(segment) - 1
                    parts.append(z3.Star(_ANY if crosses else _NOT_COLON))
            elif ignore_case and c.lower() != c.upper():
                if run:
                    parts.append(_literal_run(run))
                    run = []
                parts.append(_case_insensitive(c))
            else:
                run.append(c)
        if run:
            parts.append(_literal_run(run))
    merged: list[z3.ReRef] = []
    for part in parts:  # merge adjacent literal regexes: Re("ab") rather than Re("a")++Re("b")
        if merged and z3.is_app_of(part, z3.Z3_OP_SEQ_TO_RE) and z3.is_app_of(merged[-1], z3.Z3_OP_SEQ_TO_RE):
            merged[-1] = z3.Re(z3.simplify(z3.Concat(merged[-1].arg(0), part.arg(0))))
        else:
            merged.append(part)
    return _concat(merged)


def exact_text(pattern: str, mode: str, variables: bool) -> str | None:
    """The one string ``pattern`` matches in ``mode`` (``glob`` or ``arn``), or None when it
    has wildcards or policy variables (:func:`.patterns.is_exact`): matching it is equality."""
    if "*" in pattern or "?" in pattern or "\x00" in pattern or "\x01" in pattern:
        return None
    if mode == "arn":
        return pattern if is_exact(pattern) else None
    return pattern if mode == "glob" and not (variables and "${" in pattern) else None


def one_of(value: z3.SeqRef, texts: list[str]) -> z3.BoolRef:
    """``Or(value == t for t in texts)``, built with z3's C API: the Python ``Or`` and ``==``
    check the sort of every term again (a thousand listed ARNs: about 50 ms that way, 10 ms
    this way; the solver sees the same formula)."""
    unique = list(dict.fromkeys(texts))
    if len(unique) < 2:
        return value == literal(unique[0]) if unique else z3.BoolVal(False)
    ctx = value.ctx
    ref, ast = ctx.ref(), value.as_ast()
    terms = []
    for text in unique:
        # z3.StringVal escapes characters outside printable ASCII and reads backslash escapes: those go
        # through literal(); the others as they are.
        string = z3.SeqRef(z3.Z3_mk_string(ref, text), ctx) if text.isascii() and text.isprintable() \
            and "\\" not in text else literal(text, ctx)
        terms.append(z3.BoolRef(z3.Z3_mk_eq(ref, ast, string.as_ast()), ctx))
    array = (z3.Ast * len(terms))(*[t.as_ast() for t in terms])
    return z3.BoolRef(z3.Z3_mk_or(ref, len(terms), array), ctx)


_FIVE_COLONS = z3.Concat(*([z3.Star(_ANY), z3.Re(":")] * 5), z3.Star(_ANY))


def has_five_colons(value: z3.SeqRef) -> z3.BoolRef:
    """Whether ``value`` splits into six ARN parts (``arn.split(":", 5)`` has six items)."""
    return z3.InRe(value, _FIVE_COLONS)


def is_arn_pattern(text: str) -> bool:
    """An ARN pattern (matched per segment) rather than a plain glob."""
    return _split_arn(text) is not None


Resolver = Callable[[Variable], "tuple[z3.BoolRef, z3.SeqRef] | None"]


def _plain_match(value: z3.SeqRef, text: str, mode: str, five: z3.BoolRef | None) -> z3.BoolRef:
    if mode == "arn":
        if text == "*":
            return z3.BoolVal(True)
        if is_exact(text):
            # Both branches below are the literal text then (patterns.is_exact): an equality is
            # what z3 makes of them, without building two regexes per listed ARN.
            return value == literal(text)
        if not is_arn_pattern(text):
            return z3.InRe(value, glob_regex(text))
        five = has_five_colons(value) if five is None else five
        return z3.If(five, z3.InRe(value, arn_regex(text)), z3.InRe(value, glob_regex(text)))
    return z3.InRe(value, glob_regex(text, ignore_case=mode == "iglob"))


def pattern_match(
    value: z3.SeqRef,
    pattern: str,
    *,
    mode: str,
    variables: bool,
    resolve: Resolver,
    positive: bool,
    fresh: Callable[[str], z3.SeqRef],
    five: z3.BoolRef | None = None,
) -> z3.BoolRef:
    """Whether ``value`` matches ``pattern`` (``mode`` ``glob``, ``iglob`` or ``arn``).

    ``resolve`` gives, for a variable, (defined, its value) from the request context.
    ``positive`` says the result is only used un-negated, so fresh split variables are sound.

    Raises:
        Unsupported: a variable placement this encoder cannot express exactly here.
    """
    if mode == "arn" and pattern == "*":
        return z3.BoolVal(True)
    pieces = split_variables(pattern, variables)
    if all(isinstance(p, str) for p in pieces):
        text = "".join(pieces)  # type: ignore[arg-type]
        if "\x00" in text or "\x01" in text:
            return _escaped_match(value, text, mode, five)
        return _plain_match(value, text, mode, five)
    constants = {}
    for var in {p for p in pieces if isinstance(p, Variable)}:
        got = resolve(var)
        if got is not None and z3.is_true(got[0]) and z3.is_string_value(got[1]):
            constants[var] = got[1].as_string()
    if len(constants) == len({p for p in pieces if isinstance(p, Variable)}):
        # Every variable has one value in the space: substitute it as literal text (its
        # wildcards escaped), as the concrete evaluator does, and match a plain regex.
        text = "".join(p if isinstance(p, str) else _escape(constants[p]) for p in pieces)
        return _escaped_match(value, text, mode, five)
    # One substitution per combination of defined/undefined variables.
    variables_in = [p for p in pieces if isinstance(p, Variable)]
    defined = []
    terms: dict[Variable, z3.SeqRef] = {}
    for var in dict.fromkeys(variables_in):
        got = resolve(var)
        if got is None:
            ok, term = z3.BoolVal(False), literal("")
        else:
            ok, term = got
        if var.default is not None:
            term = z3.If(ok, term, literal(var.default))
            ok = z3.BoolVal(True)
        defined.append(ok)
        terms[var] = term
    return z3.And(*defined, _pieces_match(value, pieces, terms, mode, positive, fresh))


def _escaped_match(value: z3.SeqRef, text: str, mode: str, five: z3.BoolRef | None) -> z3.BoolRef:
    if mode == "arn" and is_arn_pattern(text):
        five = has_five_colons(value) if five is None else five
        return z3.If(five, z3.InRe(value, arn_regex(text)), z3.InRe(value, glob_regex(text)))
    return z3.InRe(value, glob_regex(text, ignore_case=mode == "iglob"))


def _pieces_match(
    value: z3.SeqRef, pieces: list[Piece], terms: dict[Variable, z3.SeqRef], mode: str, positive: bool, fresh
) -> z3.BoolRef:
    define = getattr(fresh, "define", None)
    if define is None:
        raise Unsupported("a pattern with policy variables where no definitions can be added")
    # The ARN segment split happens on the substituted text: exact here only when every
    # variable sits in the resource part (five plain colons before the first variable).
    first = next(i for i, p in enumerate(pieces) if isinstance(p, Variable))
    head = "".join(p for p in pieces[:first] if isinstance(p, str))
    if mode == "arn":
        if head.count(":") < 5 or not head.startswith("arn:"):
            raise Unsupported(f"policy variable before the resource part of ARN pattern {''.join(map(str, pieces))!r}")
        mode = "arn-tail"
    glob_mode = "iglob" if mode == "iglob" else "glob"
    if not positive and len([p for p in pieces if isinstance(p, Variable)]) == 1 and len(pieces) <= 3:
        before = pieces[0] if isinstance(pieces[0], str) else ""
        after = pieces[-1] if isinstance(pieces[-1], str) else ""
        term = terms[pieces[first]]  # type: ignore[index]
        if mode == "iglob":
            pass  # case-insensitive comparison of the substituted value: fall through to split
        # The text around the variable is a function of the value: a fresh term defined at
        # the top level (not under the negation) names it, which z3 solves far better than
        # SubString arithmetic; the match stays exact under either polarity.
        elif not _wild(after):
            middle = z3.Concat(term, literal(_unescape(after))) if after else term
            rest = fresh("head")
            define(z3.Implies(z3.SuffixOf(middle, value), value == z3.Concat(rest, middle)))
            return z3.And(z3.SuffixOf(middle, value), _head_match(rest, before, mode, glob_mode))
        elif not _wild(before):
            start = z3.Concat(literal(_unescape(before)), term) if before else term
            rest = fresh("tail")
            define(z3.Implies(z3.PrefixOf(start, value), value == z3.Concat(start, rest)))
            return z3.And(z3.PrefixOf(start, value), z3.InRe(rest, glob_regex(after, ignore_case=False)))
    if not positive:
        raise Unsupported("a pattern with policy variables between wildcards under negation")
    parts: list[z3.SeqRef] = []
    constraints = []
    for index, piece in enumerate(pieces):
        if isinstance(piece, Variable):
            parts.append(terms[piece])
            continue
        part = fresh("split")
        parts.append(part)
        if index == 0 and mode == "arn-tail":
            constraints.append(_head_match(part, piece, mode, glob_mode))
        else:
            constraints.append(z3.InRe(part, glob_regex(piece, ignore_case=glob_mode == "iglob")))
    whole = parts[0] if len(parts) == 1 else z3.Concat(*parts)
    return z3.And(value == whole, *constraints)


def _head_match(value: z3.SeqRef, head: str, mode: str, glob_mode: str) -> z3.BoolRef:
    """The plain text before a variable: for an ARN, its five segments and the start of the
    resource part (``head`` padded with an empty resource part)."""
    if mode == "arn-tail":
        return z3.InRe(value, arn_regex(head))
    return z3.InRe(value, glob_regex(head, ignore_case=glob_mode == "iglob"))


_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]+)\}")


def text_of(value: z3.SeqRef) -> str:
    """A model's string value as Python text (z3 prints other characters as ``\\u{hex}``)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value.as_string())


def _escape(text: str) -> str:
    return text.replace("*", "\x00").replace("?", "\x01")


def _wild(text: str) -> bool:
    return "*" in text or "?" in text


def _unescape(text: str) -> str:
    return text.replace("\x00", "*").replace("\x01", "?")
