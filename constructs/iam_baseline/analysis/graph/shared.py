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
