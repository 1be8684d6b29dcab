"""What a config key allows, in words, for the loader's error messages.

A refused value is answered with what the key takes: for a value of the wrong type
(pydantic's "Input should be a valid integer"), the form (a whole number from 3600 to 43200,
a list of text items, a mapping with the keys ...), an example built from the value given
where one fits (``["Security"]`` for ``ous: Security``, ``"12345678"`` for an unquoted number)
or the key's default, and the key's documented rule (its description). The form is read from
the models' JSON Schema, the same one ``docs/configuration.md`` and the editor schema are
generated from, so every key of every section is answered the same way, and a new key is
answered without a line here.

AWS grammars that a description does not spell out (account ids, IAM names and paths) have
one hint each, found by the field's name or by its type's pattern (:data:`PATTERN_HINTS`,
:data:`TYPE_HINTS`).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .models import BaselineConfig
from .targeting import TargetName
from .types import AccountId, AsciiToken, IamName, IamPath, ManagedPolicyName, PersonaKey
from .yaml_source import Path

__all__ = ["PATTERN_HINTS", "TYPE_HINTS", "field_of", "model_at", "type_allowed"]


def _annotation_models(annotation: Any) -> list[Any]:
    args = getattr(annotation, "__args__", ()) or ()
    found = [annotation, *args]
    for arg in args:  # dict[str, Model], tuple[Model, ...], Model | None
        found += list(getattr(arg, "__args__", ()) or ())
    return found


def model_at(loc: Path) -> type[BaseModel] | None:
    """The config model that sits at ``loc``, or None when ``loc`` is not a model."""
    model: Any = BaselineConfig
    keyed = False  # the previous field is a mapping of models: this part is its key
    for part in loc:
        if isinstance(part, int) or keyed:
            keyed = False
            continue
        field = field_of(model, part)
        if field is None:
            return None
        candidates = _annotation_models(field.annotation)
        keyed = any(getattr(c, "__origin__", None) is dict for c in candidates)
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
    return model


def field_of(model: type[BaseModel] | None, name: str | int) -> FieldInfo | None:
    """The field ``name`` of ``model``, or None (no model, an index, an unknown key)."""
    return model.model_fields.get(name) if model is not None and isinstance(name, str) else None


#: Hints by field name: the AWS grammar of the key, with an example.
PATTERN_HINTS = {
    "account_id": "an AWS account id: exactly 12 digits 0-9, quoted, e.g. '123456789012'",
    "account_ids": "an AWS account id: exactly 12 digits 0-9, quoted, e.g. '123456789012'",
    "region": "an AWS region code such as 'eu-west-1' or 'us-gov-west-1'",
    "name": "1-64 characters of A-Z, a-z, 0-9 and +=,.@_-",
    "iam_path": "'/segment/' or '/segment/.../' in printable ASCII, e.g. '/baseline/'",
    "workload_role_path": "'/segment/' or '/segment/.../' in printable ASCII, e.g. '/workload/'",
    "stack_name": "a letter, then letters, digits and hyphens (ASCII), at most 128 characters",
    "developer_stack_prefixes": "a stack name prefix: a letter, then letters, digits and hyphens, at most 64",
    "developer_cdk_qualifiers": "a CDK bootstrap qualifier: 1-10 lowercase letters and digits",
    # Mapping keys: tag keys; organization variant keys use "baseline" (they name a StackSet).
    "[key]": "a tag key: 1-128 of A-Z, a-z, 0-9, spaces and _.:/=+-@",
    "tags": "a tag value: at most 256 of A-Z, a-z, 0-9, spaces and _.:/=+-@",
    "baseline": "a baseline variant key: a letter, then letters, digits and hyphens (it names a StackSet)",
    "id": "a 12-digit account id, or an OU id such as 'ou-ab12-34cd56ef'",
    "relay_state": "a console URL: 1-240 of A-Z, a-z, 0-9 and &$@#\\/%?=~-_'\"|!:,.;*+[]() {}",
    "path": "OU names from the root separated by '/', each 1-128 printable ASCII characters, not blank",
    "principal": "kind:name with kind user, group, role, persona, permission_set, federated or service",
    "admin_principals": "kind:name with kind user, group, role, persona, permission_set, federated or service, "
    "or identity_center_user:NAME / identity_center_group:NAME",
}


def _pattern(annotated: Any) -> str:
    return next(m.pattern for m in annotated.__metadata__ if getattr(m, "pattern", None))


#: Hints by the pattern of a shared field type (:mod:`.types`): every key of that type gets
#: its grammar, whatever the key is called (``management_account_id``, ``identity_account``).
TYPE_HINTS = {
    _pattern(AccountId): PATTERN_HINTS["account_id"],
    _pattern(IamName): PATTERN_HINTS["name"],
    _pattern(IamPath): PATTERN_HINTS["iam_path"],
    _pattern(PersonaKey): "a key: a lowercase letter, then at most 63 lowercase letters, digits and _, e.g. 'read_only'",
    _pattern(ManagedPolicyName): "an IAM managed policy name, optionally under a path, e.g. 'job-function/ViewOnlyAccess'",
    _pattern(AsciiToken): "printable ASCII without spaces",
    # Account and OU names of the organization (targets, reach, identity_account, delegated administrators).
    _pattern(TargetName): "printable ASCII (letters, digits, punctuation and spaces)",
}


@cache
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(mode="validation")


def _resolved(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return defs.get(ref.rsplit("/", 1)[-1], {}) if isinstance(ref, str) else schema


def _values(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The schema of a mapping's values (``additionalProperties`` or its one key pattern's)."""
    if isinstance(schema.get("additionalProperties"), dict):
        return schema["additionalProperties"]
    patterns = list(schema.get("patternProperties", {}).values())
    return patterns[0] if len(patterns) == 1 else None


