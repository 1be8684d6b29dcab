"""Generate the JSON Schema of :class:`BaselineConfig` for editor completion.

Usage: ``python -m iam_baseline.config.schema > config/baseline.schema.json``.
A test fails when the committed file differs from this output.
"""

from __future__ import annotations

import json

from .models import BaselineConfig


def schema_json() -> str:
    """Return the JSON Schema (draft 2020-12) of the config, pretty-printed, newline-terminated."""
    schema = BaselineConfig.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "cdk-iam-baseline configuration"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(schema_json(), end="")
