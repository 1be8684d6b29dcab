"""Config models of federated access: SAML IdPs, OIDC for CI/CD, IAM Identity Center.

These models are the props of the constructs in :mod:`iam_baseline.federation`. Every rule
that can be judged from the config alone is a validator here, so the loader reports it
with its YAML path before any construct is built: metadata files (read and checked at
load time), ``sub`` patterns that admit another organization's or repository's tokens (decided
by matching, :mod:`iam_baseline.federation.subject_claims`), ISO-8601 session durations,
inline policy size, duplicate OIDC provider URLs. Trust policy size depends on the
synthesized ARNs and is checked by the role constructs at synth.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationInfo, field_validator, model_validator

from ..federation.policy_size import (
    PERMISSION_SET_INLINE_POLICY_MAX_CHARS,
    TRUST_POLICY_DEFAULT_MAX_CHARS,
    TRUST_POLICY_QUOTA_CEILING,
    PolicySizeError,
    check_policy_size,
)
from ..federation.saml_metadata import SamlMetadataError, parse_metadata
from ..federation.subject_claims import SubjectFormat, breadth_problem
from .files import ConfigFileError, FileKind, read_referenced
from .identity_store import IdentitySource, IdentityStoreConfig
from .models import AccountId, IamName, IamPath, Persona, RegionName, RoleConfig, StrictModel
from .policy_document import catalog_problem, check_condition_block, check_identity_policy
from .types import (
    AsciiToken,
    ItemError,
    ManagedPolicyName,
    RelayState,
    TagKey,
    TagValue,
    display_name,
    iso_duration_seconds,
    printable_text,
    unique,
)

#: A key that other entries of the config use to refer to this one (also a construct id part).
ConfigKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")]

#: IAM SAML provider name: 1-128 characters of ``[\w._-]``. Source: IAM API ``CreateSAMLProvider``.
SamlProviderName = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.-]+$")]



# --------------------------------------------------------------------------- SAML
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
        _require_some("providers", self.providers)
        _refuse_duplicates("SAML provider name", [p.name for p in self.providers], "IAM provider names are unique", "providers")
        _refuse_duplicates("SAML role name", [r.name for r in self.roles], "IAM role names are unique", "roles")
        known = {p.name for p in self.providers}
        for i, role in enumerate(self.roles):
            unknown = sorted(set(role.providers) - known)
            if unknown:
                raise ItemError(
                    ("roles", i, "providers"),
                    f"roles[{i}] ({role.name}) trusts unknown providers {unknown}; declared: {sorted(known)}",
                )
        return self


# --------------------------------------------------------------------------- OIDC
#: An OIDC issuer URL as IAM accepts it: ``https://``, a host, an optional path; no port, no query.
IssuerUrl = Annotated[
    str, StringConstraints(max_length=255, pattern=r"^https://[a-z0-9.-]+\.[a-z]{2,}(?:/[A-Za-z0-9._~-]+)*$")
]

#: Defaults per preset: issuer URL and the audience (client id) the CI system puts in ``aud``.
#: GitHub: docs "Configuring OpenID Connect in Amazon Web Services"; GitLab: docs
#: "Configure OpenID Connect in AWS" (the ``aud`` is set by ``id_tokens`` in .gitlab-ci.yml).
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
GITLAB_ISSUER = "https://gitlab.com"
STS_AUDIENCE = "sts.amazonaws.com"


class OidcProviderConfig(StrictModel):
    """An OIDC identity provider (one per issuer URL per account).

    ``kind`` selects a preset: ``github`` (issuer fixed to GitHub Actions), ``gitlab``
    (``url`` defaults to gitlab.com; set it for a self-managed instance) or ``generic``
    (``url`` required). ``existing_provider_arn`` reuses a provider created elsewhere in the
    account instead of creating one.
    """

    name: ConfigKey = Field(description="Key that deploy roles use to name this provider.")
    kind: Literal["github", "gitlab", "generic"] = Field(description="Preset: github, gitlab or generic.")
    url: IssuerUrl | None = Field(None, description="Issuer URL (https://host[/path], no port, no query).")
    audiences: unique(Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$")], "audience") | None = Field(  # type: ignore[valid-type]
        None, max_length=100, description="Client ids (aud values) to register; default per preset."
    )
    thumbprints: unique(Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{40}$")], "thumbprint", fold=str.lower) = Field(  # type: ignore[valid-type]
        (), max_length=5, description="Server certificate thumbprints (40 hex digits, at most 5); usually none."
    )
    subject_format: SubjectFormat | None = Field(
        None,
        description=(
            "Grammar of the issuer's sub claim, by which sub patterns are judged: github, gitlab or undeclared; "
            "default: the preset's (generic: undeclared). Declare github for GitHub Enterprise issuers; "
            "undeclared for a customized sub claim."
        ),
    )
    existing_provider_arn: Annotated[
        str, StringConstraints(pattern=r"^arn:aws(?:-cn|-us-gov)?:iam::[0-9]{12}:oidc-provider/[A-Za-z0-9./_~-]+$")
    ] | None = Field(None, description="Reuse this existing IAM OIDC provider instead of creating one.")

    @model_validator(mode="after")
    def _preset_rules(self) -> "OidcProviderConfig":
        if self.kind == "github" and self.url not in (None, GITHUB_ISSUER):
            raise ValueError(f"the github preset's issuer is {GITHUB_ISSUER}; use kind generic for another issuer")
        if self.kind == "generic" and self.url is None:
            raise ValueError("a generic OIDC provider needs its issuer url")
        if self.existing_provider_arn and not self.existing_provider_arn.endswith(":oidc-provider/" + self.issuer):
            raise ValueError(
                f"existing_provider_arn {self.existing_provider_arn!r} is not the provider of issuer {self.issuer_url}"
            )
        return self

    @property
    def claim_format(self) -> SubjectFormat:
        """The ``sub`` grammar, preset default applied (see :mod:`iam_baseline.federation.subject_claims`)."""
        if self.subject_format is not None:
            return self.subject_format
        return {"github": SubjectFormat.GITHUB, "gitlab": SubjectFormat.GITLAB}.get(self.kind, SubjectFormat.UNDECLARED)

    @property
    def issuer_url(self) -> str:
        """The issuer URL, preset default applied."""
        return self.url or {"github": GITHUB_ISSUER, "gitlab": GITLAB_ISSUER}[self.kind]

    @property
    def issuer(self) -> str:
        """The issuer without ``https://``: the prefix of its condition keys (``<issuer>:sub``)."""
        return self.issuer_url.removeprefix("https://")

    @property
    def client_ids(self) -> tuple[str, ...]:
        """The audiences, preset default applied (GitHub: sts.amazonaws.com; GitLab: the issuer URL)."""
        if self.audiences:
            return self.audiences
        return (STS_AUDIENCE,) if self.kind != "gitlab" else (self.issuer_url,)


