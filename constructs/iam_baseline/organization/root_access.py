"""Centralized root access and the organization's policy types, as one custom resource.

CloudFormation has no resource for trusted access, policy types, the IAM delegated
administrator or the two centralized root access features, so ``Custom::OrganizationFeatures``
calls the APIs from a small inline Python function (:mod:`.root_access_handler`):

* create and update: Organizations ``EnableAWSServiceAccess`` for every trusted service
  (``iam.amazonaws.com``), ``EnablePolicyType`` on the root for each policy type not yet
  enabled (SCPs, RCPs), ``RegisterDelegatedAdministrator`` for IAM and, when configured, for IAM Access
  Analyzer (``access-analyzer.amazonaws.com``, with its trusted access; a changed administrator
  is deregistered first), then IAM ``EnableOrganizationsRootCredentialsManagement`` and
  ``EnableOrganizationsRootSessions`` (or their ``Disable`` counterparts when the config turns
  one off), each only when ``ListOrganizationsFeatures`` shows it is not already so;
* delete: nothing, unless ``disable_on_delete``: then both features are disabled and the
  delegated administrator deregistered. Trusted access and policy types always stay: turning
  the SCP type off would detach every SCP of the organization at once.
* the physical id is fixed (one set of features per organization).

Runs in the management account (trusted access, policy types and delegated administrators
can be changed only there). Sources: IAM User Guide, "Centrally manage root access for member
accounts"; IAM API Reference, ``EnableOrganizationsRootCredentialsManagement``,
``EnableOrganizationsRootSessions``, ``ListOrganizationsFeatures``; Organizations API
Reference, ``EnableAWSServiceAccess``, ``EnablePolicyType``, ``RegisterDelegatedAdministrator``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from aws_cdk import CustomResource
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from ..inline_handler import inline_handler

#: Source of the inline handler, shipped as ``Code.ZipFile`` (at most 4,096 characters).
HANDLER_SOURCE = (Path(__file__).parent / "root_access_handler.py").read_text(encoding="utf-8")

#: CloudFormation's limit on inline (``Code.ZipFile``) source, in characters.
ZIP_FILE_MAX_CHARACTERS = 4096

#: Log group of the handler (fixed, so its grant needs no reference to the function).
HANDLER_LOG_GROUP = "/iam-baseline/organization-features"

#: Every action the handler may call. Source: Service Authorization Reference (IAM, Organizations).
IAM_FEATURE_ACTIONS: tuple[str, ...] = (
    "iam:DisableOrganizationsRootCredentialsManagement",
    "iam:DisableOrganizationsRootSessions",
    "iam:EnableOrganizationsRootCredentialsManagement",
    "iam:EnableOrganizationsRootSessions",
    "iam:ListOrganizationsFeatures",
)
ORGANIZATIONS_ACTIONS: tuple[str, ...] = (
    "organizations:DeregisterDelegatedAdministrator",
    "organizations:DescribeOrganization",
    "organizations:EnableAWSServiceAccess",
    "organizations:EnablePolicyType",
    "organizations:ListRoots",
    "organizations:RegisterDelegatedAdministrator",
)



def settings(
    *,
    root_credentials_management: bool,
    root_sessions: bool,
    disable_on_delete: bool,
    delegated_administrator: str | None,
    policy_types: Sequence[str],
    trusted_access: Sequence[str] = ("iam.amazonaws.com",),
    analyzer_administrator: str | None = None,
) -> dict[str, object]:
    """The handler's settings (one JSON property keeps booleans typed: CloudFormation passes
    plain custom resource properties to the function as strings). ``analyzer_administrator``:
    the IAM Access Analyzer delegated administrator (trusted access for
    ``access-analyzer.amazonaws.com`` is then enabled too); the key is left out without one."""
    extra: dict[str, object] = {}
    if analyzer_administrator:
        trusted_access = [*trusted_access, "access-analyzer.amazonaws.com"]
        extra["AnalyzerAdministrator"] = analyzer_administrator
    return {
        **extra,
        "TrustedAccess": list(trusted_access),
        "PolicyTypes": list(policy_types),
        "RootCredentialsManagement": root_credentials_management,
        "RootSessions": root_sessions,
        "DisableOnDelete": disable_on_delete,
        "DelegatedAdministrator": delegated_administrator or "",
    }


class OrganizationFeatures(Construct):
    """``Custom::OrganizationFeatures``: trusted access for IAM, policy types and centralized
    root access, with the lifecycle of the module docstring.

    Args:
        scope: parent construct (a stack of the management account).
        id: construct id.
        root_credentials_management: enable (or disable) root credentials management.
        root_sessions: enable (or disable) privileged root sessions (``sts:AssumeRoot``).
        disable_on_delete: disable both features when the resource is deleted.
        delegated_administrator: member account registered as delegated administrator for IAM.
        analyzer_administrator: member account registered as delegated administrator for IAM
            Access Analyzer (``detection.access_analyzer.delegated_administrator``), or ``None``.
        policy_types: ``SERVICE_CONTROL_POLICY`` and/or ``RESOURCE_CONTROL_POLICY`` to enable on the root.

    Attributes:
        resource: the ``CustomResource`` (policies that attach to targets depend on it).
        function: the handler function.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        root_credentials_management: bool,
        root_sessions: bool,
        disable_on_delete: bool = False,
        delegated_administrator: str | None = None,
        policy_types: Sequence[str] = (),
        analyzer_administrator: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.function = self._handler()
        value = settings(
            root_credentials_management=root_credentials_management,
            root_sessions=root_sessions,
            disable_on_delete=disable_on_delete,
            delegated_administrator=delegated_administrator,
            policy_types=policy_types,
            analyzer_administrator=analyzer_administrator,
        )
        self.resource = CustomResource(
            self,
            "Resource",
            resource_type="Custom::OrganizationFeatures",
            service_token=self.function.function_arn,
            properties={"Settings": json.dumps(value, sort_keys=True)},
        )

    def _handler(self) -> lambda_.Function:
        return inline_handler(
            self,
            "Handler",
            source=HANDLER_SOURCE,
            log_group_name=HANDLER_LOG_GROUP,
            # None of these IAM and Organizations actions accepts a resource ARN narrower than the
            # organization itself, short of ARNs that embed the organization id (Service
            # Authorization Reference).
            statements=[iam.PolicyStatement(actions=[*IAM_FEATURE_ACTIONS, *ORGANIZATIONS_ACTIONS], resources=["*"])],
            policy_description="The organization features handler: trusted access, policy types, centralized root access.",
            role_description="Runs the organization features handler (centralized root access, policy types).",
            description="Enables trusted access, policy types and centralized root access (custom resource).",
            timeout_seconds=60,
        )
