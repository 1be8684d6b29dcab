#!/usr/bin/env python3
"""Benchmark ``cdk synth``: the default baseline against an empty CDK Python app.

Prints, for each, the median wall time (seconds) and median peak memory (MiB, summed
over the whole process tree: CDK CLI, Python app and jsii's Node runtime, sampled every
10 ms) of at least three runs, then ``ratio: X.XX`` (baseline / empty wall time).
Both are run the same way, through the pinned CDK CLI, into temporary output folders.

Usage: ``make bench`` (or ``python scripts/bench_synth.py --runs 5``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent

EMPTY_APP = """\
from aws_cdk import App, Stack

app = App()
Stack(app, "Empty")
app.synth()
"""


def measure(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Run ``cmd``; return (wall seconds, peak RSS of the process tree in MiB)."""
    start = time.perf_counter()
    proc = psutil.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [proc, *proc.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.01)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.read().decode()[-2000:]}")
    return wall, peak / 2**20


def bench(name: str, cmd_for_outdir, cwd: Path, runs: int) -> float:
    walls, peaks = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            wall, peak = measure(cmd_for_outdir(out), cwd)
        walls.append(wall)
        peaks.append(peak)
    wall, peak = statistics.median(walls), statistics.median(peaks)
    print(f"{name:<10} wall {wall:6.2f} s   peak memory {peak:7.1f} MiB   (median of {runs} runs)")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per app, at least 3 (default 3)")
    args = parser.parse_args()
    runs = max(3, args.runs)
    cdk = str(ROOT / "node_modules" / ".bin" / "cdk")
    python = sys.executable
    print(f"cdk synth benchmark on {os.cpu_count()} cores")
    baseline = bench(
        "baseline",
        lambda out: [cdk, "synth", "--quiet", "--output", out],
        ROOT,
        runs,
    )
    with tempfile.TemporaryDirectory() as app_dir:
        Path(app_dir, "app.py").write_text(EMPTY_APP)
        empty = bench(
            "empty",
            lambda out: [cdk, "synth", "--quiet", "--app", f"{python} app.py", "--output", out],
            Path(app_dir),
            runs,
        )
    print(f"ratio: {baseline / empty:.2f}")


if __name__ == "__main__":
    main()
