"""The ``RootTasks`` role: the one way into a task-scoped root session of a member account.

Trust: like every human role of the baseline (:func:`iam_baseline.identity.roles.mfa_trust_conditions`),
the account as principal with ``Bool aws:MultiFactorAuthPresent = true`` and the MFA age bound,
in the one statement. Permissions: ``sts:AssumeRoot`` only

* on the root of the config's member accounts (``arn:<partition>:iam::<account>:root``);
* with ``sts:TaskPolicyArn`` one of the enabled AWS task policies
  (``arn:<partition>:iam::aws:policy/root-task/<name>``);
* in the home region (``aws:RequestedRegion``): AssumeRoot has regional endpoints only and
  CloudTrail records the call in the region called, where the baseline's alert rule listens.

Accounts are split over several customer managed policies so that each stays within IAM's
6,144 characters (an organization of hundreds of accounts). Sources: IAM User Guide, "Perform a
privileged task on an AWS Organizations member account"; STS API Reference, ``AssumeRoot``;
Service Authorization Reference, AWS STS (``sts:TaskPolicyArn``).
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Aws
from aws_cdk import aws_iam as iam
from constructs import Construct

from ..config.organization_policies import RootTasksRoleConfig
from ..identity.roles import configured_role, mfa_trust_conditions

#: Accounts per policy: 100 root ARNs (about 40 characters each once resolved) and the task
#: policy ARNs stay well within the 6,144 characters of a managed policy.
ACCOUNTS_PER_POLICY = 100


def task_policy_arn(partition: str, name: str) -> str:
    """The ARN of the AWS task policy ``name`` (e.g. ``S3UnlockBucketPolicy``)."""
    return f"arn:{partition}:iam::aws:policy/root-task/{name}"


class RootTasksRole(Construct):
    """An IAM role allowed ``sts:AssumeRoot`` on ``member_accounts`` with ``task_policies`` only.

    Args:
        scope: parent construct (a stack of the management account or of the IAM delegated
            administrator).
        id: construct id.
        role: name (1-64 characters), session duration (3600-43200 seconds), description.
        path: IAM path of the role and its policies (the baseline's, e.g. ``/baseline/``).
        mfa_max_age_seconds: largest accepted ``aws:MultiFactorAuthAge`` (1-129600 seconds).
        member_accounts: 12-digit ids of the accounts whose root sessions may be started.
        task_policies: AWS task policy names allowed in ``sts:TaskPolicyArn`` (at least one).
        partition: ``aws``, ``aws-cn`` or ``aws-us-gov`` (task policy ARNs are literal).
        region: the home region, the only one where ``sts:AssumeRoot`` is allowed.

    Attributes:
        role: the ``iam.Role``.
        policies: the customer managed policies holding the grant.

    Raises:
        ValueError: no member account or no task policy.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        role: RootTasksRoleConfig,
        path: str,
        mfa_max_age_seconds: int,
        member_accounts: Sequence[str],
        task_policies: Sequence[str],
        partition: str,
        region: str,
    ) -> None:
        super().__init__(scope, id)
        if not member_accounts or not task_policies:
            raise ValueError("RootTasksRole needs at least one member account and one task policy")
        accounts = sorted(member_accounts)
        chunks = [accounts[i : i + ACCOUNTS_PER_POLICY] for i in range(0, len(accounts), ACCOUNTS_PER_POLICY)]
        self.policies = [
            iam.ManagedPolicy(
                self,
                "Policy" if n == 0 else f"Policy{n + 1}",
                path=path,
                description="sts:AssumeRoot on member accounts, only with the enabled task policies, home region only.",
                statements=[
                    iam.PolicyStatement(
                        sid="AssumeRootForEnabledTasks",
                        actions=["sts:AssumeRoot"],
                        resources=[f"arn:{Aws.PARTITION}:iam::{account}:root" for account in chunk],
                        conditions={
                            "StringEquals": {
                                "sts:TaskPolicyArn": [task_policy_arn(partition, name) for name in task_policies],
                                "aws:RequestedRegion": region,
                            }
                        },
                    )
                ],
            )
            for n, chunk in enumerate(chunks)
        ]
        principal = iam.AccountRootPrincipal().with_conditions(mfa_trust_conditions(mfa_max_age_seconds))
        self.role = configured_role(self, "Resource", role, path=path, assumed_by=principal, managed_policies=self.policies)
