"""The report's graph: who can become whom, laid out by Graphviz (``dot``) into an SVG.

Drawn from the analysis graph (:mod:`..graph`, the one the checks read; edges are never
re-derived from statement text here): the analysed account's users, groups, roles and
permission sets (those assigned to it from an Identity Center stack in another account
included) and the edges between them, labelled with their catalogue rule; the IAM Identity
Center people and groups and the SAML and OIDC providers in front of them
(:mod:`.admin_reach`); every hop of a chain to admin drawn red and bold, administrators filled
red, what is modelled rather than read (CDK bootstrap roles, unseen compute) dashed.

The SVG is rendered when the report is written (``make check``), by ``graphviz.mjs`` under the
pinned Node.js with ``@viz-js/viz`` (Graphviz compiled to WebAssembly, pinned in
package.json). Rendering at check time rather than in the page keeps ``access-report.html``
a static, self-contained file: it opens without scripts or network (a CI artifact viewer, a
mail attachment, a locked-down browser) and needs no 1.5 MB WebAssembly bundle inlined.
Graphviz places node and edge labels without overlaps; the page scales the SVG to its width.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine.policy import Policy
from ..errors import AnalysisError
from ..model.templates import AccountModel, Principal
from ..graph import AccessGraph, NodeKind
from .admin_reach import AdminChain, federated_trusts, node_id

if TYPE_CHECKING:  # pragma: no cover - type names only
    from ..check import CheckRun

_VIZ = Path("node_modules") / "@viz-js" / "viz"
_SCRIPT = Path(__file__).with_name("graphviz.mjs")
#: Widest layout, in inches (Graphviz scales it down to fit): 12.5 in = 900 pt = 1,200 CSS px,
#: inside a 1,280-pixel window with the page's margins.
MAX_WIDTH_INCHES = 12.5
#: Seconds the renderer may take (the default assembly lays out in well under one).
TIMEOUT_SECONDS = 60


class GraphvizError(AnalysisError):
    """The graph could not be laid out: the renderer is missing or Graphviz refused the graph."""


def _services(policies: Iterable[Policy]) -> list[str]:
    services: set[str] = set()
    for policy in policies:
        for statement in policy.statements:
            if statement.effect != "Allow":
                continue
            if statement.not_actions is not None:
                services.add("* except " + ", ".join(sorted({a.split(':')[0] for a in statement.not_actions})))
            for action in statement.actions or ():
                services.add("*" if action == "*" else action.split(":")[0])
    return sorted(services)


def summary(model: AccountModel, principal: Principal) -> str:
    """One line for the graph: the services the principal's allows name (at most 40 characters)."""
    text = ", ".join(_services(model.identity_policies(principal))) or "nothing"
    return text if len(text) <= 40 else text[:37] + "..."


def _quote(*lines: str) -> str:
    """A DOT string of ``lines`` (joined by DOT's centred line break)."""
    return '"' + "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines) + '"'


def _short(label: str) -> str:
    return label if len(label) <= 40 else label[:37] + "..."


@dataclass
class _Picture:
    """Nodes (id -> (label, detail, admin, assumed, outside)) and edges ((source, target) -> (label, tooltip)).

    ``assumed``: modelled, not read from the templates (drawn dashed); ``outside``: not a
    principal of the analysed account (drawn grey)."""

    nodes: dict[str, tuple[str, str, bool, bool, bool]] = field(default_factory=dict)
    edges: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    red: set[tuple[str, str]] = field(default_factory=set)

    def node(self, node: str, label: str, detail: str, admin: bool = False, assumed: bool = False,
             outside: bool = True) -> None:
        self.nodes.setdefault(node, (label, detail, admin, assumed, outside))

    def edge(self, source: str, target: str, label: str, tooltip: str = "") -> None:
        self.edges.setdefault((source, target), (label, tooltip or label))


def _graph_nodes(picture: _Picture, graph: AccessGraph, model: AccountModel, wanted: set[str]) -> None:
    admins = graph.admin_nodes()
    for node in (graph.nodes[i] for i in sorted(wanted) if i in graph.nodes):
        principal = next((p for p in model.principals.values() if p.ref == node.ref), None) if node.ref else None
        detail = summary(model, principal) if principal is not None else _outside(node.kind)
        picture.node(node.id, _short(node.ref or node.label), detail, node.id in admins, node.assumed is not None,
                     principal is None)


