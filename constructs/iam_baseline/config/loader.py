"""Load a YAML config file into a validated :class:`BaselineConfig`, or explain why not.

Every problem is reported at once, each with its YAML path, its line, the value found and
what is allowed, so that a bad config is fixed in one edit and refused before any construct
is built (nothing is synthesized, no template is written).
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from .models import BaselineConfig


@dataclass(frozen=True)
class ConfigProblem:
    """One reason a config is refused: where (YAML path and line), the value, what is allowed."""

    path: str
    line: int | None
    value: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path or '<document>'}" + (f" (line {self.line})" if self.line else "")
        return f"  - {where}: {self.message}" + (f" [got: {self.value}]" if self.value else "")


class ConfigError(Exception):
    """Raised when a config file cannot be read, parsed or validated.

    ``problems`` lists every finding; ``str(error)`` is the message printed to the user.
    """

    def __init__(self, source: str, problems: list[ConfigProblem]):
        self.source = source
        self.problems = problems
        count = len(problems)
        body = "\n".join(str(p) for p in problems)
        super().__init__(f"invalid baseline config {source}: {count} problem{'s' * (count != 1)}\n{body}")


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate mapping keys instead of keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                # e.g. "? [1]": a sequence, mapping or set as a key; no config key is one.
                raise yaml.constructor.ConstructorError(
                    None, None, f"a key must be a plain value, not {type(key).__name__}", key_node.start_mark
                )
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first defined on line {seen[key] + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def _line_index(text: str) -> dict[tuple[str | int, ...], int]:
    """Map each YAML path (as a tuple of keys and list indexes) to its 1-based line."""
    index: dict[tuple[str | int, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[str | int, ...]) -> None:
        index[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = path + (key_node.value,)
                walk(value_node, child)
                index[child] = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, path + (i,))

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, ())
    return index


def _model_at(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The config model that sits at ``loc``, or None when ``loc`` is not a model."""
    model: Any = BaselineConfig
    for part in loc:
        if isinstance(part, int):
            continue
        field = _field_of(model, part)
        if field is None:
            return None
        annotation = field.annotation
        args = getattr(annotation, "__args__", ()) or ()
        candidates = [annotation, *args]
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
    return model


def _field_of(model: type[BaseModel] | None, name: str | int) -> FieldInfo | None:
    return model.model_fields.get(name) if model is not None and isinstance(name, str) else None


def _allowed_keys(loc: tuple[str | int, ...]) -> list[str]:
    """Field names of the model that sits at ``loc`` (the parent of an unknown key)."""
    model = _model_at(loc)
    return sorted(model.model_fields) if model is not None else []


def _field_description(loc: tuple[str | int, ...]) -> str:
    """The documented rule of the field at ``loc`` (its description states units and range)."""
    field = _field_of(_model_at(loc[:-1]), loc[-1]) if loc else None
    return (field.description or "") if field is not None else ""


#: Longest value quoted in full in an error; longer ones (whole mappings, long lists) are cut.
#: Long enough for a file path, which is the value to see when a metadata file is refused.
_VALUE_QUOTE_CHARS = 240


def _describe(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= _VALUE_QUOTE_CHARS else text[: _VALUE_QUOTE_CHARS - 3] + "..."


def problems_from_validation_error(error: ValidationError, text: str = "") -> list[ConfigProblem]:
    """Translate pydantic's errors into :class:`ConfigProblem` lines with YAML paths and lines."""
    lines = _line_index(text) if text else {}
    errors = error.errors(include_url=False)
    item_locs = [tuple(e["loc"]) for e in errors]
    problems = []
    for err in errors:
        loc = tuple(err["loc"])
        # pydantic also reports a list as too short when one of its items is invalid
        # ("at least 1 item after validation, not 0"): the item's own error says it all.
        if err["type"] == "too_short" and any(len(o) > len(loc) and o[: len(loc)] == loc for o in item_locs):
            continue
        # A bad mapping key (a tag key) is reported at the key's own path.
        key_error = bool(loc) and loc[-1] == "[key]"
        shown = loc[:-1] if key_error else loc
        path = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in shown).replace(".[", "[")
        line = lines.get(loc) or lines.get(loc[:-1])
        message = err["msg"].removeprefix("Value error, ")
        raw = err.get("input")
        # A rule about a whole mapping or list (duplicate names, ...) names the offenders itself.
        whole = err["type"] == "value_error" and isinstance(raw, (dict, list))
        value = "" if err["type"] == "missing" or whole else _describe(raw)
        if err["type"] in _RANGE_ERRORS and _field_description(loc):
            message = f"{message}; allowed: {_field_description(loc)}"
        elif err["type"] == "extra_forbidden":
            allowed = _allowed_keys(loc[:-1])
            message = "unknown key" + (f"; allowed keys: {', '.join(allowed)}" if allowed else "")
        elif err["type"] == "missing":
            message = "required key is missing"
        elif err["type"] == "string_pattern_mismatch":
            # Tag values sit under user-chosen keys: the hint is the one for "tags".
            hint_key = "tags" if loc[0] == "tags" and not key_error else loc[-1]
            if isinstance(hint_key, int) and len(loc) > 1:  # an item of a list: the list's hint
                hint_key = loc[-2]
            if key_error and "baselines" in loc:
                hint_key = "baseline"
            # A field's own description states its rule; "name" is shared by fields with
            # different rules (roles, SAML providers, permission sets), so it defers to it.
            described = "" if key_error or loc[0] == "tags" else _field_description(loc)
            if hint_key in _PATTERN_HINTS and (hint_key != "name" or not described):
                hint = _PATTERN_HINTS[hint_key]
            else:
                hint = described or "a value as config/baseline.schema.json describes"
            message = f"not allowed: expected {hint}"
        elif err["type"] == "string_type" and loc and loc[-1] in _PATTERN_HINTS:
            # e.g. an unquoted account id, which YAML reads as a number
            message = f"{message}: expected {_PATTERN_HINTS[loc[-1]]}"
        if key_error:
            message = f"invalid key: {message}"
        problems.append(ConfigProblem(path=path, line=line, value=value, message=message))
    return problems


