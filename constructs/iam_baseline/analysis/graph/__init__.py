"""Who can act as whom: the analysis graph (issue 19).

Nodes are the principals of every account the assembly touches and what holds a role
(:mod:`.world`); edges come from the catalogue of techniques (:mod:`.rules`, one module per
family), decided by the concrete evaluator (:mod:`.build`); :mod:`.graph` answers "who reaches
an administrator" with the shortest chain, every request of it replayable. The checks and the
report read this one graph. API: ``build_graph``, ``AccessGraph``.
"""

from __future__ import annotations

from .build import build_graph, replay
from .graph import AccessGraph
from .nodes import Chain, Edge, Family, Node, NodeKind, Step
from .rules import RULES, Rule

__all__ = ["AccessGraph", "Chain", "Edge", "Family", "Node", "NodeKind", "RULES", "Rule", "Step", "build_graph", "replay"]
