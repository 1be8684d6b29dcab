"""INV-TRUST-DECLARED-ACCOUNTS: no trust policy lets in a principal of an account that the
config does not declare.

Other accounts must be listed in the config to be trusted at all. Decided by the z3 engine,
one question per role: is any ``sts:AssumeRole*`` request on the role, by a user or role
session of **any** account (any 12-digit id, any ARN; the users and roles the trust names are
asked apart as concrete callers, which z3 decides much faster), with any context, allowed by
the trust policy while ``aws:PrincipalAccount`` is none of the declared accounts? The caller
holds an allow-everything identity-based policy (cross-account access needs both sides, and the
other side is outside the model); the "declared account" side is an IAM ``Deny`` on
``aws:PrincipalAccount``, so both engines judge it with the same rules. ``"*"``,
``NotPrincipal`` and an account id or ARN of an undeclared account all give a counterexample
naming that account, unless a condition of the trust shuts it out for every request.
"""

from __future__ import annotations

from functools import partial

from ....config.models import BaselineConfig
from ...engine.policy import Policy
from ...engine.space import PrincipalKind, PrincipalSpace
from ...model.accounts import AccountScope
from . import trust
from .base import Finding, Invariant, Proven
from .callers import honest_ask
from .declared import declared_accounts, machine_role
from .requests import ALLOW_ALL
from .solver import first_finding
from .ways import named_callers, space


def declared_callers(accounts: frozenset[str]) -> Policy:
    """A ``Deny`` of every request whose caller is of one of ``accounts`` (what is not asked about)."""
    return Policy.from_document("declared-accounts", {"Version": "2012-10-17", "Statement": [
        {"Sid": "DeclaredAccount", "Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalAccount": sorted(accounts)}}}]})


def check_role(scope: AccountScope, config: BaselineConfig, role) -> Finding:
    """The verdict on one role's trust policy (module docstring)."""
    machine = machine_role(config, role.name)
    if machine is None:
        # INV-TRUST-DECLARED-WAYS's questions about AWS callers (decided first, cached by the
        # solver) are stronger: proven there, every AWS caller let in is of a declared account,
        # with MFA. (A machine role's declared way names its own principal instead.)
        ways = [(family, space_, {"identity": identity, "trust": role.trust})
                for family, space_, identity in trust.questions(scope, config, role)
                if not family.startswith("provider") and "federated" not in family]
        implied = first_finding(role.ref, ways, "implied by INV-TRUST-DECLARED-WAYS (every AWS caller let in is of a "
                                "declared account, with MFA)", "", partial(honest_ask, scope))
        if isinstance(implied.verdict, Proven):
            return implied
    # A third party's account is declared by its machine role, for that role only.
    own = {machine.third_party.account_id} if machine is not None and machine.third_party is not None else set()
    identity = (ALLOW_ALL, declared_callers(declared_accounts(config, scope) | own))
    callers = named_callers(role)
    families = [("the users and roles the trust names", callers)] if callers else []
    families.append(("AWS callers of every account", PrincipalSpace(
        kinds=frozenset({PrincipalKind.USER, PrincipalKind.ROLE_SESSION}), partition=scope.model.partition,
        arn_not_like=tuple(p.role_arn or p.arn for p in callers))))
    return first_finding(role.ref, [(family, space(role, principals), {"identity": identity, "trust": role.trust})
                                    for family, principals in families],
                         "no principal outside the declared accounts is let in",
                         "a principal of an undeclared account is let in", partial(honest_ask, scope))


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    """One finding per role with a trust policy in ``scope``."""
    roles = sorted((p for p in scope.model.principals.values() if p.kind == "role" and p.trust), key=lambda p: p.ref)
    return [check_role(scope, config, role) for role in roles]


INVARIANT = Invariant(
    id="INV-TRUST-DECLARED-ACCOUNTS",
    promise="no trust policy lets in a principal of an account that the config does not declare",
    rule="IAM User Guide, 'AWS JSON policy elements: Principal' (AWS account principals); 'Cross account resource "
    "access in IAM'; 'AWS global condition context keys' > aws:PrincipalAccount",
    check=check,
)
