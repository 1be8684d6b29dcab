"""The app runs jsii's Node.js with ``--liftoff-only`` (``scripts/jsii-node``, ``app.JSII_NODE``).

aws-cdk-lib validates every template with a WebAssembly engine; without the flag V8's
optimizing compiler re-compiles its hot functions and a synth's peak memory is ~240 MiB higher
(README, the bench-org figures). The templates are the same either way: the flag changes which
V8 compiler runs the validator, not what it computes. These tests show that the flag reaches
the process that holds aws-cdk-lib, that the pinned Node.js still accepts it, and that a
``JSII_NODE`` the user set is left alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "jsii-node"

#: Imports the app (which sets JSII_NODE unless it is set), then aws_cdk (which starts jsii's
#: Node.js processes), and prints the command line of every process below this one.
KERNEL_COMMAND_LINES = f"""
import json, sys
sys.path.insert(0, {str(ROOT)!r})
import app
import aws_cdk
import psutil
print(json.dumps([p.cmdline() for p in psutil.Process().children(recursive=True)]))
"""


def _node_argv(command: list[str]) -> list[str]:
    """The node flags (``process.execArgv``) of ``command`` running ``-p``."""
    run = subprocess.run([*command, "-p", "JSON.stringify(process.execArgv)"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def _kernel_flags(environment: dict[str, str]) -> list[str]:
    """The node flags of jsii's kernel process (the one running ``program.js``) under ``environment``."""
    run = subprocess.run([sys.executable, "-c", KERNEL_COMMAND_LINES], capture_output=True, text=True, env=environment, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    kernels = [line for line in json.loads(run.stdout.splitlines()[-1]) if line and line[-1].endswith("program.js")]
    assert len(kernels) == 1, kernels
    return kernels[0][1:-1]


def test_the_script_runs_node_with_liftoff_only_and_passes_the_flags_jsii_adds():
    """jsii starts ``$JSII_NODE --max-old-space-size=4069 <runtime>``: both flags reach node."""
    assert _node_argv([str(SCRIPT), "--max-old-space-size=4069"])[:2] == ["--liftoff-only", "--max-old-space-size=4069"]


def test_a_node_that_refuses_the_flag_runs_without_it(tmp_path):
    """A later Node.js may drop --liftoff-only (V8 labels it for testing): then the script runs
    plain node, so a synth loses the memory saving, not its templates. The stand-in ``node``
    refuses the flag as node refuses any flag it does not know ("bad option", exit 9)."""
    real = subprocess.run(["node", "--liftoff-only-unknown", "-e", "0"], capture_output=True, text=True)
    assert real.returncode == 9 and "bad option: --liftoff-only-unknown" in real.stderr  # how node refuses
    stand_in = tmp_path / "node"
    stand_in.write_text('#!/bin/sh\nfor a in "$@"; do [ "$a" = --liftoff-only ] && { echo "node: bad option: $a" >&2; exit 9; }; done\n'
                        f'exec {shutil.which("node")} "$@"\n')
    stand_in.chmod(0o755)
    environment = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    run = subprocess.run([str(SCRIPT), "--max-old-space-size=4069", "-p", "JSON.stringify(process.execArgv)"],
                         capture_output=True, text=True, env=environment)
    assert run.returncode == 0, run.stderr
    flags = json.loads(run.stdout)  # execArgv: the flags, then node's own -p and its script
    assert flags[0] == "--max-old-space-size=4069" and "--liftoff-only" not in flags


def test_the_apps_jsii_kernel_runs_with_liftoff_only():
    environment = {key: value for key, value in os.environ.items() if key != "JSII_NODE"}
    assert "--liftoff-only" in _kernel_flags(environment)


def test_a_jsii_node_the_user_set_wins():
    """Negative control of the test above: with JSII_NODE=node the kernel runs without the flag."""
    assert "--liftoff-only" not in _kernel_flags({**os.environ, "JSII_NODE": "node"})
