"""Part of INV-ORG-BASELINE-CHANGES-DECLARED: the member identity account's ``cdk deploy``.

The identity account's baseline is a ``cdk deploy`` stack (``IdentityAccount``) whose CDK
execution role the protection SCPs spare (:func:`....config.identity_deployment.identity_stack_deployers`), as
they spare the StackSet execution roles elsewhere. That role is a declared changer only if
nobody of the account reaches it: its deploy role trusts the identity account as well as the
management account (``cdk bootstrap --trust``), the deploy role passes CloudFormation the
execution role (AWS CDK Developer Guide, "Bootstrapping"), and whoever updates the stack acts
with its service role (CloudFormation User Guide, "CloudFormation service role").

Question: is any principal of the identity account allowed, under its SCP levels, to assume the
deploy or execution role, to pass the execution role (the deploy role excepted), or to change the
stack (both roles excepted)? Decided by SCP Denies of the covering shape
(:func:`.org_shape.covering_deny`, as the ProtectBaseline seal writes them,
:func:`iam_baseline.organization.service_control_policies.seal_identity_deployment`). Without
them, the analysis graph (CDK bootstrap roles modelled with their documented shape, one per
bootstrapped region) gives the counterexample: the chain from a principal of the account to the
execution role of a region; no chain is
still not proven (the graph holds the assembly's principals, not every principal of the account).
SCPs never apply to the management account's principals (AWS Organizations User Guide, "SCP
effects on permissions"): it alone deploys the stack.
"""

from __future__ import annotations

from ....config.identity_deployment import identity_deployment
from ....identity.stack_actions import STACK_WRITE_ACTIONS
from ...graph.nodes import NodeKind
from ...graph.shared import graph_for
from ...model.accounts import AccountScope
from .base import Counterexample, Finding, NotProven, Proven
from .member import member_account, subject
from .org_shape import covering_deny, space_actions


def _questions(deployment) -> list[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    """(what, actions, resources, exempt ``aws:PrincipalArn``) of each way to the execution role."""
    roles = (*deployment.deploy_roles, *deployment.execution_roles)
    return [
        ("assume its CDK deploy or execution roles", ("sts:AssumeRole",), roles, ()),
        ("pass its CDK execution roles", ("iam:PassRole",), deployment.execution_roles, deployment.deploy_roles),
        ("change its stacks", space_actions(STACK_WRITE_ACTIONS), deployment.stacks, roles),
    ]


def identity_deploy_findings(scope: AccountScope) -> list[Finding]:
    """The finding of the identity account's ``cdk deploy`` seal, for the scope of that account
    (none for any other scope, or without a member identity account)."""
    deployment = identity_deployment(scope.top_config)
    if deployment is None or member_account(scope) != deployment.account:
        return []
    what = f"{subject(scope)}: its cdk deploy ({deployment.execution_role.rsplit('/', 1)[1]})"
    shapes, missing = [], []
    for question, actions, resources, exempt in _questions(deployment):
        shape = covering_deny(scope.scps, actions, resources, exempt)
        (shapes if shape else missing).append(shape or question)
    if not missing:
        return [Finding(what, Proven("; ".join(shapes)))]
    graph = graph_for(scope, scope.top_config)
    # The execution role of each region it deploys to (the graph has one per bootstrapped
    # environment): a chain names the region whose seal is missing.
    targets = {n.id for n in graph.nodes.values()
               if n.kind is NodeKind.BOOTSTRAP_ROLE and n.arn in deployment.execution_roles}
    labels = graph.labels()
    for node in sorted(graph.nodes.values(), key=lambda n: n.id):
        if node.scope != scope.label or node.kind is NodeKind.BOOTSTRAP_ROLE or not targets:
            continue
        chain = graph.shortest_chain(node.id, targets)
        first = next((e for e in chain.edges if e.steps), None) if chain else None
        if first is not None:
            step = first.steps[0]
            return [Finding(what, Counterexample(step.request, step.decision, "an undeclared principal changes the "
                                                 f"baseline through the spared CDK execution role: {chain.describe(labels)}"))]
    return [Finding(what, NotProven(f"no SCP Deny refuses every principal of the account to {', '.join(missing)}; the "
                                    "analysis graph finds no chain to the execution role, but it holds only the "
                                    "assembly's principals"))]
