"""Unacknowledged findings of a synthesized cloud assembly, read from its validation report.

The CDK CLI fails ``cdk synth`` on findings in top-level stacks only; findings in a nested
``Stage`` (the StackSet member templates) are written to ``validation-report.json`` and
otherwise ignored. ``app.py`` reads the report after synthesis and fails on any finding, so
every template, nested or not, passes the same packs.
"""

from __future__ import annotations

import json
from pathlib import Path

REPORT_FILE = "validation-report.json"


def unacknowledged_findings(assembly_dir: str | Path) -> list[str]:
    """``"<rule> at <construct path>"`` for every violation in the report (none if no report)."""
    report = Path(assembly_dir) / REPORT_FILE
    if not report.exists():
        return []
    findings = []
    for plugin in json.loads(report.read_text(encoding="utf-8")).get("pluginReports", []):
        for violation in plugin.get("violations", []):
            for construct in violation.get("violatingConstructs", []):
                findings.append(f"{violation['ruleName']} at {construct.get('constructPath', '?')}")
    return sorted(set(findings))
