"""Which config key produced which construct: to report synth findings at the YAML key.

A cdk-nag or cfn-lint finding names a construct path (``AccountBaseline/AdminRole/Resource``);
the user wrote ``roles.admin``. The stacks record, for each construct they build from a
config section, the config key it comes from (:func:`record`); :func:`config_key_for` maps a
finding's construct path to the key of its nearest recorded ancestor. Plain strings only:
this module imports neither aws_cdk nor the constructs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_KEYS: dict[str, str] = {}


def record(construct: Any, key: str) -> Any:
    """Remember that ``construct`` (anything with ``node.path``) comes from config ``key``;
    return ``construct``."""
    _KEYS[construct.node.path] = key
    return construct


def config_key_for(construct_path: str) -> str | None:
    """The config key of ``construct_path`` or of its nearest recorded ancestor, or None."""
    parts = construct_path.strip("/").split("/")
    for end in range(len(parts), 0, -1):
        key = _KEYS.get("/".join(parts[:end]))
        if key is not None:
            return key
    return None


def with_config_key(finding: str) -> str:
    """``"<rule> at <construct path>"`` followed by the config key that produced the construct."""
    _, _, path = finding.rpartition(" at ")
    key = config_key_for(path) if path else None
    return f"{finding} (config: {key or 'the baseline itself, not a config key'})"


def _key_path(key: str) -> tuple[str | int, ...]:
    """``"users[0].name"`` -> ``("users", 0, "name")``: a config key as a YAML path."""
    return tuple(int(part) if part.isdigit() else part for part in re.findall(r"[^.\[\]]+", key))


@lru_cache(maxsize=8)
def _document(source: str) -> Any:
    from .files import FileKind, read_bounded
    from .yaml_source import parse_document

    return parse_document(read_bounded(source, FileKind.CONFIG))


def line_of(source: str, key: str) -> int | None:
    """The line of ``key`` (or of its nearest ancestor written in the file) in the config file
    ``source``; None when the file cannot be read again (it was read once, before synth)."""
    try:
        position = _document(source).position(_key_path(key))
    except Exception:  # noqa: BLE001 - a position is a courtesy: never hide the finding behind it
        return None
    return position.line if position else None


def where(construct_path: str, source: str | None = None) -> str:
    """Where the user edits the construct at ``construct_path``: ``"roles.admin (config/x.yaml,
    line 12)"``; the construct path itself when no config key produced it."""
    key = config_key_for(construct_path)
    if key is None:
        return f"{construct_path} (the baseline itself, not a config key)"
    line = line_of(source, key) if source else None
    return f"{key} ({source}, line {line})" if line else key
