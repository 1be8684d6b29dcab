"""Mutation test: ``make check`` fails on every semantic mutant of the default templates,
naming the broken promise. Prints the kill count. One shared synthesized assembly (session
fixture); each mutant is a JSON copy of the templates it changes, the rest linked."""

from __future__ import annotations

import collections
import copy
import json
import os
from pathlib import Path

import pytest

from iam_baseline.analysis.check import main
from template_tools import DEFAULT_CONFIG_FILE

from .mutants import BASELINE, IDENTITY_CENTER, mutants

CONFIG = str(DEFAULT_CONFIG_FILE)
MUTATED_FILES = (BASELINE, IDENTITY_CENTER)


def materialize(source: Path, target: Path, templates: dict[str, dict]) -> Path:
    """``target``: a cloud assembly holding ``templates`` and links to every other file of ``source``."""
    target.mkdir()
    for entry in source.iterdir():
        if entry.name in templates:
            (target / entry.name).write_text(json.dumps(templates[entry.name]))
        else:
            os.symlink(entry, target / entry.name)
    return target


@pytest.mark.mutation
def test_every_mutant_is_killed_naming_the_promise(default_assembly, tmp_path, capsys):
    source = Path(default_assembly.directory)
    originals = {name: json.loads((source / name).read_text()) for name in MUTATED_FILES}
    all_mutants = list(mutants())
    assert len(all_mutants) >= 60 and len({m.cls for m in all_mutants}) >= 10
    survivors, kills = [], collections.Counter()
    for index, mutant in enumerate(all_mutants):
        templates = copy.deepcopy(originals)
        mutant.edit(templates)
        assert templates != originals, f"mutant {mutant.name} changed nothing"
        out = materialize(source, tmp_path / f"m{index}", templates)
        code = main(["--out", str(out), "--config", CONFIG])
        output = capsys.readouterr().out
        failures = [line for line in output.splitlines() if line.startswith("FAIL ")]
        # An invariant names its promise; an escalation path names the technique it reaches.
        named = [line for line in failures if "promise" in line or line.startswith("FAIL escalation:")]
        if code == 1 and named:
            kills[mutant.cls] += 1
        else:
            survivors.append(f"{mutant.cls}: {mutant.name} (exit {code}, {len(failures)} failures)")
    with capsys.disabled():
        print(f"\nmutation test: {sum(kills.values())}/{len(all_mutants)} mutants killed in {len(kills)} classes: "
              + ", ".join(f"{c} {n}" for c, n in sorted(kills.items())))
    assert not survivors, "surviving mutants:\n" + "\n".join(survivors)


def test_the_unmutated_assembly_survives(default_assembly, tmp_path, capsys):
    """Negative control: the same harness on the original templates passes."""
    source = Path(default_assembly.directory)
    out = materialize(source, tmp_path / "original", {})
    assert main(["--out", str(out), "--config", CONFIG]) == 0, capsys.readouterr().out
