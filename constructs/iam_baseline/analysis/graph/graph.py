"""The analysis graph and its queries: who reaches whom, and the shortest chain to an admin.

Built once (:func:`.build.build_graph`) and read by the checks (escalation, INV-ONLY-ADMINS-ADMIN)
and the report: the report never re-derives edges from statement text (design.md, "One graph
for checks and pictures"). Breadth-first search gives the shortest chain in hops.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .nodes import PRINCIPAL_KINDS, Chain, Edge, Node


@dataclass
class AccessGraph:
    """Nodes by id, "can become" edges, the admin-equivalent nodes (id -> why) and the attempts
    left undecided (never read as "no edge": the checks report them as not proven)."""

    nodes: dict[str, Node]
    edges: tuple[Edge, ...]
    admins: dict[str, str]
    world: Any = field(default=None, repr=False)  # the builder's lookups (subjects, scopes)
    #: (source, rule, target, why) of attempts the z3 engine could not decide: not proven.
    undecided: tuple[tuple[str, str, str, str], ...] = ()
    _out: dict[str, list[Edge]] = field(default_factory=dict, repr=False)
    _in: dict[str, list[Edge]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for edge in self.edges:
            self._out.setdefault(edge.source, []).append(edge)
        for edges in self._out.values():
            edges.sort(key=lambda e: (e.target, e.rule))

    def edges_from(self, node_id: str) -> tuple[Edge, ...]:
        return tuple(self._out.get(node_id, ()))

    def edges_to(self, node_id: str) -> tuple[Edge, ...]:
        """The edges into ``node_id`` (indexed on first use)."""
        if self._in is None:
            self._in = {}
            for edge in self.edges:
                self._in.setdefault(edge.target, []).append(edge)
        return tuple(self._in.get(node_id, ()))

    def admin_nodes(self) -> dict[str, str]:
        return dict(self.admins)

    def labels(self) -> dict[str, str]:
        return {i: n.label for i, n in self.nodes.items()}

    def reaches(self, source: str, target: str | None) -> bool:
        """``target`` is ``source`` or reachable from it."""
        return target is not None and self.shortest_chain(source, {target}) is not None

    def shortest_chain(self, source: str, target_ids: Iterable[str] | None = None) -> Chain | None:
        """The shortest chain from ``source`` to one of ``target_ids`` (default: any admin node);
        a chain of no edge when ``source`` is one of them."""
        targets = set(self.admins) if target_ids is None else set(target_ids)
        if source in targets:
            return Chain(source, source, (), self.admins.get(source, ""))
        previous: dict[str, Edge] = {}
        queue, seen = deque([source]), {source}
        while queue:
            current = queue.popleft()
            for edge in self._out.get(current, ()):
                if edge.target in seen:
                    continue
                seen.add(edge.target)
                previous[edge.target] = edge
                if edge.target in targets:
                    path = []
                    node = edge.target
                    while node != source:
                        path.append(previous[node])
                        node = previous[node].source
                    return Chain(source, edge.target, tuple(reversed(path)), self.admins.get(edge.target, ""))
                queue.append(edge.target)
        return None

    def paths_to_admin(self) -> list[Chain]:
        """One shortest chain per principal of the assembly that is not a declared admin and
        reaches an admin-equivalent node (itself included), sorted by source id."""
        chains = []
        for node in sorted(self.nodes.values(), key=lambda n: n.id):
            if node.kind not in PRINCIPAL_KINDS or node.declared_admin:
                continue
            chain = self.shortest_chain(node.id)
            if chain is not None:
                chains.append(chain)
        return chains
