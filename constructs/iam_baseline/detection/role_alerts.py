"""Alerts on assuming a declared role from outside its expected principals, as plain data.

One EventBridge pattern per machine role (:func:`machine_role_rules`) and per sensitive persona
role (:func:`sensitive_role_rules`), both on :func:`role_assumed_pattern`: ``AssumeRole`` of the
role, by a caller that the config does not expect. The expected principals come from the config
(:mod:`iam_baseline.config.machine_roles`, :mod:`iam_baseline.config.sensitive_roles`); the
other detections are :mod:`.patterns`.
"""

from __future__ import annotations

from typing import Any

from ..config.hub import HubPart
from ..config.machine_roles import MachineRoleConfig
from ..config.models import BaselineConfig
from ..config.personas import BUILT_IN_PERSONAS
from ..config.sensitive_roles import SensitiveRole, sensitive_roles
from ..naming import construct_id
from .detection_rule import API_CALL, DetectionRule

__all__ = [
    "ASSUME_ROLE_EVENTS",
    "machine_role_outsider_pattern",
    "machine_role_rules",
    "role_assumed_pattern",
    "sensitive_role_outsider_pattern",
    "sensitive_role_rules",
]


#: The STS calls that assume a role: with AWS credentials, a SAML assertion, an OIDC token.
ASSUME_ROLE_EVENTS: tuple[str, ...] = ("AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity")


def role_assumed_pattern(
    config: BaselineConfig, role_name: str, outside: dict[str, Any], events: tuple[str, ...] = ("AssumeRole",)
) -> dict[str, Any]:
    """``events`` (default ``AssumeRole``; successful or refused) of the role ``role_name`` at the
    baseline's IAM path, by a caller that the ``detail`` keys of ``outside`` describe (who is *not*
    expected).

    The role is matched by the suffix ``:role<iam_path><name>`` of ``requestParameters.roleArn``
    (present in ``AssumeRole``, ``AssumeRoleWithSAML`` and ``AssumeRoleWithWebIdentity`` records),
    so one pattern serves every member account. CloudTrail records the call in the role's account
    (a cross-account caller as ``userIdentity.type`` ``AWSAccount`` with its ``accountId`` only, no
    ARN) and in the region of the STS endpoint the caller used: the global endpoint's calls reach
    the home region through the global-events stack, a regional endpoint's only in that region
    (README.md, "Known limits"). Sources: AWS CloudTrail User Guide, "CloudTrail userIdentity
    element" and "Logging IAM and AWS STS API calls with AWS CloudTrail"; Amazon EventBridge User
    Guide, "Content filtering" (suffix, anything-but, exists, $or).
    """
    return {
        "source": ["aws.sts"],
        "detail-type": [API_CALL],
        "detail": {
            "eventName": list(events),
            "requestParameters": {"roleArn": [{"suffix": f":role{config.iam_path}{role_name}"}]},
            **outside,
        },
    }


def machine_role_outsider_pattern(config: BaselineConfig, role: MachineRoleConfig) -> dict[str, Any]:
    """:func:`role_assumed_pattern` of machine role ``role`` by a caller outside the account of its
    declared principal (the automation role's account, or the third party's).

    The role's account records a cross-account ``AssumeRole`` with the caller's ``accountId``
    only, so the alert judges the account; the trust itself admits only the exact role ARN (or
    the external id).
    """
    expected = role.principal_arn.split(":")[4]
    return role_assumed_pattern(config, role.name, {"userIdentity": {"accountId": [{"anything-but": expected}]}})


def machine_role_rules(config: BaselineConfig) -> list[DetectionRule]:
    """One alert per machine role this config deploys (a member's: its StackSet group's)."""
    return [
        DetectionRule(
            f"MachineRoleOutsider{construct_id(role.name)}",
            f"Machine role {role.name} assumed from outside its principal's account",
            "machine roles (reason: " + role.reason[:200] + ")",
            machine_role_outsider_pattern(config, role),
            f"machine_roles[{index}]",
        )
        for index, role in enumerate(config.machine_roles)
        if role.targets is None
    ]


