"""A config for another account that still holds example values is refused before synth,
with every value listed at its YAML path; an example (its own account) and a config of one's
own pass."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from template_tools import FIXTURES, ORGANIZATION_CONFIG_FILE, default_config_data

from iam_baseline.config.example_values import (
    ExampleValuesError,
    example_values_in,
    refuse_example_values,
)

OTHER_ACCOUNT = "210987654321"


def config_from_data(data: dict, source: str = "prod.yaml"):
    """The config of ``data`` as a file in tests/fixtures/ (access matrix included)."""
    from iam_baseline.config import parse_config

    return parse_config(yaml.safe_dump(data), source, folder=FIXTURES)


def _default_for_other_account():
    data = default_config_data()
    data["account_id"] = OTHER_ACCOUNT
    return config_from_data(data, "prod.yaml")


def _refusal(config) -> str:
    with pytest.raises(ExampleValuesError) as caught:
        refuse_example_values(config, "prod.yaml")
    return str(caught.value)


def test_the_examples_themselves_are_not_refused(default_config):
    refuse_example_values(default_config, "baseline.yaml")
    assert example_values_in(default_config)  # they do hold example values


def test_every_kind_of_example_value_is_listed_with_its_path():
    message = _refusal(_default_for_other_account())
    assert message.startswith(f"prod.yaml targets account {OTHER_ACCOUNT} but still holds ")
    for line in [
        "  - users[0].name: 'alice.admin' (an example person)",
        "  - users[2].name: 'carol.auditor' (an example person)",
        "  - detection.alerts.emails[0]: 'security@example.com' (an example.com mail address)",
        "  - federation.saml.providers[0].name: 'ExampleIdP' (the example SAML provider)",
        "  - federation.oidc.deploy_roles[0].github.organization: 'example-org' (the example GitHub organization)",
        "  - federation.oidc.deploy_roles[0].github.repository: 'infrastructure' (the example GitHub repository)",
        "  - federation.identity_center.instance_arn: 'arn:aws:sso:::instance/ssoins-0123456789abcdef' "
        "(the placeholder Identity Center instance)",
        "  - federation.identity_center.identity_store_id: 'd-0123456789' (the placeholder identity store id)",
        "  - federation.identity_center.assignments[3].principal_id: '9a6702d5-e061-70f1-5c8b-1f6d2e3c4b5a' "
        "(the placeholder identity store principal id)",
        "  - federation.identity_center.assignments[0].account_ids[0]: '111122223333' (an example account id)",
        "  - access_matrix.expectations[105].principal: 'federated:saml-provider/ExampleIdP' (the example SAML provider)",
        "  - access_matrix.expectations[108].context.keys['token.actions.githubusercontent.com:sub']: "
        "'repo:example-org/infrastructure:environment:production' (the example GitHub organization)",
        f"  - federation.saml.providers[0].metadata_file: '{FIXTURES / 'saml' / 'example-idp.xml'}' (the example "
        "IdP metadata: entityID http://www.okta.com/exk1a2b3c4d5E6F7g8h9, certificate CN=example-idp.example.com)",
        "  - federation.saml.providers[0].mfa_at_identity_provider.reason: \"The IdP's sign-on policy for the AWS "
        "application requires phishing-resistant MFA (FIDO2) at every sign-in.\" (the example's reason for "
        "mfa_at_identity_provider (say how your IdP requires MFA))",
    ]:
        assert f"\n{line}\n" in message, line
    assert message.endswith("Replace each with your own (`make init` writes a config without them), or remove the section.")


def test_the_organization_example_for_another_management_account_is_refused():
    data = yaml.safe_load(ORGANIZATION_CONFIG_FILE.read_text())
    data["account_id"] = data["organization"]["management_account_id"] = OTHER_ACCOUNT
    message = _refusal(config_from_data(data, "org.yaml"))
    assert "  - federation.oidc.deploy_roles[1].github.organization: 'example-org'" in message
    assert "  - federation.identity_center.identity_store_id: 'd-0123456789'" in message


def test_names_that_only_resemble_an_example_person_pass():
    """Whole names only: a user's own `alice.admins` or `bob.developer2` is not the example."""
    data = {"account_id": OTHER_ACCOUNT, "region": "eu-west-1", "mfa": {"allow_password_change_without_mfa": True},
            "users": [{"name": "alice.admins", "groups": ["admins"]}, {"name": "bob.developer2", "groups": ["developers"]},
                      {"name": "carol.auditor-2", "groups": ["read_only"]}],
            "detection": {"alerts": {"emails": ["secops@example.co.uk"]}}}  # fmt: skip
    assert example_values_in(config_from_data(data)) == []


def test_a_config_of_ones_own_passes():
    """Negative control: the same document with every example value replaced is accepted."""
    text = yaml.safe_dump(default_config_data())
    for old, new in [("111122223333", OTHER_ACCOUNT), ("alice.admin", "dana.ops"), ("bob.developer", "erik.dev"),
                     ("carol.auditor", "fay.audit"), ("example-org", "acme-corp"), ("security@example.com", "sec@acme.test"),
                     ("ssoins-0123456789abcdef", "ssoins-7223bc4a1b2c3d4e"), ("d-0123456789", "d-9067a1b2c3"),
                     ("9a6702d5-e061-70f1-5c8b-1f6d2e3c4b5a", "c4e8f2a1-70b1-7031-9d2e-0a1b2c3d4e5f")]:  # fmt: skip
        text = text.replace(old, new)
    data = yaml.safe_load(text)
    data["federation"].pop("saml")  # a user's own IdP metadata is not at hand here
    text = yaml.safe_dump(data)
    for old, new in [("bob.dev", "gil.dev"), ("carol.dev", "hana.dev"), ("@example.com", "@acme.test")]:
        text = text.replace(old, new)
    data = yaml.safe_load(text)
    data["access_matrix"]["expectations"] = [
        e for e in data["access_matrix"]["expectations"] if "ExampleIdP" not in json.dumps(e)
    ]
    data["access_matrix"]["admin_principals"] = ["persona:admin", "group:Admins", "group:BreakGlass"]
    config = config_from_data(data, "own.yaml")
    assert example_values_in(config) == []
    refuse_example_values(config, "own.yaml")


def test_synth_stops_before_building_with_exit_2(tmp_path, monkeypatch, capsys):
    import app

    data = default_config_data()
    data["account_id"] = OTHER_ACCOUNT
    config_file = tmp_path / "prod.yaml"
    config_file.write_text(yaml.safe_dump(data))
    shutil.copytree(FIXTURES / "saml", tmp_path / "saml")  # the metadata it names, next to it
    monkeypatch.setenv("CDK_CONTEXT_JSON", json.dumps({"config": str(config_file)}))
    monkeypatch.setattr(app, "build_app", lambda *a, **k: pytest.fail("build_app must not run"))
    assert app.main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {config_file} targets account {OTHER_ACCOUNT} but still holds ")
    assert "  - users[1].name: 'bob.developer' (an example person)\n" in err
    assert not (tmp_path / "prod.break-glass.lock").exists()
