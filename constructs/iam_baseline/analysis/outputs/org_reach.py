"""Who reaches which member account: every hop that the StackSets' trust policies admit (and
the member identity account's own stack, which is no StackSet: ``stacks/identity_account.py``).

Read from the synthesized organization assembly, never from the config's text: each
``AWS::CloudFormation::StackSet`` resource gives the template CloudFormation deploys
(``TemplateBody``) and where (``StackInstancesGroup[].DeploymentTargets``: OU ids, accounts and
the ``AccountFilterType``, CloudFormation User Guide, "AWS::CloudFormation::StackSet
DeploymentTargets"; a service-managed StackSet that targets an OU also deploys to the accounts
of the OUs below it). The template is resolved once per member account (``AWS::AccountId`` is
that account), and for each role the callers that its trust policy names are tried with the
concrete evaluator (:func:`..engine.evaluator.evaluate_assume_role`):

* ``Principal: {"AWS": <account>}`` with ``aws:PrincipalArn`` in the same statement: each named
  user or role; without it, "any principal of that account" (a stand-in user);
* a user or role ARN as principal: that principal;
* ``Principal: {"Federated": <saml-provider>}``: the SAML provider (``sts:AssumeRoleWithSAML``).

Service principals (a role for Lambda or EC2) and OIDC providers are not callers of a person's
or a machine's hop into an account and are left out. Both halves decide a hop: when the
assembly holds the caller (the identity account's users and roles), its identity-based policies
and boundary must allow the ``sts:AssumeRole`` too; a caller outside the assembly (a third
party, a declared automation role) gets a stand-in Allow, so for it the picture shows what the
trust admits. SCPs are left to the proof (``make check``), which decides the whole request.

Each hop carries its gate, decided by the evaluator and not read from the statement's text:
:attr:`Gate.MFA` when the trust refuses the caller without MFA and admits it with MFA,
:attr:`Gate.EXTERNAL_ID` when it refuses it without the agreed ``sts:ExternalId`` (IAM User
Guide, "Access to AWS accounts owned by third parties"), :attr:`Gate.IDP` for a SAML provider
or a session of a role that only a SAML provider can assume: such a session carries no AWS MFA
context (IAM User Guide, "AWS global condition context keys", ``aws:MultiFactorAuthPresent``),
MFA is the identity provider's. :attr:`Gate.NONE`: admitted without MFA or an external id.
:attr:`Gate.TRUST_ONLY`: the trust admits the caller but its own policies do not (one half of a
hop without the other).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...config.hub import identity_account_id
from ...config.models import BaselineConfig
from ..engine.evaluator import evaluate_assume_role
from ..engine.policy import Policy, PolicyKind
from ..engine.request import Request, RequestPrincipal
from ..model.stack_reader import StackReader, StackTemplate, load_stacks, stack_readers
from ..model.templates import build_account

#: The audience of a SAML assertion for the AWS sign-in endpoint (IAM User Guide, "Configure SAML assertions").
SAML_AUDIENCE = "https://signin.aws.amazon.com/saml"
_MFA = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "1"}
_NO_MFA = {"aws:MultiFactorAuthPresent": "false"}
_PRINCIPAL_ARN_OPERATORS = ("arnequals", "arnlike", "stringequals", "stringlike")


class Gate(enum.Enum):
    """What a trust policy asks of a caller beyond being named (see the module)."""

    MFA = "MFA"
    EXTERNAL_ID = "external ID"
    IDP = "IdP"
    NONE = "no MFA"
    TRUST_ONLY = "trust only"  # the trust admits the caller, its own policies do not


class CallerKind(enum.Enum):
    """What a trust policy names: a user or role (by ARN or ``aws:PrincipalArn``), a whole
    account, a SAML provider, or anyone."""

    USER = "user"
    ROLE = "role"
    ACCOUNT = "account"  # any principal of the account that its own policies allow
    SAML_PROVIDER = "saml-provider"
    ANYONE = "anyone"


@dataclass(frozen=True)
class Caller:
    """A principal a trust policy admits.

    ``own_account``: the trust names the role's own account (``AWS::AccountId``), so the
    caller differs per member account; :attr:`key` is the same for all of them.
    """

    kind: CallerKind
    arn: str
    account: str
    own_account: bool = False

    @property
    def key(self) -> str:
        """A stable id: the ARN, with the account replaced by ``<own account>`` when it is the role's."""
        return self.arn.replace(f":{self.account}:", ":<own account>:") if self.own_account else self.arn

    @property
    def name(self) -> str:
        """``user/alice``, ``role/tooling/MetricsCollector``, ``saml-provider/ExampleIdP``, ``root``."""
        return self.arn.split(":", 5)[-1] if self.kind is not CallerKind.ANYONE else "*"


