"""INV-RESOURCE-POLICY-DECLARED: resource-based policies grant nothing to undeclared accounts,
anonymous callers or services acting for another account.

Read: every KMS key policy, SNS topic policy and S3 bucket policy of the scope
(:attr:`~...model.templates.AccountModel.resource_policies`). Asked: for every action an Allow
statement names (wildcards instantiated) on the resource, and every caller class (a user and a
role session of a foreign account, holding an allow-everything identity policy, since
cross-account access needs both sides and the other side is not ours; a caller of the scope's
own account; an AWS service with ``aws:SourceAccount`` absent, the scope's own, or foreign),
over the equivalence classes of the policy's condition keys (:mod:`.requests`): is any request
allowed whose caller is neither of a declared account nor a service acting for a declared
account? KMS key policies are evaluated as required (AWS KMS Developer Guide, "Key policies in
AWS KMS": without a key policy statement that allows, IAM policies grant nothing, so a key
policy that does not enable IAM policies denies).
"""

from __future__ import annotations

from ....config.models import BaselineConfig
from ...engine.evaluator import Request, RequestPrincipal, evaluate
from ...model.accounts import AccountScope
from .base import Counterexample, Finding, Invariant, NotProven, Proven
from .declared import declared_accounts
from .requests import ALLOW_ALL, FOREIGN_ACCOUNT, Caller, TooManyClasses, aws_callers, caller_contexts, key_classes, unsupported


def _actions(policy) -> list[str]:
    out = set()
    for statement in policy.statements:
        if statement.effect != "Allow":
            continue
        for pattern in statement.actions or ("s3:GetObject", "kms:Decrypt", "sns:Publish"):
            out.add(pattern.replace("*", "Probe").replace("?", "X") if pattern not in ("*",) else "kms:Decrypt")
    return sorted(out)


def _targets(resource, action: str) -> list[str]:
    """The resource ARNs a request may name: the resource, and for a bucket an object in it."""
    if resource.kind == "S3 bucket policy":
        return [resource.arn, f"{resource.arn}/probe-object"]
    return [resource.arn]


def _search(scope: AccountScope, declared, resource, callers: list[Caller], classes) -> tuple[Counterexample | None, int]:
    """The first request allowed to a caller outside the declared accounts, and how many were evaluated."""
    model = scope.model
    evaluations = 0
    for caller in callers:
        # Cross-account and service requests need the resource-based policy itself to allow
        # ("Cross-account policy evaluation logic"); the evaluator is single-account otherwise.
        required = resource.required or caller.principal.account != model.account
        for context in caller_contexts(caller, classes):
            for action in _actions(resource.policy):
                for target in _targets(resource, action):
                    request = Request(caller.principal, action, target, context)
                    evaluations += 1
                    decision = evaluate(request, identity=caller.identity or (ALLOW_ALL,), resource_policy=resource.policy,
                                        resource_policy_required=required, scps=scope.scps)
                    if not decision.allowed:
                        continue
                    p = caller.principal
                    ok = context.get("aws:sourceaccount") in declared if p.kind == "service" else p.account in declared
                    if not ok:
                        return Counterexample(request, decision, "granted outside the declared accounts"), evaluations
    return None, evaluations


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    model = scope.model
    declared = declared_accounts(config, scope)
    findings = []
    for arn, resource in sorted(model.resource_policies.items()):
        policy = resource.policy
        label = f"{resource.kind} {arn}"
        reason = unsupported(policy)
        if reason:
            findings.append(Finding(label, NotProven(reason)))
            continue
        callers = aws_callers(model, FOREIGN_ACCOUNT) + aws_callers(model, model.account)
        for ident in sorted({i for s in policy.statements for i in (s.principals or {}).get("AWS", ())}):
            account = ident.split(":")[4] if ident.startswith("arn:") else ident
            if account.isdigit() and account not in (FOREIGN_ACCOUNT, model.account):
                callers += aws_callers(model, account)  # every account the policy names
        services = sorted({i for s in policy.statements for i in (s.principals or {}).get("Service", ())} - {"*"})
        callers += [Caller(RequestPrincipal(s, "", "service"), ()) for s in [*services, "probe.amazonaws.com"]]
        classes = key_classes(policy, {"aws:SourceAccount": (model.account, FOREIGN_ACCOUNT)})
        try:
            verdict, evaluations = _search(scope, declared, resource, callers, classes)
        except TooManyClasses as error:
            verdict, evaluations = NotProven(str(error)), 0
        findings.append(Finding(label, verdict or Proven(f"{evaluations} request classes evaluated, none undeclared")))
    return findings


INVARIANT = Invariant(
    id="INV-RESOURCE-POLICY-DECLARED",
    promise="KMS key policies, SNS topic policies and S3 bucket policies grant access only to principals of declared "
    "accounts and to services acting for a declared account (aws:SourceAccount)",
    rule="IAM User Guide, 'Policy evaluation logic' > 'Cross-account policy evaluation logic'; AWS KMS Developer Guide, "
    "'Key policies in AWS KMS'; 'AWS global condition context keys' > aws:SourceAccount",
    check=check,
)
