"""The CloudFormation actions that change a stack, as plain data.

Kept apart from :mod:`.protection` (which builds CDK statements) so that the offline checks
(``make check``: :mod:`iam_baseline.analysis.checks.invariants.identity_deploy`) read them
without importing aws_cdk, which starts jsii.
"""

from __future__ import annotations

#: CloudFormation actions that create, change, roll back, signal or delete a stack: each one
#: runs (or lets CloudFormation run) with the stack's service role. Stack refactoring moves
#: resources between stacks. Source: Service Authorization Reference, AWS CloudFormation.
STACK_WRITE_ACTIONS: tuple[str, ...] = (
    # Create, Update, Delete, CancelUpdate and Rollback Stack (no read action ends with "Stack").
    "cloudformation:*Stack",
    "cloudformation:ContinueUpdateRollback",
    "cloudformation:CreateChangeSet",
    "cloudformation:DeleteChangeSet",
    "cloudformation:ExecuteChangeSet",
    "cloudformation:ExecuteStackRefactor",
    "cloudformation:SetStackPolicy",
    "cloudformation:SignalResource",
    "cloudformation:TagResource",
    "cloudformation:UntagResource",
    "cloudformation:UpdateTerminationProtection",
)
