"""Plain helpers of the organization tests (conftest.py holds the fixtures)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "fixtures" / "organization.yaml"  # the suite's copy of config/examples/organization.yaml
HUB = ROOT / "tests" / "fixtures" / "hub-and-spoke.yaml"  # the suite's copy of config/examples/hub-and-spoke.yaml
#: The example with its identity account (the example itself since it has one).
HUB_IDENTITY = HUB


def example_data() -> dict:
    """The example organization config as plain data, to modify in a test."""
    return copy.deepcopy(yaml.safe_load(EXAMPLE.read_text()))


def parse(data: dict, folder=None):
    """The config of ``data`` as if it were a file in ``folder`` (default: the fixture's)."""
    from iam_baseline.config import parse_config

    return parse_config(yaml.safe_dump(data, sort_keys=False), "org.yaml", folder=folder or EXAMPLE.parent)


def config_error(data: dict, folder=None) -> str:
    from iam_baseline.config import ConfigError

    with pytest.raises(ConfigError) as info:
        parse(data, folder)
    return str(info.value)


def synth_templates(config, outdir) -> tuple[object, dict[str, dict]]:
    """Synthesize the app of ``config`` (nag packs included) into ``outdir``; return the
    assembly and every template, nested stages included, by hierarchical stack id."""
    from app import build_app

    assembly = build_app(config, outdir=str(outdir)).synth()
    return assembly, {stack.hierarchical_id: stack.template for stack in assembly.stacks_recursively}


def resources_of(template: dict, type_: str) -> dict[str, dict]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == type_}


def member_stack_ids(templates: dict[str, dict]) -> list[str]:
    """The StackSet members' baseline templates (each stage also holds its ``GlobalEvents`` forwarding template)."""
    return sorted(k for k in templates if k.startswith("StackSetMember") and k.endswith("/AccountBaseline"))


def hub_data(path: Path = HUB) -> dict:
    """The hub-and-spoke example (or the fixture at ``path``) as plain data, to modify in a test."""
    return copy.deepcopy(yaml.safe_load(path.read_text()))


def parse_hub(data: dict, path: Path = HUB):
    from iam_baseline.config import parse_config

    return parse_config(yaml.safe_dump(data, sort_keys=False), "hub.yaml", folder=path.parent)


def hub_error(data: dict, path: Path = HUB) -> str:
    from iam_baseline.config import ConfigError

    with pytest.raises(ConfigError) as info:
        parse_hub(data, path)
    return str(info.value)


def member_plan(data: dict) -> dict[str, tuple[str, str, list[str]]]:
    """member account -> (StackSet group key, its member config as JSON, the policies it creates)."""
    import json

    from iam_baseline.config.member_config import member_baseline_config
    from iam_baseline.config.stackset_groups import stackset_groups

    config = parse_hub(data)
    plan = {}
    for group in stackset_groups(config):
        member = member_baseline_config(config, group.variant, group.machine_roles, group.service_roles,
                                        identity=group.identity, policies=group.policies)
        for account in group.accounts:
            plan[account] = (group.key, json.dumps(member.model_dump(mode="json"), sort_keys=True), sorted(member.policies))
    return plan


def without_organization(data: dict) -> dict:
    """``data`` without its organization and what needs one (machine roles' targets, personas' reach)."""
    del data["organization"]
    data["machine_roles"] = []
    for persona in (*data.get("roles", {}).values(), *data.get("personas", {}).values()):
        if isinstance(persona, dict):
            persona.pop("reach", None)
    return data
