"""The ways into a role that the config declares, written as IAM ``Deny`` statements.

A request that :func:`declared_ways` denies is a declared way; the trust invariant
(:mod:`.trust`) asks the engines for a request the trust policy allows and these statements do
not deny. Writing the declared ways in IAM's own language lets both engines judge them with the
same rules as every other policy (README.md, "What is proven").
"""

from __future__ import annotations

from ....config.models import BaselineConfig
from ...engine.policy import Policy
from ...engine.request import RequestPrincipal
from ...engine.space import ActionSpace, RequestSpace, ResourceSpace
from ...model.accounts import AccountScope
from ...model.templates import Principal
from . import declared as what_is_declared
from .declared import declared_accounts, declared_subjects, machine_role, oidc_audiences

ACTIONS = ("sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity")
SAML_AUDIENCE = "https://signin.aws.amazon.com/saml"


def named(role: Principal, kind: str) -> list[str]:
    """The principals of type ``kind`` (``AWS``, ``Service``, ``Federated``) the trust names."""
    return sorted({i for s in role.trust.statements for i in (s.principals or {}).get(kind, ())})


def _deny(sid: str, action: str, conditions: dict) -> dict:
    return {"Sid": sid, "Effect": "Deny", "Action": action, "Resource": "*", "Condition": conditions}


def declared_ways(scope: AccountScope, config: BaselineConfig, role: Principal,
                  provider: str | None = None, *, subjects: bool = True) -> Policy | None:
    """The ways the config declares into ``role``, as ``Deny`` statements of one policy.

    ``provider``: the federated caller the question is about (its declared way), or ``None``
    for AWS callers. A request these statements deny is a declared way; the trust invariant
    asks for an allowed request that none of them denies. ``None`` when nothing is declared.
    ``subjects=False`` leaves the OIDC ``sub`` out (once :mod:`.oidc_subjects` has shown that
    every ``sub`` the trust admits is declared).
    """
    model = scope.model
    statements: list[dict] = []
    machine = machine_role(config, role.name)
    if provider is None and machine is not None:
        # A machine role's one declared way, without MFA (config.machine_roles).
        if machine.third_party is not None:
            statements.append(_deny("DeclaredThirdPartyWithExternalId", "sts:AssumeRole", {"StringEquals": {
                "aws:PrincipalAccount": machine.third_party.account_id, "sts:ExternalId": machine.third_party.external_id}}))
        else:
            statements.append(_deny("DeclaredAutomationRole", "sts:AssumeRole",
                                    {"ArnEquals": {"aws:PrincipalArn": machine.principal_arn}}))
    elif provider is None:
        statements.append(_deny("DeclaredAccountWithRecentMfa", "sts:AssumeRole", {
            "StringEquals": {"aws:PrincipalAccount": sorted(declared_accounts(config, scope))},
            "Bool": {"aws:MultiFactorAuthPresent": "true"},
            "NumericLessThanEquals": {"aws:MultiFactorAuthAge": str(config.mfa.max_age_seconds)},
        }))
        saml_roles = what_is_declared.identity_saml_roles(scope, scope.top_config or config, role.name)
        if saml_roles:
            # The identity account's SAML roles of the persona (issue 17): role chaining from a
            # SAML session, which carries no AWS MFA context (engine/context_rules.py).
            statements.append(_deny("DeclaredIdentityAccountSamlRoles", "sts:AssumeRole",
                                    {"ArnEquals": {"aws:PrincipalArn": list(saml_roles)}}))
    elif provider in model.saml_providers:
        statements.append(_deny("DeclaredSamlProvider", "sts:AssumeRoleWithSAML",
                                {"StringEquals": {"SAML:aud": SAML_AUDIENCE}}))
    elif provider in model.oidc_providers:
        issuer = provider.split(":oidc-provider/", 1)[1]
        audiences, declared = oidc_audiences(config, issuer), declared_subjects(config, role.name)
        if audiences and declared:
            statements.append(_deny("DeclaredOidcSubjects", "sts:AssumeRoleWithWebIdentity", {
                "StringEquals": {f"{issuer}:aud": list(audiences)},
                **({"StringLike": {f"{issuer}:sub": list(declared)}} if subjects else {}),
            }))
    if not statements:
        return None
    return Policy.from_document("declared-ways", {"Version": "2012-10-17", "Statement": statements})


def space(role: Principal, principals, context: dict | None = None) -> RequestSpace:
    """``sts:AssumeRole*`` on ``role`` by ``principals`` (with ``context`` constraints)."""
    return RequestSpace(principals=principals, actions=ActionSpace(include=ACTIONS),
                        resources=ResourceSpace(include=(role.arn,)), context=context or {})


def _named_by_condition(role: Principal) -> list[str]:
    """Exact user and role ARNs an Allow of the trust names in ``aws:PrincipalArn`` (``ArnEquals`` /
    ``StringEquals``, no wildcard): the identity account's people in a member role's trust
    (issue 17), named beside an account principal."""
    found = set()
    for statement in role.trust.statements:
        if statement.effect != "Allow":
            continue
        for condition in statement.conditions:
            operator = condition.operator
            if (condition.key == "aws:principalarn" and operator.set_operator is None and not operator.if_exists
                    and operator.base in ("arnequals", "stringequals")):
                found |= {v for v in condition.values if "*" not in v and "?" not in v and "${" not in v}
    return sorted(found - set(named(role, "AWS")))


def named_callers(role: Principal) -> tuple[RequestPrincipal, ...]:
    """A caller for each user and role ARN the trust names (a session of a named role), as a
    principal or in an ``aws:PrincipalArn`` condition of an Allow.

    Asked apart from the rest of the accounts (which exclude them by ``aws:PrincipalArn``):
    z3 decides "this caller is that role" on a concrete ARN in milliseconds, where the
    symbolic caller ARN (account, path, name) against a literal took seconds. A session's name
    is free in AWS and no trust condition of the baseline reads it.
    """
    out = []
    for ident in [*named(role, "AWS"), *_named_by_condition(role)]:
        if not ident.startswith("arn:") or ident.count(":") != 5:
            continue
        partition, account, resource = ident.split(":")[1], ident.split(":")[4], ident.split(":", 5)[5]
        if resource.startswith("role/"):
            name = resource.rsplit("/", 1)[-1]
            out.append(RequestPrincipal(f"arn:{partition}:sts::{account}:assumed-role/{name}/probe", account,
                                        "role_session", role_arn=ident))
        elif resource.startswith("user/"):
            out.append(RequestPrincipal(ident, account, "user"))
    return tuple(out)
