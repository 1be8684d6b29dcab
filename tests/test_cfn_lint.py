"""cfn-lint (its Python API) finds no error in any synthesized template: every stack of the
default app and of the config variants, each linted for the region it deploys to."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from cfnlint.api import ManualArgs, lint

from template_tools import VARIANTS, assembly_stacks


@functools.cache
def _lint(template_text: str, region: str) -> tuple[str, ...]:
    """Errors of one template text; cached, as the variants share most templates unchanged."""
    matches = lint(template_text, config=ManualArgs(regions=[region]))
    # E: errors; W (e.g. W3005 on CDK's own custom resource function) and I are advice.
    return tuple(f"{m.rule.id} {'/'.join(map(str, m.path))}: {m.message}" for m in matches if m.rule.id.startswith("E"))


def _errors(template_path: Path, region: str) -> list[str]:
    return list(_lint(template_path.read_text(), region))


def test_default_templates_have_no_cfn_lint_error(default_assembly):
    stacks = assembly_stacks(Path(default_assembly.directory))
    assert sorted((s.artifact_id, s.region) for s in stacks) == [
        ("AccountBaseline", "eu-west-1"),
        ("GlobalEvents", "us-east-1"),
        ("IdentityCenter", "eu-west-1"),
    ]
    assert {s.artifact_id: _errors(s.template, s.region) for s in stacks} == {s.artifact_id: [] for s in stacks}


@pytest.mark.parametrize("variant_id", [v for v in VARIANTS if v != "DefaultConfig"])
def test_variant_templates_have_no_cfn_lint_error(unacknowledged_variants, variant_id):
    outdir, _ = unacknowledged_variants[variant_id]
    stacks = assembly_stacks(outdir)
    assert {s.artifact_id: _errors(s.template, s.region) for s in stacks} == {s.artifact_id: [] for s in stacks}
