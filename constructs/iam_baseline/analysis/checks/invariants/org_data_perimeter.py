"""INV-ORG-DATA-PERIMETER: principals outside the organization reach none of a member account's
S3, SQS, KMS, Secrets Manager and STS resources, whatever the resource's own policy says.

Derived from ``organization.resource_control_policies.data_perimeter`` for every member account
it targets. Question: with the worst resource-based policy (``Principal "*"`` allowed
everything: a bucket or key policy opened to the world) and a caller whose own account allows
it everything, is any action of those services (``sts:AssumeRole`` for STS) allowed on a
resource of the member account to a user or role session whose ``aws:PrincipalOrgID`` is
absent or another organization's, outside the declared third-party accounts and not an AWS
service (``aws:PrincipalIsAWSService`` false), under the account's RCP levels? Unsat: proven.
Sources: AWS Organizations User Guide, "Resource control policies (RCPs)", "RCP evaluation",
"Examples of resource control policies"; IAM User Guide, "AWS global condition context keys"
(aws:PrincipalOrgID, aws:PrincipalIsAWSService).
"""

from __future__ import annotations

from ....config.models import BaselineConfig
from ...engine.policy import Policy, PolicyKind
from ...engine.space import ActionSpace, PrincipalSpace, RequestSpace, ResourceSpace, exactly, not_equals
from ...model.accounts import AccountScope
from .base import Finding, Invariant
from .member import MEMBER_KINDS, attached, member_account, subject
from .requests import ALLOW_ALL
from .solver import ask

ACTIONS = ("s3:*", "sqs:*", "kms:*", "secretsmanager:*", "sts:AssumeRole")
OPEN_TO_ALL = Policy.from_document("worst case: a resource-based policy open to everyone", {
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]},
    PolicyKind.RESOURCE)


def member_resources(account: str, partition: str) -> tuple[str, ...]:
    """The resources of ``account`` the data perimeter covers (S3 ARNs carry no account: every
    bucket and object stands for the member's own)."""
    p = partition
    return (f"arn:{p}:s3:::*", f"arn:{p}:sqs:*:{account}:*", f"arn:{p}:kms:*:{account}:*",
            f"arn:{p}:secretsmanager:*:{account}:*", f"arn:{p}:iam::{account}:role/*")


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    account = member_account(scope)
    organization = scope.top_config.organization if scope.top_config is not None else None
    rcps = organization.resource_control_policies if organization is not None else None
    perimeter = rcps.data_perimeter if rcps is not None else None
    if account is None or perimeter is None or not perimeter.enabled or not attached(scope.top_config, perimeter.targets, account):
        return []
    partition = scope.model.partition
    partners = tuple(f"arn:{partition}:iam::{a}:*" for a in perimeter.third_party_accounts)
    space = RequestSpace(
        principals=PrincipalSpace(kinds=MEMBER_KINDS, partition=partition, arn_not_like=partners,
                                  service_linked_roles=False),
        actions=ActionSpace(include=ACTIONS),
        resources=ResourceSpace(include=member_resources(account, partition)),
        context={"aws:PrincipalOrgID": not_equals(organization.organization_id),
                 "aws:PrincipalIsAWSService": exactly("false")},
    )
    verdict = ask(space, identity=[ALLOW_ALL], resource_policy=OPEN_TO_ALL, rcps=scope.rcps,
                  note="a principal outside the organization reaches a member resource")
    return [Finding(subject(scope), verdict)]


INVARIANT = Invariant(
    id="INV-ORG-DATA-PERIMETER",
    promise="no principal outside the organization (but the declared third-party accounts) reaches a member "
    "account's S3, SQS, KMS, Secrets Manager or STS resources, whatever their resource-based policies say",
    rule="AWS Organizations User Guide, 'Resource control policies (RCPs)', 'RCP evaluation'; IAM User Guide, 'AWS "
    "global condition context keys' > aws:PrincipalOrgID",
    check=check,
)
