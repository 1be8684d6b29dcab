#!/usr/bin/env python3
"""Benchmark ``cdk synth``: the default baseline against an empty CDK Python app, interleaved.

Runs the two alternately (baseline, empty, baseline, empty, ...: at least 5 pairs), both
through the pinned CDK CLI into temporary output folders, so that a change of machine load
hits both sides of a pair alike. Prints each pair, then the median wall time and peak memory
(MiB, summed over the process tree: CDK CLI, Python app and jsii's Node.js runtime, sampled
every 10 ms) of each side, and ``ratio: X.XX``, the median of the per-pair ratios
(baseline / empty wall time). Then a per-phase breakdown of one baseline synth, run in a
fresh Python process without the CLI: Python imports (jsii start-up included), config,
construct tree, acknowledgments, template writing, nag validation.

Figures vary with load: the script prints the load average before and after. Never put
these timings in a test.

Usage: ``make bench`` (or ``python scripts/bench_synth.py --pairs 9``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

EMPTY_APP = """\
from aws_cdk import App, Stack

app = App()
Stack(app, "Empty")
app.synth()
"""

#: Run in a fresh interpreter (cwd = repository root): times each phase of one synth and
#: prints them as JSON. Template writing and the two validations are told apart by
#: synthesizing the same construct tree again in fresh processes: without the nag packs,
#: then also without CDK's built-in CloudFormation validation (``CDK_VALIDATION=false``).
PHASES = """\
import json, sys, time
import psutil
me = psutil.Process()
def cpu():
    # CPU seconds of this process and of jsii's Node.js runtime (its child): robust to load.
    total = sum(me.cpu_times()[:2])
    for child in me.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:2])
        except psutil.Error:
            pass
    return total
start, start_cpu = time.perf_counter(), cpu(); marks = {}
def mark(name):
    global start, start_cpu
    now, now_cpu = time.perf_counter(), cpu()
    marks[name] = (now - start, now_cpu - start_cpu); start, start_cpu = now, now_cpu
sys.path.insert(0, ".")
import app as app_module  # first: it sets JSII_NODE, the Node.js that jsii starts under cdk synth
import aws_cdk, cdk_nag  # jsii starts its Node.js runtime and loads both assemblies here
from iam_baseline.compliance import apply_acknowledgments, register_nag_packs
mark("imports")
config = app_module.load_config(app_module.DEFAULT_CONFIG)
mark("config")
with_nag = sys.argv[2] == "nag"
app = app_module.build_app(config, outdir=sys.argv[1], context=json.loads(sys.argv[3]), acknowledge=False, nag=False)
mark("construct tree")
if with_nag:
    register_nag_packs(app)
    apply_acknowledgments(app, iam_path=config.iam_path, workload_role_path=config.workload_role_path)
    mark("acknowledgments")
app.synth()
mark("synth")
print(json.dumps(marks))
"""


def measure(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Run ``cmd``; return (wall seconds, peak RSS of the process tree in MiB)."""
    return measure_cpu(cmd, cwd)[:2]


def measure_cpu(cmd: list[str], cwd: Path) -> tuple[float, float, float]:
    """Run ``cmd``; return (wall seconds, peak RSS of the process tree in MiB, CPU seconds).

    CPU seconds (user + system, summed over every process of the tree as last sampled) depend
    far less on the machine's load than wall time does.
    """
    import psutil

    start = time.perf_counter()
    proc = psutil.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    cpu: dict[int, float] = {}
    while proc.poll() is None:
        try:
            tree = [proc, *proc.children(recursive=True)]
            rss = 0
            for p in tree:
                with p.oneshot():
                    rss += p.memory_info().rss
                    times = p.cpu_times()
                    cpu[p.pid] = times.user + times.system
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.01)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.read().decode()[-2000:]}")
    return wall, peak / 2**20, sum(cpu.values())


def _once(cmd_for_outdir, cwd: Path) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as out:
        return measure_cpu(cmd_for_outdir(out), cwd)


