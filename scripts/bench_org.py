#!/usr/bin/env python3
"""Benchmark the hub-and-spoke example against the organization example at 100 and 500 member accounts.

For each size, both configs are grown to that many member accounts (generated accounts are
added to their ``Workloads/Prod`` OU, the same in both: the hub's workload machine roles, both
examples' workload guard rails and the hub's per-account SCP attachments reach them)
and each is run through ``cdk synth`` (the pinned CDK CLI, the four cdk-nag packs) and then
``make check``'s analysis (``python -m iam_baseline.analysis.check``). The runs are A/B
interleaved (hub, organization, hub, organization, ... per round), so a change of the machine's
load hits both alike; the figures are medians over the rounds. Printed per config and size:
synth wall time, synth CPU seconds, synth peak memory, check wall time, check peak memory, and
whether the check passed (every invariant proven); the load average with every run.

Peak memory is the largest sum, sampled every 10 ms, of the resident set sizes (RSS) of every
process of the command's tree: for a synth the CDK CLI, the Python app, and jsii's two Node.js
processes (its runtime wrapper and the kernel holding aws-cdk-lib, where the templates are
built, written and validated); for the check its one Python process. Pages that processes
share (the Node.js binary of the three) count once per process, so the sum is an upper bound
of the memory the synth takes. One synth, not measured, runs first; bytecode is cached as under
make (see :func:`main`).

The issue's goals (issue 17): 500 accounts synthesize in under twice the 100-account time, peak
memory under 1.2 GiB, ``make check`` in under a minute with every derived invariant proven. The
script prints them; it asserts nothing (benchmarks never fail the build).

Usage: ``make bench-org`` (or ``python scripts/bench_org.py --sizes 100 500 --rounds 3``).
"""

from __future__ import annotations

import argparse
import copy
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from bench_synth import measure_cpu  # noqa: E402

CDK = str(ROOT / "node_modules" / ".bin" / "cdk")
CONFIGS = {"hub": ROOT / "config" / "examples" / "hub-and-spoke.yaml", "organization": ROOT / "config" / "examples" / "organization.yaml"}


#: Member accounts per Identity Center assignment shard that the example's own shard count is
#: sized for; a grown organization gets proportionally more shards, as its team would set
#: (each shard stack must stay under CloudFormation's 500 resources: 500 accounts in the
#: example's 4 shards give one of 522 and synth refuses it, naming the setting).
ACCOUNTS_PER_SHARD_BASIS = 100


#: The OU that receives the generated accounts (the largest OU if a config has none of that path).
GROWN_OU = "Workloads/Prod"


def grown(data: dict, members: int, ou_path: str = GROWN_OU) -> dict:
    """``data`` with generated accounts (ids ``9xxxxxxxxxxx``) added to its OU ``ou_path`` (else
    its largest), until the organization has ``members`` member accounts; with IAM Identity Center
    assignments, ``assignment_shards`` grows with the accounts (see :data:`ACCOUNTS_PER_SHARD_BASIS`)."""
    data = copy.deepcopy(data)
    org = data["organization"]
    ous = org["organizational_units"]
    have = sum(len(ou.get("accounts", ())) for ou in ous)
    target = next((ou for ou in ous if ou["path"] == ou_path), None) or max(ous, key=lambda ou: len(ou.get("accounts", ())))
    target.setdefault("accounts", [])
    target["accounts"] += [{"name": f"generated-{i:04d}", "id": f"9{i:011d}"} for i in range(max(0, members - have))]
    if any(ou.get("assignments") for ou in ous):
        shards = org.get("assignment_shards", 4)
        org["assignment_shards"] = max(shards, math.ceil(shards * members / ACCOUNTS_PER_SHARD_BASIS))
    return data


def write_config(name: str, members: int, folder: Path) -> Path:
    """The grown config ``name`` in ``folder``, with the SAML metadata it names beside it."""
    source = CONFIGS[name]
    data = grown(yaml.safe_load(source.read_text()), members)
    shutil.copytree(source.parent / "saml", folder / "saml", dirs_exist_ok=True)
    path = folder / f"{name}-{members}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def run(config: Path, out: Path) -> dict[str, float]:
    """Synth then check ``config`` into ``out``; the figures of both."""
    nothing = float("nan")
    try:
        synth_wall, synth_mib, synth_cpu = measure_cpu([CDK, "synth", "--quiet", "--no-notices", "-c", f"config={config}",
                                                        "--output", str(out)], ROOT)
    except SystemExit as failed:  # a refused synth (say, a quota) is a result too: say which, go on
        error = next((line for line in str(failed.code).splitlines() if line.startswith("error:")), str(failed.code)[-300:])
        print(f"  synth failed: {error}", flush=True)
        return {"synth_s": nothing, "synth_cpu_s": nothing, "synth_mib": nothing, "check_s": nothing,
                "check_cpu_s": nothing, "check_mib": nothing, "check_passed": 0.0}
    check = [sys.executable, "-m", "iam_baseline.analysis.check", "--out", str(out), "--config", str(config)]
    started = time.perf_counter()
    try:
        check_wall, check_mib, check_cpu = measure_cpu(check, ROOT)
        passed = 1.0
    except SystemExit as failed:  # measure_cpu exits on a failed command: a failed check is a figure here
        check_wall, check_mib, check_cpu, passed = time.perf_counter() - started, float("nan"), float("nan"), 0.0
        print("  check failed: " + "\n  ".join(str(failed.code).splitlines()[-8:]), flush=True)
    return {"synth_s": synth_wall, "synth_cpu_s": synth_cpu, "synth_mib": synth_mib,
            "check_s": check_wall, "check_cpu_s": check_cpu, "check_mib": check_mib, "check_passed": passed}


