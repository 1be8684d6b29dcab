#!/usr/bin/env python3
"""Config load time (read, parse, validate) of the default config and the organization example.

Printed by ``make bench``: the median of several loads in one process (the first load, which
imports pydantic and the models, is shown separately). Figures, not a test.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = {"default": ROOT / "config" / "baseline.yaml", "organization example": ROOT / "config" / "examples" / "organization.yaml"}
RUNS = 9


def main() -> int:
    start = time.perf_counter()
    from iam_baseline.config import load_config

    print(f"config load: imports {1000 * (time.perf_counter() - start):.0f} ms")
    for name, path in CONFIGS.items():
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            load_config(path)
            times.append(time.perf_counter() - start)
        print(
            f"config load: {name} ({path.relative_to(ROOT)}, {path.stat().st_size:,} bytes): "
            f"first {1000 * times[0]:.0f} ms, median of {RUNS} {1000 * statistics.median(times):.0f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
