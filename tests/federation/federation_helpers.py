"""Plain helpers of the federation tests (conftest.py holds the fixtures; template look-ups
and the test account are in template_tools)."""

from __future__ import annotations

import textwrap

import pytest

from template_tools import ACCOUNT, REGION


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


def arn(resource: str) -> dict:
    """The synthesized form of ``iam_arn(resource)``."""
    return {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, f":{resource}"]]}
