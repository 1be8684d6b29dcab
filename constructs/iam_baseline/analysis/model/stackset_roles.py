"""The roles AWS creates for service-managed StackSets, modelled by their documented shape.

Service-managed StackSets need no role of ours in the member accounts: CloudFormation creates
them when trusted access is on (CloudFormation User Guide, "Activate trusted access for
StackSets with AWS Organizations" and "Configure a custom execution role template for
StackSets"):

* in the **management account**, the service-linked role
  ``AWSServiceRoleForCloudFormationStackSetsOrgAdmin`` (path
  ``/aws-service-role/stacksets.cloudformation.amazonaws.com/``), whose managed policy
  ``CloudFormationStackSetsOrgAdminServiceRolePolicy`` allows ``sts:AssumeRole`` on
  ``arn:aws:iam::*:role/stacksets-exec-*`` (AWS Managed Policy Reference);
* in **every target account**, the execution role ``stacksets-exec-<id>`` ("StackSets
  attaches the AdministratorAccess policy to this role"), which that service-linked role
  assumes to deploy the stack instances. The ``<id>`` is AWS's; :data:`EXECUTION_ROLE_NAME`
  is a representative name inside ``stacksets-exec-*``, which is what the guard rails name.

The execution role is the principal that must keep changing the baseline (the protection SCPs
exempt it); everyone else must not.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.policy import Policy, PolicyKind

#: A representative ``stacksets-exec-*`` name (AWS appends an id that the templates never show).

from ..engine.request import RequestPrincipal

#: A representative ``stacksets-exec-*`` name (AWS appends an id that the templates never show).
EXECUTION_ROLE_NAME = "stacksets-exec-0123456789abcdef0123456789abcdef"
EXECUTION_ROLE_PATTERN = "stacksets-exec-*"
ORG_ADMIN_ROLE_PATH = "/aws-service-role/stacksets.cloudformation.amazonaws.com/"
ORG_ADMIN_ROLE_NAME = "AWSServiceRoleForCloudFormationStackSetsOrgAdmin"

#: AdministratorAccess (AWS Managed Policy Reference), attached to the execution role.
ADMINISTRATOR_ACCESS = Policy.from_document(
    "AdministratorAccess",
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    PolicyKind.IDENTITY,
)


@dataclass(frozen=True)
class ModelledRole:
    """A role the assembly does not hold, as AWS creates it: a session of it, its policies."""

    name: str
    session: RequestPrincipal
    identity: tuple[Policy, ...]
    trust: Policy

    @property
    def role_arn(self) -> str:
        return self.session.role_arn or ""


def org_admin_role_arn(management_account: str, partition: str = "aws") -> str:
    """The management account's StackSets service-linked role ARN."""
    return f"arn:{partition}:iam::{management_account}:role{ORG_ADMIN_ROLE_PATH}{ORG_ADMIN_ROLE_NAME}"


def execution_role(account: str, management_account: str, partition: str = "aws") -> ModelledRole:
    """The StackSet execution role of member ``account`` and one session of it.

    Its trust policy names the management account's StackSets service-linked role (the one
    principal whose policy may assume ``stacksets-exec-*``); its permissions are
    AdministratorAccess.
    """
    role_arn = f"arn:{partition}:iam::{account}:role/{EXECUTION_ROLE_NAME}"
    session = RequestPrincipal(f"arn:{partition}:sts::{account}:assumed-role/{EXECUTION_ROLE_NAME}/StackSet",
                               account, "role_session", role_arn)
    trust = Policy.from_document(f"trust:{EXECUTION_ROLE_NAME}", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole",
         "Principal": {"AWS": org_admin_role_arn(management_account, partition)}}]}, PolicyKind.TRUST)
    return ModelledRole(EXECUTION_ROLE_NAME, session, (ADMINISTRATOR_ACCESS,), trust)
