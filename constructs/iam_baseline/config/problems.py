"""One reason a config is refused, and the translation of pydantic's errors into them.

A :class:`ConfigProblem` says where (the YAML key path, line and column), what was found
(the value, shortened) and what is allowed (the field's documented rule, the allowed keys
with the nearest one to a misspelt key, the allowed values). :class:`ConfigError` carries
every problem of a file at once, so a bad config is fixed in one edit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any

from pydantic import ValidationError

from ..errors import BaselineError
from .allowed import PATTERN_HINTS, TYPE_HINTS, field_of, model_at, type_allowed
from .types import ItemError, non_ascii_note
from .yaml_source import Document, Path


@dataclass(frozen=True)
class ConfigProblem:
    """One reason a config is refused: where (YAML path, line, column), the value, what is allowed."""

    path: str
    line: int | None
    value: str
    message: str
    column: int | None = None

    def __str__(self) -> str:
        where = self.path or "<document>"
        if self.line:
            where += f" (line {self.line}" + (f", column {self.column})" if self.column else ")")
        return f"  - {where}: {self.message}" + (f" [got: {self.value}]" if self.value else "")


class ConfigError(BaselineError):
    """Raised when a config file cannot be read, parsed or validated.

    ``problems`` lists every finding; ``str(error)`` is the message printed to the user:
    the file, then one line per problem.
    """

    def __init__(self, source: str, problems: list[ConfigProblem]):
        self.source = source
        self.problems = problems
        count = len(problems)
        body = "\n".join(str(p) for p in problems)
        super().__init__(f"invalid baseline config {source}: {count} problem{'s' * (count != 1)}\n{body}")


#: Longest value quoted after "got:"; longer ones (whole mappings, long lists, long text) are cut.
VALUE_QUOTE_CHARS = 80


def describe(value: Any) -> str:
    """``value`` as JSON (non-ASCII escaped, so look-alike letters show), at most :data:`VALUE_QUOTE_CHARS`."""
    text = json.dumps(value, default=str)
    if len(text) <= VALUE_QUOTE_CHARS:
        return text
    size = f" ({len(value)} characters)" if isinstance(value, str) else ""
    return text[: VALUE_QUOTE_CHARS - 3] + "..." + size


def dotted(path: Path) -> str:
    """``("a", 0, "b")`` as ``a[0].b``."""
    return ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")


def _field_description(loc: Path) -> str:
    """The documented rule of the field at ``loc`` (its description states units and range)."""
    field = field_of(model_at(loc[:-1]), loc[-1]) if loc else None
    return (field.description or "") if field is not None else ""


#: pydantic's names of a union's members in an error's location: ``str``, ``tuple[str, ...]``,
#: ``function-after[...]``, a model class (``Targets``).
_UNION_LABEL = re.compile(r"str|int|float|bool|[a-z_-]+\[.*\]|[A-Z][A-Za-z0-9]*")


def _clean(loc: tuple[Any, ...], data: Any) -> tuple[Any, ...]:
    """``loc`` without pydantic's union member labels (``str``, ``tuple[str, ...]``): the
    parts that are not keys or indexes of ``data``, the document as validated. A last part
    that the document lacks is a key left out (a missing key, a rule about a default),
    unless it is spelt as a union label (config keys are snake_case)."""
    kept: list[Any] = []
    current = data
    for index, part in enumerate(loc):
        if part == "[key]":
            kept.append(part)
        elif isinstance(current, dict) and part in current:
            kept.append(part)
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            kept.append(part)
            current = current[part]
        elif isinstance(current, dict) and index == len(loc) - 1 and not _UNION_LABEL.fullmatch(str(part)):
            kept.append(part)  # a missing key
        else:
            current = None  # a union label: not a place in the document
    return tuple(kept)


def problems_from_validation_error(
    error: ValidationError, document: Document | None = None, data: Any = None
) -> list[ConfigProblem]:
    """Translate pydantic's errors into :class:`ConfigProblem` lines with YAML paths and positions.

    ``data`` is what was validated (the document with section defaults), to tell the
    document's keys from pydantic's union labels in an error's location.
    """
    errors = error.errors(include_url=False)
    data = data if data is not None else (document.data if document else None)
    item_locs = [_clean(tuple(e["loc"]), data) for e in errors]
    misspelt = _misspelt_required_keys(errors, item_locs)
    problems = []
    for err, loc in zip(errors, item_locs):
        # A required key written with a typo is one mistake: the unknown key's line says it.
        if err["type"] == "missing" and loc in misspelt:
            continue
        # pydantic also reports a list as too short when one of its items is invalid
        # ("at least 1 item after validation, not 0"): the item's own error says it all.
        if err["type"] == "too_short" and any(len(o) > len(loc) and o[: len(loc)] == loc for o in item_locs):
            continue
        cause = (err.get("ctx") or {}).get("error")
        raw = err.get("input")
        absent = False
        if isinstance(cause, ItemError):
            # A section's rule broken by one item: reported at that item, with the item's value.
            for part in cause.where:
                if isinstance(raw, dict) and part in raw:
                    raw = raw[part]
                elif isinstance(raw, list) and isinstance(part, int) and 0 <= part < len(raw):
                    raw = raw[part]
                else:
                    absent = True  # a key the rule wants and the config left out
                    break
            loc = loc + cause.where
        # A bad mapping key (a tag key) is reported at the key's own path.
        key_error = bool(loc) and loc[-1] == "[key]"
        shown = loc[:-1] if key_error else loc
        # A rule of the whole document has no single place: no line rather than line 1.
        position = document.position(shown) if document and shown else None
        message = err["msg"].removeprefix("Value error, ")
        # A rule about a whole mapping or list names the offenders itself.
        whole = err["type"] == "value_error" and isinstance(raw, (dict, list))
        value = "" if err["type"] == "missing" or whole or absent else describe(raw)
        message = _explain(err, loc, key_error, message, raw)
        if err["type"] == "extra_forbidden" and _nearest_key(loc) and loc[:-1] + (_nearest_key(loc),) in misspelt:
            message = message.replace("?)", ", a required key?)", 1)
        if err["type"] == "string_pattern_mismatch" and value:
            message = _sentence(message) + non_ascii_note(raw)
        if value:  # the message is a sentence, "[got: ...]" its evidence: no full stop between
            message = _sentence(message)
        problems.append(
            ConfigProblem(
                path=dotted(shown),
                line=position.line if position else None,
                value=value,
                message=message,
                column=position.column if position else None,
            )
        )
    return _merge_union_alternatives(problems)


def _sentence(message: str) -> str:
    """``message`` without its closing full stop, to be followed by more words or "[got: ...]";
    an ellipsis ("... and 3 more") is not a full stop and stays."""
    message = message.rstrip()
    return message[:-1] if message.endswith(".") and not message.endswith("...") else message


def _nearest_key(loc: tuple[Any, ...]) -> str | None:
    """The allowed key nearest to the unknown key that ends ``loc``, or None."""
    model = model_at(loc[:-1]) if loc else None
    if model is None:
        return None
    close = get_close_matches(str(loc[-1]), sorted(model.model_fields), n=1, cutoff=0.6)
    return close[0] if close else None


def _misspelt_required_keys(errors: list[Any], locs: list[tuple[Any, ...]]) -> set[tuple[Any, ...]]:
    """Locations of missing required keys that an unknown key beside them misspells
    (``reasn:`` where ``reason:`` is required): their "missing" line would repeat the mistake."""
    missing = {loc for err, loc in zip(errors, locs) if err["type"] == "missing"}
    found = set()
    for err, loc in zip(errors, locs):
        nearest = _nearest_key(loc) if err["type"] == "extra_forbidden" else None
        if nearest is not None and loc[:-1] + (nearest,) in missing:
            found.add(loc[:-1] + (nearest,))
    return found


def _merge_union_alternatives(problems: list[ConfigProblem]) -> list[ConfigProblem]:
    """One line for a value that fits none of a union's types ("a valid string" and "a valid
    array" at the same key): "Input should be a valid string or a valid array", then what the
    key allows once (both alternatives' lines end with the same ": expected ...")."""
    merged: list[ConfigProblem] = []
    for problem in problems:
        last = merged[-1] if merged else None
        head, _, tail = problem.message.partition(": expected ")
        last_head, _, last_tail = last.message.partition(": expected ") if last is not None else ("", "", "")
        if (
            last is not None
            and last.path == problem.path
            and last_head.startswith("Input should be ")
            and head.startswith("Input should be ")
            and (last_tail == tail or not last_tail or not tail)
        ):
            tail = last_tail or tail  # what the key allows, said once
            message = f"{last_head} or {head.removeprefix('Input should be ')}" + (f": expected {tail}" if tail else "")
            merged[-1] = ConfigProblem(last.path, last.line, last.value, message, last.column)
        else:
            merged.append(problem)
    return merged


def _explain(err: dict[str, Any], loc: tuple[Any, ...], key_error: bool, message: str, raw: Any = None) -> str:
    """pydantic's words for ``err`` completed with what is allowed."""
    kind = err["type"]
    if kind in _RANGE_ERRORS and _field_description(loc):
        message = f"{message}; allowed: {_field_description(loc)}"
    elif kind == "extra_forbidden":
        allowed = sorted(model_at(loc[:-1]).model_fields) if model_at(loc[:-1]) is not None else []
        nearest = _nearest_key(loc)
        message = "unknown key" + (f" (did you mean {nearest!r}?)" if nearest else "")
        message += f"; allowed keys: {', '.join(allowed)}" if allowed else ""
    elif kind == "missing":
        message = "required key is missing"
    elif kind == "string_pattern_mismatch":
        # Tag values sit under user-chosen keys: the hint is the one for "tags".
        hint_key = "tags" if "tags" in loc[:-1] and not key_error else loc[-1]
        if isinstance(hint_key, int) and len(loc) > 1:  # an item of a list: the list's hint
            hint_key = loc[-2]
        if key_error and "baselines" in loc:
            hint_key = "baseline"
        # A field's own description states its rule; "name" is shared by fields with
        # different rules (roles, SAML providers, permission sets), so it defers to it.
        described = "" if key_error or "tags" in loc[:-1] else _field_description(loc)
        pattern = (err.get("ctx") or {}).get("pattern")
        if hint_key in PATTERN_HINTS and (hint_key != "name" or not described):
            message = f"not allowed: expected {PATTERN_HINTS[hint_key]}"
        elif described and (hint_key == "name" or pattern not in TYPE_HINTS):
            message = f"not allowed: expected {described}"
        elif not key_error and (allowed := type_allowed(loc, raw)):
            # A shared type's grammar (an account or OU name, an ARN) and the key's own rule;
            # for an item of a list, the list's rule.
            message = f"not allowed: {allowed}"
        else:
            message = "not allowed: expected a value as config/baseline.schema.json describes"
    elif kind in _MAPPING_TYPE_ERRORS:
        # pydantic names the model class ("a valid dictionary or instance of Targets"): the
        # user wrote YAML, so the message says what to write instead.
        message = type_allowed(loc, raw, given="not a single value or a list") or (
            "expected a mapping (indented 'key: value' lines), not a single value or a list"
        )
    elif kind in _TYPE_ERRORS and (allowed := type_allowed(loc, raw)):
        # e.g. an unquoted account id, which YAML reads as a number
        message = f"{message}: {allowed}"
    elif kind == "bool_type":  # a place outside the models' keys (none today): the YAML 1.2 rule still
        message = f"{message}: write true or false (YAML 1.2: yes, no, on and off are text)"
    if key_error:
        message = f"invalid key: {message}"
    return message


#: pydantic error types of a number outside its range: the field's description gives the range.
_RANGE_ERRORS = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal"})

#: pydantic error types of a value of the wrong type ("Input should be a valid integer"):
#: completed with the key's form, an example and its rule (:func:`.allowed.type_allowed`).
_TYPE_ERRORS = frozenset({
    "string_type", "int_type", "int_parsing", "int_from_float", "float_type", "float_parsing", "bool_type",
    "bool_parsing", "list_type", "tuple_type", "set_type", "frozen_set_type",
})
_MAPPING_TYPE_ERRORS = frozenset({"model_type", "model_attributes_type", "dict_type"})
