"""Helpers of the detection tests: moto's EventBridge pattern matcher, template look-ups,
and the variant config that switches on everything the default config leaves out."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """Whether EventBridge would deliver ``event`` to a rule with ``pattern`` (moto's matcher)."""
    from moto.events.models import EventPattern

    return EventPattern.load(json.dumps(pattern)).matches_event(event)


def variant_data() -> dict[str, Any]:
    """The default config with the optional parts switched on: home region us-east-1, role-mode
    break-glass, a CloudTrail log group, organization analyzers with archive rules, an
    HTTPS endpoint and an account alias."""
    data = yaml.safe_load((ROOT / "config" / "baseline.yaml").read_text())
    data["region"] = "us-east-1"
    data["stack_name"] = "IamBaselineVariant"
    alerts = data["detection"]["alerts"]
    alerts["cloudtrail_log_group_name"] = "aws-cloudtrail-logs-111122223333"
    alerts["https_endpoint"] = "https://hooks.example.com/alerts"
    analyzer = data["detection"]["access_analyzer"]
    analyzer["scope"] = "organization"
    analyzer["external_access"]["archive_rules"] = [
        {"name": "TrustedAuditAccount", "filters": [{"property": "principal.AWS", "eq": ["444455556666"]}]}
    ]
    analyzer["unused_access"]["unused_access_age_days"] = 90
    analyzer["unused_access"]["archive_rules"] = [
        {"name": "IgnoreBreakGlass", "filters": [{"property": "resource", "contains": ["BreakGlass"]}]}
    ]
    data["break_glass"] = {
        "mode": "role",
        "role_name": "BreakGlassAdmin",
        "trusted_principals": [
            "arn:aws:iam::444455556666:user/breakglass/alice",
            "arn:aws:iam::444455556666:user/breakglass/bob",
        ],
    }
    data["account_alias"] = "acme-production"
    return data


def resources(template: dict, type_: str) -> dict[str, dict]:
    """Logical id -> resource of every resource of ``type_`` in ``template``."""
    return {k: v for k, v in template["Resources"].items() if v["Type"] == type_}


def by_path(template: dict, path: str) -> dict:
    """The resource at construct ``path`` below the stack, e.g. ``AlertRules/RootActivity/Resource``.

    Found by its logical id, which CDK derives from the path: the components without
    ``Resource``/``Default``, alphanumerics only, then an 8-character hash. (Templates
    synthesized in-process carry no ``aws:cdk:path`` metadata.)
    """
    parts = [p for p in path.split("/") if p not in ("Resource", "Default")]
    prefix = re.sub(r"[^A-Za-z0-9]", "", "".join(parts))
    found = [v for k, v in template["Resources"].items() if re.fullmatch(prefix + "[0-9A-F]{8}", k)]
    assert len(found) == 1, f"{len(found)} resources at {path}"
    return found[0]
