"""The catalogue: ids are unique, every rule names its source and enabling actions, every rule
a principal can use has tests in this package, and RULES.md is generated from it."""

from __future__ import annotations

from pathlib import Path

from iam_baseline.analysis.graph import RULES
from iam_baseline.analysis.graph.catalogue_doc import render

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent


def test_rule_ids_are_unique_and_every_rule_names_its_source():
    assert len({r.id for r in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.source and rule.title and rule.becomes, rule.id
        assert rule.actions or rule.attempts is None, f"{rule.id}: a rule a principal uses needs enabling actions"


def test_every_rule_a_principal_uses_is_tested_here():
    text = "\n".join(p.read_text() for p in HERE.glob("test_*.py") if p.name != Path(__file__).name)
    untested = [r.id for r in RULES if f'"{r.id}"' not in text]
    assert not untested, f"rules without a test naming them: {untested}"


def test_every_family_has_rules():
    from iam_baseline.analysis.graph import Family

    assert {r.family for r in RULES} == set(Family)


def test_rules_md_is_current():
    """RULES.md is `make rules-doc`'s output; regenerate it after changing a rule."""
    assert (ROOT / "RULES.md").read_text() == render(), "RULES.md is stale: run `make rules-doc`"
