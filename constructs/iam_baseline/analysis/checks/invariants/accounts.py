"""INV-TRUST-DECLARED-ACCOUNTS: no trust policy names an account that the config does not declare.

Other accounts must be listed in the config to be trusted at all. Every AWS principal of every
Allow statement of every trust policy is read: an account id, ``arn:...:iam::ACCOUNT:root``
or any ARN of an account; ``"*"`` and ``NotPrincipal`` name every account. Exact by reading:
the principal element lists its principals explicitly (IAM User Guide, "AWS JSON policy
elements: Principal": no wildcards other than ``*``). A named foreign account is reported
with a concrete request from it that the trust policy allows (its caller holding an
allow-everything identity policy, since that side is outside the model).
"""

from __future__ import annotations

from ....config.models import BaselineConfig
from ...engine.evaluator import Request, evaluate_assume_role
from ...model.accounts import AccountScope
from .base import Counterexample, Finding, Invariant, NotProven, Proven
from .declared import declared_accounts, machine_role
from .requests import FOREIGN_ACCOUNT, aws_callers


def _named_accounts(statement) -> set[str]:
    if statement.not_principals is not None:
        return {"*"}
    out = set()
    for ident in (statement.principals or {}).get("AWS", ()):
        if ident == "*":
            out.add("*")
        elif ident.startswith("arn:"):
            out.add(ident.split(":")[4])
        else:
            out.add(ident)
    return out


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    declared = declared_accounts(config, scope)
    findings = []
    for role in sorted((p for p in scope.model.principals.values() if p.kind == "role" and p.trust), key=lambda p: p.ref):
        named = set()
        for statement in role.trust.statements:
            if statement.effect == "Allow":
                named |= _named_accounts(statement)
        machine = machine_role(config, role.name)
        # A third party's account is declared by its machine role, for that role only.
        own = {machine.third_party.account_id} if machine is not None and machine.third_party is not None else set()
        foreign = sorted(named - declared - own)
        if not foreign:
            findings.append(Finding(role.ref, Proven(f"names only declared accounts {sorted(named) or '(none)'}")))
            continue
        account = foreign[0] if foreign[0] != "*" else FOREIGN_ACCOUNT
        verdict = NotProven(f"trust names undeclared account(s) {foreign}")
        for caller in aws_callers(scope.model, account):
            for age in ("0",):
                context = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": age,
                           "aws:PrincipalAccount": account}
                request = Request(caller.principal, "sts:AssumeRole", role.arn, context)
                decision = evaluate_assume_role(request, trust_policy=role.trust, identity=caller.identity)
                if decision.allowed:
                    verdict = Counterexample(request, decision, f"trust names undeclared account(s) {foreign}")
                    break
            if isinstance(verdict, Counterexample):
                break
        findings.append(Finding(role.ref, verdict))
    return findings


INVARIANT = Invariant(
    id="INV-TRUST-DECLARED-ACCOUNTS",
    promise="no trust policy names an account that the config does not declare",
    rule="IAM User Guide, 'AWS JSON policy elements: Principal' (AWS account principals); 'Cross account resource "
    "access in IAM'",
    check=check,
)
