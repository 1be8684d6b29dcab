"""OIDC federation for CI/CD: the IAM OIDC provider and least-privilege deploy roles.

A pipeline (GitHub Actions, GitLab CI, any OIDC issuer) exchanges its short-lived ID token
for role credentials with ``sts:AssumeRoleWithWebIdentity``: no long-lived access key is
stored in the CI system. The deploy role's trust policy:

* principal ``Federated`` = the provider ARN, action ``sts:AssumeRoleWithWebIdentity``;
* ``StringEquals <issuer>:aud`` = the expected audience;
* a mandatory ``<issuer>:sub`` condition: ``StringEquals`` for exact values and, in a second
  statement, ``StringLike`` for patterns with ``*``/``?``. (Both operators in one statement
  would be ANDed and admit nothing; exact values never go through ``StringLike``.)

The provider is the native ``AWS::IAM::OIDCProvider`` (``iam.OidcProviderNative``), never the
custom-resource variant, or an existing provider reused by ARN (IAM allows one per URL).

Permissions: ``sts:AssumeRole`` on the four roles the CDK CLI assumes in a bootstrapped
environment (deploy, file publishing, image publishing, lookup). They are listed by name
rather than as ``cdk-<qualifier>-*-role-<account>-<region>`` so the wildcard does not also
cover the CloudFormation execution role (administrator by default), which only
CloudFormation may assume. Source: IAM User Guide, "Create a role for OpenID Connect
federation"; AWS CDK Developer Guide, "Bootstrapping" (bootstrap template resources).
"""

from __future__ import annotations

from aws_cdk import Aws
from aws_cdk import aws_iam as iam
from constructs import Construct

from ..config.federation import DeployRoleConfig, OidcProviderConfig
from ..identity.arns import iam_arn
from ..identity.roles import configured_role
from .policy_size import TRUST_POLICY_DEFAULT_MAX_CHARS
from .saml import FederatedProvidersPrincipal, check_trust_policy_size
from .subject_claims import WILDCARDS

WEB_IDENTITY_ACTION = "sts:AssumeRoleWithWebIdentity"

#: Roles of the CDK bootstrap stack that ``cdk deploy`` assumes (bootstrap template v6+).
CDK_BOOTSTRAP_ROLE_KINDS = ("deploy", "file-publishing", "image-publishing", "lookup")


def cdk_bootstrap_role_arns(
    qualifier: str, regions: tuple[str, ...] = (), kinds: tuple[str, ...] = CDK_BOOTSTRAP_ROLE_KINDS
) -> list[str]:
    """ARNs of the CDK bootstrap roles ``cdk-<qualifier>-<kind>-role-<account>-<region>``
    of the deploying account, in each of ``regions`` (default: the stack's region), for
    each of ``kinds`` (default: all four)."""
    return [
        iam_arn(f"role/cdk-{qualifier}-{kind}-role-{Aws.ACCOUNT_ID}-{region}")
        for region in (regions or (Aws.REGION,))
        for kind in kinds
    ]


def web_identity_conditions(issuer: str, audience: str, subs: tuple[str, ...]) -> list[dict[str, dict]]:
    """The condition blocks of the trust statements: one for exact ``sub`` values
    (``StringEquals``), one for patterns (``StringLike``); each also pins ``aud``."""
    exact = [s for s in subs if not any(w in s for w in WILDCARDS)]
    patterns = [s for s in subs if any(w in s for w in WILDCARDS)]
    aud = {f"{issuer}:aud": audience}
    blocks = []
    if exact:
        blocks.append({"StringEquals": {**aud, f"{issuer}:sub": exact if len(exact) > 1 else exact[0]}})
    if patterns:
        blocks.append({"StringEquals": aud, "StringLike": {f"{issuer}:sub": patterns if len(patterns) > 1 else patterns[0]}})
    return blocks


def _json_conditions(conditions: dict[str, dict[str, str | tuple[str, ...]]]) -> dict[str, dict[str, object]]:
    """Config tuples as JSON lists, for the policy document."""
    return {op: {key: list(v) if isinstance(v, tuple) else v for key, v in keys.items()} for op, keys in conditions.items()}


