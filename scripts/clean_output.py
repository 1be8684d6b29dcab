#!/usr/bin/env python3
"""Empty a cloud assembly folder before ``make synth`` writes a new one into it.

The CDK CLI writes into ``--output`` without removing what a previous synth left there: the
templates of a stack that no longer exists, or the access reports of another config, would
sit next to the new templates and could be reviewed by mistake.

Safety: only a folder that is a cloud assembly (it holds ``manifest.json`` or CDK's ``cdk.out``
version file) or is empty is emptied; the project root, its ancestors, the home folder and a
symbolic link are refused; a symbolic link inside the folder is removed, never followed.
Exit status: 0 emptied or absent, 2 refused (nothing deleted).

Usage: ``python scripts/clean_output.py OUT`` (the Makefile runs it before every synth).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Files that make a folder recognisably a CDK cloud assembly.
ASSEMBLY_MARKERS = ("manifest.json", "cdk.out")


class RefusedError(Exception):
    """The folder is not one this script may empty (the message says why)."""


def clean_output(out: str | Path) -> list[Path]:
    """Remove everything inside the cloud assembly folder ``out``; return what was removed.

    Raises:
        RefusedError: ``out`` is a symbolic link, not a folder, the project root, one of its
            ancestors or the home folder, or a non-empty folder that is not a cloud assembly.
    """
    path = Path(out)
    if path.is_symlink():
        raise RefusedError(f"{out} is a symbolic link; give the real output folder")
    if not path.exists():
        return []
    if not path.is_dir():
        raise RefusedError(f"{out} is not a folder")
    resolved = path.resolve()
    protected = {ROOT, Path.home().resolve(), *ROOT.parents}
    if resolved in protected:
        raise RefusedError(f"{out} is {resolved}, which holds more than a cloud assembly")
    children = sorted(resolved.iterdir())
    if children and not any((resolved / marker).is_file() for marker in ASSEMBLY_MARKERS):
        raise RefusedError(f"{out} is not a cloud assembly (no {' or '.join(ASSEMBLY_MARKERS)}); remove it by hand")
    for child in children:
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()  # a file, or a symbolic link (removed, its target left alone)
    return children


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: clean_output.py OUT", file=sys.stderr)
        return 2
    try:
        removed = clean_output(argv[0])
    except RefusedError as error:
        print(f"error: not cleaning the synth output: {error}", file=sys.stderr)
        return 2
    if removed:
        print(f"cleaned {argv[0]} ({len(removed)} entries of the previous synth)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
