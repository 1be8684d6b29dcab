"""Detection fixtures: the variant config (everything optional switched on) and its one synth,
and the default app's global-events template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from detection_helpers import variant_data

from template_tools import CDK_CONTEXT, config_from_data


@pytest.fixture(scope="session")
def variant_config():
    return config_from_data(variant_data())


@pytest.fixture(scope="session")
def variant_assembly(variant_config, tmp_path_factory):
    from app import build_app

    outdir = str(tmp_path_factory.mktemp("cdk.out.variant"))
    return build_app(variant_config, outdir=outdir, context=CDK_CONTEXT).synth()


@pytest.fixture(scope="session")
def variant_template(variant_assembly) -> dict:
    stack = variant_assembly.get_stack_by_name("IamBaselineVariant")
    return json.loads(Path(stack.template_full_path).read_text())


@pytest.fixture(scope="session")
def global_events_template(default_assembly) -> dict:
    stack = default_assembly.get_stack_by_name("IamBaseline-GlobalEvents")
    return json.loads(Path(stack.template_full_path).read_text())