class OidcIdentityProvider(Construct):
    """An IAM OIDC provider for one issuer: created natively, or reused by ARN.

    Creates one ``AWS::IAM::OIDCProvider`` with the preset's (or configured) URL, client
    ids and thumbprints, unless ``provider.existing_provider_arn`` is set.

    Args:
        provider: issuer URL, client ids, thumbprints or an existing provider's ARN,
            validated by :class:`OidcProviderConfig` (presets for GitHub Actions and GitLab).

    Attributes:
        arn: the provider ARN, built from the issuer (IAM names an OIDC provider after its
            URL), so trust policies can be measured before deployment; or the existing ARN.
        config: the provider's config.
    """

    def __init__(self, scope: Construct, id: str, *, provider: OidcProviderConfig) -> None:
        super().__init__(scope, id)
        self.config = provider
        if provider.existing_provider_arn:
            self.arn = provider.existing_provider_arn
            return
        self.provider = iam.OidcProviderNative(
            self,
            "Resource",
            url=provider.issuer_url,
            client_ids=list(provider.client_ids),
            thumbprints=list(provider.thumbprints) or None,
        )
        self.arn = iam_arn(f"oidc-provider/{provider.issuer}")


class OidcDeployRole(Construct):
    """A CI/CD deploy role trusting one OIDC provider, allowed only to assume the CDK
    bootstrap roles (plus ``role.extra_statements``).

    Creates an ``AWS::IAM::Role`` (:attr:`role`) and a customer managed policy (:attr:`policy`).

    Args:
        scope: parent construct.
        id: construct id.
        role: name, subjects (validated: never a ``sub`` admitting any repository), audience,
            session duration (3600-43200 s), CDK qualifier, regions, extra statements.
        provider: the :class:`OidcIdentityProvider` the role trusts.
        path: IAM path of the role and its policy.
        trust_policy_max_chars: the account's "Role trust policy length" quota.

    Raises:
        PolicySizeError: the synthesized trust policy exceeds ``trust_policy_max_chars``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        role: DeployRoleConfig,
        provider: OidcIdentityProvider,
        path: str = "/",
        trust_policy_max_chars: int = TRUST_POLICY_DEFAULT_MAX_CHARS,
    ) -> None:
        super().__init__(scope, id)
        issuer = provider.config.issuer
        audience = role.audience or provider.config.client_ids[0]
        first, *more = web_identity_conditions(issuer, audience, role.sub_values())
        self.role = configured_role(
            self,
            "Resource",
            role,
            path=path,
            assumed_by=FederatedProvidersPrincipal([provider.arn], WEB_IDENTITY_ACTION, first),
        )
        self.role.node.add_dependency(provider)
        for conditions in more:
            self.role.assume_role_policy.add_statements(
                iam.PolicyStatement(
                    actions=[WEB_IDENTITY_ACTION],
                    principals=[FederatedProvidersPrincipal([provider.arn], WEB_IDENTITY_ACTION, {})],
                    conditions=conditions,
                )
            )
        statements = [
            iam.PolicyStatement(
                sid="AssumeCdkBootstrapRoles",
                actions=["sts:AssumeRole"],
                resources=cdk_bootstrap_role_arns(role.cdk_qualifier, role.regions, role.cdk_roles),
            ),
            *(
                iam.PolicyStatement(
                    effect=iam.Effect.ALLOW if extra.effect == "Allow" else iam.Effect.DENY,
                    actions=list(extra.actions),
                    resources=list(extra.resources),
                    conditions=_json_conditions(extra.conditions) or None,
                )
                for extra in role.extra_statements
            ),
        ]
        self.policy = iam.ManagedPolicy(
            self,
            "Permissions",
            managed_policy_name=f"{role.name}Permissions"[:128],
            path=path,
            description=f"What the {role.name} CI/CD role may do: assume the CDK bootstrap roles.",
            statements=statements,
            roles=[self.role],
        )
        check_trust_policy_size(
            self.role,
            max_chars=trust_policy_max_chars,
            hint="use fewer sub values (a pattern, or one environment) or raise the IAM quota and "
            "federation.oidc.trust_policy_max_chars",
        )

