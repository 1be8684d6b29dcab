"""Shared fixtures: the default app is synthesized once per session and shared.

"Default" is the suite's own copy of the example, tests/fixtures/baseline.yaml; the user's
config file (the one `cdk synth` reads by default) is never read here.

The first synth in a process pays for jsii start-up (seconds); every test that needs the
default templates reads them from this one cloud assembly instead of re-synthesizing.
The app gets the context of cdk.json (feature flags), as under ``cdk synth``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

# A deprecated aws-cdk-lib API (e.g. Stack#addDependency) only prints a warning under
# `cdk synth`; in the suite jsii raises instead (JSII_DEPRECATED=fail, read when jsii starts,
# so set before any test imports aws_cdk; subprocess synths inherit it): every synth of the
# suite is then a test that the app calls no deprecated API.
os.environ.setdefault("JSII_DEPRECATED", "fail")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# tests/ is on sys.path (pytest rootdir conftest)
from template_tools import CDK_CONTEXT, DEFAULT_CONFIG_FILE, VARIANTS, variant_config  # noqa: E402


@pytest.fixture(scope="session")
def default_config():
    from iam_baseline.config import load_config

    return load_config(DEFAULT_CONFIG_FILE)


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


def _write_construct_classes(app, outdir: Path) -> None:
    """``construct-classes.json`` next to the report: construct path -> {library construct class
    -> path below its nearest instance}, for the registry entries that follow a construct's type
    (``Acknowledgment(..., construct=...)``), which a validation report alone cannot place."""
    from iam_baseline.compliance import REGISTRY
    from iam_baseline.compliance.acknowledgments import relative_paths

    classes = frozenset(e.construct for e in REGISTRY if e.construct)
    placed = {c.node.path: below for c, _, below in relative_paths(app, classes) if below}
    (outdir / "construct-classes.json").write_text(json.dumps(placed))


@pytest.fixture(scope="session")
def unacknowledged_variants(tmp_path_factory) -> dict[str, tuple[Path, dict]]:
    """Every config of VARIANTS synthesized as the app does (all its stacks, the four nag
    packs) but WITHOUT the acknowledgment registry. Synth fails by design; returns variant id
    -> (cloud assembly directory, validation report): every finding the packs and CDK's
    validator raise, acknowledged or not.
    """
    from app import build_app

    synthesized = {}
    for variant_id in VARIANTS:
        outdir = tmp_path_factory.mktemp(f"unacknowledged-{variant_id}")
        app = build_app(variant_config(variant_id), outdir=str(outdir), context=CDK_CONTEXT, acknowledge=False)
        with pytest.raises(RuntimeError, match="ValidationFailed"):
            app.synth()
        _write_construct_classes(app, outdir)
        synthesized[variant_id] = outdir, json.loads((outdir / "validation-report.json").read_text())
    return synthesized


@pytest.fixture(scope="session")
def synthesized_config(tmp_path_factory):
    """``synthesized_config(path)``: the cloud assembly directory of the config file at
    ``path``, synthesized in-process as ``cdk synth`` does (nag packs and acknowledgments),
    once per session whichever tests ask for it. Callers that edit templates copy it first."""
    from app import build_app
    from iam_baseline.config import load_config

    from app import built_identities

    assemblies: dict[Path, Path] = {}
    identities: dict[Path, list] = {}

    def synthesized(path: Path) -> Path:
        path = Path(path).resolve()
        if path not in assemblies:
            outdir = tmp_path_factory.mktemp(f"{path.stem}.out")
            app = build_app(load_config(path), outdir=str(outdir), context=CDK_CONTEXT)
            app.synth()
            assemblies[path] = outdir
            identities[path] = built_identities(app)  # for the names lock, as app.py reads them
        return assemblies[path]

    #: resolved config path -> the named IAM identities its synth built (iam_baseline.identity.named_identities).
    synthesized.identities = identities
    return synthesized
