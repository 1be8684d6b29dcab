"""Sensitive roles: the persona roles whose every assumption from outside the expected principals alerts.

A persona's MFA role is sensitive when its ``sensitive`` key says so; left out, the admin
personas (``admin`` and every persona with ``admin: true``) are sensitive and the others are
not: an administrator session from an unexpected principal is an incident, a read-only one
is noise. The expected principals are derived from the config, from the same declarations
that build the role's trust and its callers' permissions:

* **this account's IAM users** allowed to assume it: the members of every group whose
  ``assumable_roles`` include the persona (where the users live), and, for the ``admin``
  persona, the break-glass users (their one permission is assuming the Admin role). The trust
  names the account, so any other principal of the account that some identity-based policy
  lets assume the role (a developer's role, a user outside those groups) is unexpected;
* **other accounts** that the role's ``trusted_principals`` name (CloudTrail records a
  cross-account call in the role's account with the caller's account only, no ARN);
* with ``organization.identity_account`` (:mod:`.hub`), a member account's persona role is
  the hub's: expected are the identity account (from any other account), or, in the identity
  account itself, exactly the users and SAML roles of the hop list (a SAML role's session is
  matched by its session issuer, the role ARN). The management account then holds no users
  (they live in the identity account) unless it is the identity account.

Member accounts receive no IAM users, so there (without a hub) only the trusted accounts are
expected. Source: IAM User Guide, "Roles terms and concepts"; AWS CloudTrail User Guide,
"CloudTrail userIdentity element".

Roles assumed through federation are sensitive too (:func:`federated_sensitive_roles`):

* a **SAML role** (``federation.saml.roles``) of a sensitive persona, where the account holds
  SAML (the config's own account, a member variant with ``saml``, or the identity account of a
  hub). It is assumed with ``AssumeRoleWithSAML``, whose CloudTrail record names no principal
  ARN: ``userIdentity`` is ``{"type": "SAMLUser", "userName": <saml:sub>, "identityProvider":
  <saml:namequalifier>}`` (a hash, not the provider's name) and ``requestParameters.principalArn``
  is the ARN of the IAM SAML provider that the assertion came through. The expected principals
  are therefore the role's SAML providers, matched on ``requestParameters.principalArn`` by the
  suffix ``:saml-provider/<name>`` (one StackSet template serves every member account, so the
  account is not known at synth; the role's trust admits only its own account's providers);
* an **OIDC deploy role** (``federation.oidc.deploy_roles``) that is sensitive (its
  ``sensitive``; default: the role may assume the CDK ``deploy`` role, which deploys with the
  CloudFormation execution role, AdministratorAccess unless bootstrapped otherwise). It is
  assumed with ``AssumeRoleWithWebIdentity``, recorded as ``{"type": "WebIdentityUser",
  "identityProvider": <the issuer>}`` and no provider ARN in ``requestParameters``. The CloudTrail
  User Guide calls ``identityProvider`` "the issuer name of the web identity federation provider";
  both forms it may take are expected: the issuer without ``https://`` and the IAM OIDC
  provider's ARN (``arn:<partition>:iam::<account>:oidc-provider/<issuer>``).

Sources: IAM User Guide, "Logging IAM and AWS STS API calls with AWS CloudTrail" ("Example
SAML AWS STS API event in CloudTrail log file", "Example web identity AWS STS API event in
CloudTrail log file", https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html);
AWS CloudTrail User Guide, "CloudTrail userIdentity element", section "Values for AWS STS APIs
with SAML and web identity federation"
(https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..partitions import partition_of
from .hub import HubPart, group_user_arns, management_hub_part
from .personas import persona_views, trusted_account

if TYPE_CHECKING:
    from .models import BaselineConfig


@dataclass(frozen=True)
class SensitiveRole:
    """A sensitive persona role and who is expected to assume it.

    Attributes:
        persona: the persona key (``admin``, ``data``).
        name: the role name (its path is the config's ``iam_path``).
        expected_user_arns: ARNs of the role's own account's IAM users allowed to assume it, sorted.
        expected_role_arns: ARNs of the role's own account's roles whose sessions may assume it
            (the identity account's SAML roles), sorted.
        expected_accounts: other accounts the trust admits, sorted.
        expected_saml_providers: ARN suffixes ``:saml-provider/<name>`` of the SAML providers whose
            ``AssumeRoleWithSAML`` is expected (a SAML role's providers), sorted.
        expected_web_identity_providers: ``userIdentity.identityProvider`` values whose
            ``AssumeRoleWithWebIdentity`` is expected (an OIDC deploy role's issuer and provider ARN).
        kind: what the role is, for the alert's description (``persona admin``, ``SAML role of
            persona admin``, ``OIDC deploy role``).
    """

    persona: str | None
    name: str
    expected_user_arns: tuple[str, ...]
    expected_accounts: tuple[str, ...]
    expected_role_arns: tuple[str, ...] = ()
    expected_saml_providers: tuple[str, ...] = ()
    expected_web_identity_providers: tuple[str, ...] = ()
    kind: str = ""

    @property
    def described(self) -> str:
        """``kind``, or ``persona <key>`` for a persona's own role."""
        return self.kind or f"persona {self.persona}"


def _sensitive(view) -> bool:
    return view.role.sensitive if view.role.sensitive is not None else view.admin


def sensitive_personas(config: "BaselineConfig") -> tuple[str, ...]:
    """Keys of the personas with an MFA role that is sensitive (``sensitive``, default: admin)."""
    return tuple(key for key, view in persona_views(config).items() if view.mfa_role and _sensitive(view))


def sensitive_roles(config: "BaselineConfig", hub: HubPart | None = None) -> list[SensitiveRole]:
    """Every sensitive persona role of the account that ``config`` builds, with its expected
    principals (module docstring).

    Args:
        config: the account's config (a StackSet member's: :func:`~.member_config.member_baseline_config`).
        hub: the account's part of the hub (a member's comes from its StackSet group); ``None``:
            derived for the config's own account (:func:`~.hub.management_hub_part`).
    """
    if hub is None:
        hub = management_hub_part(config)
    return [*_persona_roles(config, hub), *federated_sensitive_roles(config, hub)]


def _persona_roles(config: "BaselineConfig", hub: HubPart | None) -> list[SensitiveRole]:
    """The sensitive persona (MFA) roles of the account, with their expected principals."""
    views = persona_views(config)
    if hub is not None and hub.member_roles_only:
        return [_hub_member_role(key, views[key].role.name, hub) for key in hub.member_personas if _sensitive(views[key])]
    user_prefix = f"arn:{partition_of(config.region)}:iam::{config.account_id}:user{config.iam_path}"
    people = hub is None or hub.people
    found = []
    for key in sensitive_personas(config):
        # The same users as the hop list's (config.hub.group_user_arns), in this account.
        users = set(group_user_arns(config, key, config.account_id)) if people else set()
        bg = config.break_glass
        if key == "admin" and bg is not None and bg.mode == "users":
            users |= {user_prefix + name for name in bg.users}
        role = views[key].role
        found.append(
            SensitiveRole(
                key,
                role.name,
                tuple(sorted(users)),
                tuple(sorted({trusted_account(arn) for arn in role.trusted_principals})),
            )
        )
    return found


def _hub_member_role(key: str, name: str, hub: HubPart) -> SensitiveRole:
    """A member role of the hub: its trust admits the identity account's principals of the
    persona only (the identity account's own role: those users and SAML roles by ARN)."""
    reach = hub.reach[key]
    if hub.people:  # this is the identity account: its callers are in the same account
        return SensitiveRole(key, name, reach.users, (), reach.saml_roles)
    return SensitiveRole(key, name, (), (hub.identity_account,))


def deploy_role_sensitive(role) -> bool:
    """Whether OIDC deploy role ``role`` alerts: its ``sensitive``, default: it may assume the CDK
    ``deploy`` role (whoever deploys a CloudFormation stack holds the execution role's rights)."""
    return role.sensitive if role.sensitive is not None else "deploy" in role.cdk_roles


def federated_sensitive_roles(config: "BaselineConfig", hub: HubPart | None = None) -> list[SensitiveRole]:
    """The sensitive roles of the account assumed through federation (module docstring): SAML
    roles of sensitive personas (where the account holds SAML: without a hub, or in the hub's
    identity account) and sensitive OIDC deploy roles, each expecting only its own providers.

    Args:
        config: the account's config (a member's keeps ``federation.saml`` only where SAML goes).
        hub: the account's part of the hub; with one, SAML lives where ``hub.people`` is true.
    """
    federation = config.federation
    if federation is None:
        return []
    partition = partition_of(config.region)
    iam_prefix = f"arn:{partition}:iam::{config.account_id}:"
    views = persona_views(config)
    found: list[SensitiveRole] = []
    saml = federation.saml
    if saml is not None and (hub is None or hub.people):
        for role in saml.roles:
            if _sensitive(views[role.persona]):
                providers = tuple(sorted(f":saml-provider/{name}" for name in role.providers))
                found.append(
                    SensitiveRole(role.persona, role.name, (), (), expected_saml_providers=providers,
                                  kind=f"SAML role of persona {role.persona}")
                )
    oidc = federation.oidc
    if oidc is not None:
        providers = {provider.name: provider for provider in oidc.providers}
        for deploy in oidc.deploy_roles:
            if deploy_role_sensitive(deploy):
                provider = providers[deploy.provider]
                arn = provider.existing_provider_arn or f"{iam_prefix}oidc-provider/{provider.issuer}"
                found.append(
                    SensitiveRole(None, deploy.name, (), (), expected_web_identity_providers=tuple(sorted({provider.issuer, arn})),
                                  kind="OIDC deploy role")
                )
    return found
