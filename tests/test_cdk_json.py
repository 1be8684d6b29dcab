"""The CDK CLI sends no telemetry from this project: ``cdk.json`` says ``"cli-telemetry": false``.

The CLI reads the context key ``cli-telemetry`` and collects nothing when it is ``false`` or
``"false"`` (AWS CDK Developer Guide, "Configure AWS CDK CLI telemetry"; aws-cdk CLI
``canCollectTelemetry``). README, "CDK CLI telemetry: off", says how to turn it on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def telemetry_off(cdk_json: dict) -> bool:
    """Whether a ``cdk.json`` document turns CLI telemetry off (the values the CLI accepts)."""
    return cdk_json.get("context", {}).get("cli-telemetry") in (False, "false")


@pytest.mark.parametrize("path", ["cdk.json", "examples/library-app/cdk.json"])
def test_cdk_json_turns_cli_telemetry_off(path):
    assert telemetry_off(json.loads((ROOT / path).read_text()))


@pytest.mark.parametrize(
    "document", [{}, {"context": {}}, {"cli-telemetry": False}, {"context": {"cli-telemetry": True}}]
)
def test_a_cdk_json_without_the_key_in_its_context_leaves_telemetry_on(document):
    """Negative control: telemetry is on by default, and a top-level key is not context."""
    assert not telemetry_off(document)
