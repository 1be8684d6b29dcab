"""INV-RESOURCE-POLICY-DECLARED: resource-based policies grant nothing to undeclared accounts,
anonymous callers or services acting for another account.

Read: every KMS key policy, SNS topic policy and S3 bucket policy of the scope
(:attr:`~...model.account_model.AccountModel.resource_policies`). Decided by the z3 engine,
two questions per policy, over every action of the pinned catalog that takes the resource (the
key, the topic, the bucket and its objects) and any context:

* AWS callers: is any request by a user or role session of **any** account whose
  ``aws:PrincipalAccount`` is not declared allowed? The caller holds an allow-everything
  identity-based policy (cross-account access needs both sides and the other side is not
  ours), and the resource-based policy must allow by itself, as it must across accounts
  ("Cross-account policy evaluation logic");
* services: is any request by any AWS service principal allowed whose ``aws:SourceAccount``
  is absent or not declared?

"Declared" is an IAM ``Deny`` passed with the caller's policies, so both engines judge it with
the same rules, and every counterexample is replayed on the concrete evaluator. KMS key
policies must allow by themselves in every case (AWS KMS Developer Guide, "Key policies in AWS
KMS": without a key policy statement that allows, IAM policies grant nothing).
"""

from __future__ import annotations

from ....config.models import BaselineConfig
from ...engine.policy import Policy
from ...engine.space import PrincipalKind, PrincipalSpace, RequestSpace, ResourceSpace
from ...model.accounts import AccountScope
from .accounts import declared_callers
from .base import Finding, Invariant
from .declared import declared_accounts
from .requests import ALLOW_ALL
from .solver import first_finding


def declared_source(accounts: frozenset[str]) -> Policy:
    """A ``Deny`` of every request a service makes for one of ``accounts`` (not asked about)."""
    return Policy.from_document("declared-source-accounts", {"Version": "2012-10-17", "Statement": [
        {"Sid": "DeclaredSourceAccount", "Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceAccount": sorted(accounts)}}}]})


def _resources(resource) -> tuple[str, ...]:
    """The ARNs a request may name: the resource, and for a bucket every object in it."""
    if resource.kind == "S3 bucket policy":
        return (resource.arn, f"{resource.arn}/*")
    return (resource.arn,)


def check_policy(scope: AccountScope, config: BaselineConfig, resource) -> Finding:
    """The verdict on one resource-based policy: the first counterexample of the two questions
    (module docstring), else not proven if one is undecided, else proven."""
    label = f"{resource.kind} {resource.arn}"
    declared = declared_accounts(config, scope)
    resources = ResourceSpace(include=_resources(resource))
    families = (
        ("AWS callers of undeclared accounts",
         PrincipalSpace(kinds=frozenset({PrincipalKind.USER, PrincipalKind.ROLE_SESSION}), partition=scope.model.partition),
         (ALLOW_ALL, declared_callers(declared))),
        ("services acting for an undeclared account",
         PrincipalSpace(kinds=frozenset({PrincipalKind.SERVICE}), partition=scope.model.partition),
         (declared_source(declared),)),
    )
    return first_finding(label, [(family, RequestSpace(principals=principals, resources=resources),
                                  {"identity": identity, "resource_policy": resource.policy,
                                   "resource_policy_required": True}) for family, principals, identity in families],
                         "no request of an undeclared account or for one is allowed",
                         "granted outside the declared accounts")


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    """One finding per resource-based policy of ``scope``."""
    return [check_policy(scope, config, resource) for _, resource in sorted(scope.model.resource_policies.items())]


INVARIANT = Invariant(
    id="INV-RESOURCE-POLICY-DECLARED",
    promise="KMS key policies, SNS topic policies and S3 bucket policies grant access only to principals of declared "
    "accounts and to services acting for a declared account (aws:SourceAccount)",
    rule="IAM User Guide, 'Policy evaluation logic' > 'Cross-account policy evaluation logic'; AWS KMS Developer Guide, "
    "'Key policies in AWS KMS'; 'AWS global condition context keys' > aws:SourceAccount",
    check=check,
)
