"""Detection fixtures: the variant config (everything optional switched on) and its one synth,
and the default app's global-events template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from detection_helpers import variant_data


@pytest.fixture(scope="session")
def variant_config():
    from iam_baseline.config import parse_config

    return parse_config(yaml.safe_dump(variant_data()), "variant.yaml")


@pytest.fixture(scope="session")
def variant_assembly(variant_config, tmp_path_factory):
    from app import build_app

    return build_app(variant_config, outdir=str(tmp_path_factory.mktemp("cdk.out.variant"))).synth()


@pytest.fixture(scope="session")
def variant_template(variant_assembly) -> dict:
    stack = variant_assembly.get_stack_by_name("IamBaselineVariant")
    return json.loads(Path(stack.template_full_path).read_text())


@pytest.fixture(scope="session")
def global_events_template(default_assembly) -> dict:
    stack = default_assembly.get_stack_by_name("IamBaseline-GlobalEvents")
    return json.loads(Path(stack.template_full_path).read_text())
