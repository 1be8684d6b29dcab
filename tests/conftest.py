"""Shared fixtures: the default app is synthesized once per session and shared.

The first synth in a process pays for jsii start-up (seconds); every test that needs the
default templates reads them from this one cloud assembly instead of re-synthesizing.
The app gets the context of cdk.json (feature flags), as under ``cdk synth``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from template_tools import CDK_CONTEXT, VARIANTS  # noqa: E402 - tests/ is on sys.path (pytest rootdir conftest)

DEFAULT_CONFIG = ROOT / "config" / "baseline.yaml"


@pytest.fixture(scope="session")
def default_config():
    from iam_baseline.config import load_config

    return load_config(DEFAULT_CONFIG)


@pytest.fixture(scope="session")
def default_assembly(default_config, tmp_path_factory):
    """The cloud assembly of the default config, nag packs and acknowledgments included."""
    from app import build_app

    outdir = tmp_path_factory.mktemp("cdk.out")
    return build_app(default_config, outdir=str(outdir), context=CDK_CONTEXT).synth()


@pytest.fixture(scope="session")
def baseline_template(default_assembly) -> dict:
    """The synthesized AccountBaseline template as a dict."""
    stack = default_assembly.get_stack_by_name("IamBaseline")
    return json.loads(Path(stack.template_full_path).read_text())


@pytest.fixture(scope="session")
def unacknowledged_variants(default_config, tmp_path_factory) -> tuple[Path, dict]:
    """The default config and its VARIANTS, each a stack of one app with the four nag packs
    but NO acknowledgments. Synth fails by design; returns (outdir, validation report): every
    finding the packs and CDK's validator raise, acknowledged or not.
    """
    from aws_cdk import App

    from iam_baseline.compliance import register_nag_packs
    from stacks.account_baseline import AccountBaselineStack

    outdir = tmp_path_factory.mktemp("unacknowledged")
    app = App(outdir=str(outdir), context=CDK_CONTEXT, stack_traces=False)
    for stack_id, changes in VARIANTS.items():
        roles = default_config.roles.model_copy(update=changes.get("roles", {}))
        update = {**changes, "roles": roles, "stack_name": stack_id}
        AccountBaselineStack(app, stack_id, config=default_config.model_copy(update=update))
    register_nag_packs(app)
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    return outdir, json.loads((outdir / "validation-report.json").read_text())
