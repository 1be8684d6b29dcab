"""Benchmark of the symbolic encoder on a synthesized assembly (prints figures; not a test).

For every user and role of the account it asks three questions of ``find_allowed``:
``iam:*`` without MFA, any action without MFA, and (roles) "can any principal of any account
assume it without MFA". It prints the verdicts, the median and slowest solve time per
question kind, and the slowest questions by name. ``unknown``/timeouts are counted as not
proven.

Usage: ``.venv/bin/python scripts/bench_engine.py [ASSEMBLY_DIR] [--account ID] [--timeout-ms N]``
(``make synth`` writes ``cdk.out``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "constructs"))

from iam_baseline.analysis.engine.policy import Policy, PolicyKind  # noqa: E402

from iam_baseline.analysis.engine.request import RequestPrincipal  # noqa: E402
from iam_baseline.analysis.engine.space import (  # noqa: E402
    ActionSpace,
    PrincipalSpace,
    RequestSpace,
    ResourceSpace,
    equals,
)
from iam_baseline.analysis.engine.symbolic import find_allowed  # noqa: E402
from iam_baseline.analysis.model.actions import catalog  # noqa: E402
from iam_baseline.analysis.model.templates import load_account  # noqa: E402

NO_MFA = {"aws:MultiFactorAuthPresent": equals("false", absent_ok=True)}
ALLOW_ALL = Policy.from_document("caller-allows-all", {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def _caller(model, principal) -> RequestPrincipal:
    if principal.kind == "user":
        return RequestPrincipal(principal.arn, model.account, "user")
    session = f"arn:{model.partition}:sts::{model.account}:assumed-role/{principal.name}/bench"
    return RequestPrincipal(session, model.account, "role_session", principal.arn)


def questions(model):
    """(kind, label, space, policies) for every user and role of the model."""
    for principal in sorted(model.principals.values(), key=lambda p: p.ref):
        if principal.kind not in ("user", "role"):
            continue
        caller = (_caller(model, principal),)
        policies = {"identity": model.identity_policies(principal), "boundary": principal.boundary}
        yield "iam:* without MFA", principal.ref, RequestSpace(
            principals=caller, actions=ActionSpace(include=("iam:*",)), context=NO_MFA), policies
        yield "anything without MFA", principal.ref, RequestSpace(principals=caller, context=NO_MFA), policies
        if principal.kind == "role" and principal.trust is not None:
            yield "assume without MFA", principal.ref, RequestSpace(
                principals=PrincipalSpace(), actions=ActionSpace(include=("sts:AssumeRole",)),
                resources=ResourceSpace(include=(principal.arn,)), context=NO_MFA,
            ), {"identity": [ALLOW_ALL], "resource_policy": principal.trust, "resource_policy_required": True}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assembly", nargs="?", default="cdk.out")
    parser.add_argument("--account", default=None)
    parser.add_argument("--timeout-ms", type=int, default=5000)
    args = parser.parse_args()
    if not Path(args.assembly).is_dir():
        print(f"no assembly at {args.assembly}: run `make synth` first", file=sys.stderr)
        return 2
    start = time.perf_counter()
    catalog().matching("*")  # load the whole catalog once, outside the timings
    print(f"catalog loaded in {time.perf_counter() - start:.2f} s")
    model = load_account(args.assembly, account=args.account)
    times: dict[str, list[tuple[float, str]]] = {}
    verdicts: Counter[str] = Counter()
    for kind, label, space, policies in questions(model):
        began = time.perf_counter()
        verdict = find_allowed(space, timeout_ms=args.timeout_ms, **policies)
        elapsed = time.perf_counter() - began
        times.setdefault(kind, []).append((elapsed, label))
        verdicts[f"{kind}: {type(verdict).__name__}"] += 1
    total = sum(t for ts in times.values() for t, _ in ts)
    count = sum(len(ts) for ts in times.values())
    print(f"{count} questions in {total:.2f} s ({count / total:.1f} per second)")
    for kind, ts in times.items():
        slowest = max(ts)
        print(f"  {kind}: median {statistics.median(t for t, _ in ts) * 1000:.0f} ms, "
              f"slowest {slowest[0] * 1000:.0f} ms ({slowest[1]})")
    for name, n in sorted(verdicts.items()):
        print(f"  {name}: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
