"""Access matrix rows about member accounts: what the SCPs leave to a member principal.

A row whose principal is ``member:admin`` or ``member:root`` is decided once per member account
that its ``account`` selects (an account id, an OU path, or ``*``), with the SCP levels of that
account (:mod:`..model.organization_policies`):

* ``member:admin`` is a role session of the member account whose identity-based policy allows
  everything (what an administrator of the account, or anyone who becomes one, could grant
  themselves): the row proves what the SCPs alone deny, whatever the account's IAM says;
* ``member:root`` is the member account's root user, who needs no identity-based policy in its
  own account; ``keys: {aws:AssumedRoot: "true"}`` makes it a root session started with
  ``sts:AssumeRoot`` (IAM User Guide, "aws:AssumedRoot").

``{account}`` in the resource is the member account. Source: AWS Organizations User Guide, "SCP
evaluation"; IAM User Guide, "Policy evaluation logic".
"""

from __future__ import annotations

from ...config.access_matrix import Expectation
from ...config.models import BaselineConfig
from ..engine.evaluator import Policy, PolicyKind, Request, RequestPrincipal, evaluate
from ..model.organization_policies import OrganizationPolicies
from .matrix import CheckResult, describe_context

MEMBER_PRINCIPALS = ("member:admin", "member:root")

_EVERYTHING = Policy.from_document(
    "member identity-based policy allowing everything",
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    PolicyKind.IDENTITY,
)


def member_principal(kind: str, account: str, partition: str) -> RequestPrincipal:
    """The request principal of ``member:admin`` or ``member:root`` in ``account``."""
    if kind == "member:root":
        return RequestPrincipal(f"arn:{partition}:iam::{account}:root", account, "user")
    role = f"arn:{partition}:iam::{account}:role/MemberAdministrator"
    return RequestPrincipal(f"arn:{partition}:sts::{account}:assumed-role/MemberAdministrator/check", account, "role_session", role)


def check_member_expectation(
    organization: OrganizationPolicies, config: BaselineConfig, expectation: Expectation, partition: str
) -> list[CheckResult]:
    """One result per selected member account; no selected account is a failed check."""
    selector = expectation.account or "*"
    accounts = organization.accounts_of(selector)
    if not accounts:
        return [CheckResult(expectation.id, expectation.principal, "", False,
                            f"{expectation.id}: account {selector!r} selects no member account of organization")]
    results = []
    for account in accounts:
        principal = member_principal(expectation.principal, account, partition)
        resource = expectation.resource.replace("{account}", account).replace("{partition}", partition)
        resource = resource.replace("{region}", config.region)
        context = {
            "aws:PrincipalArn": principal.role_arn or principal.arn,
            "aws:PrincipalAccount": account,
            "aws:RequestedRegion": config.region,
            **{k: list(v) if isinstance(v, tuple) else v for k, v in expectation.context.keys.items()},
        }
        decision = evaluate(
            Request(principal, expectation.action, resource, context),
            identity=[_EVERYTHING],
            scps=organization.scp_levels[account],
        )
        got = "allowed" if decision.allowed else "denied"
        label = f"{expectation.principal}@{account}"
        summary = f"{expectation.action} on {resource} ({describe_context(expectation.context)})"
        message = f"{label}: {summary}: expected {expectation.expect}, got {decision.explain()} -- promise: {expectation.because}"
        results.append(CheckResult(expectation.id, label, summary, got == expectation.expect, message, decision))
    return results