@dataclass(frozen=True)
class Hop:
    """``caller`` may assume role ``role`` (name, without the path) in ``account``, behind ``gates``."""

    caller: Caller
    account: str
    role: str
    gates: tuple[Gate, ...]


@dataclass(frozen=True)
class Directory:
    """The organization's accounts and OUs as declared (names for a picture; hops come from templates).

    ``ous``: (OU path, OU id) pairs; ``accounts``: (name, id, OU path) triples; ``management``:
    the management account id; ``identity``: the account people sign in to, if declared.
    """

    ous: tuple[tuple[str, str], ...]
    accounts: tuple[tuple[str, str, str], ...]
    management: str
    identity: str | None = None

    @classmethod
    def from_config(cls, config: BaselineConfig) -> Directory:
        """The directory of ``config.organization`` (raises ValueError without one)."""
        org = config.organization
        if org is None:
            raise ValueError("the config has no organization section: there is no member account to draw")
        return cls(tuple((ou.path, ou.id) for ou in org.organizational_units),
                   tuple((a.name, a.id, ou.path) for ou, a in org.member_accounts()), org.management_account_id,
                   identity_account_id(config))

    def name_of(self, account: str) -> str | None:
        """The declared name of ``account`` (``management`` for the management account), else None."""
        if account == self.management:
            return "management"
        return next((name for name, ident, _ in self.accounts if ident == account), None)

    def ou_of(self, account: str) -> str | None:
        """The OU path of member ``account``, else None (the management account, outsiders)."""
        return next((path for _, ident, path in self.accounts if ident == account), None)

    def targeted(self, targets: dict[str, Any]) -> list[str]:
        """The declared accounts a StackSet's ``DeploymentTargets`` reach (nested OUs included)."""
        ou_paths = {path for path, ident in self.ous if ident in set(targets.get("OrganizationalUnitIds", ()))}
        in_ous = [a for _, a, path in self.accounts if any(path == p or path.startswith(p + "/") for p in ou_paths)]
        listed = [str(a) for a in targets.get("Accounts", ())]
        how = targets.get("AccountFilterType", "NONE")
        if not ou_paths:
            return listed
        if how == "DIFFERENCE":
            return [a for a in in_ous if a not in listed]
        if how == "INTERSECTION":
            return [a for a in in_ous if a in listed]
        if how == "UNION":
            return in_ous + [a for a in listed if a not in in_ous]
        return in_ous


@dataclass(frozen=True)
class _Role:
    arn: str
    name: str
    account: str
    trust: Policy


def _roles(reader: StackReader) -> list[_Role]:
    """Every role of ``reader``'s stack with its resolved trust policy."""
    roles = []
    for logical_id, resource in reader.resources.items():
        if resource.get("Type") != "AWS::IAM::Role":
            continue
        props = resource.get("Properties", {})
        document = reader.document(props.get("AssumeRolePolicyDocument"), f"{logical_id}/AssumeRolePolicyDocument")
        arn = reader.attribute(logical_id, resource, "Arn")
        trust = Policy.from_document(f"trust:{arn}", document, PolicyKind.TRUST)
        roles.append(_Role(arn, reader.name(logical_id, "RoleName"), reader.stack.account, trust))
    return roles


def member_deployments(stacks: Sequence[StackTemplate], directory: Directory) -> list[StackTemplate]:
    """One :class:`StackTemplate` per (StackSet, member account, region) the assembly's StackSets deploy."""
    out = []
    for reader in stack_readers(list(stacks)):
        for logical_id, resource in sorted(reader.resources.items()):
            if resource.get("Type") != "AWS::CloudFormation::StackSet":
                continue
            props = reader.document(resource.get("Properties", {}), logical_id)
            body = props.get("TemplateBody")
            template = json.loads(body) if isinstance(body, str) else body
            if not isinstance(template, dict):
                continue  # a TemplateURL: the template is not in the assembly
            name = str(props.get("StackSetName", logical_id))
            for group in props.get("StackInstancesGroup", ()):
                for account in directory.targeted(group.get("DeploymentTargets", {})):
                    for region in group.get("Regions", ())[:1]:  # IAM is global: one region is the account's
                        out.append(StackTemplate(f"{name}/{account}", f"StackSet-{name}", account, str(region),
                                                 template, reader.stack.path))
    return out