def sensitive_role_outsider_pattern(config: BaselineConfig, role: SensitiveRole) -> dict[str, Any]:
    """:func:`role_assumed_pattern` of sensitive role ``role``, by any of :data:`ASSUME_ROLE_EVENTS`,
    by anyone but its expected principals (:mod:`iam_baseline.config.sensitive_roles`), one
    ``$or`` branch per kind of caller (``userIdentity.type``):

    * ``AWSAccount`` (another account) not in ``role.expected_accounts``;
    * ``IAMUser`` of the role's account whose ARN is not in ``role.expected_user_arns``;
    * ``AssumedRole`` (a role session of the account) whose session issuer is not in
      ``role.expected_role_arns``;
    * ``SAMLUser`` (``AssumeRoleWithSAML``) through a SAML provider whose ARN
      (``requestParameters.principalArn``) ends in none of ``role.expected_saml_providers``
      (``anything-but`` ``suffix``: one string for one provider, the list for several, which
      EventBridge's pattern engine takes: aws/event-ruler README, "Anything-but suffix list
      (strings)"; the one-provider form stays as it was, so its template does not change);
    * ``WebIdentityUser`` (``AssumeRoleWithWebIdentity``) whose ``identityProvider`` is not in
      ``role.expected_web_identity_providers``;
    * any other type (root user, federated user, AWS service).

    A kind with no expected principal alerts on every caller of that kind (a persona's MFA role
    assumed with a SAML assertion is refused by its trust, and still an attempt worth an alert).
    Record shapes: IAM User Guide, "Logging IAM and AWS STS API calls with AWS CloudTrail"
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html), examples of
    SAML and web identity STS events.
    """

    def outside(type_: str, path: tuple[str, ...], expected: tuple[str, ...]) -> dict[str, Any]:
        """Callers of ``type_`` whose field at ``path`` (under ``userIdentity``) is not expected."""
        if not expected:
            return {"userIdentity": {"type": [type_]}}
        leaf: dict[str, Any] = {path[-1]: [{"anything-but": list(expected)}]}
        for key in reversed(path[:-1]):
            leaf = {key: leaf}
        return {"userIdentity": {"type": [type_], **leaf}}

    saml = role.expected_saml_providers
    saml_callers: list[dict[str, Any]] = [{"userIdentity": {"type": ["SAMLUser"]}}]
    if saml:
        suffixes = saml[0] if len(saml) == 1 else list(saml)
        saml_callers[0]["requestParameters"] = {"principalArn": [{"anything-but": {"suffix": suffixes}}]}
    types = ("AWSAccount", "IAMUser", "AssumedRole", "SAMLUser", "WebIdentityUser")
    branches = [
        outside("AWSAccount", ("accountId",), role.expected_accounts),
        outside("IAMUser", ("arn",), role.expected_user_arns),
        outside("AssumedRole", ("sessionContext", "sessionIssuer", "arn"), role.expected_role_arns),
        *saml_callers,
        outside("WebIdentityUser", ("identityProvider",), role.expected_web_identity_providers),
        {"userIdentity": {"type": [{"anything-but": list(types)}]}},
    ]
    return role_assumed_pattern(config, role.name, {"$or": branches}, ASSUME_ROLE_EVENTS)


def sensitive_role_rules(config: BaselineConfig, hub: HubPart | None = None) -> list[DetectionRule]:
    """One alert per sensitive role of the account (:func:`sensitive_role_outsider_pattern`):
    persona roles, SAML roles of sensitive personas, sensitive OIDC deploy roles; ``hub``: the
    account's part of the hub (:func:`~iam_baseline.config.sensitive_roles.sensitive_roles`)."""
    return [
        DetectionRule(
            f"SensitiveRoleOutsider{construct_id(role.name)}",
            f"Sensitive role {role.name} assumed from outside its expected principals",
            f"sensitive roles ({role.described})",
            sensitive_role_outsider_pattern(config, role),
            _config_key(role),
        )
        for role in sensitive_roles(config, hub)
    ]


def _config_key(role: SensitiveRole) -> str:
    """Where a sensitive role's expected principals come from: its persona (``roles.<key>`` for a
    built-in one, else ``personas.<key>``), or the OIDC deploy roles."""
    if role.persona is None:
        return "federation.oidc.deploy_roles"
    return f"roles.{role.persona}" if role.persona in BUILT_IN_PERSONAS else f"personas.{role.persona}"