def _load() -> str:
    """The 1, 5 and 15 minute load averages: wall times are comparable only at a similar load."""
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def _row(figures: dict[str, float]) -> str:
    return (f"synth {figures['synth_s']:.1f} s (cpu {figures['synth_cpu_s']:.1f} s, {figures['synth_mib']:.0f} MiB)   "
            f"check {figures['check_s']:.1f} s (cpu {figures['check_cpu_s']:.1f} s, {figures['check_mib']:.0f} MiB) "
            + ("passed" if figures["check_passed"] else "FAILED"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500], help="member accounts (default 100 500)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are printed (default 3)")
    args = parser.parse_args(argv)
    # The pinned Node.js must run jsii and the CDK CLI (as under make), not an older system node.
    os.environ["PATH"] = f"{ROOT / 'node_modules' / '.bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    # As bench_scale: no CLI telemetry sender (a ~45 MiB Node.js process of its own, and a network call).
    os.environ.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
    # As make: the app's Python caches the bytecode it compiles. Where PYTHONDONTWRITEBYTECODE is
    # set (this script run by hand from such a shell) and nothing has cached it yet (uv installs
    # without compiling), every synth compiles the CDK bindings again (aws_cdk.aws_ec2 alone is
    # 7.7 MB of source): ~190 MiB more peak memory and ~3 s more CPU than a synth under make.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    print(f"{os.cpu_count()} cores, load average {_load()} before", flush=True)
    figures: dict[tuple[str, int], list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-org-") as tmp:
        folder = Path(tmp)
        paths = {(name, size): write_config(name, size, folder) for size in args.sizes for name in CONFIGS}
        # One synth not measured: it writes the bytecode caches a fresh .venv lacks (see above) and
        # fills the file cache, so that round 1 measures what every later synth does.
        first = (next(iter(CONFIGS)), min(args.sizes))
        print(f"warm-up (not measured): {first[0]} at {first[1]} member accounts ...", flush=True)
        measure_cpu([CDK, "synth", "--quiet", "--no-notices", "-c", f"config={paths[first]}", "--output", str(folder / "warm-up")], ROOT)
        for round_ in range(args.rounds):
            for size in args.sizes:
                for name in CONFIGS:  # A/B interleaved
                    print(f"round {round_ + 1}/{args.rounds}: {name} at {size} member accounts ...", flush=True)
                    figures.setdefault((name, size), []).append(run(paths[name, size], folder / f"out-{name}-{size}"))
                    print(f"  {_row(figures[name, size][-1])}   (load average {_load()})", flush=True)
    print(f"\n{'config':<14}{'members':>8}{'synth s':>9}{'synth cpu':>10}{'synth MiB':>10}{'check s':>9}{'check cpu':>10}{'check MiB':>10}  check")
    for (name, size), runs in sorted(figures.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        verdict = "passed" if all(r["check_passed"] for r in runs) else "FAILED" if all(
            r["synth_s"] == r["synth_s"] for r in runs) else "synth FAILED"  # nan != nan: no synth figure
        print(f"{name:<14}{size:>8}{med['synth_s']:>9.1f}{med['synth_cpu_s']:>10.1f}{med['synth_mib']:>10.0f}"
              f"{med['check_s']:>9.1f}{med['check_cpu_s']:>10.1f}{med['check_mib']:>10.0f}  {verdict}")
    if len(args.sizes) >= 2:
        small, large = min(args.sizes), max(args.sizes)
        for name in CONFIGS:
            def ratio(key: str) -> float:
                return statistics.median(r[key] for r in figures[name, large]) / statistics.median(r[key] for r in figures[name, small])
            # Wall time follows the machine's load; CPU seconds much less so: both are printed.
            print(f"{name}: synth at {large} / at {small} = {ratio('synth_s'):.2f} wall, {ratio('synth_cpu_s'):.2f} CPU"
                  " (goal for hub: < 2)")
    print(f"load average {_load()} after", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
