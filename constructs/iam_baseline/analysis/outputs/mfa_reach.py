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
  assembly that the graph shows reaching it; then the SAML route: every hop a SAML role of the
  identity account makes into a member account (a SAML session carries no
  ``aws:MultiFactorAuthPresent``: MFA, if any, is the identity provider's, which AWS does not
  see), with the config keys that declare it (``federation.saml.roles[i]``, the persona's
  ``reach``) and, per provider the role's trust policy names, its declared exception
  (``federation.saml.providers[i].mfa_at_identity_provider`` and its reason), which
  INV-MFA-LESS-ONLY-MACHINE and INV-NO-MFA-LESS-ADMIN accept; a provider without it is marked
  "no MFA declared" (both invariants fail where it reaches another role or an administrator);
  then every hop "without MFA".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...config.saml_mfa import DECLARATION_KEY
from ..checks.invariants.saml_mfa import saml_mfa, trusted_providers
from ..engine.context_rules import SessionOrigin
from ..graph.nodes import HopMfa, NodeKind

if TYPE_CHECKING:  # pragma: no cover - type names only
    from ..check import CheckRun

#: How the report marks a SAML role some provider of which declares no MFA at the identity provider.
UNDECLARED_MARK = "no MFA declared"

#: What an undeclared provider means for the proof.
UNDECLARED_MEANS = ("a way in without MFA, which INV-MFA-LESS-ONLY-MACHINE and INV-NO-MFA-LESS-ADMIN refuse where it "
                    "reaches another role or an administrator")

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
    lines += saml_route_lines(run)
    for edge in sorted((e for e in graph.edges if e.mfa is HopMfa.NONE), key=lambda e: (e.target, e.source)):
        lines.append(f"- `{graph.nodes[edge.target].ref}` ({graph.nodes[edge.target].scope}): reached **without MFA** by "
                     f"`{graph.nodes[edge.source].ref}` ({edge.rule}); INV-MFA-LESS-ONLY-MACHINE fails on it")
    return lines


def saml_route_lines(run: CheckRun) -> list[str]:
    """The SAML route, one line per SAML role (``sts:AssumeRoleWithSAML``) and per hop such a role
    makes into a member account (:attr:`HopMfa.IDENTITY_PROVIDER`): what is reached (whether an
    administrator), in which accounts, and the config keys that declare it (the SAML role's entry,
    its persona's ``reach``)."""
    graph, config = run.graph, run.config
    saml = config.federation.saml if config is not None and config.federation is not None else None
    if graph is None or saml is None:
        return []
    from ...config.personas import persona_views

    entries = {role.name: (index, role) for index, role in enumerate(saml.roles)}
    views = persona_views(config)
    gate = f"**{HopMfa.IDENTITY_PROVIDER.value}**"

    def declared(node_id: str, hop: bool) -> str:
        principal = graph.world.principal_of.get(node_id)
        index, role = entries.get(principal.name if principal is not None else "", (None, None))
        if role is None:
            return "not a role of federation.saml.roles"
        reach = f" and `{'roles' if views[role.persona].built_in else 'personas'}.{role.persona}.reach`" if hop else ""
        providers = ", ".join(role.providers)
        return (f"declared by `federation.saml.roles[{index}]` ({role.name}: persona {role.persona}, providers {providers})"
                f"{reach}; {exception(principal)}")

    def exception(principal) -> str:
        # The providers as the template's trust names them, each with its declaration (config).
        found = saml_mfa(config, principal.name, principal.trust)
        if not found.declared:
            return f"**{UNDECLARED_MARK}** at {', '.join(found.undeclared)}: {UNDECLARED_MEANS}"
        return "; ".join(f"MFA at the identity provider {name}, declared by `federation.saml.providers[{i}]."
                         f"{DECLARATION_KEY}`. Reason: {reason}" for name, i, reason in found.reasons)

    def what(node) -> str:
        # One wording for every line: declared by the config or admin-equivalent under its SCPs.
        return f"`{node.ref or node.label}`" + (" (an administrator)" if node.declared_admin or node.id in graph.admins else "")

    lines = []
    for node in sorted(graph.nodes.values(), key=lambda n: (n.scope, n.ref or "")):
        subject = graph.world.subject_of.get(node.id)
        if node.kind is NodeKind.ROLE and subject is not None and subject.principal.session_origin is SessionOrigin.SAML:
            signed_in = ", ".join(trusted_providers(graph.world.principal_of[node.id].trust)) or "its providers"
            lines.append(f"- {what(node)} ({node.scope}): assumed with sts:AssumeRoleWithSAML by whoever signs in at "
                         f"{signed_in}, {gate}; {declared(node.id, False)}")
    for edge in sorted((e for e in graph.edges if e.mfa is HopMfa.IDENTITY_PROVIDER), key=lambda e: (e.target, e.source)):
        source, target = graph.nodes[edge.source], graph.nodes[edge.target]
        accounts = ", ".join(graph.world.scope_of[edge.target].member_accounts) or target.account
        lines.append(f"- {what(target)} in {accounts}: reached by the SAML role `{source.ref or source.label}` "
                     f"({source.scope}), {gate}; {declared(edge.source, True)}")
    return lines


def console_lines(run: CheckRun) -> list[str]:
    """``make check``'s console summary of the SAML route, one line per SAML role: how many
    member roles (in how many accounts) it reaches without AWS MFA, and the declared exception
    of its providers with the reason, or that it is not declared (both invariants then fail)."""
    graph = run.graph
    if graph is None:
        return []
    lines = []
    for node in sorted(graph.nodes.values(), key=lambda n: (n.scope, n.ref or "")):
        subject = graph.world.subject_of.get(node.id)
        if node.kind is not NodeKind.ROLE or subject is None or subject.principal.session_origin is not SessionOrigin.SAML:
            continue
        principal = graph.world.principal_of[node.id]
        found = saml_mfa(run.config, principal.name, principal.trust)
        hops = [e for e in graph.edges if e.source == node.id and e.mfa is HopMfa.IDENTITY_PROVIDER]
        accounts = {a for e in hops for a in (e.accounts or (graph.nodes[e.target].account,))}
        roles = ", ".join(sorted({graph.world.principal_of[e.target].name for e in hops}))
        reach = f", reaches {roles} in {len(accounts)} member account(s)" if hops else ""
        verdict = (f"accepted: {found.describe()}" if found.declared else
                   f"{UNDECLARED_MARK} at {', '.join(found.undeclared)}: {UNDECLARED_MEANS}")
        lines.append(f"way in without AWS MFA: SAML role {node.ref or node.label} ({node.scope}){reach}; {verdict}")
    return lines
