"""IAM Identity Center: permission sets, principal name lookups and account assignments.

A permission set is the Identity Center counterpart of a role: Identity Center provisions
it as an ``AWSReservedSSO_<name>_...`` role in every account it is assigned to. The
baseline gives each persona a permission set with the same policies as its IAM role
(:func:`iam_baseline.identity.personas.persona_policies`), so moving people from IAM users
to Identity Center does not change what they may do. The developer persona's customer
managed policy (``DeveloperGuardrails``) is referenced by name and path: the account
baseline creates it in every member account.

Principals are given by identity-store id, or by name resolved at deploy time by
:class:`IdentityStorePrincipalLookup` (``identitystore:GetGroupId`` / ``GetUserId``), so
``cdk synth`` never calls AWS. Sources: IAM Identity Center User Guide, "Permission sets",
"Reference customer managed policies"; Identity Store API Reference, ``GetGroupId``,
``GetUserId``; CloudFormation ``AWS::SSO::PermissionSet`` and ``AWS::SSO::Assignment``.
"""

from __future__ import annotations

from typing import Literal

from aws_cdk import Aws, CfnTag
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sso as sso
from aws_cdk import custom_resources as cr
from constructs import Construct

from ..config.federation import AssignmentConfig, PermissionSetConfig
from ..identity.personas import PersonaPolicies

#: Identity Store API per principal type: SDK action, response field, unique attribute.
#: ``displayName`` is the only unique attribute of a group, ``userName`` of a user.
LOOKUPS: dict[str, tuple[str, str, str]] = {
    "GROUP": ("getGroupId", "GroupId", "displayName"),
    "USER": ("getUserId", "UserId", "userName"),
}


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


