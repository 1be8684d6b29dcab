"""Which requests SCPs and RCPs govern: the scope rules both engines share.

SCPs (AWS Organizations User Guide, "Service control policies (SCPs)" > "Tasks and entities
not restricted by SCPs"): they restrict the IAM users and roles of member accounts, root user
included, but "SCPs don't affect service-linked roles", nor AWS service principals (not
principals of the account). The caller of :func:`.evaluator.evaluate` passes ``scps=`` only
for a principal of a member account (never the management account's).

RCPs:

AWS Organizations User Guide, "Resource control policies (RCPs)":

* "RCPs apply to resources of the following AWS services" (the list below, as the page lists
  them in 2026): a request on another service's resource passes the RCP level untouched.
* "RCPs don't affect resources in the management account. They only affect resources in the
  member accounts": the caller of :func:`.evaluator.evaluate` passes ``rcps=`` only for a
  resource that a member account owns, whatever account the *principal* belongs to ("the RCP
  applies ... even when accessed by a user from account B" outside the organization).
* "Resources and entities not restricted by RCPs": actions performed by service-linked roles
  (role path ``/aws-service-role/``, "Using service-linked roles") and actions performed by
  AWS service principals are not restricted.
* "RCP evaluation": like SCPs, every level (root, each OU, the account) must allow, and an
  explicit Deny anywhere denies; ``RCPFullAWSAccess`` stays attached at every level ("RCP
  syntax": Allow is only supported for that policy, ``Principal`` must be ``"*"``).
"""

from __future__ import annotations

#: Service prefixes whose resources RCPs govern ("List of AWS services that support RCPs").
RCP_SERVICES = frozenset({
    "s3", "sts", "kms", "sqs", "secretsmanager",  # at launch (November 2024)
    "ecr", "aoss",  # Amazon ECR, Amazon OpenSearch Serverless (June 2025)
    "cognito-idp", "logs", "dynamodb",  # Amazon Cognito, CloudWatch Logs, DynamoDB (2025)
})

#: The path of every service-linked role ("Using service-linked roles", IAM User Guide).
SERVICE_LINKED_ROLE_PATH = ":role/aws-service-role/"


def service_of(action: str) -> str:
    """The service prefix of ``service:Action``, lower-case (prefixes compare case-insensitively)."""
    return action.split(":", 1)[0].lower()


def is_service_linked(role_arn: str | None) -> bool:
    """Whether ``role_arn`` is a service-linked role (path ``/aws-service-role/``)."""
    return bool(role_arn) and SERVICE_LINKED_ROLE_PATH in role_arn


def scp_governs(principal_kind: str, role_arn: str | None) -> bool:
    """Whether SCP levels take part in deciding a request by this caller."""
    return principal_kind != "service" and not is_service_linked(role_arn)


def rcp_governs(action: str, principal_kind: str, role_arn: str | None) -> bool:
    """Whether RCP levels take part in deciding ``action`` by this caller.

    Args:
        action: the request's ``service:Action``.
        principal_kind: ``user``, ``role_session``, ``federated`` or ``service``.
        role_arn: a role session's role ARN (``aws:PrincipalArn``), else None.
    """
    if service_of(action) not in RCP_SERVICES or principal_kind == "service":
        return False
    return not is_service_linked(role_arn)
