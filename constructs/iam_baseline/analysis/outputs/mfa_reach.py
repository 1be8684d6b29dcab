"""Who reaches which member account, and the ways in without MFA (issue 17), read from the graph.

Two report sections, every line from the analysis graph (:mod:`..graph`, ``CheckRun.graph``),
never re-derived from statement text:

* **Hops into member accounts**: every ``assume-member-role`` edge (both halves allowed: the
  caller's identity-based policy and the member role's trust policy), in the member accounts
  the graph decided it for (:attr:`~..graph.nodes.Edge.accounts`), with the MFA state of the
  session it yields (:class:`~..graph.nodes.HopMfa`): "MFA" (the trust admits the caller only
  with ``aws:MultiFactorAuthPresent`` true), "sign-in at the identity provider, no MFA seen by AWS" (a SAML session:
  AWS carries no MFA context for it, IAM User Guide, "Configuring MFA-protected API access") or
  "without MFA".
* **Ways in without MFA**: every machine role (``machine_roles:``), its ``reason``, the one
  principal its trust admits (INV-MACHINE-ROLE-PRINCIPAL proves it) and the principals of the
  assembly that the graph shows reaching it; then every hop "without MFA".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..graph.nodes import HopMfa, NodeKind

if TYPE_CHECKING:  # pragma: no cover - type names only
    from ..check import CheckRun

#: The rule of the graph's hops into member accounts (graph/rules/role_trust.py).
HOP_RULE = "assume-member-role"


def _scope_label(graph, node_id: str) -> str:
    return graph.nodes[node_id].scope


def hop_lines(run: CheckRun) -> list[str]:
    """One line per hop into a member account, grouped by the member role reached."""
    graph = run.graph
    if graph is None:
        return []
    lines = []
    hops = sorted((e for e in graph.edges if e.rule == HOP_RULE), key=lambda e: (e.target, e.source))
    for edge in hops:
        target, source = graph.nodes[edge.target], graph.nodes[edge.source]
        # The accounts the graph decided the hop into (both halves, each account), not every
        # account of the role's StackSet template.
        accounts = ", ".join(edge.accounts) or target.account
        mfa = edge.mfa.value if edge.mfa is not None else "not judged"
        lines.append(f"- `{source.ref or source.label}` ({source.scope}) → `{target.ref or target.label}` in "
                     f"{accounts}: **{mfa}**")
    return lines


def mfa_less_lines(run: CheckRun) -> list[str]:
    """Machine roles with their reason and who reaches them, then hops without MFA."""
    graph = run.graph
    if graph is None:
        return []
    lines = []
    for node in sorted(graph.nodes.values(), key=lambda n: (n.scope, n.ref or "")):
        if node.kind is not NodeKind.ROLE:
            continue
        scope = graph.world.scope_of[node.id]
        config = scope.config or scope.top_config or run.config
        name = graph.world.principal_of[node.id].name
        machine = next((m for m in getattr(config, "machine_roles", ()) if m.name == name), None)
        if machine is None:
            continue
        fence = " with its external id" if machine.third_party is not None else ""
        reachers = sorted({graph.nodes[e.source].ref or e.source for e in graph.edges if e.target == node.id})
        seen = f"; in the assembly also reached by {', '.join(f'`{r}`' for r in reachers)}" if reachers else ""
        lines.append(f"- `{node.ref}` ({node.scope}): machine role, no MFA by construction. Reason: {machine.reason} "
                     f"Reached only by `{machine.principal_arn}`{fence} (INV-MACHINE-ROLE-PRINCIPAL){seen}.")
    for edge in sorted((e for e in graph.edges if e.mfa is HopMfa.NONE), key=lambda e: (e.target, e.source)):
        lines.append(f"- `{graph.nodes[edge.target].ref}` ({graph.nodes[edge.target].scope}): reached **without MFA** by "
                     f"`{graph.nodes[edge.source].ref}` ({edge.rule}); INV-MFA-LESS-ONLY-MACHINE fails on it")
    return lines
