"""Fixtures of the federation tests: small stacks, metadata files, config parsing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from template_tools import ACCOUNT, REGION  # noqa: E402


@pytest.fixture
def stack():
    """A bare stack in a known account and region, for one construct."""
    from aws_cdk import App, Environment, Stack

    return Stack(App(), "Test", env=Environment(account=ACCOUNT, region=REGION))


@pytest.fixture
def metadata_file(tmp_path):
    """Write an Okta-shaped metadata file with a fresh valid certificate; return its path."""
    from saml_fixtures import certificate_b64, okta_metadata

    cert = certificate_b64()

    def write(name: str = "idp.xml", document: str | None = None) -> str:
        path = tmp_path / name
        path.write_text(document if document is not None else okta_metadata(cert), encoding="utf-8")
        return str(path)

    return write


@pytest.fixture(scope="session")
def identity_center_template(default_assembly) -> dict:
    stack = default_assembly.get_stack_by_name("IamBaselineIdentityCenter")
    return json.loads(Path(stack.template_full_path).read_text())
