"""``make bench-check``: wall time of ``make check`` with every invariant, on the default
baseline, the organization example and (when present) the hub example; invariants per second,
time per invariant (the slowest named), the escalation search (analysis graph: build,
escalation checks, shortest chains) and the build time of the access report (Markdown and
HTML, the graph laid out by Graphviz). A benchmark that prints figures, never a timed test.

Usage: python scripts/bench_check.py DEFAULT_OUT DEFAULT_CONFIG ORG_OUT ORG_CONFIG
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from iam_baseline.analysis.check import load_inputs, run_checks
from iam_baseline.analysis.checks.escalation import escalation_results
from iam_baseline.analysis.graph import build_graph
from iam_baseline.analysis.outputs.report import write_reports


def bench(out: str, config_path: str) -> None:
    start = time.perf_counter()
    # The same inputs as `make check` (the organization's SCP/RCP levels and policies included).
    config, model, scopes, center, organization = load_inputs(out, config_path)
    run = run_checks(model, config, scopes, center, organization)
    total = time.perf_counter() - start
    decided = sum(t.findings for t in run.invariant_timings)
    spent = sum(t.seconds for t in run.invariant_timings)
    failed = sum(not r.passed for r in run.results)
    print(f"{config_path}: make check {total:.2f} s ({len(run.results)} checks, {failed} failed), "
          f"{len(scopes)} account scopes, {decided} invariant findings in {spent:.2f} s "
          f"({decided / spent if spent else float('inf'):,.0f} per second)")
    for timing in sorted(run.invariant_timings, key=lambda t: -t.seconds):
        print(f"  {timing.id:32} {timing.seconds * 1000:8.1f} ms  {timing.findings} findings")
    slowest = max(run.invariant_timings, key=lambda t: t.seconds)
    print(f"  slowest: {slowest.id}")
    start = time.perf_counter()
    graph = build_graph(scopes, config)
    built = time.perf_counter() - start
    results = escalation_results(graph, main_account=model.account)
    chains = graph.paths_to_admin()
    searched = time.perf_counter() - start
    print(f"  escalation search: {searched:.2f} s (graph {built:.2f} s: {len(graph.nodes)} nodes, {len(graph.edges)} edges; "
          f"{len(results)} escalation checks, {len(chains)} principals reaching an administrator)")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        write_reports(Path(folder), run)
    print(f"  access report (Markdown + HTML, Graphviz layout): {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    args = sys.argv[1:]
    for out, config_path in zip(args[::2], args[1::2]):
        bench(out, config_path)
