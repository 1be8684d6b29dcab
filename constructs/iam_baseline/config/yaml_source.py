"""YAML text to plain data, YAML 1.2 style, bounded, with the position of every key.

The config is the product's only input and its editors are not all YAML experts, so the
reader refuses what would silently change meaning or exhaust the machine, each time with a
line, a column and what to write instead:

* **No implicit conversion the schema does not ask for.** A plain scalar is ``null``
  (``null``, ``~`` or nothing), a boolean (``true``/``false``), a decimal integer or a
  decimal number; anything else is text. YAML 1.1's sexagesimal ``1:00:00`` (3600), hex
  ``0x20``, ``1_4``, ``yes``/``on`` and timestamps stay text, as in YAML 1.2 (with the core
  schema's hex and octal integers also left as text: no config value is written that way).
* **Bounded**: at most :data:`MAX_DEPTH` levels of nesting, :data:`MAX_NODES` values, and
  :data:`MAX_EXPANDED_NODES` values once aliases are expanded (an "alias bomb" of nested
  anchors is refused before it is expanded).
* **Keys are names**: a mapping key must be text (``1:`` or ``true:`` or a date as a key is
  refused: quote it), and a key given twice is refused, also when only its spelling differs
  (``1`` beside ``'1'``).
* **Refused constructs**: merge keys (``<<``), tags other than ``!!str``, more than one
  document, recursive aliases, tab indentation.

The parser is libyaml's through PyYAML (its events only: the YAML 1.1 and 1.2 grammars
agree on everything a config uses); this module builds the data from the events itself and
resolves plain scalars by YAML 1.2's rules, so none of the above depends on a resolver's
defaults (ruamel.yaml's pure-Python YAML 1.2 parser was measured 20 times slower). Source: YAML 1.2.2
specification, sections 10.2 (JSON schema) and 10.3 (core schema).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml import events as ev
from yaml.error import MarkedYAMLError, YAMLError
from yaml.reader import ReaderError

#: libyaml when PyYAML was built with it (the wheels are): about 15 times faster than a
#: pure-Python parser on a 150 KB organization config (measured: 0.3 s against 4.5-6 s).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Deepest nesting of mappings and lists (the deepest config path, a condition value of a
#: policy statement in a permission set, is about 10 levels).
MAX_DEPTH = 64
#: Most values (scalars, mappings, lists) in one file: a 1,000-account organization is ~20,000.
MAX_NODES = 200_000
#: Most values after alias expansion: what the validator and any JSON round trip will see.
MAX_EXPANDED_NODES = 400_000

#: A path inside the document: mapping keys and list indexes.
Path = tuple[str | int, ...]

_INT = re.compile(r"[-+]?[0-9]+", re.ASCII)
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?", re.ASCII)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_STR_TAG = "tag:yaml.org,2002:str"
_NUMBER_STARTS = frozenset("0123456789+-.~")
_WORDS = _NULLS | _TRUE | _FALSE


@dataclass(frozen=True)
class Position:
    """1-based line and column of a key or value in the file."""

    line: int
    column: int


class YamlProblem(Exception):
    """The text is not a config document; ``line``/``column`` are 1-based, or None."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None, path: Path = ()):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.path = path


@dataclass
class Document:
    """The data of a YAML document and the position of every path (keys point at the key)."""

    data: Any
    positions: dict[Path, Position] = field(default_factory=dict)

    def position(self, path: Path) -> Position | None:
        """The position of ``path``, else of its nearest ancestor present in the file."""
        for end in range(len(path), -1, -1):
            found = self.positions.get(tuple(path[:end]))
            if found is not None:
                return found
        return None


def _at(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted) scalar: null, bool, int, float or the text itself."""
    if text and text[0] not in _NUMBER_STARTS and text not in _WORDS:
        return text  # most scalars: names, ARNs, descriptions
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


_KINDS = {bool: "a boolean", int: "a number", float: "a number", type(None): "null"}


def _key_text(key: Any) -> str:
    """How a key is spelled once resolved: ``1`` and ``'1'`` both read ``1``."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


