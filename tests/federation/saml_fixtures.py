"""SAML metadata test inputs shaped like real IdP exports, with certificates made here.

Certificates are self-signed by a throw-away key generated per call with ``cryptography``;
no private key is ever written to disk or committed.
"""

from __future__ import annotations

import base64
import textwrap
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

NOW = datetime.now(timezone.utc)


def certificate_b64(
    common_name: str = "idp.example.com",
    *,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> str:
    """Base64 DER of a self-signed signing certificate, wrapped at 64 columns like IdP exports."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # IdPs sign with RSA
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or NOW - timedelta(days=1))
        .not_valid_after(not_after or NOW + timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    text = base64.b64encode(cert.public_bytes(Encoding.DER)).decode()
    return "\n".join(textwrap.wrap(text, 64))


def okta_metadata(cert: str, *, key_use: str = 'use="signing"') -> str:
    """An Okta app's "Identity Provider metadata": ``md:``/``ds:`` prefixes, one signing key."""
    return f"""<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="http://www.okta.com/exk1a2b3c4d5E6F7g8h9"><md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor {key_use}><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat><md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://example.okta.com/app/amazon_aws/exk1a2b3c4d5E6F7g8h9/sso/saml"/><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://example.okta.com/app/amazon_aws/exk1a2b3c4d5E6F7g8h9/sso/saml"/></md:IDPSSODescriptor></md:EntityDescriptor>"""


def entra_metadata(*certs: str) -> str:
    """A Microsoft Entra ID federation metadata: default namespace, a document signature,
    WS-Federation RoleDescriptors before the IDPSSODescriptor, keys without ``use``."""
    keys = "".join(
        f'<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data>'
        f"<X509Certificate>{c}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>"
        for c in certs
    )
    tenant = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
    return f"""<?xml version="1.0" encoding="utf-8"?><EntityDescriptor ID="_5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d" entityID="https://sts.windows.net/{tenant}/" xmlns="urn:oasis:names:tc:SAML:2.0:metadata"><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#" /><SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" /></SignedInfo><SignatureValue>c2lnbmF0dXJl</SignatureValue></Signature><RoleDescriptor xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706"><fed:PassiveRequestorEndpoint><EndpointReference xmlns="http://www.w3.org/2005/08/addressing"><Address>https://login.microsoftonline.com/{tenant}/wsfed</Address></EndpointReference></fed:PassiveRequestorEndpoint></RoleDescriptor><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">{keys}<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/{tenant}/saml2" /><SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/{tenant}/saml2" /><SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://login.microsoftonline.com/{tenant}/saml2" /></IDPSSODescriptor></EntityDescriptor>"""


def google_metadata(cert: str, *, valid_until: str = "2099-01-01T00:00:00.000Z") -> str:
    """A Google Workspace SAML app's IdP metadata: ``validUntil``, a KeyDescriptor per use."""
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://accounts.google.com/o/saml2?idpid=C01abc2de" validUntil="{valid_until}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data>
          <ds:X509Certificate>{cert}</ds:X509Certificate>
        </ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://accounts.google.com/o/saml2/idp?idpid=C01abc2de"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://accounts.google.com/o/saml2/idp?idpid=C01abc2de"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"""
