"""Load a YAML config file into a validated :class:`BaselineConfig`, or explain why not.

Every problem is reported at once, each with its YAML path, its line, the value found and
what is allowed, so that a bad config is fixed in one edit and refused before any construct
is built (nothing is synthesized, no template is written).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

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


def _allowed_keys(loc: tuple[str | int, ...]) -> list[str]:
    """Field names of the model that sits at ``loc`` (the parent of an unknown key)."""
    model: Any = BaselineConfig
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if isinstance(model, type) else None
        if field is None:
            return []
        annotation = field.annotation
        args = getattr(annotation, "__args__", ()) or ()
        candidates = [annotation, *args]
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if model is None:
            return []
    return sorted(model.model_fields) if isinstance(model, type) else []


def _describe(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def problems_from_validation_error(error: ValidationError, text: str = "") -> list[ConfigProblem]:
    """Translate pydantic's errors into :class:`ConfigProblem` lines with YAML paths and lines."""
    lines = _line_index(text) if text else {}
    problems = []
    for err in error.errors(include_url=False):
        loc = tuple(err["loc"])
        path = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc).replace(".[", "[")
        line = lines.get(loc) or lines.get(loc[:-1])
        message = err["msg"].removeprefix("Value error, ")
        raw = err.get("input")
        # A rule about a whole mapping (duplicate names, ...) names the keys itself.
        value = "" if err["type"] == "missing" or isinstance(raw, dict) else _describe(raw)
        if err["type"] == "extra_forbidden":
            allowed = _allowed_keys(loc[:-1])
            message = "unknown key" + (f"; allowed keys: {', '.join(allowed)}" if allowed else "")
        elif err["type"] == "missing":
            message = "required key is missing"
        elif err["type"] == "string_pattern_mismatch":
            hint = _PATTERN_HINTS.get(loc[-1], "see config/baseline.schema.json")
            message = f"not allowed: expected {hint}"
        problems.append(ConfigProblem(path=path, line=line, value=value, message=message))
    return problems


_PATTERN_HINTS = {
    "account_id": "an AWS account id is exactly 12 digits, e.g. '123456789012'",
    "region": "an AWS region code such as 'eu-west-1' or 'us-gov-west-1'",
    "name": "1-64 characters of letters, digits and +=,.@_-",
    "iam_path": "'/' or '/segment/.../' with printable ASCII, e.g. '/baseline/'",
    "workload_role_path": "'/' or '/segment/.../' with printable ASCII, e.g. '/workload/'",
    "stack_name": "a letter, then letters, digits and hyphens, at most 128 characters",
    # organization: variant keys (the only constrained mapping keys) name their StackSet.
    "[key]": "a letter, then letters, digits and hyphens (a baseline variant key names its StackSet)",
    "baseline": "a baseline variant key: a letter, then letters, digits and hyphens",
    "id": "a 12-digit account id, or an OU id such as 'ou-ab12-34cd56ef'",
}


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
        return BaselineConfig.model_validate_json(json.dumps(data, default=str))
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
