"""Apply the acknowledgment registry (:mod:`.registry`) to a CDK construct tree.

``Validations.of(construct).acknowledge(...)`` is called for every registry entry whose
construct path matches; cdk-nag v3 and CDK's template validator then report the finding as
acknowledged, with its reason, in the cloud assembly's validation report.

An entry that names a library construct (``Acknowledgment(..., construct="ForceMfaPolicy")``)
follows that construct's type: its path is matched below every instance of the class, whatever
id the app gave it. Other entries are matched relative to the stack.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from aws_cdk import Acknowledgment as CdkAcknowledgment
from aws_cdk import Stack, Validations
from constructs import Construct, IConstruct

from .registry import REGISTRY, Acknowledgment


def relative_paths(scope: IConstruct, classes: frozenset[str]):
    """Yield (construct, path relative to its stack, {class name: path relative to the nearest
    enclosing instance of that class}) for ``scope`` and everything below; only the classes
    named in ``classes`` are tracked.

    One ``find_all`` and one path read per construct: every access to a construct's node is
    a round trip to jsii's Node.js process, and this walk was most of the construct phase's
    round trips (``make bench``). A construct outside any stack is relative to the app.
    ``type(construct)`` costs no round trip: jsii hands back the Python object the app made.
    """
    constructs = scope.node.find_all()  # pre-order: an ancestor comes before its descendants
    stack_paths: list[str] = []
    instances: list[tuple[str, str]] = []  # (path, class name) of the tracked constructs seen
    for construct in constructs:
        path = construct.node.path
        # The deepest enclosing stack (a StackSet template's stack sits in a Stage of a stack);
        # a stack itself, like anything outside a stack, is relative to the app.
        stack_path = "" if isinstance(construct, Stack) else max(
            (p for p in stack_paths if path.startswith(p + "/")), key=len, default=""
        )
        if isinstance(construct, Stack):
            stack_paths.append(path)
        # Nearest enclosing instance per class: deeper ancestors come later and overwrite.
        below = {name: path[len(p) + 1 :] for p, name in instances if path.startswith(p + "/")}
        if type(construct).__name__ in classes:
            instances.append((path, type(construct).__name__))
        if stack_path:
            yield construct, path[len(stack_path) + 1 :], below
        else:
            yield construct, path.split("/", 1)[1] if "/" in path else path, below


def entry_matches(entry: Acknowledgment, relative: str, below: dict[str, str]) -> bool:
    """Whether ``entry``'s path selects a construct at ``relative`` (its path below its stack),
    with ``below`` its paths below the enclosing instances of library construct classes: below
    an instance of ``entry.construct`` when the entry names one, else below the stack."""
    target = below.get(entry.construct) if entry.construct else relative
    return target is not None and fnmatchcase(target, entry.path)


def apply_acknowledgments(
    scope: Construct,
    *,
    iam_path: str = "/baseline/",
    workload_role_path: str = "/workload/",
    registry: tuple[Acknowledgment, ...] = REGISTRY,
) -> int:
    """Acknowledge every registry entry on the constructs under ``scope`` whose path matches.

    An entry naming a library construct is matched below every instance of that class,
    whatever its id; any other entry relative to the construct's stack, so ``DeveloperRole/*``
    works whatever the stack is called and however deep it sits (a stack in a ``Stage``, such
    as a StackSet template, included). ``{iam_path}`` and ``{workload_role_path}`` in rule ids
    are replaced by the given IAM paths.

    Library users acknowledge their own findings, each with its reason, by passing
    ``registry=REGISTRY + (Acknowledgment(rule, path, reason), ...)`` (README, "Using the
    constructs in another CDK app"). Returns the number of acknowledgments made.
    """
    made = 0
    classes = frozenset(entry.construct for entry in registry if entry.construct)
    for construct, relative, below in relative_paths(scope, classes):
        for entry in registry:
            if entry_matches(entry, relative, below):
                rule = entry.rule.format(iam_path=iam_path, workload_role_path=workload_role_path)
                Validations.of(construct).acknowledge(CdkAcknowledgment(id=rule, reason=entry.reason))
                made += 1
    return made