class _Builder:
    """Builds plain data from parser events, recording positions and enforcing the limits."""

    def __init__(self) -> None:
        self.positions: dict[Path, Position] = {}
        self.anchors: dict[str, tuple[Any, int] | None] = {}  # None: being built (recursion)
        self.nodes = 0
        self.expanded = 0

    def _count(self, event: Any, size: int = 1) -> None:
        self.nodes += 1
        self.expanded += size
        if self.nodes > MAX_NODES:
            raise YamlProblem(f"the file holds more than {MAX_NODES:,} values; split it or remove repetition", *_at(event.start_mark))
        if self.expanded > MAX_EXPANDED_NODES:
            raise YamlProblem(
                f"aliases expand the file to more than {MAX_EXPANDED_NODES:,} values; write the values out "
                "instead of nesting anchors",
                *_at(event.start_mark),
            )

    def value(self, events: Any, first: Any, path: Path, depth: int) -> tuple[Any, int]:
        """Build the value that starts with event ``first``; return it and its expanded size."""
        if depth > MAX_DEPTH:
            raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels; no config key needs that", *_at(first.start_mark), path)
        self.positions.setdefault(path, Position(*_at(first.start_mark)))
        if isinstance(first, ev.AliasEvent):
            if first.anchor not in self.anchors:
                raise YamlProblem(f"alias *{first.anchor} names no anchor defined before it", *_at(first.start_mark), path)
            built = self.anchors[first.anchor]
            if built is None:
                raise YamlProblem(
                    f"alias *{first.anchor} is inside its own anchor &{first.anchor}: the value would contain itself",
                    *_at(first.start_mark),
                    path,
                )
            self._count(first, built[1])
            return built
        anchor = getattr(first, "anchor", None)
        if anchor is not None:
            self.anchors[anchor] = None
        tag = getattr(first, "tag", None)
        if tag is not None and not (isinstance(first, ev.ScalarEvent) and str(tag) in (_STR_TAG, "!")):
            raise YamlProblem(
                f"YAML tag {tag} is not supported: write the value plainly (quote it to make it text)",
                *_at(first.start_mark),
                path,
            )
        if isinstance(first, ev.ScalarEvent):
            self._count(first)
            plain = not first.style and tag is None  # libyaml: style "" for plain
            result: tuple[Any, int] = (resolve_plain(first.value) if plain else first.value, 1)
        elif isinstance(first, ev.SequenceStartEvent):
            self._count(first)
            items: list[Any] = []
            size = 1
            for event in events:
                if isinstance(event, ev.SequenceEndEvent):
                    break
                item, item_size = self.value(events, event, path + (len(items),), depth + 1)
                items.append(item)
                size += item_size
            result = (items, size)
        elif isinstance(first, ev.MappingStartEvent):
            result = self._mapping(events, first, path, depth)
        else:  # pragma: no cover - the parser yields nothing else inside a document
            raise YamlProblem(f"unexpected YAML construct {type(first).__name__}", *_at(first.start_mark), path)
        if anchor is not None:
            self.anchors[anchor] = result
        return result

    def _mapping(self, events: Any, first: Any, path: Path, depth: int) -> tuple[dict[str, Any], int]:
        self._count(first)
        mapping: dict[str, Any] = {}
        seen: dict[str, tuple[int, int]] = {}
        size = 1
        for key_event in events:
            if isinstance(key_event, ev.MappingEndEvent):
                break
            line, column = _at(key_event.start_mark)
            if isinstance(key_event, ev.ScalarEvent) and not key_event.style and key_event.value == "<<":
                raise YamlProblem(
                    "merge keys (<<) are not supported: write the keys out in this mapping", line, column, path
                )
            if not isinstance(key_event, ev.ScalarEvent):
                kind = "list" if isinstance(key_event, ev.SequenceStartEvent) else "mapping" if isinstance(key_event, ev.MappingStartEvent) else "alias"
                raise YamlProblem(f"a key must be a name, not a {kind}", line, column, path)
            if key_event.tag is not None and str(key_event.tag) != _STR_TAG:
                raise YamlProblem(f"YAML tag {key_event.tag} is not supported on a key", line, column, path)
            key = resolve_plain(key_event.value) if not key_event.style and key_event.tag is None else key_event.value
            spelled = _key_text(key)
            if spelled in seen:
                raise YamlProblem(
                    f"duplicate key {spelled!r} (first defined on line {seen[spelled][0]}): a later one would "
                    "silently replace the first; keep one",
                    line,
                    column,
                    path + (spelled,),
                )
            if not isinstance(key, str):
                raise YamlProblem(
                    f"key {key_event.value or '(empty)'} is read as {_KINDS[type(key)]}, not a name: quote it "
                    f"('{key_event.value}') if it is meant as text",
                    line,
                    column,
                    path,
                )
            seen[spelled] = (line, column)
            value_event = next(events)
            child = path + (key,)
            value, value_size = self.value(events, value_event, child, depth + 1)
            # A key's own position beats its value's: errors about the key point at its name.
            self.positions[child] = Position(line, column)
            mapping[key] = value
            size += value_size
        return mapping, size


