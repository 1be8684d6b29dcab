"""Existing compute that already holds a role: run code on it, or change the role it holds.

A Lambda function of the assembly is a COMPUTE node (it holds its execution role); every other
compute resource is "any resource of this type" (UNSEEN_COMPUTE, see :mod:`..world`), reached
through a stand-in ARN that no name-scoped Allow or Deny of the baseline matches.
Sources: Rhino Security Labs (2018) method 20 (UpdateFunctionCode); Bishop Fox iam-vulnerable
(2021: ssm:SendCommand, ssm:StartSession, ec2-instance-connect:SendSSHPublicKey,
sagemaker:CreatePresignedNotebookInstanceUrl, glue:UpdateDevEndpoint, codebuild:UpdateProject,
lambda:UpdateFunctionConfiguration); ECS Developer Guide, "Monitor Amazon ECS containers with
ECS Exec".
"""

from __future__ import annotations

from collections.abc import Iterator

from ..nodes import Family, Node, NodeKind
from .base import Ask, Attempt, Rule
from .identity_policy import RHINO
from .pass_role import BISHOP_FOX, passable_roles, pass_role


def _functions(world, node: Node) -> Iterator[Node]:
    yield from world.in_scope(node, NodeKind.COMPUTE)


def _update_code(world, node: Node) -> Iterator[Attempt]:
    for function in _functions(world, node):
        yield Attempt(function.id, (Ask("lambda:UpdateFunctionCode", function.arn),), f"replaces the code of {function.label}")
    unseen = world.arn(node, "lambda", "function:unseen-function")
    yield Attempt(world.unseen(node, "lambda"), (Ask("lambda:UpdateFunctionCode", unseen),),
                  "replaces the code of a Lambda function outside the assembly")


def _update_role(world, node: Node) -> Iterator[Attempt]:
    targets = [*(f.arn for f in _functions(world, node)), world.arn(node, "lambda", "function:unseen-function")]
    for role in passable_roles(world, node, "lambda.amazonaws.com"):
        for arn in targets:
            yield Attempt(role.id, (Ask("lambda:UpdateFunctionConfiguration", arn), pass_role(role, "lambda.amazonaws.com"),
                                    Ask("lambda:UpdateFunctionCode", arn)),
                          f"gives {arn.rsplit(':', 1)[-1]} the role {role.label} and its own code")


def _on_unseen(key: str, what: str, *steps: tuple[str, str, str, bool]):
    """Attempts on the stand-in resource of ``key``: steps = (action, ARN service, resource, regional)."""
    def attempts(world, node: Node) -> Iterator[Attempt]:
        asks = tuple(Ask(action, world.arn(node, service, resource, regional)) for action, service, resource, regional in steps)
        yield Attempt(world.unseen(node, key), asks, what)
    return attempts


INSTANCE = ("ec2", "instance/i-unseen", True)


def _rule(id: str, title: str, key: str, steps: tuple[tuple[str, str, str, bool], ...], source: str) -> Rule:
    return Rule(id, Family.EXISTING_COMPUTE, title, tuple(s[0] for s in steps), f"the role of {key} compute it reaches",
                source, attempts=_on_unseen(key, title.lower(), *steps))


RULES: tuple[Rule, ...] = (
    Rule("update-function-code", Family.EXISTING_COMPUTE, "Replace the code of a Lambda function",
         ("lambda:UpdateFunctionCode",), "the function's execution role", f"{RHINO}, method 20", attempts=_update_code),
    Rule("update-function-role", Family.EXISTING_COMPUTE, "Give a Lambda function another role and new code",
         ("lambda:UpdateFunctionConfiguration", "iam:PassRole", "lambda:UpdateFunctionCode"), "the passed role",
         BISHOP_FOX, "iam:PassedToService = lambda.amazonaws.com", attempts=_update_role),
    _rule("ssm-send-command", "Run a command on an instance through Systems Manager", "ec2",
          (("ssm:SendCommand", *INSTANCE),), BISHOP_FOX),
    _rule("ssm-start-session", "Open a Session Manager shell on an instance", "ec2",
          (("ssm:StartSession", *INSTANCE),), BISHOP_FOX),
    _rule("ec2-instance-connect", "Push an SSH key to an instance with EC2 Instance Connect", "ec2",
          (("ec2-instance-connect:SendSSHPublicKey", *INSTANCE),), BISHOP_FOX),
    _rule("sagemaker-notebook-url", "Open an existing SageMaker notebook", "sagemaker",
          (("sagemaker:CreatePresignedNotebookInstanceUrl", "sagemaker", "notebook-instance/unseen", True),), BISHOP_FOX),
    _rule("glue-update-dev-endpoint", "Add an SSH key to an existing Glue development endpoint", "glue",
          (("glue:UpdateDevEndpoint", "glue", "devEndpoint/unseen", True),), f"{RHINO}, method 21"),
    _rule("codebuild-update-project", "Change and start an existing CodeBuild project", "codebuild",
          (("codebuild:UpdateProject", "codebuild", "project/unseen", True),
           ("codebuild:StartBuild", "codebuild", "project/unseen", True)), BISHOP_FOX),
    _rule("ecs-execute-command", "Open a shell in a running ECS task (ECS Exec)", "ecs",
          (("ecs:ExecuteCommand", "ecs", "task/unseen-cluster/unseen", True),),
          "ECS Developer Guide, 'Monitor Amazon ECS containers with ECS Exec'"),
    Rule("compute-holds-role", Family.EXISTING_COMPUTE, "A compute resource runs with its role", (),
         "the role it holds", "Lambda Developer Guide, 'Defining Lambda function permissions with an execution role'",
         sources=frozenset({NodeKind.COMPUTE, NodeKind.UNSEEN_COMPUTE})),
)
