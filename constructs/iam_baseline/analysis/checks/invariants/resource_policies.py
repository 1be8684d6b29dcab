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
from .requests import (
    ALLOW_ALL,
    FOREIGN_ACCOUNT,
    MAX_COMBINATIONS,
    Caller,
    aws_callers,
    combination_count,
    contexts,
    key_classes,
    principal_keys,
    unsupported,
)


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
        verdict = None
        evaluations = 0
        for caller in callers:
            fixed = principal_keys(caller)
            free = {k: v for k, v in classes.items() if k not in {f.lower() for f in fixed}}
            if combination_count(free) > MAX_COMBINATIONS:
                verdict = NotProven(f"{combination_count(free)} condition classes exceed {MAX_COMBINATIONS}")
                break
            # Cross-account and service requests need the resource-based policy itself to allow
            # ("Cross-account policy evaluation logic"); the evaluator is single-account otherwise.
            required = resource.required or caller.principal.account != model.account
            for context in contexts(free):
                for action in _actions(policy):
                  for target in _targets(resource, action):
                    request = Request(caller.principal, action, target, {**fixed, **context})
                    evaluations += 1
                    decision = evaluate(request, identity=caller.identity or (ALLOW_ALL,), resource_policy=policy,
                                        resource_policy_required=required, scps=scope.scps)
                    if not decision.allowed:
                        continue
                    p = caller.principal
                    if p.kind == "service":
                        ok = context.get("aws:sourceaccount") in declared
                    else:
                        ok = p.account in declared
                    if not ok:
                        verdict = Counterexample(request, decision, "granted outside the declared accounts")
                        break
                  if verdict:
                      break
                if verdict:
                    break
            if verdict:
                break
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