def dot_source(run: CheckRun, model: AccountModel, chains: list[AdminChain]) -> str:
    """The DOT text of the picture of ``model``'s account (the analysed scope) and ``chains``.

    From the analysis graph (``run.graph``): the account's users, groups, roles and permission
    sets and the edges between them whose source is not already an administrator (an
    administrator can become anyone: those edges would hide the rest), then every node and
    edge of a chain to admin, in red; the first hops of federated and Identity Center entries
    (:mod:`.admin_reach`).
    """
    picture = _Picture()
    graph = run.graph
    chains = [c for c in chains if c.account == model.account]  # the picture is of one account
    refs = {p.ref for p in model.principals.values()}
    wanted = {node_id(model.account, ref) for ref in refs}
    for chain in chains:
        wanted |= {h.node for h in chain.hops}
    if graph is not None:
        _graph_nodes(picture, graph, model, wanted)
        admins = graph.admin_nodes()
        for edge in graph.edges:
            if edge.source in picture.nodes and edge.target in picture.nodes and edge.source not in admins:
                picture.edge(edge.source, edge.target, edge.rule, edge.note)
    for principal in model.principals.values():
        picture.node(node_id(model.account, principal.ref), _short(principal.ref), summary(model, principal), outside=False)
    for trust in federated_trusts(model):
        picture.node(trust.entry, _short(trust.entry), "CI identities" if trust.oidc else "federated principals")
        picture.edge(trust.entry, node_id(model.account, trust.role.ref), "trust", f"{trust.action} when {trust.conditions}")
    for reach, _verdict in run.people:
        if reach.account != model.account:
            continue
        person, target = f"identity_center_user:{reach.person}", node_id(model.account, f"permission_set:{reach.permission_set}")
        picture.node(person, _short(person), "IAM Identity Center")
        if reach.via is not None:
            picture.node(reach.via.ref, _short(reach.via.ref), "IAM Identity Center")
            picture.edge(person, reach.via.ref, "member")
        picture.edge(reach.via.ref if reach.via else person, target, "assignment", f"account assignment in {reach.account}")
    for chain in chains:
        nodes = chain.nodes
        for (a, b), hop in zip(zip(nodes, nodes[1:]), chain.hops):
            picture.node(a, _short(a), "")
            picture.node(b, _short(hop.label), "")
            picture.edge(a, b, hop.how.split(":", 1)[0].split(",", 1)[0], hop.how)
            picture.red.add((a, b))
        label, detail, _admin, assumed, outside = picture.nodes[nodes[-1]]
        picture.nodes[nodes[-1]] = (label, detail, True, assumed, outside)
    return _dot(picture)


def _dot(picture: _Picture) -> str:
    lines = [
        "digraph access {",
        f'  graph [rankdir=LR, size="{MAX_WIDTH_INCHES},100", ranksep=0.5, nodesep=0.2, fontname="Courier"];',
        '  node [shape=box, style="rounded,filled", fillcolor="#e8f0fe", fontname="Courier", fontsize=11, margin="0.12,0.06"];',
        '  edge [fontname="Courier", fontsize=9, color="#555555", fontcolor="#555555"];',
    ]
    for node, (label, detail, admin, assumed, outside) in sorted(picture.nodes.items()):
        fill = "#fde2e2" if admin else "#f4f4f4" if outside else "#e8f0fe"
        style = "rounded,filled,dashed" if assumed else "rounded,filled"
        title = label + (" (admin)" if admin else "")
        text = _quote(title, detail) if detail else _quote(title)
        lines.append(f"  {_quote(node)} [label={text}, tooltip={_quote(node)}, fillcolor={_quote(fill)}, style={_quote(style)}];")
    for (a, b), (label, tooltip) in sorted(picture.edges.items()):
        style = ', color="#b00000", fontcolor="#b00000", penwidth=2' if (a, b) in picture.red else ""
        lines.append(f"  {_quote(a)} -> {_quote(b)} [label={_quote(label)}, tooltip={_quote(tooltip)}{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _outside(kind: NodeKind) -> str:
    """The second line of a graph node that is not a principal of the analysed account."""
    return {NodeKind.BOOTSTRAP_ROLE: "CDK bootstrap (documented shape)", NodeKind.ADMIN: "what editing one's own policies yields",
            NodeKind.SERVICE: "AWS service"}.get(kind, "outside the assembly")


def _find_viz() -> Path:
    for base in (Path.cwd(), *Path(__file__).resolve().parents):
        candidate = base / _VIZ
        if (candidate / "package.json").exists():
            return candidate
    raise GraphvizError("@viz-js/viz (Graphviz for the access report's graph) is not installed in node_modules/; "
                        "run `make install`")


def _node(viz: Path) -> str:
    pinned = viz.parents[1] / ".bin" / ("node.exe" if os.name == "nt" else "node")
    node = str(pinned) if pinned.exists() else shutil.which("node")
    if node is None:
        raise GraphvizError("Node.js is not installed (node_modules/.bin/node); run `make install`")
    return node


def render_svg(dot: str) -> str:
    """Lay out ``dot`` with Graphviz ``dot`` (via ``graphviz.mjs``) and return the ``<svg>`` element.

    Raises:
        GraphvizError: the renderer is missing, fails, or takes over :data:`TIMEOUT_SECONDS`.
    """
    viz = _find_viz()
    try:
        done = subprocess.run([_node(viz), str(_SCRIPT), str(viz / "dist" / "viz.js")], input=dot, text=True,
                              capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as error:
        raise GraphvizError(f"Graphviz took over {TIMEOUT_SECONDS} s to lay out the access graph") from error
    if done.returncode != 0:
        raise GraphvizError(f"Graphviz refused the access graph: {done.stderr.strip()[:500]}")
    output = done.stdout
    return output[output.index("<svg"):]
