"""Helpers of the detection tests: moto's EventBridge pattern matcher and the variant config
that switches on everything the default config leaves out (template look-ups: template_tools)."""

from __future__ import annotations

import json
from typing import Any

from template_tools import default_config_data


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """Whether EventBridge would deliver ``event`` to a rule with ``pattern`` (moto's matcher)."""
    from moto.events.models import EventPattern

    return EventPattern.load(json.dumps(pattern)).matches_event(event)


def variant_data() -> dict[str, Any]:
    """The default config with the optional parts switched on: home region us-east-1, role-mode
    break-glass, a CloudTrail log group, organization analyzers with archive rules, an
    HTTPS endpoint and an account alias."""
    data = default_config_data()
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

