"""Plain helpers of the federation tests (conftest.py holds the fixtures)."""

from __future__ import annotations

import textwrap

import pytest

ACCOUNT = "111122223333"
REGION = "eu-west-1"


def parse_federation(snippet: str):
    """Parse a config whose ``federation:`` section is ``snippet`` (YAML, unindented)."""
    from iam_baseline.config import parse_config

    body = textwrap.indent(textwrap.dedent(snippet).strip("\n"), "  ")
    return parse_config(f'account_id: "{ACCOUNT}"\nregion: {REGION}\nfederation:\n{body}', "test.yaml")


def config_error(snippet: str) -> str:
    """The text of the ConfigError that ``snippet`` raises."""
    from iam_baseline.config import ConfigError

    with pytest.raises(ConfigError) as info:
        parse_federation(snippet)
    return str(info.value)


def template_of(stack) -> dict:
    from aws_cdk.assertions import Template

    return Template.from_stack(stack).to_json()


def resources_of(template: dict, type_: str) -> dict[str, dict]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == type_}


def arn(resource: str) -> dict:
    """The synthesized form of ``iam_arn(resource)``."""
    return {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, f":{resource}"]]}