def _step(schema: dict[str, Any], defs: dict[str, Any], part: str | int) -> dict[str, Any] | None:
    """The schema of ``part`` (a list index or a key) inside a value of ``schema``."""
    schema = _resolved(schema, defs)
    for option in schema.get("anyOf", []):  # X | None, str | list[str]: the option that has parts
        found = _step(option, defs, part)
        if found is not None:
            return found
    if isinstance(part, int):
        items = schema.get("items")
        return items if isinstance(items, dict) else None
    properties = schema.get("properties", {})
    return properties[part] if part in properties else _values(schema)


def value_schema(loc: Path) -> tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]] | None:
    """For the value at ``loc``: the key of the nearest model field on the way (``ous`` for
    ``...targets.ous[0]``), that field's schema, the value's own schema and the ``$defs``."""
    for cut in range(len(loc) - 1, -1, -1):
        name = loc[cut]
        model = model_at(loc[:cut])
        if field_of(model, name) is None:
            continue
        root = _schema(model)
        defs = root.get("$defs", {})
        field = root["properties"][name]
        schema: dict[str, Any] | None = field
        for part in loc[cut + 1 :]:
            schema = _step(schema, defs, part) if schema is not None else None
        return (str(name), field, schema, defs) if schema is not None else None
    return None


def _hint(schema: dict[str, Any]) -> str | None:
    return TYPE_HINTS.get(schema.get("pattern", ""))


def _range(schema: dict[str, Any]) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if low is not None:
        return f" of at least {low}"
    return f" of at most {high}" if high is not None else ""


#: Longer lists of allowed values (regions) are left to the schema.
_ENUM_SHOWN = 8


def _enum(values: list[Any]) -> str:
    if len(values) > _ENUM_SHOWN:
        return f"one of {len(values)} values (config/baseline.schema.json)"
    return "one of " + ", ".join(json.dumps(v) for v in values)