def interleaved(pairs: int) -> None:
    """Baseline and empty app alternately; prints the pairs and the median ratio."""
    cdk = str(ROOT / "node_modules" / ".bin" / "cdk")
    python = sys.executable
    baseline = lambda out: [cdk, "synth", "--quiet", "--output", out]  # noqa: E731
    results: list[tuple[float, ...]] = []
    with tempfile.TemporaryDirectory() as app_dir:
        Path(app_dir, "app.py").write_text(EMPTY_APP)
        empty = lambda out: [cdk, "synth", "--quiet", "--app", f"{python} app.py", "--output", out]  # noqa: E731
        for pair in range(1, pairs + 1):
            base = _once(baseline, ROOT)
            empty_run = _once(empty, Path(app_dir))
            results.append((*base, *empty_run))
            print(
                f"pair {pair}: baseline {base[0]:6.2f} s (cpu {base[2]:5.2f} s)   "
                f"empty {empty_run[0]:6.2f} s (cpu {empty_run[2]:5.2f} s)   ratio {base[0] / empty_run[0]:.2f}",
                flush=True,
            )
    median = lambda index: statistics.median(row[index] for row in results)  # noqa: E731
    for name, offset in (("baseline", 0), ("empty", 3)):
        print(
            f"{name:<10} wall {median(offset):6.2f} s   cpu {median(offset + 2):6.2f} s   "
            f"peak memory {median(offset + 1):7.1f} MiB   (median of {pairs})"
        )
    print(f"ratio: {statistics.median(row[0] / row[3] for row in results):.2f}   (median of the per-pair wall-time ratios)")
    print(f"cpu ratio: {statistics.median(row[2] / row[5] for row in results):.2f}   (the same for CPU time, less sensitive to load)")


def phases() -> None:
    """Per-phase seconds of one baseline synth (no CLI): one fresh process with the nag
    packs, one without, so that nag validation is the difference of their synth phases."""
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    timings = {}
    for variant, environment in (("nag", {}), ("plain", {}), ("bare", {"CDK_VALIDATION": "false"})):
        with tempfile.TemporaryDirectory() as out:
            run = subprocess.run(
                [sys.executable, "-c", PHASES, out, variant, json.dumps(context)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env={**os.environ, **environment},
            )
        if run.returncode != 0:
            sys.exit(f"phase run failed:\n{run.stderr[-2000:]}")
        timings[variant] = json.loads(run.stdout.strip().splitlines()[-1])
    nag, plain, bare = timings["nag"], timings["plain"], timings["bare"]
    rows = [
        ("Python imports (jsii start-up included)", nag["imports"]),
        ("config (load and validate)", nag["config"]),
        ("construct tree", nag["construct tree"]),
        ("acknowledgments (registry matched on the tree)", nag["acknowledgments"]),
        ("template writing (synth without any validation)", bare["synth"]),
        ("CDK's built-in CloudFormation validation", [a - b for a, b in zip(plain["synth"], bare["synth"])]),
        ("nag validation (four packs)", [a - b for a, b in zip(nag["synth"], plain["synth"])]),
    ]
    print("one baseline synth, by phase (in-process, no CLI; the last two are differences of runs):")
    print(f"  {'':<50} {'wall':>8} {'cpu':>8}")
    for name, (wall, cpu) in rows:
        print(f"  {name:<50} {wall:6.2f} s {cpu:6.2f} s")
    total_wall, total_cpu = (sum(values) for values in zip(*nag.values()))
    print(f"  {'total':<50} {total_wall:6.2f} s {total_cpu:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5, help="baseline/empty pairs, at least 5 (default 5)")
    parser.add_argument("--phases-only", action="store_true", help="print only the per-phase breakdown")
    args = parser.parse_args()
    print(f"cdk synth benchmark on {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before")
    if not args.phases_only:
        interleaved(max(5, args.pairs))
    phases()
    print(f"load average {os.getloadavg()[0]:.1f} after (figures taken under load are not comparable)")


if __name__ == "__main__":
    main()
