"""INV-MACHINE-ROLE-PRINCIPAL: every machine role is reachable only from its declared principal.

A machine role (``machine_roles:`` of the config, :mod:`....config.machine_roles`) is the one
declared way into an account without MFA, so its trust must admit exactly:

* automation: role sessions of the declared role ARN (``aws:PrincipalArn``), and nobody else;
* third party: principals of the declared account *with* ``sts:ExternalId`` equal to the agreed
  value (IAM User Guide, "Access to AWS accounts owned by third parties" > "The confused deputy
  problem"), and nobody else.

Decided by the symbolic engine (``find_allowed``) over every IAM user, role session and service
of every account, ``sts:AssumeRole`` and every request context, with the caller's own side worst-case (an
allow-everything identity-based policy: the caller's account is outside the model). Third
party: "anyone outside the declared account", then "the declared account without the agreed
external id"; automation: "any caller but the declared role". Each is asked per caller kind.
A role of the config that is missing from the scope's templates is a failure too.

Federated callers (``sts:AssumeRoleWithSAML``/``WithWebIdentity``) reach a role only through a
``Federated`` principal of its trust ("IAM JSON policy elements: Principal" > "Federated user
principals"); the trust is read for one instead of asking the engines, whose account-principal
match does not tell a federated caller's account from an IAM one (seen as a false
counterexample: a web identity caller of the automation account with a free ``aws:PrincipalArn``).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from ....config.machine_roles import MachineRoleConfig
from ....config.models import BaselineConfig
from ...engine.space import ActionSpace, PrincipalKind, PrincipalSpace, RequestSpace, ResourceSpace, not_equals
from ...model.accounts import AccountScope
from ...model.templates import Principal
from .base import Finding, Invariant, NotProven, Proven, Verdict
from .callers import honest_ask
from .requests import ALLOW_ALL
from .solver import ask

#: The way an IAM user, a role session or a service gets a role session (the SAML and web
#: identity APIs are a federated caller's: read from the trust, see the module docstring).
ASSUME_ACTIONS = ("sts:AssumeRole",)

#: Callers the engines decide here (federated callers: the trust is read, module docstring).
AWS_CALLERS = frozenset({PrincipalKind.USER, PrincipalKind.ROLE_SESSION, PrincipalKind.SERVICE})


def questions(machine: MachineRoleConfig, role: Principal) -> list[tuple[str, RequestSpace]]:
    """(what is asked, the request space that must hold no allowed request) for ``machine``."""
    actions = ActionSpace(include=ASSUME_ACTIONS)
    resources = ResourceSpace(include=(role.arn,))
    if machine.third_party is not None:
        account = machine.third_party.account_id
        outside = PrincipalSpace(kinds=AWS_CALLERS, arn_not_like=(f"arn:*:iam::{account}:*",))
        without_id = PrincipalSpace(kinds=frozenset({PrincipalKind.USER, PrincipalKind.ROLE_SESSION}), accounts=frozenset({account}))
        return [
            ("a caller outside the third party's account", RequestSpace(principals=outside, actions=actions, resources=resources)),
            (
                f"the third party's account {account} without the agreed sts:ExternalId",
                RequestSpace(principals=without_id, actions=actions, resources=resources,
                             context={"sts:ExternalId": not_equals(machine.third_party.external_id, absent_ok=True)}),
            ),
        ]
    assert machine.automation is not None
    others = PrincipalSpace(kinds=AWS_CALLERS, arn_not_like=(machine.automation.role_arn,))
    return [("a caller other than the declared automation role", RequestSpace(principals=others, actions=actions, resources=resources))]


def _per_kind(space: RequestSpace) -> list[RequestSpace]:
    """``space`` split by caller kind: one small question each (measured: the kinds together
    took z3 seconds, or a timeout under load, where each kind alone takes a fraction of one)."""
    principals = space.principals
    assert isinstance(principals, PrincipalSpace)
    return [replace(space, principals=replace(principals, kinds=frozenset({kind})))
            for kind in sorted(principals.kinds, key=lambda k: k.value)]


def check_role(machine: MachineRoleConfig, role: Principal | None, scope: AccountScope | None = None) -> Verdict:
    """Proven when no question finds an allowed request; the first counterexample otherwise (its
    caller, with ``scope``, honest about its own side: :mod:`.callers`)."""
    if role is None or role.trust is None:
        return NotProven(f"machine role {machine.name} is declared but not in this scope's templates")
    federated = sorted({f for s in role.trust.statements if s.effect == "Allow" for f in (s.principals or {}).get("Federated", ())})
    if federated or any(s.not_principals is not None for s in role.trust.statements if s.effect == "Allow"):
        return NotProven(f"the trust of machine role {machine.name} admits federated principals {federated} or uses NotPrincipal")
    for what, question in questions(machine, role):
        for space in _per_kind(question):
            verdict = (partial(honest_ask, scope) if scope is not None else ask)(
                space, identity=(ALLOW_ALL,), trust=role.trust, note=f"{what} assumes the role")
            if not isinstance(verdict, Proven):
                return verdict
    return Proven(f"z3: only {machine.principal_arn}" + (" with its external id" if machine.third_party else "") + " assumes it")


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    """One finding per machine role the scope's config deploys (its group's, for a StackSet member),
    its subject naming the role and its ``reason``."""
    roles = {p.name: p for p in scope.model.principals.values() if p.kind == "role"}
    deployed = [m for m in config.machine_roles if m.targets is None]
    # The reason travels with the finding: the report shows why each MFA-less way in exists.
    return [Finding(f"role:{m.name} (reason: {m.reason})", check_role(m, roles.get(m.name), scope)) for m in deployed]


INVARIANT = Invariant(
    id="INV-MACHINE-ROLE-PRINCIPAL",
    promise="every machine role is assumable only by its declared principal: the declared automation role, or the "
    "third party's account with the agreed sts:ExternalId",
    rule="IAM User Guide, 'Access to AWS accounts owned by third parties' and 'The confused deputy problem'; "
    "'AWS global condition context keys' > aws:PrincipalArn; 'Policy evaluation logic' (cross-account requests)",
    check=check,
)