#: pydantic error types of a number outside its range: the field's description gives the range.
_RANGE_ERRORS = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal"})

_PATTERN_HINTS = {
    "account_id": "an AWS account id: exactly 12 digits, quoted, e.g. '123456789012'",
    "region": "an AWS region code such as 'eu-west-1' or 'us-gov-west-1'",
    "name": "1-64 characters of letters, digits and +=,.@_-",
    "iam_path": "'/segment/' or '/segment/.../' in printable ASCII, e.g. '/baseline/'",
    "workload_role_path": "'/segment/' or '/segment/.../' in printable ASCII, e.g. '/workload/'",
    "stack_name": "a letter, then letters, digits and hyphens, at most 128 characters",
    "developer_stack_prefixes": "a stack name prefix: a letter, then letters, digits and hyphens, at most 64",
    "developer_cdk_qualifiers": "a CDK bootstrap qualifier: 1-10 lowercase letters and digits",
    # Mapping keys: tag keys; organization variant keys use "baseline" (they name a StackSet).
    "[key]": "a tag key: 1-128 letters, digits, spaces and _.:/=+-@",
    "tags": "a tag value: at most 256 letters, digits, spaces and _.:/=+-@",
    "baseline": "a baseline variant key: a letter, then letters, digits and hyphens (it names a StackSet)",
    "id": "a 12-digit account id, or an OU id such as 'ou-ab12-34cd56ef'",
}


def with_section_defaults(model: type[BaseModel], data: Any) -> Any:
    """``data`` with every section given in part completed from the section's default.

    ``roles.admin: {max_session_duration_seconds: 7200}`` keeps the default role name
    ``Admin``: a key left out takes its secure default at any depth, as the config promises,
    instead of making the whole section's required keys missing. Applied to the YAML data
    before validation (JSON types), recursively.
    """
    if not isinstance(data, dict):
        return data
    merged = dict(data)
    for name, field in model.model_fields.items():
        given = data.get(name)
        if not isinstance(given, dict):
            continue
        default = field.default
        if isinstance(default, BaseModel):
            given = {**default.model_dump(mode="json"), **given}
        nested = next(
            (a for a in (field.annotation, *getattr(field.annotation, "__args__", ())) if isinstance(a, type) and issubclass(a, BaseModel)),
            None,
        )
        merged[name] = with_section_defaults(nested, given) if nested else given
    return merged


def parse_config(text: str, source: str = "<string>") -> BaselineConfig:
    """Parse and validate YAML ``text``; raise :class:`ConfigError` listing every problem.

    Raises:
        ConfigError: malformed YAML (with its line), an empty document, a top level that is
            not a mapping, or any field that fails validation.
    """
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(source, [ConfigProblem("", line, "", f"malformed YAML: {problem}")]) from None
    if data is None:
        raise ConfigError(source, [ConfigProblem("", None, "", "the file is empty; see config/baseline.yaml")])
    if not isinstance(data, dict):
        raise ConfigError(
            source, [ConfigProblem("", 1, _describe(data), "the top level must be a mapping of keys to values")]
        )
    try:
        # Round-trip through JSON so strict validation sees JSON types (arrays for tuples).
        as_json = json.dumps(with_section_defaults(BaselineConfig, data), default=str)
    except ValueError:  # an alias inside its own anchor ("a: &x [*x]")
        raise ConfigError(source, [ConfigProblem("", None, "", "recursive YAML aliases are not allowed")]) from None
    try:
        return BaselineConfig.model_validate_json(as_json)
    except ValidationError as exc:
        raise ConfigError(source, problems_from_validation_error(exc, text)) from None


def load_config(path: str | Path) -> BaselineConfig:
    """Read the YAML file at ``path`` and return the validated, immutable config.

    Raises:
        ConfigError: the file is missing or unreadable, or its content is invalid.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [ConfigProblem("", None, "", f"cannot read the file: {exc}")]) from None
    return parse_config(text, str(path))
