"""Config models of OIDC federation for CI/CD: providers (GitHub, GitLab, generic) and deploy roles.

Props of :mod:`iam_baseline.federation.oidc`. ``sub`` patterns that admit another
organization's or repository's tokens are refused at load time (decided by matching,
:mod:`iam_baseline.federation.subject_claims`), as are duplicate provider URLs.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from ..federation.policy_size import TRUST_POLICY_DEFAULT_MAX_CHARS, TRUST_POLICY_QUOTA_CEILING
from ..federation.subject_claims import SubjectFormat, breadth_problem
from .regions import RegionName
from .types import IamName
from .strict import StrictModel

#: The qualifier ``cdk bootstrap`` gives its roles and bucket without ``--qualifier`` (CDK
#: Developer Guide, "Customize CDK bootstrapping"); the baseline's own stacks deploy with it.
CDK_DEFAULT_QUALIFIER = "hnb659fds"
from .policy_document import catalog_problem, check_condition_block
from .types import AsciiToken, ItemError, printable_text, unique
from .sections import ConfigKey, refuse_duplicates, require_some

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
        CDK_DEFAULT_QUALIFIER, description="Bootstrap qualifier of the target environment (CDK default hnb659fds)."
    )
    regions: unique(RegionName, "region") = Field((), description="Regions deployed to; default the home region.")  # type: ignore[valid-type]
    cdk_roles: unique(Literal["deploy", "file-publishing", "image-publishing", "lookup"], "CDK role") = Field(  # type: ignore[valid-type]
        ("deploy", "file-publishing", "image-publishing", "lookup"),
        min_length=1,
        description="CDK bootstrap roles the role may assume; [lookup] alone gives a read-only role for cdk diff.",
    )
    extra_statements: tuple[PolicyStatementConfig, ...] = Field((), description="Extra permissions, if any.")
    sensitive: bool | None = Field(
        None,
        description=(
            "Alert when the role is assumed through another identity provider than its own (with detection); "
            "null: true when cdk_roles include deploy, false for a lookup or publishing role."
        ),
    )

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
        require_some("providers", self.providers)
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
        refuse_duplicates("OIDC provider name", [p.name for p in self.providers], "deploy roles refer to them by name", "providers")
        refuse_duplicates("deploy role name", [r.name for r in self.deploy_roles], "IAM role names are unique", "deploy_roles")
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
