"""Which config key produced which construct: to report synth findings at the YAML key.

A cdk-nag or cfn-lint finding names a construct path (``AccountBaseline/AdminRole/Resource``);
the user wrote ``roles.admin``. The stacks record, for each construct they build from a
config section, the config key it comes from (:func:`record`); :func:`config_key_for` maps a
finding's construct path to the key of its nearest recorded ancestor. Plain strings only:
this module imports neither aws_cdk nor the constructs.
"""

from __future__ import annotations

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
