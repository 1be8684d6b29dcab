"""The committed JSON Schema is the one generated from the config models."""

from __future__ import annotations

import json

from template_tools import DEFAULT_CONFIG_FILE, ROOT


def test_committed_schema_equals_generated():
    from iam_baseline.config.schema import schema_json

    committed = (ROOT / "config" / "baseline.schema.json").read_text()
    assert committed == schema_json(), "run `make schema` and commit config/baseline.schema.json"


def test_schema_documents_every_field_and_refuses_unknown_keys():
    schema = json.loads((ROOT / "config" / "baseline.schema.json").read_text())
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["account_id", "region"]
    for name, definition in schema["$defs"].items():
        if "enum" in definition:  # a kind (e.g. IdentitySource, SubjectFormat) is a string enum, not a mapping
            assert definition["type"] == "string" and definition["enum"], name
            continue
        if name == "GroupsConfig":  # groups of one's own: extra keys of one grammar, each a GroupConfig
            assert definition["additionalProperties"] == {"$ref": "#/$defs/GroupConfig"}
            assert definition["propertyNames"] == {"pattern": "^[a-z][a-z0-9_]{0,63}$"}
            continue
        assert definition["additionalProperties"] is False, name
    for prop in schema["properties"].values():
        assert prop.get("description") or "$ref" in prop or "allOf" in prop


def test_the_config_fixture_points_editors_at_the_committed_schema():
    prefix = "# yaml-language-server: $schema="
    first_line = DEFAULT_CONFIG_FILE.read_text().splitlines()[0]
    assert first_line.startswith(prefix)
    assert (DEFAULT_CONFIG_FILE.parent / first_line.removeprefix(prefix)).resolve() == ROOT / "config" / "baseline.schema.json"


def test_committed_configuration_reference_equals_generated():
    from iam_baseline.config.reference import reference_markdown

    committed = (ROOT / "docs" / "configuration.md").read_text()
    assert committed == reference_markdown(), "run `make config-docs` and commit docs/configuration.md"


def test_the_configuration_reference_documents_the_hub_and_persona_keys():
    """Negative control of the generator: the keys README points at are in it, each in its model's table."""
    from iam_baseline.config.reference import reference_markdown

    text = reference_markdown()
    for heading, key in [
        ("PersonaConfig: `personas.<key>`", "`reach`"),
        ("CustomerPolicyConfig: `policies.<key>`", "`targets`"),
        ("MachineRoleConfig: `machine_roles[]`", "`reason`"),
        ("ServiceRoleConfig: `service_roles[]`", "`passed_by`"),
        ("OrganizationConfig: `organization`", "`identity_account`"),
        ("Targets: ", "`exclude`"),
    ]:
        section = text.split(heading, 1)[1].split("\n## ", 1)[0]
        assert f"| {key} |" in section, (heading, key)
    assert "| `reason` | string | *required* |" in text
