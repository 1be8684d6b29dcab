"""Apply the acknowledgment registry (:mod:`.registry`) to a CDK construct tree.

``Validations.of(construct).acknowledge(...)`` is called for every registry entry whose
construct path matches; cdk-nag v3 and CDK's template validator then report the finding as
acknowledged, with its reason, in the cloud assembly's validation report.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from aws_cdk import Acknowledgment as CdkAcknowledgment
from aws_cdk import Stack, Validations
from constructs import Construct, IConstruct

from .registry import REGISTRY, Acknowledgment


def _walk(scope: IConstruct, stack_path: str = ""):
    """Yield (construct, path of its stack) for ``scope`` and everything below it."""
    path = scope.node.path
    if isinstance(scope, Stack):
        stack_path = path
    yield scope, path, stack_path
    for child in scope.node.children:
        yield from _walk(child, stack_path)


def apply_acknowledgments(
    scope: Construct,
    *,
    iam_path: str = "/baseline/",
    workload_role_path: str = "/workload/",
    registry: tuple[Acknowledgment, ...] = REGISTRY,
) -> int:
    """Acknowledge every registry entry on the constructs under ``scope`` whose path matches.

    Construct paths are matched relative to their stack, so ``DeveloperRole/*`` works
    whatever the stack is called and however deep it sits (a stack in a ``Stage``, such as
    a StackSet template, included). ``{iam_path}`` and ``{workload_role_path}`` in rule ids
    are replaced by the given IAM paths. Returns the number of acknowledgments made.
    """
    made = 0
    for construct, path, stack_path in _walk(scope):
        if stack_path and path.startswith(stack_path + "/"):
            relative = path[len(stack_path) + 1 :]
        else:
            relative = path.split("/", 1)[1] if "/" in path else path
        for entry in registry:
            if fnmatchcase(relative, entry.path):
                rule = entry.rule.format(iam_path=iam_path, workload_role_path=workload_role_path)
                Validations.of(construct).acknowledge(CdkAcknowledgment(id=rule, reason=entry.reason))
                made += 1
    return made
