"""The README's root tasks runbook stays in sync with the task policies the code knows: every
row says how the task is done (one known AssumeRoot task policy, or root credentials), and every
task policy RootTasks may be given has its row."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iam_baseline.config.organization_policies import ROOT_TASK_POLICIES

README = Path(__file__).resolve().parents[2] / "README.md"
ROOT_CREDENTIALS = "root credentials"


def runbook_rows(text: str) -> list[tuple[str, str]]:
    """(task, how) of each row of the table under "### Root tasks runbook".

    Raises:
        ValueError: no such table, or a row whose "how" is neither a known task policy nor root credentials.
    """
    section = text.split("### Root tasks runbook", 1)
    if len(section) != 2:
        raise ValueError("README has no '### Root tasks runbook' section")
    rows = []
    for line in section[1].split("\n### ", 1)[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or cells[0] in ("Task", "---") or not line.startswith("|"):
            continue
        how = cells[1].strip("`")
        if how not in (*ROOT_TASK_POLICIES, ROOT_CREDENTIALS):
            raise ValueError(f"runbook row {cells[0]!r}: unknown way {cells[1]!r}")
        rows.append((cells[0], how))
    return rows


def test_every_task_policy_has_its_row_and_every_row_a_known_way():
    rows = runbook_rows(README.read_text(encoding="utf-8"))
    assert sorted({how for _, how in rows} - {ROOT_CREDENTIALS}) == sorted(ROOT_TASK_POLICIES)
    tasks = " ".join(task for task, _ in rows).lower()
    # The IAM User Guide's "Tasks that require root user credentials", each present.
    for words in ("account name", "restore iam permissions", "billing and cost management", "tax invoices",
                  "close the account", "reserved instance marketplace", "mfa delete", "govcloud", "kms key",
                  "s3 bucket whose policy denies", "sqs queue whose policy denies"):
        assert words in tasks, words


def test_the_sync_check_rejects_an_unknown_task_policy_and_a_missing_one():
    text = README.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="unknown way '`S3DeleteEverything`'"):
        runbook_rows(text.replace("| `S3UnlockBucketPolicy` |", "| `S3DeleteEverything` |", 1))
    without_sqs = re.sub(r"\n\|[^\n]*`SQSUnlockQueuePolicy`[^\n]*", "", text, count=1)
    assert "SQSUnlockQueuePolicy" not in {how for _, how in runbook_rows(without_sqs)}
