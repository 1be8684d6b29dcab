"""INV-ORG-BASELINE-CHANGES-DECLARED: in a member account, only the declared roles change the
baseline's IAM resources.

Derived from ``organization.service_control_policies.protect_baseline`` for every member
account it targets. The baseline's IAM resources are those the issue names: its roles,
customer managed policies, users and groups under its IAM path, and the StackSet execution
roles ``stacksets-exec-*`` that deploy it (:mod:`...model.stackset_roles`). (Resources with
generated names outside the path, such as a custom resource handler's role, are not in it.) The
declared roles are those execution roles, ``exempt_role_arns`` (the pipeline roles) and the CDK
execution role of a member identity account, whose own stack deploys its baseline
(:func:`....config.identity_deployment.identity_stack_deployers`, one per region), provided nobody of that account
reaches them (:mod:`.identity_deploy`: only the management account deploys its stack).
Question: is any IAM action other than reading (``Get*``, ``List*``, ``Generate*``,
``Simulate*``), passing a role or changing one's own password allowed on one of them to any other user or role session of
the account holding an allow-everything identity-based policy, or to its root user in a root
session, under the account's SCP levels? Decided by an SCP Deny of the covering shape
(:mod:`.org_shape`), else a concrete search, else the solver.
Sources: AWS Organizations User Guide, "SCP evaluation"; Service Authorization Reference,
"Actions defined by AWS Identity and Access Management"; CloudFormation User Guide,
"Configure a custom execution role template for StackSets" (the ``stacksets-exec-*`` role).
"""

from __future__ import annotations

from ....config.identity_deployment import identity_stack_deployers
from ....config.models import BaselineConfig
from ...engine.evaluator import evaluate
from ...engine.request import Request, RequestPrincipal
from ...engine.patterns import arn_matches
from ...engine.space import ActionSpace, RequestSpace, ResourceSpace, exactly
from ...model.accounts import AccountScope
from ...model.stackset_roles import EXECUTION_ROLE_PATTERN
from .base import Counterexample, Finding, Invariant, Proven
from .identity_deploy import identity_deploy_findings
from .member import any_member_principal, ask_all, guardrail_covers, member_account, root_user, subject
from .org_shape import covering_deny, space_actions, takes
from .requests import ALLOW_ALL

#: IAM actions that change nothing of the baseline: reading, simulating, generating reports,
#: passing a role, and a user's own password change ("ChangePassword: changes the password of
#: the IAM user who is calling this operation", IAM API Reference: self-service).
NOT_CHANGES = ("iam:Get*", "iam:List*", "iam:Generate*", "iam:Simulate*", "iam:PassRole", "iam:ChangePassword")


def baseline_resources(scope: AccountScope, account: str) -> tuple[str, ...]:
    """Resource patterns of the baseline's IAM resources in ``account``: roles, customer managed
    policies, users and groups under its IAM path, and the StackSet execution roles."""
    p, path = scope.model.partition, (scope.config or scope.top_config).iam_path
    return (*(f"arn:{p}:iam::{account}:{kind}{path}*" for kind in ("role", "policy", "user", "group")),
            f"arn:{p}:iam::{account}:role/{EXECUTION_ROLE_PATTERN}")


def declared_changers(scope: AccountScope) -> tuple[str, ...]:
    """``aws:PrincipalArn`` patterns of the roles that may change the baseline."""
    scps = scope.top_config.organization.service_control_policies
    # The identity account's stacks are deployed by its CDK execution roles (stacks/identity_account.py).
    return (f"arn:{scope.model.partition}:iam::*:role/{EXECUTION_ROLE_PATTERN}", *scps.exempt_role_arns,
            *identity_stack_deployers(scope.top_config))


def _callers(account: str, partition: str, exempt: tuple[str, ...]) -> list[tuple[RequestPrincipal, dict]]:
    """Concrete callers for the counterexample search: a role session and a user that no
    declared pattern names, and the root user in a root session."""
    role = f"arn:{partition}:iam::{account}:role/AccountAdministrator"
    user = f"arn:{partition}:iam::{account}:user/administrator"
    out = [(RequestPrincipal(f"arn:{partition}:sts::{account}:assumed-role/AccountAdministrator/s", account,
                             "role_session", role), {"aws:PrincipalArn": role}),
           (RequestPrincipal(user, account, "user"), {"aws:PrincipalArn": user}),
           (root_user(account, partition), {"aws:PrincipalArn": root_user(account, partition).arn,
                                            "aws:AssumedRoot": "true"})]
    return [(c, {**ctx, "aws:PrincipalAccount": account}) for c, ctx in out
            if not any(arn_matches(p, ctx["aws:PrincipalArn"]) for p in exempt)]


def _search(scope: AccountScope, account: str, actions: list[str], resources: tuple[str, ...],
            exempt: tuple[str, ...]) -> Counterexample | None:
    instances = [r.replace("*", "probe") for r in resources]
    for caller, context in _callers(account, scope.model.partition, exempt):
        for action in actions:
            for resource in (r for r in instances if takes(action, r)):
                request = Request(caller, action, resource, context)
                decision = evaluate(request, identity=[ALLOW_ALL], scps=scope.scps)
                if decision.allowed:
                    return Counterexample(request, decision, "an undeclared principal changes the baseline")
    return None


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    account = member_account(scope)
    if account is None or not guardrail_covers(scope.top_config, "protect_baseline", account):
        return []
    # The identity account's spared CDK execution role is declared only if nobody there reaches it.
    return _iam_findings(scope, account) + identity_deploy_findings(scope)


def _iam_findings(scope: AccountScope, account: str) -> list[Finding]:
    partition, exempt = scope.model.partition, declared_changers(scope)
    actions = space_actions(("iam:*",), NOT_CHANGES)
    resources = baseline_resources(scope, account)
    # 1. An SCP Deny of that shape decides it for every caller (the solver needs seconds per
    #    resource class for the same answer); 2. a concrete search; 3. the solver.
    shape = covering_deny(scope.scps, actions, resources, exempt)
    if shape:
        return [Finding(subject(scope), Proven(shape))]
    found = _search(scope, account, actions, resources, exempt)
    if found:
        return [Finding(subject(scope), found)]
    # The root user's only way in is a root session (INV-ORG-ROOT-ONLY-ROOT-SESSIONS).
    questions = ((any_member_principal(account, partition, exempt), {}),
                 ((root_user(account, partition),), {"aws:AssumedRoot": exactly("true")}))
    spaces = (RequestSpace(principals=principals, actions=ActionSpace(include=("iam:*",), exclude=NOT_CHANGES),
                           resources=ResourceSpace(include=resources), context=context)
              for principals, context in questions)
    verdict = ask_all(spaces, identity=[ALLOW_ALL], scps=scope.scps, note="an undeclared principal changes the baseline")
    return [Finding(subject(scope), verdict)]


INVARIANT = Invariant(
    id="INV-ORG-BASELINE-CHANGES-DECLARED",
    promise="in a member account nobody but the StackSet execution role and the declared pipeline roles changes "
    "the baseline's IAM resources (in the identity account: its CDK execution role, reached by nobody there)",
    rule="AWS Organizations User Guide, 'SCP evaluation'; CloudFormation User Guide, 'Configure a custom execution "
    "role template for StackSets' (stacksets-exec-*)",
    check=check,
)
