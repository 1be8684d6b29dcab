"""constructs/README.md lists every public construct with its props, as the docstrings say
(scripts/construct_docs.py writes it), and the package docstring names every subpackage."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import construct_docs  # noqa: E402

import iam_baseline  # noqa: E402

PACKAGE = ROOT / "constructs" / "iam_baseline"


def test_construct_reference_is_current():
    current = construct_docs.README.read_text(encoding="utf-8")
    assert construct_docs.updated(current, construct_docs.render()) == current, "run `make construct-docs`"


def test_every_prop_of_every_public_construct_is_documented():
    undocumented = []
    for subpackage in construct_docs.SUBPACKAGES:
        for cls in construct_docs.public_constructs(subpackage):
            rows = [line for line in construct_docs.render_construct(cls).splitlines() if line.startswith("| `")]
            undocumented += [f"{cls.__name__}.{row.split('`')[1]}" for row in rows if row.endswith("|  |")]
    assert undocumented == []


def test_args_are_read_from_the_docstring():
    summary, args = construct_docs.args_section(
        """Creates a thing.

        Args:
            name: IAM name, 1-64 characters;
                default ``Thing``.
            path, tags: see elsewhere.

        Attributes:
            arn: not a prop.
        """
    )
    assert summary == "Creates a thing."
    assert args == {"name": "IAM name, 1-64 characters; default ``Thing``.", "path": "see elsewhere.", "tags": "see elsewhere."}


def test_a_construct_missing_from_the_reference_is_noticed():
    current = construct_docs.README.read_text(encoding="utf-8")
    stale = current.replace("#### `ForceMfaPolicy`", "#### `Gone`")
    assert construct_docs.updated(stale, construct_docs.render()) != stale


def unnamed_subpackages(docstring: str) -> list[str]:
    """Subpackages of iam_baseline (folders with an ``__init__.py``) that ``docstring`` does not name."""
    names = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))
    return [name for name in names if f"    {name} " not in docstring]


def test_package_docstring_names_every_subpackage():
    assert unnamed_subpackages(iam_baseline.__doc__) == []


@pytest.mark.parametrize("missing", ["analysis", "organization"])
def test_a_subpackage_left_out_of_the_docstring_is_reported(missing):
    docstring = iam_baseline.__doc__.replace(f"    {missing} ", "    ")
    assert unnamed_subpackages(docstring) == [missing]
