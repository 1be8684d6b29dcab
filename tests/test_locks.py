"""The lock files agree with requirements*.txt, nest (runtime < check < test tooling), carry
hashes, and a changed lock reinstalls on the next `make` (the Makefile's markers).

Reads files and runs `make -n`/`make -q` on copies: no network, no install.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Each input file and the lock that `make lock` compiles from it, lowest level first.
LEVELS = (
    ("requirements.txt", "requirements.lock"),
    ("requirements-check.txt", "requirements-check.lock"),
    ("requirements-dev.txt", "requirements-dev.lock"),
    ("requirements-uv.txt", "requirements-uv.lock"),
)

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+)")
_HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})")


def _canonical(name: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> dict[str, str]:
    """``name == version`` lines of a requirements file (its ``-r`` includes not followed)."""
    found = {}
    for line in text.splitlines():
        match = _PIN.match(line.strip())
        if match:
            found[_canonical(match.group(1))] = match.group(2)
    return found


def locked(text: str) -> dict[str, tuple[str, frozenset[str]]]:
    """Entries of a lock file: name -> (version, its sha256 hashes)."""
    entries: dict[str, tuple[str, frozenset[str]]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = _PIN.match(block)
        if match:
            entries[_canonical(match.group(1))] = (match.group(2), frozenset(_HASH.findall(block)))
    return entries


def disagreements(requirements: str, lock: str) -> list[str]:
    """Pins of ``requirements`` that ``lock`` lacks or locks at another version, and lock
    entries without a hash."""
    entries = locked(lock)
    problems = [
        f"{name}=={version}: locked as {entries[name][0] if name in entries else 'nothing'}"
        for name, version in pins(requirements).items()
        if entries.get(name, ("",))[0] != version
    ]
    problems += [f"{name}: no hash" for name, (_, hashes) in entries.items() if not hashes]
    return problems


@pytest.mark.parametrize(("requirements", "lock"), LEVELS)
def test_lock_matches_its_requirements(requirements, lock):
    problems = disagreements((ROOT / requirements).read_text(), (ROOT / lock).read_text())
    assert problems == [], f"{lock} is stale: run `make lock` ({problems})"


def test_a_stale_lock_is_reported():
    requirements = "pydantic==2.14.4\nPyYAML==6.0.4\n"
    lock = "pydantic==2.14.3 \\\n    --hash=sha256:" + "a" * 64 + "\npyyaml==6.0.4\n"
    assert disagreements(requirements, lock) == ["pydantic==2.14.4: locked as 2.14.3", "pyyaml: no hash"]


def test_each_level_includes_the_one_below_unchanged():
    """`make check` installs on top of `make synth`'s set, `make test` on top of both: an
    entry locked at another version or with other hashes one level up would reinstall it."""
    runtime, check, dev = (locked((ROOT / lock).read_text()) for _, lock in LEVELS[:3])
    for lower, upper, name in ((runtime, check, "requirements-check.lock"), (check, dev, "requirements-dev.lock")):
        assert {key: upper.get(key) for key in lower} == lower, name


def test_synth_installs_no_test_or_analysis_tooling():
    runtime = locked((ROOT / "requirements.lock").read_text())
    check = locked((ROOT / "requirements-check.lock").read_text())
    assert not {"pytest", "moto", "flask", "docker", "sympy", "cfn-lint", "parliament", "z3-solver"} & set(runtime)
    assert {"parliament", "z3-solver", "moto"} <= set(check)
    assert not {"pytest", "flask", "docker", "sympy", "cfn-lint"} & set(check)


@pytest.fixture()
def installed_copy(tmp_path) -> Path:
    """The Makefile and its lock files in a folder whose .venv markers are all up to date."""
    for name in ("Makefile", *(lock for _, lock in LEVELS)):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "constructs").mkdir()
    shutil.copy(ROOT / "constructs" / "pyproject.toml", tmp_path / "constructs" / "pyproject.toml")
    (tmp_path / ".venv").mkdir()
    for offset, marker in enumerate((".uv", ".synth", ".check", ".test")):
        path = tmp_path / ".venv" / marker
        path.touch()
        os.utime(path, (2_000_000_000 + offset, 2_000_000_000 + offset))  # after every lock file
    return tmp_path


def _plan(folder: Path) -> str:
    """The commands `make` would run to bring the test tooling up to date."""
    return subprocess.run(
        ["make", "-n", ".venv/.test"], cwd=folder, capture_output=True, text=True, check=True
    ).stdout


def test_up_to_date_markers_install_nothing(installed_copy):
    assert "pip install" not in _plan(installed_copy)


@pytest.mark.parametrize(
    ("changed", "reinstalled"),
    [
        ("requirements.lock", ["requirements.lock", "requirements-check.lock", "requirements-dev.lock"]),
        ("requirements-check.lock", ["requirements-check.lock", "requirements-dev.lock"]),
        ("requirements-dev.lock", ["requirements-dev.lock"]),
    ],
)
def test_a_changed_lock_reinstalls_its_level_and_those_above(installed_copy, changed, reinstalled):
    os.utime(installed_copy / changed, (2_100_000_000, 2_100_000_000))
    plan = _plan(installed_copy)
    assert re.findall(r"-r (requirements\S*\.lock)", plan) == reinstalled
