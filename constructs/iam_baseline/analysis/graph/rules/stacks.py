"""Stacks: CloudFormation acts with a stack's service role, whoever asks it to.

The stacks of the assembly are deployed by the CDK: their service role is the bootstrap
``cfn-exec`` role of the qualifier, passed by the deploy role (AWS CDK Developer Guide,
"Bootstrapping"). "Any user who has permission to perform operations on that stack can use
that role, even if the user doesn't have permission to pass it" (CloudFormation User Guide,
"CloudFormation service role").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ..nodes import Family, Node, NodeKind
from .base import Ask, Attempt, Rule

CFN_SERVICE_ROLE = "CloudFormation User Guide, 'CloudFormation service role'"
CDK_BOOTSTRAP = "AWS CDK Developer Guide, 'Bootstrapping'"


def _stacks(world, node: Node) -> list[tuple[str, str]]:
    """(stack name, region) of every stack of ``node``'s scope (a principal's stack that the
    scope's stacks do not list: in the home region)."""
    scope = world.scope_of[node.id]
    listed = {(s.stack_name, s.region) for s in scope.stacks}
    names = {name for name, _ in listed}
    return sorted(listed | {(p.stack, scope.model.region) for p in scope.model.principals.values() if p.stack not in names})


def _targets(world, node: Node) -> Iterator[tuple[str, str, str]]:
    """(stack name, its ARN, a cfn-exec role node) of each stack of ``node``'s scope in an
    environment the CDK bootstraps (none in a StackSet member account: no bootstrap there)."""
    partition = world.model(node).partition
    for stack, region in _stacks(world, node):
        for role in world.execution_roles.get((node.account, region), ()):
            yield stack, f"arn:{partition}:cloudformation:{region}:{node.account}:stack/{stack}/offline", role


def _update_stack(world, node: Node) -> Iterator[Attempt]:
    for stack, arn, role in _targets(world, node):
        yield Attempt(role, (Ask("cloudformation:UpdateStack", arn),), f"updates stack {stack}, deployed by the CDK")


def _change_set(world, node: Node) -> Iterator[Attempt]:
    for stack, arn, role in _targets(world, node):
        yield Attempt(role, (Ask("cloudformation:CreateChangeSet", arn), Ask("cloudformation:ExecuteChangeSet", arn)),
                      f"executes a change set on stack {stack}, deployed by the CDK")


def _deploy_role(world, node: Node) -> Iterator[Attempt]:
    """Every bootstrapped environment's deploy role, asked with its trust policy (its account and
    the ``--trust`` accounts, :mod:`...model.bootstrap`). A caller of a StackSet template is asked
    as each of its member accounts that the trust names (the template's placeholder account is
    none of them); one the trust names in none is refused by it."""
    scope = world.scope_of[node.id]
    for role in world.everywhere(NodeKind.BOOTSTRAP_ROLE):
        if "/bootstrap:deploy:" not in role.id:
            continue
        ask = Ask("sts:AssumeRole", role.arn)
        if not scope.variant:
            yield Attempt(role.id, (ask,), f"assumes {role.label}")
            continue
        trusted = {p.split(":")[4] for s in world.bootstrap_trust[role.arn].statements
                   for p in (s.principals or {}).get("AWS", ())}
        for account in sorted(trusted & set(scope.member_accounts)):
            yield Attempt(role.id, (replace(ask, caller_account=account),), f"assumes {role.label} from {account}")


RULES: tuple[Rule, ...] = (
    Rule("update-stack", Family.STACKS, "Update a stack of the assembly (it keeps its service role)",
         ("cloudformation:UpdateStack",), "the stack's service role: the CDK cfn-exec role", CFN_SERVICE_ROLE,
         attempts=_update_stack),
    Rule("execute-change-set", Family.STACKS, "Create and execute a change set on a stack of the assembly",
         ("cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"),
         "the stack's service role: the CDK cfn-exec role", CFN_SERVICE_ROLE, attempts=_change_set),
    Rule("cdk-deploy-role", Family.STACKS, "Assume the CDK deploy role of a bootstrapped environment "
         "(an account and region a stack of the assembly names; StackSet members have none)",
         ("sts:AssumeRole",), "the deploy role; its trust policy as the bootstrap template writes it (its own account "
         "and the --trust accounts: the management account for the other accounts of an organization) and, across "
         "accounts, the caller's own policies decide", CDK_BOOTSTRAP, attempts=_deploy_role),
    Rule("cdk-deploy-passes-execution-role", Family.STACKS, "The deploy role hands CloudFormation the cfn-exec role",
         (), "the cfn-exec role (AdministratorAccess unless bootstrapped with --cloudformation-execution-policies)",
         CDK_BOOTSTRAP, sources=frozenset({NodeKind.BOOTSTRAP_ROLE})),
)
