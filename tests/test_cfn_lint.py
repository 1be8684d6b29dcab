"""cfn-lint (its Python API) finds no error in any synthesized template: the default
baseline and the config variants."""

from __future__ import annotations

from pathlib import Path

import pytest
from cfnlint.api import ManualArgs, lint

from template_tools import VARIANTS


def _errors(template_path: Path, region: str) -> list[str]:
    matches = lint(template_path.read_text(), config=ManualArgs(regions=[region]))
    # E: errors; W (e.g. W3005 on CDK's own custom resource function) and I are advice.
    return [f"{m.rule.id} {'/'.join(map(str, m.path))}: {m.message}" for m in matches if m.rule.id.startswith("E")]


def test_default_template_has_no_cfn_lint_error(default_assembly, default_config):
    (stack,) = default_assembly.stacks
    assert _errors(Path(stack.template_full_path), default_config.region) == []


@pytest.mark.parametrize("stack_id", [v for v in VARIANTS if v != "DefaultConfig"])
def test_variant_templates_have_no_cfn_lint_error(unacknowledged_variants, default_config, stack_id):
    outdir, _ = unacknowledged_variants
    assert _errors(outdir / f"{stack_id}.template.json", default_config.region) == []
