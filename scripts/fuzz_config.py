#!/usr/bin/env python3
"""`make fuzz`: thousands of mutated configs through the loader; counts of outcomes by class.

Each example is a valid config (tests/config_fuzz.py seeds) with one mutation: a value's
type, range or Unicode, a key, or the YAML text itself. Every example must end as a valid
config or a clear refusal (``refused:<kind>``); ``crash:<exception>`` or ``unclear`` fails
the run, as does an example over 2 s of CPU time or a peak memory growth over 256 MiB.

Usage: ``python scripts/fuzz_config.py [EXAMPLES]`` (default 3000).
"""

from __future__ import annotations

import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from config_fuzz import SEEDS, corrupted_text, mutated_document, outcome  # noqa: E402

MAX_SECONDS = 2.0
MAX_GROWTH_MIB = 256


def main(argv: list[str]) -> int:
    examples = int(argv[0]) if argv else 3000
    counts: Counter[str] = Counter()
    slowest: list[tuple[float, str]] = [(0.0, "")]
    crashes: list[str] = []
    cases = st.one_of(
        mutated_document(),
        corrupted_text(),
        st.tuples(st.text(max_size=200), st.just(SEEDS["minimal"][1])),
    )

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(cases)
    def run(case: tuple[str, Path]) -> None:
        # CPU time of this process: the wall clock of a shared 2-core machine says more
        # about the neighbours than about the loader.
        start = time.process_time()
        result = outcome(*case)
        elapsed = time.process_time() - start
        counts[result] += 1
        if elapsed > slowest[0][0]:
            slowest[0] = (elapsed, case[0][:200])
        if result.startswith("crash") or result == "unclear":
            crashes.append(f"{result}: {case[0][:300]!r}")

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    run()
    growth_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    total = sum(counts.values())
    print(f"{total} examples in {time.perf_counter() - started:.1f} s")
    for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {count:6d}  {name}")
    print(f"slowest example: {slowest[0][0]:.3f} s of CPU (limit {MAX_SECONDS} s)")
    print(f"peak memory growth: {growth_mib:.0f} MiB (limit {MAX_GROWTH_MIB} MiB)")
    for crash in crashes[:20]:
        print(f"FAIL {crash}")
    failed = bool(crashes) or slowest[0][0] > MAX_SECONDS or growth_mib > MAX_GROWTH_MIB
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