def form(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    """The value ``schema`` takes, in words: ``a whole number from 1 to 365``, ``a list of text
    items``, ``a mapping (indented 'key: value' lines) with the keys accounts, exclude, ous``."""
    target = _resolved(schema, defs)
    if "enum" in target:
        return _enum(target["enum"])
    if "const" in target:
        return json.dumps(target["const"])
    if "anyOf" in target:
        forms = [form(option, defs) for option in target["anyOf"] if option.get("type") != "null"]
        return " or ".join(dict.fromkeys(forms))
    kind = target.get("type")
    if kind == "string":
        if (hint := _hint(target)) is not None:
            return hint
        low, high = target.get("minLength"), target.get("maxLength")
        size = (f" of {low}-{high} characters" if low else f" of at most {high} characters") if high is not None else ""
        return f"text{size}"
    if kind == "integer":
        return "a whole number" + _range(target)
    if kind == "number":
        return "a number" + _range(target)
    if kind == "boolean":
        return "true or false (YAML 1.2: yes, no, on and off are text)"
    if kind == "array":
        items = _resolved(target.get("items", {}), defs)
        if items.get("type") == "object" and "properties" in items:
            return "a list of mappings ('- key: value' items)"
        if items.get("type") == "string" and _hint(items) is None and "enum" not in items:
            return "a list of text items"
        return f"a list, each item {form(target.get('items', {}), defs)}"
    if kind == "object":
        if "properties" in target:
            keys = list(target["properties"])
            return f"a mapping (indented 'key: value' lines) with the key{'s' * (len(keys) > 1)} {', '.join(keys)}"
        values = _values(target)
        return "a mapping of keys to " + (form(values, defs) if values is not None else "values")
    return "a value as config/baseline.schema.json describes"


def _example(schema: dict[str, Any], field: dict[str, Any], defs: dict[str, Any], value: Any, whole: bool) -> str:
    """How to write a value of the right type: the one given, converted where that is plain
    (``e.g. ["Security"]`` for one item of a list of text, ``(YAML read a number: write
    "12345678")`` where text is expected), else the key's default; ``""`` when none fits."""
    target = _resolved(schema, defs)
    kinds = _kinds(schema, defs)
    options = [_resolved(o, defs) for o in target.get("anyOf", [target])]
    items = [_kinds(o["items"], defs) for o in options if isinstance(o.get("items"), dict)]
    if "array" in kinds and isinstance(value, (str, int, float, bool)):  # one item of a list of text
        item = value if isinstance(value, str) else json.dumps(value)
        return f"e.g. {json.dumps([item])}" if {"string"} in items else ""
    if any("enum" in o for o in options):  # the value given is not one of them either
        return ""
    if "string" in kinds:
        if isinstance(value, (int, float, bool)):
            kind = "a boolean" if isinstance(value, bool) else "a number"
            return f"(YAML read {kind}: write {json.dumps(json.dumps(value))})"
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], (str, int, float)):
            return f"(a list was given: write {json.dumps(str(value[0]))})"
    default = field.get("default") if whole else None
    if "integer" in kinds or "number" in kinds:
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            return f"e.g. {default}"
        low = next((o.get("minimum") for o in options if "minimum" in o), None)
        return f"e.g. {low}" if low is not None else ""
    if "string" in kinds and isinstance(default, str) and default:
        return f"e.g. {json.dumps(default)}"
    return ""


def _kinds(schema: dict[str, Any], defs: dict[str, Any]) -> set[str]:
    target = _resolved(schema, defs)
    options = [_resolved(o, defs) for o in target.get("anyOf", [target])]
    return {o.get("type", "string" if "enum" in o else "") for o in options} - {"null"}


def _key_hint(key: str, schema: dict[str, Any], defs: dict[str, Any]) -> str | None:
    """The grammar of a single value at ``key`` (its type's, else the key's); None for a list
    or mapping, whose form names its items. ``name`` is shared by keys of different grammars
    (roles, SAML providers): only its type's pattern says which."""
    if _kinds(schema, defs) & {"array", "object"}:
        return None
    options = [_resolved(o, defs) for o in _resolved(schema, defs).get("anyOf", [schema])]
    by_type = next((h for o in options if (h := _hint(o)) is not None), None)
    return by_type or (PATTERN_HINTS.get(key) if key != "name" else None)


def type_allowed(loc: Path, value: Any, *, given: str = "") -> str:
    """``expected <form>[, <given>], e.g. <example>; <key>: <description>`` for a value of the
    wrong type at ``loc``; ``""`` when ``loc`` is not a key of the config models. ``given``
    says what was written instead (``not a single value or a list``)."""
    found = value_schema(loc)
    if found is None:
        return ""
    key, field, schema, defs = found
    hint = _key_hint(key, schema, defs)
    shown = hint or form(schema, defs)
    text = f"expected {shown}" + (f", {given}" if given else "")
    example = _example(schema, field, defs, value, schema is field)
    if example.startswith("e.g.") and "e.g." in shown:  # the item's grammar has its own example
        example = "as a list: " + example.removeprefix("e.g. ") if "list" in shown else ""
    if example:
        text += f" {example}" if example.startswith("(") else f", {example}"
    description = field.get("description") or _resolved(field, defs).get("description", "").split("\n\n")[0]
    if description:  # as the docs show it, without the reStructuredText quotes
        text += f"; {key}: {' '.join(description.replace('``', chr(39)).split()).rstrip('.')}"
    return text
