"""The picture of an organization: who can reach which member account, laid out by Graphviz.

Drawn from the hops of :mod:`.org_reach` (the StackSets' templates and deployment targets of
the synthesized assembly, each trust decided by the concrete evaluator), never from the
config's text; the config gives only names (accounts, OU paths). Laid out as the access
report's graph is (:func:`.graphviz.render_svg`, ``@viz-js/viz`` under the pinned Node.js):

* one cluster per OU (nested as the OU paths are), one for the management account;
* member accounts of one OU that every caller reaches alike are one node (their names, and
  ``+N more`` past :data:`NAMES_PER_NODE`), so 500 generated accounts stay one node;
* callers that reach the same nodes alike are one node too (users of one group, say);
  principals outside the organization (third parties) stand outside every cluster;
* each edge lists the roles it admits, labelled with its gate: ``MFA``, ``external ID``,
  ``IdP`` (a SAML session: MFA is the identity provider's) or ``no MFA``; ``trust only``
  (dashed, grey): the trust admits the caller, its own policies do not;
* a principal's hops inside its own account are left out, except the SAML sign-in
  (:func:`_across_accounts`).

``python -m iam_baseline.analysis.outputs.hub_picture --out cdk.out --config CONFIG --svg FILE
[--dot FILE]`` writes it (``make hub-picture``: the hub-and-spoke example into
``docs/hub-and-spoke.svg``, README "Hub and spoke").
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from .graphviz import MAX_WIDTH_INCHES, _quote, render_svg
from .org_reach import Caller, CallerKind, Directory, Gate, Hop, member_hops

#: Account names listed on one node before ``+N more``.
NAMES_PER_NODE = 4
#: Edge colour per gate (the first gate of a hop decides).
COLOURS = {Gate.MFA: "#1b7a3a", Gate.EXTERNAL_ID: "#b35900", Gate.IDP: "#1f5fa8", Gate.NONE: "#b00000",
           Gate.TRUST_ONLY: "#888888"}
_MANAGEMENT_CLUSTER = "management account"
TITLE = "Who can assume which role in which member account (from the StackSets' trust policies)"


def _names(names: Sequence[str]) -> list[str]:
    shown = list(names[:NAMES_PER_NODE])
    lines = [", ".join(shown[i:i + 2]) for i in range(0, len(shown), 2)]
    if len(names) > NAMES_PER_NODE:
        lines.append(f"+{len(names) - NAMES_PER_NODE} more")
    return lines


def _where(caller: Caller, directory: Directory) -> str:
    """The second line of a caller node: the account it belongs to."""
    if caller.kind is CallerKind.ANYONE:
        return "any account"
    if caller.own_account:
        return "in each member account itself"
    name = directory.name_of(caller.account)
    return f"{name} {caller.account}" if name else f"outside the organization: {caller.account}"


def _what(caller: Caller) -> str:
    """The first line of a caller node: the principal (or ``any principal`` of an account)."""
    if caller.kind is CallerKind.ANYONE:
        return "anyone (Principal *)"
    return "any principal its policies allow" if caller.kind is CallerKind.ACCOUNT else caller.name


def _cluster_of(caller: Caller, directory: Directory) -> str | None:
    """The cluster (OU path, or the management account's) a caller is drawn in; None: outside."""
    if caller.own_account or caller.kind is CallerKind.ANYONE:
        return None
    if caller.account == directory.management:
        return _MANAGEMENT_CLUSTER
    return directory.ou_of(caller.account)


def _edge_label(hops: Sequence[Hop]) -> str:
    by_gates: dict[tuple[Gate, ...], set[str]] = defaultdict(set)
    for hop in hops:
        by_gates[hop.gates].add(hop.role)
    lines = [f"{', '.join(sorted(roles))} ({', '.join(g.value for g in gates)})" for gates, roles in sorted(
        by_gates.items(), key=lambda kv: [g.value for g in kv[0]])]
    return "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines)


def _across_accounts(hop: Hop) -> bool:
    """Whether the picture draws ``hop``: a hop from another account, from "each account itself"
    (a trust of its own account, the same in every member account), or a SAML sign-in. A
    principal's hop inside its own account (the identity account's users into its own roles) is
    left out: the picture is about reaching accounts, and those edges would hide the rest."""
    return hop.caller.own_account or hop.caller.kind is CallerKind.SAML_PROVIDER or hop.caller.account != hop.account


def dot_source(hops: Sequence[Hop], directory: Directory) -> str:
    """The DOT text of the picture of ``hops`` over ``directory``'s accounts (see the module)."""
    hops = [hop for hop in hops if _across_accounts(hop)]
    incoming: dict[str, set[tuple[str, str, tuple[Gate, ...]]]] = defaultdict(set)
    for hop in hops:
        incoming[hop.account].add((hop.caller.key, hop.role, hop.gates))
    # Target nodes: accounts of one cluster with the same incoming hops.
    targets: dict[tuple[str, frozenset], list[str]] = defaultdict(list)
    placed = [(directory.ou_of(a) or _MANAGEMENT_CLUSTER, a) for _, a, _ in directory.accounts]
    placed += [(_MANAGEMENT_CLUSTER, a) for a in sorted(incoming) if directory.ou_of(a) is None]
    for cluster, account in placed:
        targets[cluster, frozenset(incoming.get(account, ()))].append(account)
    target_of = {a: f"accounts:{cluster}:{i}" for i, ((cluster, _), accounts) in enumerate(sorted(
        targets.items(), key=lambda kv: (kv[0][0], kv[1][0]))) for a in accounts}
    # Caller nodes: callers of one cluster and kind with the same edges.
    callers = {hop.caller.key: hop.caller for hop in hops}
    outgoing: dict[str, set[tuple[str, str, tuple[Gate, ...]]]] = defaultdict(set)
    for hop in hops:
        outgoing[hop.caller.key].add((target_of[hop.account], hop.role, hop.gates))
    merged: dict[tuple, list[str]] = defaultdict(list)
    for key, caller in sorted(callers.items()):
        merged[_cluster_of(caller, directory), _where(caller, directory), caller.kind, frozenset(outgoing[key])].append(key)
    caller_node = {key: f"callers:{group[0]}" for group in merged.values() for key in group}
    lines = [
        "digraph organization {",
        f'  graph [rankdir=LR, size="{MAX_WIDTH_INCHES},100", ranksep=0.9, nodesep=0.25, fontname="Courier", '
        'fontsize=11, labeljust=l, style="rounded", color="#888888"];',
        '  node [shape=box, style="rounded,filled", fillcolor="#e8f0fe", fontname="Courier", fontsize=10];',
        '  edge [fontname="Courier", fontsize=9];',
        f"  label={_quote(TITLE)}; labelloc=t;",
    ]
    clustered: dict[str | None, list[str]] = defaultdict(list)
    for (cluster, _), accounts in targets.items():
        names = [directory.name_of(a) or a for a in accounts]
        clustered[cluster].append(f"  {_quote(target_of[accounts[0]])} [label={_quote(*_names(names))}];")
    for (cluster, where, _kind, _), keys in merged.items():
        labels = [_what(callers[k]) for k in keys]
        shown = labels[:NAMES_PER_NODE] + ([f"+{len(labels) - NAMES_PER_NODE} more"] if len(labels) > NAMES_PER_NODE else [])
        clustered[cluster].append(f"  {_quote(caller_node[keys[0]])} [label={_quote(*shown, where)}, fillcolor=\"#f4f4f4\"];")
    lines += clustered.pop(None, [])
    lines += _clusters(clustered, directory)
    edges: dict[tuple[str, str], list[Hop]] = defaultdict(list)
    for hop in hops:
        edges[caller_node[hop.caller.key], target_of[hop.account]].append(hop)
    for (source, target), group in sorted(edges.items()):
        colour = COLOURS[min((h.gates[0] for h in group), key=list(Gate).index)]
        # One half of a hop without the other (the trust admits, the caller's policies do not): dashed.
        dashed = ", style=dashed" if all(h.gates == (Gate.TRUST_ONLY,) for h in group) else ""
        lines.append(f'  {_quote(source)} -> {_quote(target)} [label="{_edge_label(group)}", color="{colour}", '
                     f'fontcolor="{colour}"{dashed}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _clusters(clustered: dict[str | None, list[str]], directory: Directory) -> list[str]:
    """Nested ``subgraph cluster_...`` blocks: the management account's, then the OUs by path."""
    lines: list[str] = []
    if _MANAGEMENT_CLUSTER in clustered:
        lines += [f'  subgraph "cluster_management" {{', f"    label={_quote(f'management account {directory.management}')};",
                  *("  " + line for line in clustered.pop(_MANAGEMENT_CLUSTER)), "  }"]
    paths = sorted(clustered)

    def block(path: str, depth: int) -> list[str]:
        pad = "  " * depth
        out = [f"{pad}subgraph {_quote('cluster_' + path)} {{", f"{pad}  label={_quote('OU ' + path)};"]
        out += [pad + line for line in clustered.get(path, ())]
        for child in (p for p in paths if p.rpartition("/")[0] == path):
            out += block(child, depth + 1)
        return out + [f"{pad}}}"]

    # Every OU on the way to one with nodes is drawn, so the nesting shows the OU tree.
    needed = {"/".join(p.split("/")[:i]) for p in clustered for i in range(1, p.count("/") + 2)}
    paths = sorted(needed)
    for top in (p for p in paths if "/" not in p):
        lines += block(top, 1)
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Write the picture of the assembly ``--out`` (synthesized from ``--config``)."""
    from ...config import load_config
    from ...errors import BaselineError

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="the cloud assembly (cdk.out) of an organization config")
    parser.add_argument("--config", required=True, help="the config it was synthesized from (account and OU names)")
    parser.add_argument("--svg", required=True, help="the SVG file to write")
    parser.add_argument("--dot", help="also write the DOT source here")
    args = parser.parse_args(argv)
    try:
        directory = Directory.from_config(load_config(args.config))
    except (BaselineError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    dot = dot_source(member_hops(args.out, directory), directory)
    if args.dot:
        Path(args.dot).write_text(dot, encoding="utf-8")
    Path(args.svg).write_text(render_svg(dot), encoding="utf-8")
    print(f"== wrote {args.svg}" + (f" and {args.dot}" if args.dot else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
