#!/usr/bin/env python3
"""Benchmark ``cdk synth`` of generated organizations, and a one-assignment change.

For 10, 50, 100 and 200 member accounts, generates an organization config (four OUs, each
with its baseline variant rolled out by a StackSet; 10 permission sets; 3 groups per account,
``team-NNNN-admins`` / ``-developers`` / ``-readers``, assigned 10 permission sets in all, so
10 assignments and 3 principal lookups per account) and runs ``cdk synth`` through the pinned
CDK CLI (the 4 cdk-nag packs included). Prints per size: wall time, peak memory (RSS summed
over the process tree, as ``make bench``), stack count (nested StackSet member stacks
included) and the largest stack's resource count.

The account baseline itself is one template per variant: CloudFormation, not the synth,
deploys it to each account, so its synth cost does not grow with the accounts.

Then, on the 100-account organization, adds one assignment (one permission set for one
group in one account), re-runs ``cdk synth`` and runs ``cdk diff`` of the one affected stack
against its previous template (``--template``: no AWS call), timed; and checks that no other
template changed.

Usage: ``make bench-scale`` (or ``python scripts/bench_scale.py --sizes 10 50``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from bench_synth import measure  # noqa: E402

CDK = str(ROOT / "node_modules" / ".bin" / "cdk")
MANAGEMENT, ADMIN = "100000000000", "100000000001"
OUS = (("Security", "security"), ("Workloads/Prod", "production"), ("Workloads/Dev", "development"), ("Sandbox", "sandbox"))
PERMISSION_SETS = {
    "Admin": {"persona": "admin"},
    "Developer": {"persona": "developer"},
    "ReadOnly": {"persona": "read_only"},
    "Support": {"persona": "support"},
    "SecurityAuditor": {"aws_managed_policies": ["SecurityAudit"]},
    "Billing": {"aws_managed_policies": ["job-function/Billing"]},
    "NetworkAdmin": {"aws_managed_policies": ["job-function/NetworkAdministrator"]},
    "DatabaseAdmin": {"aws_managed_policies": ["job-function/DatabaseAdministrator"]},
    "DataScientist": {"aws_managed_policies": ["job-function/DataScientist"]},
    "ViewOnly": {"aws_managed_policies": ["job-function/ViewOnlyAccess"]},
}
#: Each account's three groups and the permission sets they get there (10 in all).
GROUP_SETS = {
    "admins": ("Admin", "Support", "NetworkAdmin"),
    "developers": ("Developer", "DatabaseAdmin", "DataScientist", "ReadOnly"),
    "readers": ("ViewOnly", "SecurityAuditor", "Billing"),
}


def account_id(n: int) -> str:
    return f"{200000000000 + n * 7919:012d}"  # spread ids, as real ones are


def organization_config(accounts: int, extra_assignment: bool = False) -> dict:
    """A generated organization of ``accounts`` member accounts (the first one is the
    delegated administrator), as config data."""
    ids = [ADMIN] + [account_id(n) for n in range(1, accounts)]
    per_ou = math.ceil(len(ids) / len(OUS))
    assignments = [
        {"permission_set": ps, "principal_type": "GROUP", "principal_name": f"team-{n:04d}-{group}", "account_ids": [acct]}
        for n, acct in enumerate(ids)
        for group, sets in GROUP_SETS.items()
        for ps in sets
    ]
    if extra_assignment:  # one more permission set for one group in one account
        assignments.append(
            {"permission_set": "Billing", "principal_type": "GROUP", "principal_name": "team-0042-admins", "account_ids": [ids[42]]}
        )
    config = {
        "account_id": MANAGEMENT,
        "region": "eu-west-1",
        "federation": {
            "identity_center": {
                "instance_arn": "arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6",  # not the example's placeholder
                "identity_store_id": "d-9067a1b2c3",
                "account_id": ADMIN,
                "region": "eu-west-1",
                "permission_sets": [{"name": name, **props} for name, props in PERMISSION_SETS.items()],
                "assignments": assignments,
            }
        },
        "organization": {
            "management_account_id": MANAGEMENT,
            "delegated_admin_account_id": ADMIN,
            "baselines": {variant: {"description": f"{path} accounts"} for path, variant in OUS},
            "organizational_units": [
                {
                    "path": path,
                    "id": f"ou-abcd-{i:08d}",
                    "baseline": variant,
                    "accounts": [{"name": f"account-{j:04d}", "id": ids[j]} for j in range(i * per_ou, min(len(ids), (i + 1) * per_ou))],
                }
                for i, (path, variant) in enumerate(OUS)
            ],
        },
    }
    config["organization"]["assignment_shards"] = shard_count(config)
    return config


def shard_count(data: dict) -> int:
    """What an operator would choose: the smallest count that fits (CloudFormation's resources
    per stack and the lookup role's policy size), plus 50% headroom for growth; from there, the
    first count that fits (placement is a hash: a larger count is not always a better one)."""
    from iam_baseline.config import parse_config
    from iam_baseline.federation.assignment_shards import ShardQuotas, account_assignments, shard_count_for

    config = parse_config(yaml.safe_dump({**data, "organization": {**data["organization"], "assignment_shards": 200}}))
    center = config.federation.identity_center
    assignments, quotas = account_assignments(center, config.organization), ShardQuotas.for_center(center)
    needed = shard_count_for(assignments, quotas=quotas)
    return shard_count_for(assignments, start=max(1, math.ceil(needed * 1.5)), quotas=quotas)


def stacks_of(outdir: Path) -> dict[str, dict]:
    """Every template of the cloud assembly in ``outdir``, nested assemblies included."""
    templates = {}
    for path in outdir.rglob("*.template.json"):
        templates[str(path.relative_to(outdir))] = json.loads(path.read_text())
    return templates


def stack_name(template_path: str) -> str:
    return Path(template_path).name.removesuffix(".template.json")


def synth(config: dict, work: Path, name: str) -> tuple[float, float, Path]:
    config_file = work / f"{name}.yaml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False))
    outdir = work / f"{name}.out"
    wall, peak = measure([CDK, "synth", "--quiet", "--no-notices", "-c", f"config={config_file}", "--output", str(outdir)], ROOT)
    return wall, peak, outdir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 100, 200], help="member account counts")
    args = parser.parse_args()
    os.environ.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
    print(f"cdk synth of generated organizations on {os.cpu_count()} cores (4 nag packs; 10 permission sets; 3 groups per account)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        outdirs = {}
        for size in args.sizes:
            config = organization_config(size)
            wall, peak, outdir = synth(config, work, f"org{size}")
            outdirs[size] = (config, outdir)
            templates = stacks_of(outdir)
            largest = max(templates, key=lambda k: len(templates[k]["Resources"]))
            print(
                f"{size:>4} accounts: wall {wall:6.1f} s   peak memory {peak:7.1f} MiB   stacks {len(templates):3d}   "
                f"largest stack {len(templates[largest]['Resources'])} resources ({stack_name(largest)}; "
                f"{config['organization']['assignment_shards']} assignment shards)"
            )
        if 100 in outdirs:
            one_assignment_change(work, *outdirs[100])


def one_assignment_change(work: Path, config: dict, before: Path) -> None:
    from iam_baseline.federation.assignment_shards import shard_of

    changed_config = organization_config(100, extra_assignment=True)
    account = changed_config["federation"]["identity_center"]["assignments"][-1]["account_ids"][0]
    stack = f"IdentityCenterAssignments{shard_of(account, config['organization']['assignment_shards']):03d}"
    synth_wall, _, after = synth(changed_config, work, "org100-changed")
    old, new = stacks_of(before), stacks_of(after)
    changed = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    start = time.perf_counter()
    diff = subprocess.run(
        [CDK, "diff", stack, "--exclusively", "--app", str(after), "--template", str(before / f"{stack}.template.json"), "--no-notices"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "AWS_EC2_METADATA_DISABLED": "true"},
    )
    diff_wall = time.perf_counter() - start
    if diff.returncode != 0:
        sys.exit(f"cdk diff failed:\n{diff.stdout[-2000:]}\n{diff.stderr[-2000:]}")
    added = [line.strip() for line in (diff.stdout + diff.stderr).splitlines() if line.strip().startswith("[+]")]
    print(
        f"one-assignment change on 100 accounts: cdk synth {synth_wall:.1f} s + cdk diff {stack} {diff_wall:.1f} s "
        f"= {synth_wall + diff_wall:.1f} s; templates changed: {', '.join(stack_name(c) for c in changed)}"
    )
    for line in added:
        print(f"  {line}")


if __name__ == "__main__":
    main()
