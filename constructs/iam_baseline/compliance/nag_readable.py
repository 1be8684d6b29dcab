"""A workaround for cdk-nag 3.0.2's ``AwsSolutions-IAM5`` on ``NotAction`` Allow statements.

The rule reads each Allow statement's ``Action`` and calls ``.includes('*')`` on every item;
a statement with ``NotAction`` and no ``Action`` gives it ``[undefined]`` and the rule throws
("Rule threw an error during validation"). It then reports one error without a finding id,
which can only be acknowledged rule-wide, so every other wildcard of the policy goes
unreviewed. (Upstream: cdklabs/cdk-nag, ``src/rules/iam/IAMNoWildcardPermissions.ts``,
``analyzePolicy``; also ``AwsSolutions-IAM5`` would better report the ``NotAction`` itself.)

:func:`let_nag_read_not_action` makes the rule run on such a policy: the L1 property that the
rule reads gets ``"Action": "*"`` next to the ``NotAction`` of the named statement (a
superset of what the statement allows, so no finding is hidden: the rule reports
``Action::*``), and a deletion override takes it out of the template again, so
CloudFormation deploys exactly the ``NotAction`` statement. The policy size check reads the
L1 property too and so measures 13 characters more than deployed (conservative).
"""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_iam as iam


def let_nag_read_not_action(policy: iam.ManagedPolicy, sid: str) -> None:
    """Let ``AwsSolutions-IAM5`` evaluate ``policy`` whose statement ``sid`` is a ``NotAction``
    Allow (see the module docstring); the template is unchanged.

    Raises:
        ValueError: ``policy`` has no statement ``sid`` with ``NotAction``.
    """
    # Resolved now, as the stack would at synth (minimized; a Python token producer cannot
    # receive jsii's resolve context): call this after the last statement is added.
    document = Stack.of(policy).resolve(policy.document)
    statements = document["Statement"]
    index = next((i for i, s in enumerate(statements) if s.get("Sid") == sid and "NotAction" in s), None)
    if index is None:
        raise ValueError(f"policy has no NotAction statement {sid!r}")
    statements[index] = {**statements[index], "Action": "*"}
    cfn: iam.CfnManagedPolicy = policy.node.default_child  # type: ignore[assignment]
    cfn.policy_document = document
    cfn.add_property_deletion_override(f"PolicyDocument.Statement.{index}.Action")