def _callers(statement, account: str | None, partition: str) -> list[Caller]:
    """The callers an Allow statement of a trust policy names; ``account``: a member template's
    account (a caller there is marked ``own_account``), None for a stack of one account."""
    callers = []
    principal_arns = [v for c in statement.conditions if c.key == "aws:principalarn"
                      and c.operator.name.lower().removesuffix("ifexists") in _PRINCIPAL_ARN_OPERATORS for v in c.values]
    for value in (statement.principals or {}).get("AWS", ()):
        if value == "*":
            callers.append(Caller(CallerKind.ANYONE, f"arn:{partition}:iam::000000000000:user/anyone", "000000000000"))
            continue
        owner = value if value.isdigit() else value.split(":")[4]
        if value.isdigit() or value.endswith(":root"):
            named = principal_arns or [f"arn:{partition}:iam::{owner}:root"]
        else:
            named = [value]
        for arn in named:
            kind = CallerKind.USER if ":user/" in arn else CallerKind.ROLE if ":role/" in arn else CallerKind.ACCOUNT
            callers.append(Caller(kind, arn, arn.split(":")[4] or owner, own_account=owner == account))
    for provider in (statement.principals or {}).get("Federated", ()):
        if ":saml-provider/" in provider:
            owner = provider.split(":")[4]
            callers.append(Caller(CallerKind.SAML_PROVIDER, provider, owner, own_account=owner == account))
    return callers


def _principal(caller: Caller) -> RequestPrincipal:
    if caller.kind is CallerKind.ROLE:
        name = caller.arn.rsplit("/", 1)[-1]
        session = f"arn:{caller.arn.split(':')[1]}:sts::{caller.account}:assumed-role/{name}/session"
        return RequestPrincipal(session, caller.account, "role_session", caller.arn)
    if caller.kind is CallerKind.SAML_PROVIDER:
        return RequestPrincipal(caller.arn, caller.account, "federated")
    if caller.kind is CallerKind.ACCOUNT:  # a stand-in principal of that account
        return RequestPrincipal(caller.arn.replace(":root", ":user/any-principal"), caller.account, "user")
    return RequestPrincipal(caller.arn, caller.account, "user")


def _principal_keys(principal: RequestPrincipal) -> dict[str, str]:
    """The global keys AWS sets for the caller (IAM User Guide, "AWS global condition context
    keys"): what a trust's ``aws:PrincipalArn`` condition reads."""
    if principal.kind == "federated":
        return {"aws:FederatedProvider": principal.arn}
    kind = "User" if principal.kind == "user" else "AssumedRole"
    return {"aws:PrincipalArn": principal.role_arn or principal.arn, "aws:PrincipalAccount": principal.account,
            "aws:PrincipalType": kind}


def _external_ids(trust: Policy) -> list[str]:
    return sorted({v for s in trust.statements for c in s.conditions if c.key == "sts:externalid" for v in c.values})


#: The caller's own side of a hop: its identity-based policies and permissions boundary.
OwnSide = tuple[tuple[Policy, ...], Policy | None]


