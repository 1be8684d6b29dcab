"""Config models of SAML 2.0 federation: IAM SAML providers and the persona roles that trust them.

Props of :mod:`iam_baseline.federation.saml`. Metadata files are read and checked at load time
(:mod:`iam_baseline.federation.saml_metadata`), so a bad file is reported with its YAML path.
"""

from __future__ import annotations

from typing import Annotated

from difflib import get_close_matches

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator

from ..federation.policy_size import TRUST_POLICY_DEFAULT_MAX_CHARS, TRUST_POLICY_QUOTA_CEILING
from ..federation.saml_metadata import SamlMetadataError, parse_metadata
from .files import ConfigFileError, FileKind, read_referenced
from .role import RoleConfig
from .strict import StrictModel
from .policy_document import condition_key_problem, operator_problem
from .types import ItemError, printable_text, unique
from .types import PersonaKey as Persona
from .sections import refuse_duplicates, require_some

#: IAM SAML provider name: 1-128 characters of ``[\w._-]``. Source: IAM API ``CreateSAMLProvider``.
SamlProviderName = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.-]+$")]

#: The audience key every SAML trust statement pins (to the AWS sign-in endpoint).
SAML_AUDIENCE_KEY = "SAML:aud"

#: Condition keys that SAML federation puts in the request context. Source: IAM User Guide,
#: "Available keys for SAML-based AWS STS federation".
SAML_CONDITION_KEYS: tuple[str, ...] = (
    "SAML:aud", "SAML:commonName", "SAML:doc", "SAML:eduorghomepageuri", "SAML:eduorgidentityauthnpolicyuri",
    "SAML:eduorglegalname", "SAML:eduorgsuperioruri", "SAML:eduorgwhitepagesuri", "SAML:edupersonaffiliation",
    "SAML:edupersonassurance", "SAML:edupersonentitlement", "SAML:edupersonnickname", "SAML:edupersonorgdn",
    "SAML:edupersonorgunitdn", "SAML:edupersonprimaryaffiliation", "SAML:edupersonprimaryorgunitdn",
    "SAML:edupersonprincipalname", "SAML:edupersonscopedaffiliation", "SAML:edupersontargetedid", "SAML:givenName",
    "SAML:iss", "SAML:mail", "SAML:name", "SAML:namequalifier", "SAML:organizationStatus", "SAML:primaryGroupSID",
    "SAML:sub", "SAML:sub_type", "SAML:surname", "SAML:uid", "SAML:x500UniqueIdentifier",
)  # fmt: skip


def _extra_saml_conditions(block: dict[str, dict[str, str | tuple[str, ...]]]) -> dict[str, dict[str, str | tuple[str, ...]]]:
    """Check the extra conditions of a SAML role: IAM operators, SAML or global keys, never ``SAML:aud``.

    Every extra condition lands in the one trust statement beside ``SAML:aud`` (conditions of a
    statement are ANDed), so it can only narrow who gets in.
    """
    for operator, keys in block.items():
        problem = operator_problem(operator)
        if problem:
            raise ItemError((operator,), problem)
        if not keys:
            raise ItemError((operator,), f"{operator} must map condition keys to values")
        for key, values in keys.items():
            if key.casefold() == SAML_AUDIENCE_KEY.casefold():
                raise ItemError(
                    (operator, key),
                    "SAML:aud is the baseline's own condition (StringEquals https://signin.aws.amazon.com/saml, the "
                    "AWS sign-in endpoint): it can be neither removed nor overwritten; leave it out",
                )
            if key.casefold().startswith("saml:"):
                known = {k.casefold(): k for k in SAML_CONDITION_KEYS}
                if key.casefold() not in known:
                    close = get_close_matches(key, SAML_CONDITION_KEYS, n=1, cutoff=0.6)
                    hint = f" (did you mean {close[0]!r}?)" if close else ""
                    raise ItemError((operator, key), f"unknown SAML condition key {key!r}{hint}")
            else:
                problem = condition_key_problem(key)
                if problem:
                    raise ItemError((operator, key), problem)
            if not values:
                raise ItemError((operator, key), "give at least one value")
    return block