class PermissionSet(Construct):
    """One ``AWS::SSO::PermissionSet`` from a :class:`PermissionSetConfig`.

    Args:
        scope: parent construct.
        id: construct id.
        instance_arn: the Identity Center instance.
        permission_set: name, description, session duration (PT1H..PT12H), relay state,
            managed policies, at most one inline policy (10,240 characters), boundary, tags;
            validated by the config model.
        persona: the policies of ``permission_set.persona``, added before the set's own, and
            its permissions boundary (by name, at ``baseline_path``).
        baseline_path: IAM path of the baseline's customer managed policies in member accounts.

    Attributes:
        arn: the permission set ARN (``Fn::GetAtt``).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        instance_arn: str,
        permission_set: PermissionSetConfig,
        persona: PersonaPolicies | None = None,
        baseline_path: str = "/",
    ) -> None:
        super().__init__(scope, id)
        ps = permission_set
        aws_managed = _unique([*(persona.aws_managed if persona else ()), *ps.aws_managed_policies])
        customer_managed = [(name, baseline_path) for name in (persona.customer_managed if persona else ())]
        customer_managed += [(ref.name, ref.path) for ref in ps.customer_managed_policies]
        boundary = None
        if persona is not None and persona.boundary is not None:
            # The persona's boundary (the config refuses a permission set that names another).
            boundary = sso.CfnPermissionSet.PermissionsBoundaryProperty(
                customer_managed_policy_reference=sso.CfnPermissionSet.CustomerManagedPolicyReferenceProperty(
                    name=persona.boundary, path=baseline_path
                )
            )
        elif ps.permissions_boundary:
            ref = ps.permissions_boundary.customer_managed_policy
            boundary = sso.CfnPermissionSet.PermissionsBoundaryProperty(
                customer_managed_policy_reference=(
                    sso.CfnPermissionSet.CustomerManagedPolicyReferenceProperty(name=ref.name, path=ref.path)
                    if ref
                    else None
                ),
                managed_policy_arn=(
                    _aws_managed_arn(ps.permissions_boundary.aws_managed_policy)
                    if ps.permissions_boundary.aws_managed_policy
                    else None
                ),
            )
        self.resource = sso.CfnPermissionSet(
            self,
            "Resource",
            instance_arn=instance_arn,
            name=ps.name,
            description=ps.description,
            session_duration=ps.session_duration,
            relay_state_type=ps.relay_state,
            managed_policies=[_aws_managed_arn(name) for name in aws_managed] or None,
            customer_managed_policy_references=[
                sso.CfnPermissionSet.CustomerManagedPolicyReferenceProperty(name=name, path=path)
                for name, path in dict.fromkeys(customer_managed)
            ]
            or None,
            inline_policy=ps.inline_policy,
            permissions_boundary=boundary,
            tags=[CfnTag(key=k, value=v) for k, v in ps.tags.items()] or None,
        )
        self.arn = self.resource.attr_permission_set_arn


def _aws_managed_arn(name: str) -> str:
    return f"arn:{Aws.PARTITION}:iam::aws:policy/{name}"


class IdentityStorePrincipalLookup(Construct):
    """Resolves a group's display name or a user's user name to its identity-store id at
    deploy time, with a ``Custom::IdentityStorePrincipalLookup`` (CDK ``AwsCustomResource``).

    On create and update it calls ``GetGroupId`` / ``GetUserId`` with
    ``AlternateIdentifier.UniqueAttribute`` (``displayName`` / ``userName``); a name that
    does not exist fails the deployment with Identity Store's ``ResourceNotFoundException``.
    Its function may call only that action, on this identity store and its groups or users.

    Args:
        identity_store_id: the instance's identity store (``d-`` and 10 hex digits, or a UUID).
        principal_type: ``GROUP`` (looked up by display name) or ``USER`` (by user name).
        name: the group's display name or the user's user name, as in the identity store.

    Attributes:
        principal_id: the resolved id (a token: ``Fn::GetAtt`` of the response field).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        identity_store_id: str,
        principal_type: Literal["GROUP", "USER"],
        name: str,
    ) -> None:
        super().__init__(scope, id)
        action, field, attribute = LOOKUPS[principal_type]
        call = cr.AwsSdkCall(
            service="IdentityStore",
            action=action,
            parameters={
                "IdentityStoreId": identity_store_id,
                "AlternateIdentifier": {"UniqueAttribute": {"AttributePath": attribute, "AttributeValue": name}},
            },
            physical_resource_id=cr.PhysicalResourceId.from_response(field),
            output_paths=[field],
        )
        kind = "group" if principal_type == "GROUP" else "user"
        self.resource = cr.AwsCustomResource(
            self,
            "Resource",
            resource_type="Custom::IdentityStorePrincipalLookup",
            on_create=call,
            on_update=call,
            install_latest_aws_sdk=False,
            policy=cr.AwsCustomResourcePolicy.from_statements(
                [
                    iam.PolicyStatement(
                        actions=[f"identitystore:{action[0].upper()}{action[1:]}"],
                        resources=[
                            f"arn:{Aws.PARTITION}:identitystore::{Aws.ACCOUNT_ID}:identitystore/{identity_store_id}",
                            f"arn:{Aws.PARTITION}:identitystore:::{kind}/*",
                        ],
                    )
                ]
            ),
        )
        self.principal_id = self.resource.get_response_field(field)


class AccountAssignments(Construct):
    """One ``AWS::SSO::Assignment`` per account of ``assignment``: its principal gets the
    permission set there.

    Args:
        instance_arn: the Identity Center instance.
        assignment: principal type, accounts (validated by the config model).
        permission_set_arn: ARN of the assigned permission set.
        principal_id: the principal's identity-store id (literal, or a lookup's token).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        instance_arn: str,
        assignment: AssignmentConfig,
        permission_set_arn: str,
        principal_id: str,
    ) -> None:
        super().__init__(scope, id)
        self.assignments = [
            account_assignment(
                self,
                account_id,
                instance_arn=instance_arn,
                permission_set_arn=permission_set_arn,
                principal_id=principal_id,
                principal_type=assignment.principal_type,
                account_id=account_id,
            )
            for account_id in assignment.account_ids
        ]


def account_assignment(
    scope: Construct,
    id: str,
    *,
    instance_arn: str,
    permission_set_arn: str,
    principal_id: str,
    principal_type: Literal["GROUP", "USER"],
    account_id: str,
) -> sso.CfnAssignment:
    """One ``AWS::SSO::Assignment``: the principal gets the permission set in ``account_id``."""
    return sso.CfnAssignment(
        scope,
        id,
        instance_arn=instance_arn,
        permission_set_arn=permission_set_arn,
        principal_id=principal_id,
        principal_type=principal_type,
        target_id=account_id,
        target_type="AWS_ACCOUNT",
    )
