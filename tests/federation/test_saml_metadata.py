"""SAML metadata checks: real IdP export shapes accepted, every bad input refused clearly."""

from __future__ import annotations

from datetime import timedelta

import pytest
from federation_helpers import config_error
from saml_fixtures import NOW, certificate_b64, entra_metadata, google_metadata, okta_metadata

from iam_baseline.federation.saml_metadata import SamlMetadataError, parse_metadata

VALID = certificate_b64("signing.example.com")
EXPIRED = certificate_b64("old.example.com", not_before=NOW - timedelta(days=800), not_after=NOW - timedelta(days=30))


def refusal(document: str) -> str:
    with pytest.raises(SamlMetadataError) as info:
        parse_metadata(document, "idp.xml")
    return str(info.value)


@pytest.mark.parametrize(
    ("document", "entity_id"),
    [
        (okta_metadata(VALID), "http://www.okta.com/exk1a2b3c4d5E6F7g8h9"),
        (entra_metadata(VALID), "https://sts.windows.net/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0/"),
        (google_metadata(VALID), "https://accounts.google.com/o/saml2?idpid=C01abc2de"),
        # A KeyDescriptor without ``use`` serves signing too (SAML metadata 2.4.1.1).
        (okta_metadata(VALID, key_use=""), "http://www.okta.com/exk1a2b3c4d5E6F7g8h9"),
    ],
    ids=["okta", "entra-id", "google-workspace", "key-without-use"],
)
def test_idp_exports_are_accepted(document, entity_id):
    metadata = parse_metadata(document, "idp.xml")
    assert metadata.entity_id == entity_id
    assert [c.subject for c in metadata.certificates] == ["CN=signing.example.com"]


def test_an_expired_certificate_next_to_a_valid_one_is_accepted():
    """Entra ID lists the old and the new certificate during a rollover."""
    metadata = parse_metadata(entra_metadata(EXPIRED, VALID), "idp.xml")
    assert len(metadata.certificates) == 2


def test_malformed_xml():
    assert refusal(okta_metadata(VALID).replace("</md:IDPSSODescriptor>", "")).startswith(
        "SAML metadata idp.xml: not well-formed XML (mismatched tag: line "
    )


def test_dtd_and_entities_are_refused():
    document = okta_metadata(VALID).replace('?>', '?><!DOCTYPE x [<!ENTITY e "boom">]>', 1)
    assert refusal(document).startswith("SAML metadata idp.xml: refused: the document declares a DTD or entities")


def test_root_must_be_one_entity_descriptor():
    document = okta_metadata(VALID).replace("md:EntityDescriptor", "md:EntitiesDescriptor")
    assert refusal(document) == (
        "SAML metadata idp.xml: the root element is {urn:oasis:names:tc:SAML:2.0:metadata}EntitiesDescriptor, "
        "expected EntityDescriptor in namespace urn:oasis:names:tc:SAML:2.0:metadata"
    )


def test_missing_idpssodescriptor():
    document = okta_metadata(VALID).replace("md:IDPSSODescriptor", "md:SPSSODescriptor")
    assert refusal(document) == (
        "SAML metadata idp.xml: no IDPSSODescriptor: this is not identity provider metadata "
        "(service provider metadata?)"
    )


def test_expired_certificate():
    message = refusal(okta_metadata(EXPIRED))
    expired = NOW - timedelta(days=30)
    assert message == (
        f"SAML metadata idp.xml: no signing certificate is valid on {NOW:%Y-%m-%d} (expired or not yet valid: "
        f"CN=old.example.com valid {NOW - timedelta(days=800):%Y-%m-%d} to {expired:%Y-%m-%d})"
    )


def test_certificate_that_does_not_parse():
    message = refusal(okta_metadata("TUlJQm9ndXM=" + "A" * 900))
    assert message.startswith("SAML metadata idp.xml: signing certificate #1 is not a valid X.509 certificate (")


def test_only_an_encryption_key():
    assert refusal(okta_metadata(VALID, key_use='use="encryption"')) == (
        "SAML metadata idp.xml: the IDPSSODescriptor has no signing certificate (KeyDescriptor/X509Certificate)"
    )


def test_metadata_past_its_valid_until():
    assert refusal(google_metadata(VALID, valid_until="2020-01-01T00:00:00Z")) == (
        "SAML metadata idp.xml: the metadata expired (validUntil 2020-01-01T00:00:00Z); export it again from the IdP"
    )


def test_a_certificate_alone_is_not_metadata():
    assert refusal(f"<x>{VALID[:200]}</x>") == (
        "SAML metadata idp.xml: the document is 207 characters; IAM accepts 1,000-10,000,000 "
        "(export the full IdP metadata, not a certificate)"
    )


def test_config_error_names_the_yaml_path_and_the_file(metadata_file):
    path = metadata_file("expired.xml", okta_metadata(EXPIRED))
    message = config_error(
        f"""
        saml:
          providers:
            - name: Okta
              metadata_file: {path}
        """
    )
    assert "1 problem\n" in message
    assert "federation.saml.providers[0].metadata_file (line 7, column 9): no signing certificate is valid on" in message
    assert f'[got: "{path}"]' in message


def test_config_error_for_a_missing_file():
    from pathlib import Path

    message = config_error(
        """
        saml:
          providers:
            - name: Okta
              metadata_file: config/saml/missing.xml
        """
    )
    resolved = Path.cwd() / "config" / "saml" / "missing.xml"
    assert message.endswith(
        "  - federation.saml.providers[0].metadata_file (line 7, column 9): no such file; a relative path starts "
        f"from the config file's folder {Path.cwd()} (resolved: {resolved}) "
        '[got: "config/saml/missing.xml"]'
    )


def test_committed_example_metadata_holds_a_long_lived_public_certificate():
    from iam_baseline.federation.saml_metadata import read_metadata
    from template_tools import FIXTURES

    path = FIXTURES / "saml" / "example-idp.xml"
    assert "PRIVATE KEY" not in path.read_text()
    (certificate,) = read_metadata(path).certificates
    assert certificate.not_after.year >= 2045
