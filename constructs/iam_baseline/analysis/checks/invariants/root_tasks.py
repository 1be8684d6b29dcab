"""INV-ROOT-TASKS-ENABLED-ONLY: the RootTasks role starts root sessions only with the enabled task policies.

Derived from ``organization.root_access.task_policies``. Question, for the ``RootTasks`` role
of the scope (the management account or the IAM delegated administrator): is ``sts:AssumeRoot``
allowed, on any resource, with ``sts:TaskPolicyArn`` absent or other than the ARN of an
enabled task policy (``arn:<partition>:iam::aws:policy/root-task/<name>``), given the role's
identity-based policies and permissions boundary? Unsat: proven.
Sources: STS API Reference, ``AssumeRoot`` (``TaskPolicyArn``); Service Authorization
Reference, AWS STS (``sts:TaskPolicyArn``); IAM User Guide, "Perform a privileged task on an
AWS Organizations member account".
"""

from __future__ import annotations

from ....config.access_matrix import RequestContextConfig
from ....config.models import BaselineConfig
from ...engine.space import ActionSpace, RequestSpace, not_equals
from ...model.accounts import AccountScope
from ...model.subjects import subject_for
from .base import Finding, Invariant
from .solver import ask


def task_policy_arns(config: BaselineConfig, partition: str) -> tuple[str, ...]:
    """The ARNs of the enabled task policies."""
    root_access = config.organization.root_access
    return tuple(f"arn:{partition}:iam::aws:policy/root-task/{name}" for name in root_access.task_policies)


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    top = scope.top_config
    organization = top.organization if top is not None else None
    if organization is None or organization.root_access is None or not organization.root_access.has_root_tasks_role:
        return []
    ref = f"role:{organization.root_access.role.name}"
    roles = [p for p in scope.model.principals.values() if p.ref == ref]
    findings = []
    for role in roles:
        caller = subject_for(scope.model, role, RequestContextConfig())
        space = RequestSpace(principals=(caller.principal,), actions=ActionSpace(include=("sts:AssumeRoot",)),
                             context={"sts:TaskPolicyArn": not_equals(*task_policy_arns(top, scope.model.partition))})
        findings.append(Finding(role.ref, ask(space, identity=caller.identity, boundary=caller.boundary,
                                              scps=scope.scps, note="a root session with another task policy")))
    return findings


INVARIANT = Invariant(
    id="INV-ROOT-TASKS-ENABLED-ONLY",
    promise="RootTasks starts root sessions (sts:AssumeRoot) only with the enabled task policies",
    rule="STS API Reference, 'AssumeRoot' (TaskPolicyArn); Service Authorization Reference, AWS STS > "
    "sts:TaskPolicyArn",
    check=check,
)