def gates(caller: Caller, role: _Role, saml_roles: frozenset[str], own: OwnSide | None = None) -> tuple[Gate, ...] | None:
    """The gates of ``caller``'s hop into ``role`` (None: the trust does not admit it).

    ``own``: the caller's identity-based policies and boundary when the assembly holds the
    caller (then both halves decide, and a hop the trust admits but the caller's own policies
    refuse is :attr:`Gate.TRUST_ONLY`); without it the caller's side is granted.
    """
    principal = _principal(caller)
    grant = Policy.from_document("caller's grant", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole*", "Resource": role.arn}]})
    trust_only = _gates(caller, principal, role, saml_roles, ((grant,), None))
    if trust_only is None or own is None:
        return trust_only
    return _gates(caller, principal, role, saml_roles, own) or (Gate.TRUST_ONLY,)


def _gates(caller: Caller, principal: RequestPrincipal, role: _Role, saml_roles: frozenset[str],
           own: OwnSide) -> tuple[Gate, ...] | None:
    fixed = _principal_keys(principal)

    def admits(action: str, context: dict[str, str]) -> bool:
        request = Request(principal, action, role.arn, {**fixed, **context})
        return evaluate_assume_role(request, trust_policy=role.trust, identity=own[0], boundary=own[1]).allowed

    if caller.kind is CallerKind.SAML_PROVIDER:
        return (Gate.IDP,) if admits("sts:AssumeRoleWithSAML", {"saml:aud": SAML_AUDIENCE}) else None
    with_ids = [{"sts:ExternalId": v} for v in _external_ids(role.trust)]
    without_mfa = any(admits("sts:AssumeRole", {**_NO_MFA, **ids}) for ids in [{}, *with_ids])
    with_mfa = any(admits("sts:AssumeRole", {**_MFA, **ids}) for ids in [{}, *with_ids])
    if not (with_mfa or without_mfa):
        return None
    needs_id = bool(with_ids) and not (admits("sts:AssumeRole", _MFA) or admits("sts:AssumeRole", _NO_MFA))
    found = [] if without_mfa else [Gate.MFA]
    if needs_id:
        found.append(Gate.EXTERNAL_ID)
    if without_mfa and caller.kind is CallerKind.ROLE and caller.arn in saml_roles:
        found.append(Gate.IDP)  # a SAML session: MFA happened at the identity provider, if at all
    return tuple(found) or (Gate.NONE,)


def _saml_only(role: _Role) -> bool:
    """Only a SAML provider's principals can assume ``role`` (every Allow names a SAML provider)."""
    allows = [s for s in role.trust.statements if s.effect == "Allow"]
    return bool(allows) and all(any(":saml-provider/" in p for p in (s.principals or {}).get("Federated", ()))
                                and not (s.principals or {}).get("AWS") for s in allows)


def _hops_into(role: _Role, saml_roles: frozenset[str], member: bool, own_side) -> Iterable[Hop]:
    for statement in role.trust.statements:
        if statement.effect != "Allow":
            continue
        for caller in _callers(statement, role.account if member else None, role.arn.split(":")[1]):
            found = gates(caller, role, saml_roles, own_side(caller))
            if found is not None:
                yield Hop(caller, role.account, role.name, found)


class _OwnSides:
    """The caller's own side (:data:`OwnSide`) of a user or role that the assembly holds, from
    the account model of its account (its stacks and the StackSet templates deployed there),
    built on first use; None for any other caller (a third party, a role outside the assembly)."""

    def __init__(self, stacks: Sequence[StackTemplate]) -> None:
        self.stacks = stacks
        self.models: dict[str, dict[str, OwnSide]] = {}

    def __call__(self, caller: Caller) -> OwnSide | None:
        if caller.kind not in (CallerKind.USER, CallerKind.ROLE):
            return None
        if caller.account not in self.models:
            here = [s for s in self.stacks if s.account == caller.account]
            model = build_account(here, permission_sets=False) if here else None
            self.models[caller.account] = {} if model is None else {
                p.arn: (tuple(model.identity_policies(p)), p.boundary)
                for p in model.principals.values() if p.kind in ("user", "role")}
        return self.models[caller.account].get(caller.arn)


def _concrete_if_one(hops: set[Hop]) -> set[Hop]:
    """An ``own_account`` caller that only one account's roles admit is that account's principal
    (the identity account's own users, say): drawn as such, not as "each member account itself"."""
    accounts: dict[str, set[str]] = {}
    for hop in hops:
        accounts.setdefault(hop.caller.key, set()).add(hop.account)
    return {Hop(Caller(h.caller.kind, h.caller.arn, h.caller.account), h.account, h.role, h.gates)
            if h.caller.own_account and len(accounts[h.caller.key]) == 1 else h for h in hops}


def member_hops(out_dir: str | Path, directory: Directory) -> list[Hop]:
    """Every hop into a role of a member account, plus the first hop into each SAML role that
    a member hop starts from (provider -> role, in the identity account). Sorted, deduplicated."""
    stacks = load_stacks(out_dir)
    deployed = member_deployments(stacks, directory)
    # A member identity account's baseline is a stack of its own (stacks/identity_account.py),
    # not a StackSet instance: its roles are a member account's roles all the same.
    identity = [s for s in stacks if directory.identity not in (None, directory.management) and s.account == directory.identity]
    member_roles = [r for reader in stack_readers([*deployed, *identity]) for r in _roles(reader)]
    # The stacks deployed to a declared account (the member stages' placeholder account is not one).
    declared = {directory.management, *(a for _, a, _ in directory.accounts)}
    own = [s for s in stacks if s.account in declared]
    own_roles = [r for reader in stack_readers([s for s in own if s not in identity]) for r in _roles(reader)]
    saml_roles = frozenset(r.arn for r in (*own_roles, *member_roles) if _saml_only(r))
    own_side = _OwnSides(own + deployed)
    hops = {h for role in member_roles for h in _hops_into(role, saml_roles, True, own_side)}
    hops = _concrete_if_one(hops)
    callers = {h.caller.arn for h in hops if h.caller.kind is CallerKind.ROLE}
    for role in own_roles:
        if role.arn in callers and role.arn in saml_roles:
            hops |= set(_hops_into(role, saml_roles, False, own_side))
    return sorted(hops, key=lambda h: (h.account, h.role, h.caller.key, [g.value for g in h.gates]))


__all__ = ["Caller", "CallerKind", "Directory", "Gate", "Hop", "member_deployments", "member_hops", "gates"]
