"""The values of the shipped examples, refused in a config that is no longer an example.

``config/baseline.yaml`` and ``config/examples/*.yaml`` are examples: their trusts name a
GitHub organization, a SAML identity provider, mail addresses, an Identity Center instance and
people that are not the user's. Once a config targets another account (``account_id`` is not
an example's), every such value still present would deploy a trust or an alert route to
somebody else, so synth lists them all, with their YAML paths, and stops.

This is the one list of example values (``app.py`` refuses with it; the tests prove that the
examples hold them and the ``make init`` output holds none). It imports neither aws_cdk nor
YAML: it walks a validated config (field names are the YAML keys, so paths match the file).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import BaselineError
from .models import BaselineConfig

#: ``account_id`` of the shipped examples (config/baseline.yaml, config/examples/organization.yaml).
#: A config with one of them is an example and may hold example values.
EXAMPLE_ACCOUNT_IDS = frozenset({"111122223333", "111111111111"})

#: The examples' ``federation.saml.providers[i].mfa_at_identity_provider.reason``.
EXAMPLE_SAML_MFA_REASON = ("The IdP's sign-on policy for the AWS application requires phishing-resistant MFA (FIDO2) at "
                           "every sign-in.")

#: Exact values, wherever they appear, and what they are.
EXAMPLE_EXACT_VALUES: dict[str, str] = {
    "arn:aws:sso:::instance/ssoins-0123456789abcdef": "the placeholder Identity Center instance",
    "d-0123456789": "the placeholder identity store id",
    "9a6702d5-e061-70f1-5c8b-1f6d2e3c4b5a": "the placeholder identity store principal id",
    **{account: "an example account id" for account in EXAMPLE_ACCOUNT_IDS},
    # A claim about somebody else's identity provider: the exemption it buys (a SAML role
    # reached without AWS MFA) must rest on the user's own IdP's sign-on policy.
    EXAMPLE_SAML_MFA_REASON: "the example's reason for mfa_at_identity_provider (say how your IdP requires MFA)",
}

#: The GitHub organization of the examples' OIDC deploy roles (its repositories are reported too).
EXAMPLE_GITHUB_ORGANIZATION = "example-org"

#: The example people (IAM user names), found as whole names inside any value (``user:NAME``,
#: ``.../user/baseline/NAME``).
EXAMPLE_PEOPLE = ("alice.admin", "bob.developer", "carol.auditor", "bob.dev", "carol.dev")


def _word(*words: str) -> str:
    """A regex matching any of ``words`` as a whole name (not inside a longer name)."""
    return r"(?<![\w.-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-]|\.\w)"


#: Patterns found inside any value, and what they are (the first that matches is reported).
EXAMPLE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(_word(EXAMPLE_GITHUB_ORGANIZATION)), "the example GitHub organization"),
    (re.compile(_word("ExampleIdP")), "the example SAML provider"),
    (re.compile(r"[\w.+-]+@example\.(?:com|org|net)\b", re.IGNORECASE), "an example.com mail address"),
    (re.compile(_word(*EXAMPLE_PEOPLE)), "an example person"),
)

#: The example SAML metadata (config/saml/example-idp.xml): its entityID, and the domain of its
#: self-signed certificate's subject (``CN=example-idp.example.com``).
EXAMPLE_SAML_ENTITY_ID = "http://www.okta.com/exk1a2b3c4d5E6F7g8h9"
EXAMPLE_CERTIFICATE_DOMAIN = "example.com"


@dataclass(frozen=True)
class ExampleValue:
    """One example value found in a config: its YAML path, the value, what it is."""

    path: str
    value: str
    what: str

    def __str__(self) -> str:
        return f"  - {self.path}: {self.value!r} ({self.what})"


class ExampleValuesError(BaselineError):
    """A config for another account still holds values of the examples (each listed)."""


def is_example(config: BaselineConfig) -> bool:
    """Whether ``config`` is one of the shipped examples (its account_id is an example's)."""
    return config.account_id in EXAMPLE_ACCOUNT_IDS


def _walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(YAML path, string) of every string inside ``value`` (a dumped model), keys included."""
    if isinstance(value, dict):
        for key, item in value.items():
            child = _key(path, str(key))
            if isinstance(key, str):
                yield child, key
            yield from _walk(item, child)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]")
    elif isinstance(value, str):
        yield path, value


def _metadata_findings(config: BaselineConfig) -> Iterator[ExampleValue]:
    """The SAML providers whose metadata file is the example's (its entityID or certificate)."""
    from ..federation.saml_metadata import SamlMetadataError, read_metadata

    saml = config.federation.saml if config.federation else None
    for i, provider in enumerate(saml.providers if saml else ()):
        try:
            metadata = read_metadata(provider.metadata_file)
        except SamlMetadataError:
            continue  # the loader has refused it already
        signs = [f"entityID {metadata.entity_id}"] if metadata.entity_id == EXAMPLE_SAML_ENTITY_ID else []
        signs += [f"certificate {c.subject}" for c in metadata.certificates if EXAMPLE_CERTIFICATE_DOMAIN in c.subject.lower()]
        if signs:
            path = f"federation.saml.providers[{i}].metadata_file"
            yield ExampleValue(path, provider.metadata_file, f"the example IdP metadata: {', '.join(signs)}")


def _repository_findings(config: BaselineConfig) -> Iterator[ExampleValue]:
    """The repositories named under the example GitHub organization (a repository name alone,
    e.g. ``infrastructure``, may well be the user's own)."""
    oidc = config.federation.oidc if config.federation else None
    for i, role in enumerate(oidc.deploy_roles if oidc else ()):
        if role.github and role.github.organization == EXAMPLE_GITHUB_ORGANIZATION:
            path = f"federation.oidc.deploy_roles[{i}].github.repository"
            yield ExampleValue(path, role.github.repository, "the example GitHub repository")


def _key(path: str, key: str) -> str:
    """``path.key``, or ``path["key"]`` for a key that is not a plain name (a condition key)."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key):
        return f"{path}.{key}" if path else key
    return f"{path}[{key!r}]"


def example_values_in(config: BaselineConfig) -> list[ExampleValue]:
    """Every example value in ``config`` (whatever its account_id), each at its YAML path."""
    found: list[ExampleValue] = []
    for path, text in _walk(config.model_dump(mode="json", exclude_none=True), ""):
        if text in EXAMPLE_EXACT_VALUES:
            found.append(ExampleValue(path, text, EXAMPLE_EXACT_VALUES[text]))
            continue
        for pattern, what in EXAMPLE_PATTERNS:
            if pattern.search(text):
                found.append(ExampleValue(path, text, what))
                break
    return found + list(_repository_findings(config)) + list(_metadata_findings(config))


def refuse_example_values(config: BaselineConfig, source: str) -> None:
    """Refuse a config for another account that still holds example values.

    Raises:
        ExampleValuesError: ``config.account_id`` is not an example's and the config holds
            example values; the message lists each with its YAML path.
    """
    if is_example(config):
        return
    found = example_values_in(config)
    if not found:
        return
    body = "\n".join(str(v) for v in found)
    raise ExampleValuesError(
        f"{source} targets account {config.account_id} but still holds {len(found)} value(s) of the example "
        f"(they would trust or alert somebody else's organization, IdP, mailbox or people):\n{body}\n"
        "Replace each with your own (`make init` writes a config without them), or remove the section."
    )
