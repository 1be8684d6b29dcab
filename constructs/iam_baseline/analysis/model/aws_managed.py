"""Documents of AWS managed policies, from the pinned copy that moto ships.

moto (pinned in ``requirements-check.txt``) bundles the default version of every AWS managed
policy as one JSON string in ``moto/iam/aws_managed_policies.py``, refreshed from AWS by its
maintainers. This module reads that file as *data*: it never imports moto (which would load
boto3 and cost most of the 2-second budget of ``make check``).

An ARN that is not in the copy raises :class:`UnknownManagedPolicy`: an unknown policy is
never assumed to allow everything or nothing. Bumping the moto pin refreshes the copy.
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any

#: Where moto keeps the data, relative to its package directory.
MOTO_DATA_FILE = Path("iam") / "aws_managed_policies.py"
_ASSIGNMENT = "aws_managed_policies_data = "


class UnknownManagedPolicy(LookupError):
    """An AWS managed policy ARN that the pinned copy does not hold (or no copy installed)."""


@cache
def _catalog() -> dict[str, dict[str, Any]]:
    spec = importlib.util.find_spec("moto")  # locates the package without executing it
    if spec is None or not spec.submodule_search_locations:
        raise UnknownManagedPolicy(
            "the pinned copy of AWS managed policies is missing: install the dev requirements (make install)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / MOTO_DATA_FILE
    text = path.read_text(encoding="utf-8")
    start = text.index(_ASSIGNMENT) + len(_ASSIGNMENT)
    quote = text[start : start + 3]
    end = text.rindex(quote)
    return json.loads(text[start + 3 : end])


def managed_policy_name(arn: str) -> str | None:
    """``arn:aws:iam::aws:policy/job-function/ViewOnlyAccess`` -> ``ViewOnlyAccess``; else None."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "iam" or parts[4] != "aws":
        return None
    if not parts[5].startswith("policy/"):
        return None
    return parts[5].rsplit("/", 1)[-1]


def is_aws_managed(arn: str) -> bool:
    """Whether ``arn`` names an AWS managed policy (account ``aws`` in the ARN)."""
    return managed_policy_name(arn) is not None


def aws_managed_document(arn: str) -> dict[str, Any]:
    """The default-version document of the AWS managed policy ``arn``.

    The path in the ARN must match the policy's path (``/job-function/``, ``/service-role/``...),
    as IAM requires.

    Raises:
        UnknownManagedPolicy: not an AWS managed policy ARN, unknown name, or wrong path.
    """
    name = managed_policy_name(arn)
    if name is None:
        raise UnknownManagedPolicy(f"{arn} is not an AWS managed policy ARN")
    entry = _catalog().get(name)
    if entry is None:
        raise UnknownManagedPolicy(f"unknown AWS managed policy {arn}: not in the pinned copy (moto)")
    expected = f"policy{entry['Path']}{name}"
    if arn.split(":", 5)[5] != expected:
        raise UnknownManagedPolicy(f"unknown AWS managed policy {arn}: its path is {entry['Path']}")
    return entry["Document"]


def known_policy_paths() -> dict[str, str]:
    """Name -> path (``/``, ``/job-function/``, ...) of every AWS managed policy in the pinned copy.

    Raises:
        UnknownManagedPolicy: the pinned copy is not installed.
    """
    return {name: entry["Path"] for name, entry in _catalog().items()}
