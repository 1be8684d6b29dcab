"""Generate ``docs/configuration.md``, the configuration reference, from the config models.

Usage: ``python -m iam_baseline.config.reference > docs/configuration.md`` (``make config-docs``).
It reads the JSON Schema of :mod:`.schema` (the same models, field descriptions and defaults),
so the reference, the schema and the loader's error messages quote the same lines; a test
fails when the committed file differs from this output.

One section per config model, in the order the keys reach it from the top level, titled with
the key paths that lead to it (``machine_roles[]``, ``personas.<key>``); one table row per key:
its type, its default (``required`` when it has none) and its description.
"""

from __future__ import annotations

import json
from typing import Any

from .schema import schema_json

__all__ = ["reference_markdown"]

_HEADER = """# Configuration reference

Generated from the config models (`constructs/iam_baseline/config/`) by `make config-docs`;
do not edit by hand. Every key is optional except those marked *required*; an omitted key
takes the default shown. `config/baseline.yaml` is a written-out example, with commented
blocks for the sections it leaves out; `config/examples/*.yaml` are complete configs
(`hub-and-spoke.yaml`: the identity account, `reach`, `targets`, machine and service roles).
Editors read the same rules from `config/baseline.schema.json`.
"""


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _type(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    """A short type: ``string``, ``integer (3600-43200)``, ``list of string``, ``[MachineRoleConfig](#...)``."""
    if (name := _ref_name(schema)) is not None:
        target = defs[name]
        if "enum" in target:
            return _enum(target["enum"])
        return f"[{name}](#{name.lower()})"
    if "const" in schema:
        return f"`{schema['const']}`"
    if "enum" in schema:
        return _enum(schema["enum"])
    if "anyOf" in schema:
        kinds = [_type(s, defs) for s in schema["anyOf"]]
        return " or ".join(k for k in kinds if k != "null") + (" or null" if "null" in kinds else "")
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {_type(schema.get('items', {}), defs)}"
    if kind == "object":
        extra = _values(schema)
        return f"mapping of {_type(extra, defs)}" if extra is not None else "mapping"
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None or high is not None:
        return f"{kind} ({'' if low is None else low}-{'' if high is None else high})"
    return str(kind)


def _children(schema: dict[str, Any]) -> list[tuple[str, str]]:
    """(path suffix, model name) of every model a field's schema leads to."""
    found: list[tuple[str, str]] = []
    if (name := _ref_name(schema)) is not None:
        found.append(("", name))
    for option in schema.get("anyOf", []) + schema.get("allOf", []):
        found += _children(option)
    if isinstance(schema.get("items"), dict):
        found += [("[]" + s, n) for s, n in _children(schema["items"])]
    if (values := _values(schema)) is not None:
        found += [(".<key>" + s, n) for s, n in _children(values)]
    return found


def _values(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The schema of a mapping's values (``additionalProperties`` or its one key pattern's)."""
    if isinstance(schema.get("additionalProperties"), dict):
        return schema["additionalProperties"]
    patterns = list(schema.get("patternProperties", {}).values())
    return patterns[0] if len(patterns) == 1 else None


#: Key paths named in a section's title (the first ones reached from the top level).
_PATHS_SHOWN = 6

#: Longer lists of allowed values (regions) are left to the schema.
_ENUM_SHOWN = 8


def _enum(values: list[Any]) -> str:
    if len(values) > _ENUM_SHOWN:
        return f"one of {len(values)} values (`{values[0]}` ... `{values[-1]}`; config/baseline.schema.json)"
    return " \\| ".join(f"`{v}`" for v in values)


def _default(field: dict[str, Any], required: bool) -> str:
    if required:
        return "*required*"
    if "default" not in field:
        return ""
    if isinstance(field["default"], dict) and field["default"]:
        return "its keys' defaults"  # a whole section: each key's default is in its own table
    return f"`{json.dumps(field['default'])}`"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def reference_markdown() -> str:
    """The reference as Markdown, newline-terminated."""
    schema = json.loads(schema_json())
    defs: dict[str, Any] = schema["$defs"]
    order: list[str] = []
    paths: dict[str, list[str]] = {}
    queue: list[tuple[str, dict[str, Any]]] = [("", schema)]
    while queue:
        prefix, model = queue.pop(0)
        for key, field in model.get("properties", {}).items():
            for suffix, name in _children(field):
                if "enum" in defs[name]:
                    continue
                path = f"{prefix}{key}{suffix}"
                if name not in paths:
                    order.append(name)
                    paths[name] = []
                    queue.append((path + ".", defs[name]))
                paths[name].append(path)
    sections = [_HEADER, _table("Top level", schema, defs)]
    for name in order:
        model = defs[name]
        shown = ", ".join(f"`{p}`" for p in paths[name][:_PATHS_SHOWN])
        more = len(paths[name]) - _PATHS_SHOWN
        title = f'<a id="{name.lower()}"></a>{name}: {shown}' + (f" and {more} more" if more > 0 else "")
        sections.append(_table(title, model, defs))
    return "\n".join(sections)


def _table(title: str, model: dict[str, Any], defs: dict[str, Any]) -> str:
    lines = [f"## {title}", ""]
    if model.get("description") and title != "Top level":
        lines += [_cell(model["description"].split("\n\n")[0]), ""]
    properties = model.get("properties", {})
    if not properties:
        extra = model.get("additionalProperties")
        if isinstance(extra, dict):
            lines += [f"Keys of your own, each a {_type(extra, defs)}.", ""]
        return "\n".join(lines)
    lines += ["| key | type | default | description |", "| --- | --- | --- | --- |"]
    required = set(model.get("required", []))
    for key, field in properties.items():
        target = defs.get(_ref_name(field) or "", {})
        description = field.get("description") or target.get("description", "").split("\n\n")[0]
        lines.append(
            f"| `{key}` | {_type(field, defs)} | {_default(field, key in required)} | {_cell(description)} |"
        )
    if isinstance(model.get("additionalProperties"), dict):
        lines += ["", f"Other keys: your own, each a {_type(model['additionalProperties'], defs)}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(reference_markdown(), end="")
