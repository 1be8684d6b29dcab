"""Passing a service role to its service is acting as it: the escalation graph
(``iam_baseline.analysis.graph``) must hold that edge for the persona the config names, and for
nobody else. This project writes no second PassRole search (INV-SERVICE-ROLE-PASS proves who may
pass the role; the graph says what that yields)."""

from __future__ import annotations

import pytest

from iam_baseline.analysis import graph


def _pass_role_sources(hub_synth) -> set[str]:
    config, _, scopes = hub_synth
    built = graph.build_graph(scopes, config)
    return {
        built.nodes[e.source].ref
        for e in built.edges
        if e.family is graph.Family.PASS_ROLE and built.nodes[e.target].ref == "role:ReportsInstance"
    }


def test_only_the_named_persona_can_act_as_the_service_role_by_passing_it(hub_synth):
    sources = _pass_role_sources(hub_synth)
    assert "role:Developer" in sources  # passed_by: [developer]
    assert "role:ReadOnly" not in sources and "role:Support" not in sources
