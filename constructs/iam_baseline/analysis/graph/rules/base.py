"""What a rule of the catalogue is: one technique that turns one principal into another.

Shaped like a cdk-nag rule (one small object, its explanation next to it): the actions that
enable it, the request context it sets, the principal it makes you, the documentation or
published research it rests on, and a function proposing the concrete attempts for one source
node of the graph. The graph builder decides each attempt's requests with the evaluator;
a rule never decides anything itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..nodes import Family, Node, NodeKind, PRINCIPAL_KINDS

if TYPE_CHECKING:
    from ..world import World


@dataclass(frozen=True)
class Ask:
    """One request an attempt needs: action, resource ARN, the extra context it carries, the
    keys it leaves out (fixed as absent when the z3 engine looks for another context) and, for a
    hop from a StackSet variant, the caller's real account (one of the variant's accounts)."""

    action: str
    resource: str
    context: tuple[tuple[str, str], ...] = ()
    absent: tuple[str, ...] = ()
    #: The caller's real account when its scope is a StackSet variant (the identity account's, or
    #: one account of a variant of several): its ARN and keys name it instead of the placeholder.
    caller_account: str = ""


@dataclass(frozen=True)
class Attempt:
    """A rule applied to one (source, target): an edge when every request is allowed.

    ``requires_reach``: the edge only counts when the source already reaches that node
    (editing another principal's policies helps only whoever can act as it).
    ``accounts``: for a hop into a StackSet member role, (member account, its request) for every
    account the role is deployed to: the builder decides each one and the edge keeps those
    allowed (:attr:`..nodes.Edge.accounts`); ``asks`` is then empty.
    """

    target: str
    asks: tuple[Ask, ...]
    note: str = ""
    requires_reach: str | None = None
    accounts: tuple[tuple[str, Ask], ...] = ()


@dataclass(frozen=True)
class Rule:
    """One technique of the catalogue (``RULES.md`` lists them all).

    Attributes:
        id: stable kebab-case id, printed in every chain (``pass-role-lambda``).
        family: the family module it lives in.
        title: one line.
        actions: the actions that enable it (all of them are needed; ``a|b``: either one).
        context: the request context it sets (condition keys and values), in words.
        becomes: the principal it makes you, in words.
        source: the AWS documentation page or published research it rests on.
        attempts: ``(world, source node) -> attempts``; empty for structural rules that the
            builder applies itself (a function holds its role).
        sources: node kinds the rule is tried from.
    """

    id: str
    family: Family
    title: str
    actions: tuple[str, ...]
    becomes: str
    source: str
    context: str = ""
    attempts: Callable[[World, Node], Iterable[Attempt]] | None = None
    sources: frozenset[NodeKind] = field(default=PRINCIPAL_KINDS)
