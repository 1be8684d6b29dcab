"""``python -m iam_baseline.analysis.diff``: the access diff of two cloud assemblies.

Usage::

    python -m iam_baseline.analysis.diff --base OLD_CDK_OUT [--new cdk.out]
        [--config config/baseline.yaml] [--base-config PATH] [--allow-new-access]
        [--limit 5] [--timeout-ms 10000] [--summary FILE]

For every principal, trust policy and resource-based policy of every account the two
assemblies touch, proves with the z3 engine whether the new assembly allows a request that
the old one denies, and the reverse (:mod:`.outputs.access_diff`); compares the IAM Identity
Center assignments. Prints Markdown (:mod:`.outputs.access_diff_text`): each new access with
its actions, resource pattern, conditions and one concrete request replayed on the concrete
evaluator; ``--summary FILE`` appends the same text to FILE (``$GITHUB_STEP_SUMMARY``).

Each assembly is read with its config (``--base-config`` defaults to ``--config``): the
config tells which member accounts get which StackSet variant and so where Identity Center
places its permission sets.

Exit status: 1 on new access, or on a question that could not be decided (solver timeout,
construct not modelled), unless ``--allow-new-access``; 0 otherwise (removed access is
reported, exit 0); 2 when a config or an assembly cannot be read.
"""

from __future__ import annotations

import argparse
import sys

from ..config import ConfigError, load_config
from .engine.conditions import PolicyError
from .model.intrinsics import TemplateError
from .model.templates import UnknownPolicy
from .outputs.access_diff import access_diff
from .outputs.access_diff_text import render


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m iam_baseline.analysis.diff", description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True, help="the old cloud assembly (e.g. the target branch's cdk.out)")
    parser.add_argument("--new", default="cdk.out", help="the new cloud assembly (default: cdk.out)")
    parser.add_argument("--config", default="config/baseline.yaml", help="the new assembly's config (default: config/baseline.yaml)")
    parser.add_argument("--base-config", help="the old assembly's config (default: --config)")
    parser.add_argument("--allow-new-access", action="store_true", help="exit 0 even when access is added")
    parser.add_argument("--limit", type=int, default=5, help="new accesses listed per principal and direction (default: 5)")
    parser.add_argument("--timeout-ms", type=int, default=10_000, help="solver limit per question (default: 10000)")
    parser.add_argument("--summary", help="also append the Markdown to this file (e.g. $GITHUB_STEP_SUMMARY)")
    args = parser.parse_args(argv)
    if args.limit < 1 or args.timeout_ms < 1:
        parser.error("--limit and --timeout-ms must be >= 1")
    try:
        new_config = load_config(args.config)
        old_config = load_config(args.base_config) if args.base_config else new_config
        diff = access_diff(args.new, args.base, new_config, old_config, limit=args.limit, timeout_ms=args.timeout_ms)
    except (ConfigError, FileNotFoundError, TemplateError, UnknownPolicy, PolicyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    text = render(diff, allow_new_access=args.allow_new_access)
    print(text, end="")
    if args.summary:
        with open(args.summary, "a", encoding="utf-8") as summary:
            summary.write(text)
    return 1 if diff.grants_new_access and not args.allow_new_access else 0


if __name__ == "__main__":
    from .check import run

    sys.exit(run(entry=main))
