"""Config models of SAML 2.0 federation: IAM SAML providers and the persona roles that trust them.

Props of :mod:`iam_baseline.federation.saml`. Metadata files are read and checked at load time
(:mod:`iam_baseline.federation.saml_metadata`), so a bad file is reported with its YAML path.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from ..federation.policy_size import TRUST_POLICY_DEFAULT_MAX_CHARS, TRUST_POLICY_QUOTA_CEILING
from ..federation.saml_metadata import SamlMetadataError, parse_metadata
from .files import ConfigFileError, FileKind, read_referenced
from .models import Persona, RoleConfig, StrictModel
from .types import ItemError, unique
from .sections import refuse_duplicates, require_some

#: IAM SAML provider name: 1-128 characters of ``[\w._-]``. Source: IAM API ``CreateSAMLProvider``.
SamlProviderName = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.-]+$")]




class SamlProviderConfig(StrictModel):
    """One SAML 2.0 identity provider, registered as an IAM SAML provider.

    ``metadata_file`` is read and checked when the config is loaded (see
    :mod:`iam_baseline.federation.saml_metadata`): a relative path starts from the config
    file's folder, and the file must lie in that folder or below it (see
    :mod:`iam_baseline.config.files`). The validated model holds the resolved absolute path.
    """

    name: SamlProviderName = Field(description="IAM SAML provider name (1-128 characters of [A-Za-z0-9._-]).")
    metadata_file: str = Field(
        min_length=1,
        description="Path of the IdP's SAML metadata XML export, relative to the config file's folder and inside it.",
    )

    @field_validator("metadata_file")
    @classmethod
    def _metadata_is_usable(cls, name: str) -> str:
        try:
            path, document = read_referenced(name, FileKind.SAML_METADATA)
            parse_metadata(document, str(path))
        except ConfigFileError as exc:
            raise ValueError(f"{exc.reason} (resolved: {exc.path})") from None
        except SamlMetadataError as exc:
            raise ValueError(f"{exc.reason} (resolved: {exc.path})") from None
        return str(path)


class SamlRoleConfig(RoleConfig):
    """A persona role reached through SAML federation, with that persona's permissions.

    Trust: the listed providers, ``sts:AssumeRoleWithSAML`` (plus ``sts:TagSession`` when
    session tags are on), ``StringEquals SAML:aud = https://signin.aws.amazon.com/saml``.
    """

    persona: Persona = Field(description="Baseline persona whose managed policies the role carries.")
    providers: unique(SamlProviderName, "provider") = Field(  # type: ignore[valid-type]
        min_length=1, description="Names of the SAML providers (federation.saml.providers) the role trusts."
    )


class SamlConfig(StrictModel):
    """SAML federation: the identity providers and the persona roles trusting them."""

    # "at least one" is checked in the validator: Field(min_length=1) would add a second,
    # misleading "0 items" error whenever one item is invalid.
    providers: tuple[SamlProviderConfig, ...] = Field(description="IAM SAML providers (at least one).")
    roles: tuple[SamlRoleConfig, ...] = Field((), description="Persona roles trusting the providers.")
    session_tags: bool = Field(
        False, description="Allow sts:TagSession, so the IdP may pass session tags (principal tags for ABAC)."
    )
    trust_policy_max_chars: int = Field(
        TRUST_POLICY_DEFAULT_MAX_CHARS,
        ge=256,
        le=TRUST_POLICY_QUOTA_CEILING,
        description="IAM quota 'Role trust policy length' of the account (2048 by default, 4096 at most).",
    )

    @model_validator(mode="after")
    def _references(self) -> "SamlConfig":
        require_some("providers", self.providers)
        refuse_duplicates("SAML provider name", [p.name for p in self.providers], "IAM provider names are unique", "providers")
        refuse_duplicates("SAML role name", [r.name for r in self.roles], "IAM role names are unique", "roles")
        known = {p.name for p in self.providers}
        for i, role in enumerate(self.roles):
            unknown = sorted(set(role.providers) - known)
            if unknown:
                raise ItemError(
                    ("roles", i, "providers"),
                    f"roles[{i}] ({role.name}) trusts unknown providers {unknown}; declared: {sorted(known)}",
                )
        return self