GitRefName = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9_./*?+-]+$")]


class GitHubSubjectsConfig(StrictModel):
    """``sub`` values of GitHub Actions tokens, in GitHub's terms.

    Each listed branch, tag and environment, and ``pull_request``, gives one ``sub``:
    ``repo:<org>/<repo>:ref:refs/heads/<branch>``, ``...:ref:refs/tags/<tag>``,
    ``...:environment:<environment>`` (what a job with ``environment:`` sends, whatever its
    branch), ``...:pull_request``. ``*`` and ``?`` are wildcards (``StringLike``).
    Source: GitHub docs, "About security hardening with OpenID Connect" > example subject claims.
    """

    organization: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9*?][A-Za-z0-9*?-]{0,38}$")] = Field(
        description="Organization or user owning the repository (a wildcard here is refused)."
    )
    repository: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.*?-]+$")] = Field(
        description="Repository name; a wildcard needs allow_organization_wildcard on the role."
    )
    branches: unique(GitRefName, "branch") = Field((), description="Branch names, e.g. main or release/*.")  # type: ignore[valid-type]
    tags: unique(GitRefName, "tag") = Field((), description="Tag names, e.g. v*.")  # type: ignore[valid-type]
    environments: unique(Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.*?-](?:[A-Za-z0-9_. *?-]{0,253}[A-Za-z0-9_.*?-])?$")], "environment") = Field(  # type: ignore[valid-type]
        (), description="Deployment environment names, e.g. production."
    )
    pull_request: bool = Field(False, description="Admit pull_request workflows (sub ...:pull_request).")

    def subjects(self) -> tuple[str, ...]:
        base = f"repo:{self.organization}/{self.repository}"
        return (
            *(f"{base}:ref:refs/heads/{b}" for b in self.branches),
            *(f"{base}:ref:refs/tags/{t}" for t in self.tags),
            *(f"{base}:environment:{e}" for e in self.environments),
            *((f"{base}:pull_request",) if self.pull_request else ()),
        )


class GitLabSubjectsConfig(StrictModel):
    """``sub`` values of GitLab CI ID tokens: ``project_path:<group>/<project>:ref_type:<branch|tag>:ref:<name>``.

    Source: GitLab docs, "OpenID Connect (OIDC) Authentication Using ID Tokens" > token payload.
    """

    project_path: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.*?-]+)+$")] = Field(
        description="group[/subgroup]/project; a wildcard in the project needs allow_organization_wildcard."
    )
    branches: unique(GitRefName, "branch") = Field((), description="Branch names (ref_type branch).")  # type: ignore[valid-type]
    tags: unique(GitRefName, "tag") = Field((), description="Tag names (ref_type tag).")  # type: ignore[valid-type]

    def subjects(self) -> tuple[str, ...]:
        base = f"project_path:{self.project_path}"
        return (
            *(f"{base}:ref_type:branch:ref:{b}" for b in self.branches),
            *(f"{base}:ref_type:tag:ref:{t}" for t in self.tags),
        )


class PolicyStatementConfig(StrictModel):
    """An extra identity-based policy statement (IAM policy grammar, one statement)."""

    effect: Literal["Allow", "Deny"] = Field("Allow", description="Allow or Deny.")
    actions: unique(Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+:[A-Za-z0-9*?]+$")], "action") = Field(  # type: ignore[valid-type]
        min_length=1, description="Actions as service:Action (no bare *: no *:* outside the Admin role)."
    )
    resources: unique(AsciiToken, "resource") = Field(min_length=1, description="Resource ARNs (printable ASCII).")  # type: ignore[valid-type]
    conditions: dict[str, dict[str, str | tuple[str, ...]]] = Field(
        default_factory=dict, description="Condition block: operator -> condition key -> value(s)."
    )

    @field_validator("actions")
    @classmethod
    def _known_actions(cls, actions: tuple[str, ...]) -> tuple[str, ...]:
        for index, action in enumerate(actions):
            problem = catalog_problem(action=action)
            if problem:
                raise ItemError((index,), problem)
        return actions

    @field_validator("conditions")
    @classmethod
    def _known_operators_and_keys(cls, block: dict[str, Any]) -> dict[str, Any]:
        check_condition_block({op: {k: list(v) if isinstance(v, tuple) else v for k, v in keys.items()} for op, keys in block.items()})
        return block


class DeployRoleConfig(StrictModel):
    """A CI/CD deploy role: web identity trust on one OIDC provider, least ``cdk deploy`` rights.

    Give the subjects in exactly one form: ``github``, ``gitlab`` (for those presets) or raw
    ``subjects``. Permissions: ``sts:AssumeRole`` on the CDK bootstrap roles ``cdk_roles``
    (default all four) of the account (qualifier ``cdk_qualifier``) in each of ``regions``
    (default: the home region), plus ``extra_statements``. A pull-request role for
    ``cdk diff`` takes ``cdk_roles: [lookup]``: the lookup role reads deployed templates
    and cannot change anything.
    """

    name: IamName = Field(description="Role name (1-64 characters).")
    provider: ConfigKey = Field(description="Key of the OIDC provider (federation.oidc.providers[].name).")
    github: GitHubSubjectsConfig | None = None
    gitlab: GitLabSubjectsConfig | None = None
    subjects: unique(Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$")], "subject") = Field(  # type: ignore[valid-type]
        (), description="Raw sub values or patterns (generic issuers)."
    )
    audience: Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$")] | None = Field(
        None, description="Expected aud; default the provider's first client id."
    )
    allow_organization_wildcard: bool = Field(
        False, description="Opt in to a repository/project wildcard inside one organization or group."
    )
    description: printable_text(1000, latin1=True) = Field("", description="Role description.")  # type: ignore[valid-type]
    max_session_duration_seconds: int = Field(3600, ge=3600, le=43200, description="3600-43200 seconds.")
    cdk_qualifier: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,10}$")] = Field(
        "hnb659fds", description="Bootstrap qualifier of the target environment (CDK default hnb659fds)."
    )
    regions: unique(RegionName, "region") = Field((), description="Regions deployed to; default the home region.")  # type: ignore[valid-type]
    cdk_roles: unique(Literal["deploy", "file-publishing", "image-publishing", "lookup"], "CDK role") = Field(  # type: ignore[valid-type]
        ("deploy", "file-publishing", "image-publishing", "lookup"),
        min_length=1,
        description="CDK bootstrap roles the role may assume; [lookup] alone gives a read-only role for cdk diff.",
    )
    extra_statements: tuple[PolicyStatementConfig, ...] = Field((), description="Extra permissions, if any.")

    @model_validator(mode="after")
    def _subjects_are_narrow(self) -> "DeployRoleConfig":
        forms = [f for f in ("github", "gitlab", "subjects") if getattr(self, f)]
        if len(forms) != 1:
            raise ValueError(f"give the sub values in exactly one of github, gitlab, subjects (got {forms or 'none'})")
        subs = self.sub_values()
        if not subs:
            raise ValueError("no sub value: list at least one branch, tag, environment or pull_request")
        # The github and gitlab forms spell their issuer's grammar; raw subjects are judged by
        # their provider's claim format, in OidcConfig.
        form = SubjectFormat.GITHUB if self.github else SubjectFormat.GITLAB if self.gitlab else None
        if form is not None:
            self.check_breadth(form)
        return self

    def check_breadth(self, subject_format: SubjectFormat) -> None:
        """Raise ``ValueError`` for the first ``sub`` that admits too much under ``subject_format``
        (see :func:`iam_baseline.federation.subject_claims.breadth_problem`)."""
        for sub in self.sub_values():
            problem = breadth_problem(sub, subject_format, allow_organization_wildcard=self.allow_organization_wildcard)
            if problem:
                raise ValueError(problem)

    def sub_values(self) -> tuple[str, ...]:
        """Every ``sub`` value or pattern the trust policy admits."""
        form = self.github or self.gitlab
        return form.subjects() if form else self.subjects


class OidcConfig(StrictModel):
    """OIDC federation for CI/CD: providers and deploy roles."""

    providers: tuple[OidcProviderConfig, ...] = Field(description="OIDC providers, one per issuer (at least one).")
    deploy_roles: tuple[DeployRoleConfig, ...] = Field((), description="Deploy roles trusting them.")
    trust_policy_max_chars: int = Field(
        TRUST_POLICY_DEFAULT_MAX_CHARS, ge=256, le=TRUST_POLICY_QUOTA_CEILING, description="See federation.saml."
    )

    @model_validator(mode="after")
    def _references(self) -> "OidcConfig":
        _require_some("providers", self.providers)
        seen: dict[str, int] = {}
        for i, provider in enumerate(self.providers):
            if provider.issuer_url in seen:
                raise ItemError(
                    ("providers", i),
                    f"duplicate OIDC provider URL {provider.issuer_url} (providers[{seen[provider.issuer_url]}] and "
                    f"providers[{i}]): IAM allows one provider per URL per account; declare it once and point "
                    "every deploy role at it"
                )
            seen[provider.issuer_url] = i
        _refuse_duplicates("OIDC provider name", [p.name for p in self.providers], "deploy roles refer to them by name", "providers")
        _refuse_duplicates("deploy role name", [r.name for r in self.deploy_roles], "IAM role names are unique", "deploy_roles")
        kinds = {p.name: p.kind for p in self.providers}
        for i, role in enumerate(self.deploy_roles):
            if role.provider not in kinds:
                raise ItemError(("deploy_roles", i, "provider"), f"deploy_roles[{i}] ({role.name}): unknown provider {role.provider!r}; declared: {sorted(kinds)}")
            provider = next(p for p in self.providers if p.name == role.provider)
            if role.subjects:
                try:
                    role.check_breadth(provider.claim_format)
                except ValueError as exc:
                    raise ItemError(("deploy_roles", i, "subjects"), f"deploy_roles[{i}] ({role.name}): {exc}") from None
            client_ids = provider.client_ids
            if role.audience and role.audience not in client_ids:
                raise ItemError(
                    ("deploy_roles", i, "audience"),
                    f"deploy_roles[{i}] ({role.name}): audience {role.audience!r} is not a client id of provider "
                    f"{role.provider!r} {list(client_ids)}; IAM rejects tokens for other audiences"
                )
            for form in ("github", "gitlab"):
                if getattr(role, form) and kinds[role.provider] != form:
                    raise ItemError(
                        ("deploy_roles", i, form),
                        f"deploy_roles[{i}] ({role.name}): {form} subjects need a {form} provider, "
                        f"{role.provider!r} is {kinds[role.provider]}"
                    )
        return self


# --------------------------------------------------------------------------- Identity Center
def session_duration_seconds(value: object) -> int:
    """Seconds of an ISO-8601 duration ``PT#H#M#S`` between PT1H and PT12H.

    Raises:
        ValueError: any other value, e.g. ``12h`` or ``43200``.
    """
    seconds = iso_duration_seconds(value)
    if seconds is None or not 3600 <= seconds <= 43200:
        raise ValueError(
            f"session duration {value!r} is not an ISO-8601 duration from PT1H to PT12H "
            "(e.g. PT1H, PT8H, PT1H30M); IAM Identity Center refuses other forms"
        )
    return seconds


class ManagedPolicyReferenceConfig(StrictModel):
    """A customer managed policy by name and path; it must exist in every assigned account."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9+=,.@_-]+$")]
    path: IamPath = "/"


class PermissionsBoundaryConfig(StrictModel):
    """A permission set's permissions boundary: one customer managed or AWS managed policy."""

    customer_managed_policy: ManagedPolicyReferenceConfig | None = None
    aws_managed_policy: ManagedPolicyName | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "PermissionsBoundaryConfig":
        if (self.customer_managed_policy is None) == (self.aws_managed_policy is None):
            raise ValueError("give exactly one of customer_managed_policy, aws_managed_policy")
        return self


class PermissionSetConfig(StrictModel):
    """An IAM Identity Center permission set.

    ``persona`` adds the managed policies of that baseline persona (the same as its IAM
    role), so moving from IAM users to Identity Center keeps what people may do. Quotas:
    name 1-32 characters, description 1-700, relay state 1-240, one inline policy of at
    most 10,240 characters (whitespace excluded), session duration PT1H-PT12H.
    Source: IAM Identity Center API ``CreatePermissionSet``; "IAM Identity Center quotas".
    """

    name: Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9+=,.@_-]+$")] = Field(
        description="Permission set name (1-32 characters of [A-Za-z0-9+=,.@_-])."
    )
    persona: Persona | None = Field(None, description="Baseline persona whose policies the set carries.")
    description: printable_text(700, min_length=1, latin1=True) | None = Field(  # type: ignore[valid-type]
        None, description="1-700 printable characters (ASCII and Latin-1)."
    )
    session_duration: str = Field("PT1H", description="ISO-8601 duration PT1H..PT12H, e.g. PT8H.")
    relay_state: RelayState | None = Field(None, description="Console URL users land on after sign-in (1-240 characters).")
    aws_managed_policies: unique(ManagedPolicyName, "managed policy") = Field(  # type: ignore[valid-type]
        (), description="AWS managed policy names."
    )
    customer_managed_policies: unique(  # type: ignore[valid-type]
        ManagedPolicyReferenceConfig, "customer managed policy", fold=lambda p: (p.path, p.name)
    ) = ()
    inline_policy: dict[str, Any] | None = Field(
        None,
        description="At most one inline identity-based policy document (Version, Statement); '*' on '*' only with persona admin.",
    )
    permissions_boundary: PermissionsBoundaryConfig | None = None
    tags: dict[TagKey, TagValue] = Field(
        default_factory=dict, max_length=50, description="Tags of the permission set (at most 50; keys not 'aws:...')."
    )

    @field_validator("session_duration", mode="before")
    @classmethod
    def _iso_duration(cls, value: object) -> object:
        session_duration_seconds(value)
        return value

    @model_validator(mode="after")
    def _admin_only_with_admin_persona(self) -> "PermissionSetConfig":
        if self.inline_policy is not None and self.persona != "admin" and check_identity_policy(self.inline_policy):
            raise ItemError(
                ("inline_policy",),
                f"the inline policy allows '*' on '*' (every action on every resource), but the permission set's "
                f"persona is {self.persona or 'none'}: only persona admin may be admin-equivalent; narrow the "
                "statement, or set persona: admin",
            )
        return self

    @field_validator("inline_policy")
    @classmethod
    def _inline_policy_fits(cls, document: dict[str, Any] | None) -> dict[str, Any] | None:
        if document is None:
            return None
        check_identity_policy(document)  # grammar, operators, keys: see policy_document
        try:
            check_policy_size(document, limit=PERMISSION_SET_INLINE_POLICY_MAX_CHARS, what="the inline policy")
        except PolicySizeError as exc:
            raise ValueError(f"{exc}; move statements to a customer managed policy") from None
        return document


class PrincipalAssignmentConfig(StrictModel):
    """Grants one permission set to a group or user (the accounts are given by the subclass
    or, for an organizational unit, are the OU's accounts).

    The principal is given by identity-store id (``principal_id``) or by name
    (``principal_name``: a group's display name, a user's user name), resolved at deploy
    time by a lookup custom resource: synth never calls AWS.
    """

    permission_set: Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9+=,.@_-]+$")] = Field(
        description="Name of a permission set declared in federation.identity_center."
    )
    principal_type: Literal["GROUP", "USER"]
    principal_id: Annotated[
        str, StringConstraints(pattern=r"^(?:[0-9a-f]{10}-)?[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$")
    ] | None = None
    principal_name: display_name(1024) | None = Field(  # type: ignore[valid-type]
        None, description="Group display name or user name: 1-1024 printable characters, not blank."
    )

    @model_validator(mode="after")
    def _one_principal(self) -> "PrincipalAssignmentConfig":
        if (self.principal_id is None) == (self.principal_name is None):
            raise ValueError("give exactly one of principal_id, principal_name")
        return self


class AssignmentConfig(PrincipalAssignmentConfig):
    """Grants one permission set to a group or user in the listed accounts."""

    account_ids: unique(AccountId, "account id") = Field(  # type: ignore[valid-type]
        min_length=1, description="Accounts the assignment applies to (each once)."
    )


class IdentityCenterConfig(StrictModel):
    """IAM Identity Center permission sets and assignments, deployed to the management
    account or the delegated administrator, in the Identity Center home region."""

    instance_arn: Annotated[
        str, StringConstraints(pattern=r"^arn:aws(?:-cn|-us-gov)?:sso:::instance/(?:sso)?ins-[a-zA-Z0-9.-]{16}$")
    ] = Field(description="ARN of the Identity Center instance.")
    identity_store_id: Annotated[str, StringConstraints(pattern=r"^d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    account_id: AccountId = Field(description="Management or delegated administrator account.")
    region: RegionName = Field(description="Identity Center home region.")
    stack_name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9-]{0,127}$")] = "IamBaselineIdentityCenter"
    permission_sets: tuple[PermissionSetConfig, ...] = Field(description="Permission sets (at least one).")
    assignments: tuple[AssignmentConfig, ...] = ()
    identity_source: IdentitySource = Field(
        IdentitySource.IDENTITY_CENTER_DIRECTORY,
        description="identity_center_directory (default) or external (an IdP provisions users and groups through SCIM).",
    )
    identity_store: IdentityStoreConfig | None = Field(
        None, description="Users, groups and memberships the baseline creates (identity_center_directory only)."
    )

    @field_validator("identity_store")
    @classmethod
    def _one_writer(cls, store: IdentityStoreConfig | None, info: ValidationInfo) -> IdentityStoreConfig | None:
        if store is not None and info.data.get("identity_source") == IdentitySource.EXTERNAL:
            raise ValueError(
                "the identity source is external: the external IdP provisions users and groups (SCIM) and would "
                "overwrite what the baseline writes, and the baseline would undo its changes (two writers of one "
                "directory). Manage people and groups in the IdP and remove identity_store; assignments may still "
                "name them (looked up at deploy time)"
            )
        return store

    @model_validator(mode="after")
    def _references(self) -> "IdentityCenterConfig":
        _require_some("permission_sets", self.permission_sets)
        names = [p.name for p in self.permission_sets]
        _refuse_duplicates("permission set name", names, "names are unique in an instance", "permission_sets")
        granted: dict[tuple[str, str, str, str], int] = {}  # (set, type, principal, account) -> assignment
        for i, assignment in enumerate(self.assignments):
            principal = assignment.principal_id or assignment.principal_name or ""
            for j, account in enumerate(assignment.account_ids):
                key = (assignment.permission_set, assignment.principal_type, principal, account)
                if key in granted and granted[key] != i:
                    raise ItemError(
                        ("assignments", i, "account_ids", j),
                        f"assignments[{granted[key]}] already grants {assignment.permission_set} to "
                        f"{assignment.principal_type} {principal} in account {account}: list each grant once",
                    )
                granted[key] = i
        for i, assignment in enumerate(self.assignments):
            if assignment.permission_set not in names:
                raise ItemError(("assignments", i, "permission_set"), f"assignments[{i}]: unknown permission set {assignment.permission_set!r}; declared: {names}")
            principal_problem(("assignments", i), assignment, self.identity_store)
        return self


def principal_problem(where: tuple[str | int, ...], assignment: PrincipalAssignmentConfig, store: IdentityStoreConfig | None) -> None:
    """Refuse an assignment naming a principal that ``identity_store`` neither declares nor lists as existing.

    Without an ``identity_store`` section every name is looked up at deploy time (the
    principals live outside the baseline, e.g. provisioned by an external IdP).

    Raises:
        ItemError: at ``where`` + ``principal_name``: the name is unknown; the message names
            the declared and existing principals.
    """
    name = assignment.principal_name
    if store is None or name is None or store.has(assignment.principal_type, name):
        return
    kind, declared, existing = (
        ("group", [g.name for g in store.groups], store.existing_groups)
        if assignment.principal_type == "GROUP"
        else ("user", [u.user_name for u in store.users], store.existing_users)
    )
    raise ItemError(
        (*where, "principal_name"),
        f"unknown {kind} {name!r}: declare it in identity_store.{kind}s {sorted(declared)} or, if it "
        f"exists outside the baseline, list it in identity_store.existing_{kind}s {sorted(existing)}",
    )


class FederationConfig(StrictModel):
    """Federated access: each part is optional; the default config enables all three."""

    saml: SamlConfig | None = None
    oidc: OidcConfig | None = None
    identity_center: IdentityCenterConfig | None = None


def _refuse_duplicates(what: str, values: list[str], why: str, field: str) -> None:
    """Refuse the second item of ``field`` whose name is already taken, at that item's name."""
    first: dict[str, int] = {}
    for index, value in enumerate(values):
        if value in first:
            raise ItemError((field, index, "name"), f"duplicate {what} {value!r} (also {field}[{first[value]}]): {why}")
        first[value] = index


def _require_some(field: str, values: tuple) -> None:
    if not values:
        raise ValueError(f"{field} is empty: declare at least one, or leave the whole section out")
