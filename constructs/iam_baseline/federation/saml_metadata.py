"""Reading and checking SAML 2.0 identity provider metadata before IAM sees it.

IAM's ``CreateSAMLProvider`` accepts the metadata document an IdP exports (Okta, Microsoft
Entra ID, Google Workspace, ...). A wrong file is otherwise discovered only at deploy time,
or worse, at the first failed sign-in after a certificate expired. :func:`read_metadata`
refuses, with the file path and what is wrong:

* a document that is not well-formed XML, or that uses DTDs or entities (parsed with
  ``defusedxml``: metadata never needs them, and they are the XML bomb / XXE vectors);
* a root that is not an ``md:EntityDescriptor`` (aggregates, ``EntitiesDescriptor``, hold
  many IdPs: IAM takes one);
* no ``md:IDPSSODescriptor`` (a service-provider metadata file was exported by mistake);
* an ``EntityDescriptor`` whose ``validUntil`` has passed;
* no signing certificate (``KeyDescriptor`` with ``use="signing"`` or without ``use``, which
  SAML defines as both), a certificate that does not parse as X.509 (``cryptography``), or
  no signing certificate valid now;
* a document outside IAM's 1,000-10,000,000 character bounds.

Sources: OASIS "Metadata for the OASIS Security Assertion Markup Language (SAML) V2.0",
sections 2.3.2 (EntityDescriptor), 2.4.3 (IDPSSODescriptor), 2.4.1.1 (KeyDescriptor);
IAM API Reference, ``CreateSAMLProvider`` parameter ``SAMLMetadataDocument``.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from cryptography import x509
from defusedxml import DefusedXmlException

MD_NS = "urn:oasis:names:tc:SAML:2.0:metadata"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"

#: IAM ``CreateSAMLProvider``: ``SAMLMetadataDocument`` is 1,000-10,000,000 characters.
MIN_DOCUMENT_CHARS = 1000
MAX_DOCUMENT_CHARS = 10_000_000


class SamlMetadataError(ValueError):
    """The metadata file at ``path`` cannot be used; ``reason`` says why."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"SAML metadata {path}: {reason}")


@dataclass(frozen=True)
class SigningCertificate:
    """One signing certificate of the IdP: subject and validity period (UTC)."""

    subject: str
    not_before: datetime
    not_after: datetime

    def valid_at(self, when: datetime) -> bool:
        return self.not_before <= when <= self.not_after


@dataclass(frozen=True)
class SamlMetadata:
    """What the baseline needs from a checked metadata document."""

    entity_id: str
    document: str
    certificates: tuple[SigningCertificate, ...]


def _parse_certificate(path: str, text: str | None, index: int) -> SigningCertificate:
    try:
        der = base64.b64decode("".join((text or "").split()), validate=True)
        cert = x509.load_der_x509_certificate(der)
    except (binascii.Error, ValueError) as exc:
        raise SamlMetadataError(path, f"signing certificate #{index + 1} is not a valid X.509 certificate ({exc})")
    return SigningCertificate(
        subject=cert.subject.rfc4514_string() or "<empty subject>",
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
    )


def _signing_certificates(path: str, idp: Element) -> list[str | None]:
    texts: list[str | None] = []
    for key in idp.findall(f"{{{MD_NS}}}KeyDescriptor"):
        # SAML metadata 2.4.1.1: a KeyDescriptor without ``use`` serves signing and encryption.
        if key.get("use", "signing") != "signing":
            continue
        texts.extend(cert.text for cert in key.iter(f"{{{DS_NS}}}X509Certificate"))
    return texts


def _parse_instant(path: str, value: str) -> datetime:
    try:
        instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SamlMetadataError(path, f"validUntil {value!r} is not an xs:dateTime") from None
    return instant if instant.tzinfo else instant.replace(tzinfo=timezone.utc)


def parse_metadata(document: str, path: str = "<document>", *, now: datetime | None = None) -> SamlMetadata:
    """Check a metadata ``document`` (the file's text) and return its signing certificates.

    Args:
        document: the XML text.
        path: shown in every error message.
        now: the instant certificates must be valid at (UTC); default the current time.

    Raises:
        SamlMetadataError: for every case listed in the module docstring; the message starts
            with ``SAML metadata <path>:``.
    """
    now = now or datetime.now(timezone.utc)
    if not MIN_DOCUMENT_CHARS <= len(document) <= MAX_DOCUMENT_CHARS:
        raise SamlMetadataError(
            path,
            f"the document is {len(document):,} characters; IAM accepts "
            f"{MIN_DOCUMENT_CHARS:,}-{MAX_DOCUMENT_CHARS:,} (export the full IdP metadata, not a certificate)",
        )
    try:
        root = SafeET.fromstring(document, forbid_dtd=True)
    except SafeET.ParseError as exc:
        raise SamlMetadataError(path, f"not well-formed XML ({exc})") from None
    except DefusedXmlException as exc:
        raise SamlMetadataError(path, f"refused: the document declares a DTD or entities ({exc!r})") from None
    if root.tag != f"{{{MD_NS}}}EntityDescriptor":
        raise SamlMetadataError(
            path, f"the root element is {root.tag}, expected EntityDescriptor in namespace {MD_NS}"
        )
    entity_id = root.get("entityID", "")
    if not entity_id:
        raise SamlMetadataError(path, "the EntityDescriptor has no entityID attribute")
    valid_until = root.get("validUntil")
    if valid_until and _parse_instant(path, valid_until) < now:
        raise SamlMetadataError(path, f"the metadata expired (validUntil {valid_until}); export it again from the IdP")
    idp = root.find(f"{{{MD_NS}}}IDPSSODescriptor")
    if idp is None:
        raise SamlMetadataError(
            path, "no IDPSSODescriptor: this is not identity provider metadata (service provider metadata?)"
        )
    texts = _signing_certificates(path, idp)
    if not texts:
        raise SamlMetadataError(path, "the IDPSSODescriptor has no signing certificate (KeyDescriptor/X509Certificate)")
    certificates = tuple(_parse_certificate(path, text, i) for i, text in enumerate(texts))
    if not any(cert.valid_at(now) for cert in certificates):
        periods = "; ".join(
            f"{c.subject} valid {c.not_before:%Y-%m-%d} to {c.not_after:%Y-%m-%d}" for c in certificates
        )
        raise SamlMetadataError(
            path, f"no signing certificate is valid on {now:%Y-%m-%d} (expired or not yet valid: {periods})"
        )
    return SamlMetadata(entity_id=entity_id, document=document, certificates=certificates)


def read_metadata(path: str | Path, *, now: datetime | None = None) -> SamlMetadata:
    """Read the metadata file at ``path`` (UTF-8) and check it with :func:`parse_metadata`.

    Raises:
        SamlMetadataError: the file cannot be read, or its content is refused.
    """
    try:
        document = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SamlMetadataError(str(path), f"cannot read the file ({reason})") from None
    return parse_metadata(document, str(path), now=now)