class IdentityProviderMfa(StrictModel):
    """The declaration that an identity provider requires MFA before it signs a SAML assertion
    for AWS, and why the config relies on it (``reason``, shown in the access report).

    AWS cannot see it: a session from ``sts:AssumeRoleWithSAML`` carries no
    ``aws:MultiFactorAuthPresent`` (IAM User Guide, "Configuring MFA-protected API access"), so
    neither a trust policy nor the offline proof can require MFA of it. The declaration is the
    config's reasoned exception (as ``machine_roles[i].reason``); :mod:`.saml_mfa` requires it for
    every provider that an administrator's or a member-reaching SAML role trusts.
    """

    reason: printable_text(1000, min_length=1) = Field(  # type: ignore[valid-type]
        description=(
            "How the identity provider enforces MFA for the AWS application and why AWS may rely on it, e.g. its "
            "sign-on policy (shown in the access report, 'Ways in without MFA'; 1-1000 characters)."
        )
    )

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, reason: str) -> str:
        if not reason.strip():
            raise ValueError("give a reason that is not blank: how the identity provider enforces MFA for AWS sign-in")
        return reason


class SamlProviderConfig(StrictModel):
    """One SAML 2.0 identity provider, registered as an IAM SAML provider.

    ``metadata_file`` is read and checked when the config is loaded (see
    :mod:`iam_baseline.federation.saml_metadata`): a relative path starts from the config
    file's folder, and the file must lie in that folder or below it (see
    :mod:`iam_baseline.config.files`). The validated model holds the resolved absolute path.

    ``mfa_at_identity_provider`` (:class:`IdentityProviderMfa`) is declared on the provider, not
    on a role: MFA is enforced (or not) by the identity provider's sign-on policy, whichever role
    the assertion names, and a role trusting several providers accepts a session from any of
    them (the caller picks the provider ARN in ``AssumeRoleWithSAML``), so a role counts as
    reached with MFA at the identity provider only when every provider it trusts declares it.
    """

    name: SamlProviderName = Field(description="IAM SAML provider name (1-128 characters of [A-Za-z0-9._-]).")
    metadata_file: str = Field(
        min_length=1,
        description="Path of the IdP's SAML metadata XML export, relative to the config file's folder and inside it.",
    )
    mfa_at_identity_provider: IdentityProviderMfa | None = Field(
        None,
        description=(
            "Declares that this IdP requires MFA before it signs an assertion for AWS, with the reason (AWS sees no MFA "
            "in a SAML session). Required when a SAML role trusting the provider is an administrator or reaches member "
            "accounts; null: not declared."
        ),
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
    session tags are on), ``StringEquals SAML:aud = https://signin.aws.amazon.com/saml``, and
    ``conditions`` merged beside it under their operators (``SAML:aud`` itself is refused there).
    """

    persona: Persona = Field(description="Baseline persona whose managed policies the role carries.")
    providers: unique(SamlProviderName, "provider") = Field(  # type: ignore[valid-type]
        min_length=1, description="Names of the SAML providers (federation.saml.providers) the role trusts."
    )
    conditions: Annotated[
        dict[str, dict[str, Annotated[str, StringConstraints(min_length=1)] | tuple[Annotated[str, StringConstraints(min_length=1)], ...]]],
        AfterValidator(_extra_saml_conditions),
    ] = Field(
        default_factory=dict,
        description=(
            "Extra trust conditions, operator -> key -> value(s), e.g. StringEquals SAML:sub_type persistent, "
            "StringLike SAML:namequalifier ...: merged beside SAML:aud (which cannot be given) in the one statement."
        ),
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

    def provider_index(self, name: str) -> int:
        """The index of provider ``name`` in ``providers`` (a declared name; KeyError otherwise)."""
        for index, provider in enumerate(self.providers):
            if provider.name == name:
                return index
        raise KeyError(name)
