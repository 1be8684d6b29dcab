"""INV-ONLY-ADMINS-ADMIN: only the config's ``admin_principals`` can become an administrator.

Decided over the analysis graph (:mod:`...graph`): the one ``make check`` builds over every
account scope (so chains may cross accounts), or the scope's own: every technique of the
catalogue (role assumption, PassRole to new compute, existing compute, credentials, policy
edits, stacks, Identity Center, organizations), each edge decided by the concrete evaluator.
An administrator is a principal that is admin-equivalent by itself (it may attach
AdministratorAccess to a role, put a role policy and create users:
:func:`~...graph.admin.is_admin_equivalent`), the CDK bootstrap ``cfn-exec`` role, which the
*deploy role* of any declared account hands to CloudFormation (AWS CDK Developer Guide,
"Bootstrapping": AdministratorAccess unless bootstrapped with
``--cloudformation-execution-policies``), or a stand-in the templates cannot show (another
IAM user, OrganizationAccountAccessRole). A principal that is not declared admin must reach
none, directly or through a chain; the counterexample is the shortest chain's first request,
and the note prints the whole chain.
"""

from __future__ import annotations

from ....config.access_matrix import RequestContextConfig
from ....config.models import BaselineConfig
from ...graph.admin import admin_refs, admin_probes
from ...graph.admin import is_admin_equivalent  # noqa: F401 - importable from here as before
from ...graph.nodes import PRINCIPAL_KINDS
from ...graph.shared import graph_for
from ...engine.evaluator import evaluate
from ...engine.request import Request
from ...model.accounts import AccountScope
from .base import Counterexample, Finding, Invariant, NotProven, Proven

__all__ = ["CONTEXT", "INVARIANT", "admin_refs", "check"]

#: The context of the chain search before the graph (read by outputs/admin_reach.py).
CONTEXT = RequestContextConfig(mfa=True, mfa_age_seconds=0)


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    top = scope.top_config or config
    # The run's graph over every scope when `make check` built one (chains may cross accounts),
    # else this scope's own.
    graph = graph_for(scope, top)
    labels = graph.labels()
    findings = []
    for node in sorted(graph.nodes.values(), key=lambda n: n.ref or ""):
        if node.kind not in PRINCIPAL_KINDS or node.declared_admin or node.scope != scope.label:
            continue
        chain = graph.shortest_chain(node.id)
        open_questions = [u for u in graph.undecided if u[0] == node.id]
        if chain is None and open_questions:
            _, rule, target, why = open_questions[0]
            findings.append(Finding(node.ref, NotProven(f"'{rule}' towards {labels.get(target, target)} is undecided: {why}"
                                                        f" ({len(open_questions)} undecided request(s))")))
            continue
        if chain is None:
            findings.append(Finding(node.ref, Proven(f"no chain of the {len(graph.edges)} edges of the analysis graph "
                                                     f"reaches one of {len(graph.admins)} administrators")))
            continue
        subject = graph.world.subject_of[node.id]
        if not chain.edges:
            action, resource, extra = admin_probes(scope.model)[2]
            request = Request(subject.principal, action, resource, dict(subject.context) | extra)
            decision = evaluate(request, identity=subject.identity, boundary=subject.boundary, scps=scope.scps)
            findings.append(Finding(node.ref, Counterexample(request, decision, f"{node.ref} is itself an administrator: "
                                                             + chain.why_admin)))
            continue
        first = next(e for e in chain.edges if e.steps)
        findings.append(Finding(node.ref, Counterexample(first.steps[0].request, first.steps[0].decision,
                                                         f"reaches an administrator: {chain.describe(labels)}; "
                                                         f"{chain.why_admin}")))
    return findings


INVARIANT = Invariant(
    id="INV-ONLY-ADMINS-ADMIN",
    promise="only access_matrix.admin_principals can become an administrator, directly or through chains of any "
    "technique of the escalation catalogue (the CDK bootstrap deploy role counts as administrator)",
    rule="IAM User Guide, 'Switch to an IAM role' and 'Policy evaluation logic' (role trust policy and the caller's "
    "policies must both allow); AWS CDK Developer Guide, 'Bootstrapping' (deploy and cfn-exec roles); RULES.md",
    check=check,
)
