"""The report's graph: who can become whom, laid out by Graphviz (``dot``) into an SVG.

Nodes are the analysed account's users, groups, roles and permission sets (those assigned to
it from an Identity Center stack in another account included), the IAM Identity Center
people and groups, and the trust sources outside the assembly (accounts, SAML and OIDC
providers, services, the CDK bootstrap deploy role). Edges are group membership, account
assignment, role assumption and trust; every hop of a chain to admin
(:mod:`.admin_reach`) is drawn red and bold, administrators are filled red.

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
from pathlib import Path
from typing import TYPE_CHECKING

from ..engine.evaluator import Policy
from ..errors import AnalysisError
from ..model.templates import AccountModel, Principal
from .admin_reach import AdminChain

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


def _short(ref: str) -> str:
    """``federated:arn:aws:iam::1:saml-provider/Okta`` -> ``federated:saml-provider/Okta``."""
    kind, _, ident = ref.partition(":")
    if ident.startswith("arn:"):
        return f"{kind}:{ident.split(':', 5)[-1]}"
    return ref


def trust_edges(model: AccountModel) -> list[tuple[str, str, str]]:
    """(from ref, to ref, label): user -> group membership, principal -> role it may assume,
    trust source -> role. Read from the statements, as the report always drew them; the
    analysis graph (issue 19) will decide these edges with the engines instead."""
    edges = []
    roles = [p for p in model.principals.values() if p.kind == "role"]
    for principal in model.principals.values():
        if principal.kind == "user":
            edges += [(principal.ref, f"group:{g}", "member") for g in principal.groups]
        if principal.kind in ("group", "role", "permission_set"):
            for policy in principal.policies:
                for st in policy.statements:
                    if st.effect == "Allow" and any(a.lower().startswith("sts:assumerole") for a in st.actions or ()):
                        edges += [(principal.ref, role.ref, "assume" + (" (MFA)" if st.conditions else ""))
                                  for role in roles if role.arn in (st.resources or ())]
    for role in roles:
        for st in role.trust.statements if role.trust else ():
            for kind, ids in (st.principals or {}).items():
                for ident in ids:
                    if kind != "AWS":
                        # A service trusts itself only on behalf of its own resources; a federated
                        # trust without conditions admits any identity of the provider.
                        gate = "service" if kind == "Service" else "conditions" if st.conditions else "unconditioned"
                        edges.append((_short(f"{kind.lower()}:{ident}"), role.ref, f"trust ({gate})"))
                    else:
                        gate = " (MFA)" if "multifactorauth" in " ".join(c.describe() for c in st.conditions).lower() else ""
                        edges.append((f"account:{ident.split(':')[4] if ':' in ident else ident}", role.ref, "trust" + gate))
    return edges


def _quote(*lines: str) -> str:
    """A DOT string of ``lines`` (joined by DOT's centred line break)."""
    return '"' + "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines) + '"'


def _label(ref: str) -> str:
    name = _short(ref)
    if name.startswith("arn:") or "cdk-" in name and "deploy-role" in name:
        name = "role:" + name.rsplit("/", 1)[-1]
    return name if len(name) <= 40 else name[:37] + "..."


def dot_source(run: CheckRun, model: AccountModel, chains: list[AdminChain]) -> str:
    """The DOT text of the graph of ``model`` (the analysed account's scope) and ``chains``."""
    edges: dict[tuple[str, str], str] = {(a, b): label for a, b, label in trust_edges(model)}
    for reach, _verdict in run.people:
        if reach.account != model.account:
            continue
        person, target = f"identity_center_user:{reach.person}", f"permission_set:{reach.permission_set}"
        if reach.via is not None:
            edges.setdefault((person, reach.via.ref), "member")
            edges.setdefault((reach.via.ref, target), f"assignment in {reach.account}")
        else:
            edges.setdefault((person, target), f"assignment in {reach.account}")
    red = set()
    admins = {c.refs[-1] for c in chains} | set(run.admin_equivalent)
    for chain in chains:
        refs = chain.refs
        for (a, b), hop in zip(zip(refs, refs[1:]), chain.hops):
            edges.setdefault((a, b), hop.how.split(" (", 1)[0].split(",", 1)[0])
            red.add((a, b))
    by_ref = {p.ref: p for p in model.principals.values()}
    nodes = sorted({ref for edge in edges for ref in edge} | {p.ref for p in model.principals.values()})
    lines = [
        "digraph access {",
        f'  graph [rankdir=LR, size="{MAX_WIDTH_INCHES},100", ranksep=0.5, nodesep=0.2, fontname="Courier"];',
        '  node [shape=box, style="rounded,filled", fillcolor="#e8f0fe", fontname="Courier", fontsize=11, margin="0.12,0.06"];',
        '  edge [fontname="Courier", fontsize=9, color="#555555", fontcolor="#555555"];',
    ]
    for ref in nodes:
        principal = by_ref.get(ref)
        detail = summary(model, principal) if principal is not None else _outside(ref)
        fill = "#fde2e2" if ref in admins else "#e8f0fe" if principal is not None else "#f4f4f4"
        label = _quote(f"{_label(ref)}{' (admin)' if ref in admins else ''}", detail)
        lines.append(f"  {_quote(ref)} [label={label}, "
                     f"tooltip={_quote(ref)}, fillcolor={_quote(fill)}];")
    for (a, b), label in sorted(edges.items()):
        style = ', color="#b00000", fontcolor="#b00000", penwidth=2' if (a, b) in red else ""
        lines.append(f"  {_quote(a)} -> {_quote(b)} [label={_quote(label)}{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _outside(ref: str) -> str:
    """The second line of a node that is not a principal of the analysed account."""
    if ref.startswith("identity_center_"):
        return "IAM Identity Center"
    if "-deploy-role-" in ref:
        return "CDK bootstrap (outside the assembly)"
    return "outside the assembly"


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
