"""One graph per run: ``make check`` builds the graph over every account scope once (for the
escalation checks) and INV-ONLY-ADMINS-ADMIN reads the same one, scope by scope.

Only the latest run's graph is kept (a run is one assembly; keeping more would hold every
mutant's graph in the mutation test)."""

from __future__ import annotations

from collections.abc import Sequence

from ..model.accounts import AccountScope
from .graph import AccessGraph

_LATEST: list[tuple[tuple[AccountScope, ...], AccessGraph]] = []


def share(scopes: Sequence[AccountScope], graph: AccessGraph) -> None:
    """Make ``graph`` (built over ``scopes``) the one the invariants read for these scopes."""
    _LATEST[:] = [(tuple(scopes), graph)]


def shared_for(scope: AccountScope) -> AccessGraph | None:
    """The shared graph that includes this very scope object, if any."""
    for scopes, graph in _LATEST:
        if any(s is scope for s in scopes):
            return graph
    return None


#: Graphs built for one scope (no shared graph), by the scope object, newest last: the graph
#: invariants (INV-ONLY-ADMINS-ADMIN, INV-HUMAN-NO-MACHINE-ROLE, INV-NO-MFA-LESS-ADMIN) build one once.
_OWN: list[tuple[AccountScope, AccessGraph]] = []
_OWN_SIZE = 16


def graph_for(scope: AccountScope, config) -> AccessGraph:
    """The shared graph of ``scope`` (:func:`shared_for`), else one over ``scope`` alone, built
    once for the last few scopes asked (``config``: the top-level config)."""
    graph = shared_for(scope)
    if graph is not None:
        return graph
    for known, built in _OWN:
        if known is scope:
            return built
    from .admin import admin_refs
    from .build import build_graph

    built = build_graph([scope], config, {scope.label: admin_refs(scope.model, config)})
    _OWN.append((scope, built))
    del _OWN[:-_OWN_SIZE]
    return built