#: The parser's words for common mistakes, and what to write instead (matched on its message).
_PLAIN_WORDS = (
    ("found character '\\t'", "a tab character: YAML indents with spaces only; replace the tab with spaces"),
    ("found a tab character", "a tab character: YAML indents with spaces only; replace the tab with spaces"),
    ("mapping values are not allowed", "a ':' followed by a space inside a value: quote the value"),
    ("could not find expected ':'", "a line without 'key: value' where a key was expected: check the indentation"),
    ("did not find expected key", "the indentation does not line up with the keys above: indent it like its siblings"),
    ("expected <block end>", "the indentation does not line up with the keys above: indent it like its siblings"),
    ("did not find expected '-'", "a list item does not line up with the items above: indent it like its siblings"),
    ("exceeded maximum nesting depth", f"nesting deeper than {MAX_DEPTH} levels; no config key needs that"),
    ("found undefined alias", "an alias (*name) names no anchor (&name) defined before it"),
    ("while scanning a quoted scalar", "a quoted value is not closed: add the closing quote"),
    ("found unexpected end of stream", "the file ends inside a value: close the quote or bracket"),
    ("expected ',' or ']'", "a list in brackets is not closed: add ']'"),
    ("expected ',' or '}'", "a mapping in braces is not closed: add '}'"),
    ("special characters are not allowed", "a control character: remove it or write it escaped in double quotes"),
    ("found character that cannot start any token", "a character that cannot start a value (such as @ or `): quote the value"),
    ("found unknown escape character", "an unknown backslash escape in double quotes: use single quotes, or \\\\ for a backslash"),
    ("while scanning an anchor", "an anchor or alias name is malformed: &name and *name take letters, digits, - and _"),
    ("while scanning an alias", "an anchor or alias name is malformed: &name and *name take letters, digits, - and _"),
)


def _plain_words(exc: MarkedYAMLError) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    said = f"{exc.context or ''} {exc.problem or ''}"
    for needle, words in _PLAIN_WORDS:
        if needle in said:
            message = words
            break
    else:
        message = f"not valid YAML: {(exc.problem or exc.context or 'syntax error').strip()}"
    return YamlProblem(f"YAML syntax: {message}", *(_at(mark) if mark else (None, None)))


def parse_document(text: str) -> Document:
    """Parse one YAML document from ``text`` into plain data and its positions.

    Returns a :class:`Document` whose ``data`` is ``None`` for an empty document.

    Raises:
        YamlProblem: any syntax error (in plain words, with line and column), or one of the
            refusals listed in the module docstring.
    """
    if "\t" in text:
        # A tab inside a quoted value is text; at the start of a line it is indentation, which
        # YAML forbids and some parsers accept in odd places: refuse it with its place.
        for number, line in enumerate(text.split("\n"), start=1):
            stripped = line.lstrip(" ")
            if stripped.startswith("\t"):
                raise YamlProblem(
                    "YAML syntax: a tab character in the indentation; YAML indents with spaces only: replace it with spaces",
                    number,
                    len(line) - len(stripped) + 1,
                )
    builder = _Builder()
    documents = 0
    data: Any = None
    try:
        events = iter(yaml.parse(text, Loader=_Loader))
        for event in events:
            if isinstance(event, ev.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlProblem(
                        "the file holds more than one YAML document (a second one starts here); keep one config "
                        "per file: remove the '---' line and what follows, or move it to its own file",
                        *_at(event.start_mark),
                    )
                first = next(events)
                if isinstance(first, ev.DocumentEndEvent):
                    continue
                data, _ = builder.value(events, first, (), 1)
    except MarkedYAMLError as exc:
        raise _plain_words(exc) from None
    except ReaderError as exc:
        before = text[: exc.position] if isinstance(exc.position, int) else ""
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        raise YamlProblem(
            f"a control character (U+{exc.character:04X}) is not allowed in YAML: remove it, or write it "
            "escaped in double quotes",
            line,
            column,
        ) from None
    except YAMLError as exc:
        raise YamlProblem(f"YAML syntax: {exc}") from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps the builder far below the limit
        raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels") from None
    return Document(data, builder.positions)
