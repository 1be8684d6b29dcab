"""Access matrix rows about member accounts: what the SCPs leave to a member principal.

A row whose principal is ``member:admin``, ``member:root`` or ``member:stackset-execution`` is
decided once per member account that its ``account`` selects (an account id, an OU path, or
``*``), with the SCP levels of that account (:mod:`..model.organization_policies`):

* ``member:admin`` is a session of an administrator role of the member account
  (``AccountAdministrator``, AdministratorAccess attached), none of the roles the guard rails
  exempt: what an administrator of the account, or anyone who becomes one, could do; the row
  proves what the SCPs alone deny, whatever the account's IAM says;
* ``member:stackset-execution`` is a session of the StackSet execution role that AWS creates in
  every target account of a service-managed StackSet (``stacksets-exec-*``, AdministratorAccess,
  :mod:`..model.stackset_roles`): the role that must keep deploying the baseline;
* ``member:root`` is the member account's root user, who needs no identity-based policy in its
  own account; ``keys: {aws:AssumedRoot: "true"}`` makes it a root session started with
  ``sts:AssumeRoot`` (IAM User Guide, "aws:AssumedRoot").

``{account}`` in the resource is the member account, whose RCP levels apply too. Source: AWS Organizations User Guide, "SCP
evaluation"; IAM User Guide, "Policy evaluation logic".
"""

from __future__ import annotations

from ...config.access_matrix import Expectation
from ...config.models import BaselineConfig
from ..engine.evaluator import evaluate
from ..engine.request import Request, RequestPrincipal
from ..model.organization_policies import OrganizationPolicies
from ..model.stackset_roles import ADMINISTRATOR_ACCESS, execution_role
from .matrix import CheckResult, describe_context

MEMBER_PRINCIPALS = ("member:admin", "member:root", "member:stackset-execution")
ADMIN_ROLE_NAME = "AccountAdministrator"


def member_principal(kind: str, account: str, partition: str, management_account: str = "") -> RequestPrincipal:
    """The request principal of a ``member:`` row in ``account``."""
    if kind == "member:root":
        return RequestPrincipal(f"arn:{partition}:iam::{account}:root", account, "user")
    if kind == "member:stackset-execution":
        return execution_role(account, management_account, partition).session
    role = f"arn:{partition}:iam::{account}:role/{ADMIN_ROLE_NAME}"
    return RequestPrincipal(f"arn:{partition}:sts::{account}:assumed-role/{ADMIN_ROLE_NAME}/check", account,
                            "role_session", role)


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
        principal = member_principal(expectation.principal, account, partition, config.organization.management_account_id)
        resource = expectation.resource.replace("{account}", account).replace("{partition}", partition)
        resource = resource.replace("{region}", config.region)
        context = {
            "aws:PrincipalArn": principal.role_arn or principal.arn,
            "aws:PrincipalAccount": account,
            # AWS sets these for every principal of an organization's account ("AWS global
            # condition context keys"); the RCPs read them.
            **({"aws:PrincipalOrgID": config.organization.organization_id} if config.organization.organization_id else {}),
            "aws:PrincipalIsAWSService": "false",
            "aws:RequestedRegion": config.region,
            **{k: list(v) if isinstance(v, tuple) else v for k, v in expectation.context.keys.items()},
        }
        decision = evaluate(
            Request(principal, expectation.action, resource, context),
            identity=[ADMINISTRATOR_ACCESS],
            scps=organization.scp_levels[account],
            rcps=organization.rcp_levels[account],  # the row's resource is the member's own
        )
        got = "allowed" if decision.allowed else "denied"
        label = f"{expectation.principal}@{account}"
        summary = f"{expectation.action} on {resource} ({describe_context(expectation.context)})"
        message = f"{label}: {summary}: expected {expectation.expect}, got {decision.explain()} -- promise: {expectation.because}"
        results.append(CheckResult(expectation.id, label, summary, got == expectation.expect, message, decision))
    return results
