"""Callers and their request context: what AWS puts into a request for each kind of principal.

A :class:`Subject` is a concrete caller built from a principal of the assembly: an IAM user
(console session or long-term access keys), a member of a group (a user holding only the
group's policies), a role session, a federated identity or an AWS service. Its request
context holds the global condition keys AWS sets for that caller (IAM User Guide, "AWS
global condition context keys"):

* ``aws:username`` for IAM users only; ``aws:userid``; ``aws:PrincipalArn`` (the role ARN
  for a role session); ``aws:PrincipalAccount``; ``aws:PrincipalType`` (``User``,
  ``AssumedRole``, ``WebIdentityUser``/``SAMLUser`` before the role session exists);
  ``aws:PrincipalTag/<key>`` per IAM tag.
* ``aws:MultiFactorAuthPresent`` and ``aws:MultiFactorAuthAge``: **absent** for long-term
  access keys; ``true`` plus the age for MFA-authenticated temporary credentials (console,
  ``GetSessionToken`` with MFA, a role assumed with MFA); ``false`` and no age otherwise.
* ``aws:SourceIp`` when given, ``aws:CurrentTime``/``aws:EpochTime`` fixed per run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ...config.access_matrix import RequestContextConfig
from ..engine.policy import Policy
from ..engine.request import RequestPrincipal
from .templates import AccountModel, Principal

#: A fixed request time so that a run's results never depend on the clock.
REQUEST_TIME = "2026-01-01T12:00:00Z"
REQUEST_EPOCH = "1767268800"
SESSION_NAME = "check"


@dataclass(frozen=True)
class Subject:
    """A caller: who it is, its policies, and the request context keys it brings."""

    label: str
    principal: RequestPrincipal
    identity: tuple[Policy, ...]
    boundary: Policy | None
    context: Mapping[str, str | list[str]] = field(default_factory=dict)
    source: Principal | None = None  # the principal of the assembly, when there is one


def _user_keys(model: AccountModel, name: str, arn: str, tags: Mapping[str, str]) -> dict[str, str | list[str]]:
    keys: dict[str, str | list[str]] = {
        "aws:username": name,
        "aws:userid": f"AIDA{name.upper()}",
        "aws:PrincipalArn": arn,
        "aws:PrincipalAccount": model.account,
        "aws:PrincipalType": "User",
    }
    keys.update({f"aws:PrincipalTag/{k}": v for k, v in tags.items()})
    return keys


def _mfa_keys(spec: RequestContextConfig, auth: str) -> dict[str, str]:
    if auth == "access_key":
        return {}  # absent: long-term keys carry no MFA information
    if spec.mfa:
        return {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": str(spec.mfa_age_seconds)}
    return {"aws:MultiFactorAuthPresent": "false"}


def _common_keys(model: AccountModel, spec: RequestContextConfig) -> dict[str, str | list[str]]:
    keys: dict[str, str | list[str]] = {
        "aws:CurrentTime": REQUEST_TIME,
        "aws:EpochTime": REQUEST_EPOCH,
        "aws:RequestedRegion": model.region,
        "aws:SecureTransport": "true",
    }
    if spec.source_ip:
        keys["aws:SourceIp"] = spec.source_ip
    return keys


def subject_for(model: AccountModel, principal: Principal, spec: RequestContextConfig) -> Subject:
    """The caller that ``principal`` stands for, with the context of ``spec``.

    A group stands for a member that holds only the group's policies; a permission set for
    a role session of the role IAM Identity Center creates from it.
    """
    auth = spec.auth or ("role_session" if principal.kind in ("role", "permission_set") else "console")
    keys = _common_keys(model, spec) | _mfa_keys(spec, auth)
    if principal.kind in ("user", "group"):
        if principal.kind == "group":
            name = f"member-of-{principal.name}"
            arn = model.iam_arn(f"user{principal.path}{name}")
            identity = tuple(principal.policies)
        else:
            name, arn = principal.name, principal.arn
            identity = tuple(model.identity_policies(principal))
        keys |= _user_keys(model, name, arn, principal.tags)
        return Subject(
            label=principal.ref,
            principal=RequestPrincipal(arn=arn, account=model.account, kind="user"),
            identity=identity,
            boundary=principal.boundary,
            context=keys | _plain(model, spec.keys),
            source=principal,
        )
    role_name = principal.name
    session_arn = f"arn:{model.partition}:sts::{model.account}:assumed-role/{role_name}/{SESSION_NAME}"
    keys |= {
        "aws:userid": f"AROA{role_name.upper()}:{SESSION_NAME}",
        "aws:PrincipalArn": principal.arn,
        "aws:PrincipalAccount": model.account,
        "aws:PrincipalType": "AssumedRole",
    }
    keys |= {f"aws:PrincipalTag/{k}": v for k, v in principal.tags.items()}
    return Subject(
        label=principal.ref,
        principal=RequestPrincipal(arn=session_arn, account=model.account, kind="role_session", role_arn=principal.arn),
        identity=tuple(model.identity_policies(principal)),
        boundary=principal.boundary,
        context=keys | _plain(model, spec.keys),
        source=principal,
    )


def external_subject(model: AccountModel, kind: str, name: str, spec: RequestContextConfig) -> Subject:
    """A federated identity (``federated:<provider ARN or its suffix>``) or an AWS service.

    A federated caller's request context carries ``spec.keys`` (its SAML or OIDC claims such
    as ``token.actions.githubusercontent.com:sub``) and no identity-based policy: its access to
    ``sts:AssumeRoleWith*`` is decided by the role's trust policy alone.
    """
    keys = _common_keys(model, spec) | _plain(model, spec.keys)
    if kind == "service":
        return Subject(f"service:{name}", RequestPrincipal(arn=name, account="", kind="service"), (), None, keys)
    providers = model.oidc_providers + model.saml_providers
    arn = next((p for p in providers if p == name or p.endswith(name)), None)
    if arn is None:
        arn = name if name.startswith("arn:") else model.iam_arn(name)
    keys["aws:FederatedProvider"] = arn
    return Subject(f"federated:{name}", RequestPrincipal(arn=arn, account=model.account, kind="federated"), (), None, keys)


def fill(model: AccountModel, text: str) -> str:
    """Replace ``{account}``, ``{partition}`` and ``{region}`` with the assembly's values."""
    return text.replace("{account}", model.account).replace("{partition}", model.partition).replace(
        "{region}", model.region
    )


def _plain(model: AccountModel, keys: Mapping[str, str | tuple[str, ...]]) -> dict[str, str | list[str]]:
    return {k: [fill(model, x) for x in v] if isinstance(v, tuple) else fill(model, v) for k, v in keys.items()}
