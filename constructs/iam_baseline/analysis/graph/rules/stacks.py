"""Stacks: CloudFormation acts with a stack's service role, whoever asks it to.

The stacks of the assembly are deployed by the CDK: their service role is the bootstrap
``cfn-exec`` role of the qualifier, passed by the deploy role (AWS CDK Developer Guide,
"Bootstrapping"). "Any user who has permission to perform operations on that stack can use
that role, even if the user doesn't have permission to pass it" (CloudFormation User Guide,
"CloudFormation service role").
"""

from __future__ import annotations

from collections.abc import Iterator

from ..nodes import Family, Node, NodeKind
from .base import Ask, Attempt, Rule

CFN_SERVICE_ROLE = "CloudFormation User Guide, 'CloudFormation service role'"
CDK_BOOTSTRAP = "AWS CDK Developer Guide, 'Bootstrapping'"


def _stacks(world, node: Node) -> list[str]:
    scope = world.scope_of[node.id]
    return sorted({s.stack_name for s in scope.stacks} | {p.stack for p in scope.model.principals.values()})


def _execution_roles(world, node: Node) -> list[str]:
    return [f"{node.account}/bootstrap:cfn-exec:{q}" for q in world.qualifiers()]


def _update_stack(world, node: Node) -> Iterator[Attempt]:
    for stack in _stacks(world, node):
        arn = world.arn(node, "cloudformation", f"stack/{stack}/offline")
        for role in _execution_roles(world, node):
            yield Attempt(role, (Ask("cloudformation:UpdateStack", arn),), f"updates stack {stack}, deployed by the CDK")


def _change_set(world, node: Node) -> Iterator[Attempt]:
    for stack in _stacks(world, node):
        arn = world.arn(node, "cloudformation", f"stack/{stack}/offline")
        for role in _execution_roles(world, node):
            yield Attempt(role, (Ask("cloudformation:CreateChangeSet", arn), Ask("cloudformation:ExecuteChangeSet", arn)),
                          f"executes a change set on stack {stack}, deployed by the CDK")


def _deploy_role(world, node: Node) -> Iterator[Attempt]:
    scope = world.scope_of[node.id]
    accounts = scope.declared_accounts | {node.account}
    for role in world.everywhere(NodeKind.BOOTSTRAP_ROLE):
        if "/bootstrap:deploy:" in role.id and role.account in accounts:
            yield Attempt(role.id, (Ask("sts:AssumeRole", role.arn),), f"assumes {role.label}")


RULES: tuple[Rule, ...] = (
    Rule("update-stack", Family.STACKS, "Update a stack of the assembly (it keeps its service role)",
         ("cloudformation:UpdateStack",), "the stack's service role: the CDK cfn-exec role", CFN_SERVICE_ROLE,
         attempts=_update_stack),
    Rule("execute-change-set", Family.STACKS, "Create and execute a change set on a stack of the assembly",
         ("cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"),
         "the stack's service role: the CDK cfn-exec role", CFN_SERVICE_ROLE, attempts=_change_set),
    Rule("cdk-deploy-role", Family.STACKS, "Assume a CDK bootstrap deploy role", ("sts:AssumeRole",),
         "the deploy role (trust modelled as documented: its account)", CDK_BOOTSTRAP, attempts=_deploy_role),
    Rule("cdk-deploy-passes-execution-role", Family.STACKS, "The deploy role hands CloudFormation the cfn-exec role",
         (), "the cfn-exec role (AdministratorAccess unless bootstrapped with --cloudformation-execution-policies)",
         CDK_BOOTSTRAP, sources=frozenset({NodeKind.BOOTSTRAP_ROLE})),
)
