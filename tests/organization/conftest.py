"""Fixtures of the organization tests: the example organization, synthesized once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from organization_helpers import EXAMPLE, HUB, synth_templates  # noqa: E402


@pytest.fixture(scope="session")
def org_config():
    from iam_baseline.config import load_config

    return load_config(EXAMPLE)


@pytest.fixture(scope="session")
def org_synth(org_config, tmp_path_factory):
    """(cloud assembly, templates by hierarchical stack id) of the example organization."""
    return synth_templates(org_config, tmp_path_factory.mktemp("org.out"))


@pytest.fixture(scope="session")
def org_templates(org_synth) -> dict[str, dict]:
    return org_synth[1]


@pytest.fixture(scope="session")
def hub_synth(synthesized_config):
    """(config, cloud assembly directory, account scopes) of the hub-and-spoke example."""
    from iam_baseline.analysis.model.accounts import load_scopes
    from iam_baseline.config import load_config

    config = load_config(HUB)
    outdir = synthesized_config(HUB)
    return config, outdir, load_scopes(outdir, config)


@pytest.fixture(scope="session")
def hub_example_synth(synthesized_config):
    """(config, cloud assembly directory) of config/examples/hub-and-spoke.yaml: the hub with
    detection on (the fixture copy has none), the same synth tests/test_project_configs.py checks."""
    from iam_baseline.config import load_config

    from organization_helpers import ROOT

    path = ROOT / "config" / "examples" / "hub-and-spoke.yaml"
    return load_config(path), synthesized_config(path)
