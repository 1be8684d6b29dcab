"""The analysis graph of the default assembly (the suite's shared synth): no unintended path,
the CDK deploy role modelled as documented, unseen compute assumed the worst a
non-administrator could make it."""

from __future__ import annotations

from pathlib import Path

import pytest

from iam_baseline.analysis.graph import NodeKind, build_graph
from iam_baseline.analysis.model.accounts import load_scopes


@pytest.fixture(scope="module")
def graph(default_assembly, default_config):
    return build_graph(load_scopes(Path(default_assembly.directory), default_config), default_config)


def test_no_principal_that_is_not_declared_admin_reaches_an_administrator(graph):
    assert graph.paths_to_admin() == [] and graph.undecided == ()


def test_the_deploy_role_of_github_actions_reaches_the_cdk_execution_role(graph):
    """GitHubDeploy is an admin the config makes: it may assume the CDK deploy role, which hands
    CloudFormation the cfn-exec role (AWS CDK Developer Guide, 'Bootstrapping')."""
    (deploy,) = [n for n in graph.nodes.values() if n.ref == "role:GitHubDeploy"]
    chain = graph.shortest_chain(deploy.id)
    assert deploy.declared_admin and [e.rule for e in chain.edges] == ["cdk-deploy-role", "cdk-deploy-passes-execution-role"]
    (diff,) = [n for n in graph.nodes.values() if n.ref == "role:GitHubDiff"]
    assert graph.shortest_chain(diff.id) is None


def test_developers_reach_unseen_compute_but_no_role_through_it(graph):
    (developer,) = [n for n in graph.nodes.values() if n.ref == "role:Developer"]
    reached = {e.target for e in graph.edges_from(developer.id)}
    unseen = {n for n in reached if graph.nodes[n].kind is NodeKind.UNSEEN_COMPUTE}
    assert unseen and all(graph.nodes[n].assumed for n in unseen)
    assert all(not graph.edges_from(n) for n in unseen)
