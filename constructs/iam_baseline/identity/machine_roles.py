"""Machine roles: assumed by automation of a declared account or by a third party, without MFA.

The trust policy has exactly one statement, and its conditions fence the one principal:

* automation: principal the automation role's *account*, with ``ArnEquals aws:PrincipalArn`` the
  declared role ARN in the same statement. The account principal (rather than the role ARN
  itself) keeps the trust valid when the automation role is created later or re-created: IAM
  refuses a trust that names a role ARN that does not exist, and silently turns a named role
  into its unique id, which breaks after a re-creation (IAM User Guide, "IAM JSON policy
  elements: Principal" > "IAM role principals"); ``aws:PrincipalArn`` holds the role ARN of a
  role session ("AWS global condition context keys");
* third party: principal the vendor's account with ``StringEquals sts:ExternalId`` in the same
  statement (IAM User Guide, "Access to AWS accounts owned by third parties" and "The confused
  deputy problem").

No MFA condition (a machine cannot answer one); the developer permissions boundary is always
attached, and the role carries only the catalogue policies that the config validated.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from constructs import Construct

from ..config.machine_roles import MachineRoleConfig


def machine_trust_principal(role: MachineRoleConfig) -> iam.IPrincipal:
    """The principal of ``role``'s single trust statement, its conditions attached."""
    if role.third_party is not None:
        return iam.AccountPrincipal(role.third_party.account_id).with_conditions(
            {"StringEquals": {"sts:ExternalId": role.third_party.external_id}}
        )
    assert role.automation is not None
    account = role.automation.role_arn.split(":")[4]
    return iam.AccountPrincipal(account).with_conditions({"ArnEquals": {"aws:PrincipalArn": role.automation.role_arn}})


class MachineRole(Construct):
    """One ``AWS::IAM::Role`` for automation or a third party (see the module docstring).

    Args:
        scope: parent construct.
        id: construct id.
        role: the validated :class:`MachineRoleConfig` (name, principal, policies, session 3600-43200 s).
        path: IAM path of the role, e.g. ``/baseline/``.
        boundary: the permissions boundary (the developer boundary's managed policy).
        customer_policies: the ``policies:`` entries ``role.customer_managed_policies`` names, as
            created by the stack (same order).

    Attributes:
        role: the ``iam.Role``.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        role: MachineRoleConfig,
        path: str,
        boundary: iam.IManagedPolicy,
        customer_policies: Sequence[iam.IManagedPolicy] = (),
    ) -> None:
        super().__init__(scope, id)
        self.role = iam.Role(
            self,
            "Resource",
            role_name=role.name,
            path=path,
            description=f"Machine role: {role.reason}"[:1000],
            assumed_by=machine_trust_principal(role),
            max_session_duration=Duration.seconds(role.max_session_duration_seconds),
            permissions_boundary=boundary,
            managed_policies=[
                *(iam.ManagedPolicy.from_aws_managed_policy_name(n) for n in role.aws_managed_policies),
                *customer_policies,
            ],
        )
