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


def _relative_paths(scope: IConstruct):
    """Yield (construct, its path relative to its stack) for ``scope`` and everything below.

    One ``find_all`` and one path read per construct: every access to a construct's node is
    a round trip to jsii's Node.js process, and this walk was most of the construct phase's
    round trips (``make bench``). A construct outside any stack is relative to the app.
    """
    constructs = scope.node.find_all()  # pre-order: a stack comes before its constructs
    stack_paths: list[str] = []
    for construct in constructs:
        path = construct.node.path
        # The deepest enclosing stack (a StackSet template's stack sits in a Stage of a stack);
        # a stack itself, like anything outside a stack, is relative to the app.
        stack_path = "" if isinstance(construct, Stack) else max(
            (p for p in stack_paths if path.startswith(p + "/")), key=len, default=""
        )
        if isinstance(construct, Stack):
            stack_paths.append(path)
        if stack_path:
            yield construct, path[len(stack_path) + 1 :]
        else:
            yield construct, path.split("/", 1)[1] if "/" in path else path


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
    for construct, relative in _relative_paths(scope):
        for entry in registry:
            if fnmatchcase(relative, entry.path):
                rule = entry.rule.format(iam_path=iam_path, workload_role_path=workload_role_path)
                Validations.of(construct).acknowledge(CdkAcknowledgment(id=rule, reason=entry.reason))
                made += 1
    return made
