#!/usr/bin/env python3
"""``make init``: write a new config for your account from config/init-template.yaml.in.

Usage: ``make init ACCOUNT=123456789012 REGION=eu-central-1 [CONFIG=config/prod.yaml]``
(``python scripts/init_config.py --account ... --region ... [--config PATH]``).

The template holds your account and region, no example people, and the optional sections
(detection, break-glass, federation, Identity Center) commented with what each needs. The
account and region are validated by the config's own rules (the rendered file is loaded
before it is written); a refused ACCOUNT or REGION is named with what is allowed, and
nothing is written. An existing file is never overwritten. Exit status: 0 written, 1 the file
exists, 2 the account or region is refused.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "config" / "init-template.yaml.in"
SCHEMA = ROOT / "config" / "baseline.schema.json"


def default_config_path(account: str) -> str:
    """Where ``make init`` writes without ``CONFIG=``: config/baseline.yaml is the example."""
    return f"config/account-{account}.yaml"


def render(account: str, region: str, config_path: Path) -> str:
    """The template with ``account`` and ``region`` filled in and the schema path relative to
    the new file (for editors that read the ``yaml-language-server`` line)."""
    schema = os.path.relpath(SCHEMA, config_path.resolve().parent)
    return (
        TEMPLATE.read_text(encoding="utf-8")
        .replace("@ACCOUNT_ID@", account)
        .replace("@REGION@", region)
        .replace("@SCHEMA@", Path(schema).as_posix())
    )


#: What ``ACCOUNT=`` takes (AWS Account Management Reference, "View AWS account identifiers").
ACCOUNT_ALLOWED = "an AWS account id: exactly 12 digits 0-9, e.g. ACCOUNT=123456789012"


def refused_arguments(account: str, region: str) -> list[str]:
    """One line per refused argument: the make variable, its value and what is allowed (the
    config's own rules: :data:`iam_baseline.config.types.AccountId`,
    :func:`iam_baseline.config.regions.known_region`); empty when both are accepted.

    Checked before the template is rendered: the error is about ``ACCOUNT=``/``REGION=``, not
    about lines of a file that is never written.
    """
    from pydantic import TypeAdapter, ValidationError

    from iam_baseline.config.regions import known_region
    from iam_baseline.config.types import AccountId

    problems = []
    try:
        TypeAdapter(AccountId).validate_python(account)
    except ValidationError:
        problems.append(f"ACCOUNT={account!r} is not {ACCOUNT_ALLOWED}")
    try:
        known_region(region)
    except ValueError as error:
        problems.append(f"REGION={error}")  # known_region's message starts with the code, quoted
    return problems


def next_steps(config: str, account: str, region: str) -> str:
    make_config = f" CONFIG={config}" if config != "config/baseline.yaml" else ""
    return (
        f"wrote {config} (account {account}, region {region})\n"
        "Next steps:\n"
        f"  1. Edit {config}: add users, or uncomment detection, break-glass, federation (each says what it needs).\n"
        f"  2. make synth{make_config}    # templates checked by the cdk-nag packs, into cdk.out/\n"
        f"  3. make check{make_config}    # prove the access matrix and search privilege escalation, offline\n"
        f"  4. npx cdk bootstrap aws://{account}/{region}    # once per account and region, with its credentials\n"
        f"  5. make diff{make_config} && make deploy{make_config}\n"
        f"Commit {config} and the locks synth writes next to it: the names lock ({config.removesuffix('.yaml')}.names.lock)\n"
        "and, once break-glass or Identity Center users are on, their locks."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make init", description=__doc__.split("\n")[0])
    parser.add_argument("--account", required=True, help="12-digit AWS account id (ACCOUNT=...)")
    parser.add_argument("--region", required=True, help="home region, e.g. eu-central-1 (REGION=...)")
    parser.add_argument("--config", help="the file to write (CONFIG=...; default config/account-<ACCOUNT>.yaml)")
    args = parser.parse_args(argv)
    config = args.config or default_config_path(args.account)
    path = Path(config)
    if path.exists():
        print(f"error: {config} exists; `make init` never overwrites a config (choose another CONFIG=...)", file=sys.stderr)
        return 1

    refused = refused_arguments(args.account, args.region)
    if refused:
        print(*(f"error: {line}" for line in refused), sep="\n", file=sys.stderr)
        return 2

    from iam_baseline.config import ConfigError, parse_config

    text = render(args.account, args.region, path)
    try:
        parse_config(text, config)
    except ConfigError as error:
        # The template's own rules refused it (not the arguments, checked above): a defect here.
        print(f"error: ACCOUNT={args.account!r} REGION={args.region!r} refused: {error}", file=sys.stderr)
        return 2
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as out:  # "x": never overwrite, even in a race
        out.write(text)
    print(next_steps(config, args.account, args.region))
    return 0


if __name__ == "__main__":
    sys.exit(main())
