#!/usr/bin/env python3
"""A small CDK app of your own that uses the cdk-iam-baseline construct library.

One stack: the force-MFA policy, the account password policy (CIS 1.8/1.9 defaults), two
roles assumable only with fresh MFA (an operator role bounded by the developer permissions
boundary, and a read-only role), and a group whose members may assume them. The four cdk-nag
packs check the app at synth, with the library's reasoned acknowledgments.

Run from this folder: see README.md here (and "Using the constructs in another CDK app" in the
repository README).
"""

from __future__ import annotations

import os

from aws_cdk import App, Environment, Stack
from aws_cdk import aws_iam as iam

from iam_baseline.compliance import REGISTRY, Acknowledgment, apply_acknowledgments, register_nag_packs
from iam_baseline.config import PasswordPolicyConfig, RoleConfig
from iam_baseline.identity import (
    AccountPasswordPolicy,
    DeveloperPermissionsBoundary,
    ForceMfaPolicy,
    HumanUserGroup,
    MfaAssumableRole,
)

#: Your account and region (the roles trust this account's MFA-authenticated users).
ACCOUNT = os.environ.get("CDK_DEFAULT_ACCOUNT", "123456789012")
REGION = os.environ.get("CDK_DEFAULT_REGION", "eu-central-1")
PATH = "/people/"  # the IAM path of everything this stack owns
WORKLOAD_ROLE_PATH = "/workload/"  # where bounded roles may be created

#: This app's own acknowledgments, each saying why the finding is safe here. The library's
#: constructs bring theirs (force-MFA, password policy, boundary, group), whatever their ids;
#: the managed policies these roles get are this app's choice, so it acknowledges them itself.
OWN_ACKNOWLEDGMENTS = (
    Acknowledgment(
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/PowerUserAccess]",
        "Operator/Resource/Resource",
        "Operators may use every service but IAM and Organizations, only after MFA, and inside the "
        "permissions boundary; AWS keeps PowerUserAccess current as services launch.",
    ),
    Acknowledgment(
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/job-function/ViewOnlyAccess]",
        "Auditor/Resource/Resource",
        "ViewOnlyAccess lists and describes resources without reading data; AWS maintains it.",
    ),
)


class PeopleStack(Stack):
    """Force-MFA, the password policy, two MFA roles, the boundary and one group."""

    def __init__(self, scope: App, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        force_mfa = ForceMfaPolicy(self, "Mfa", path=PATH, allow_password_change_without_mfa=True)
        AccountPasswordPolicy(self, "Passwords", policy=PasswordPolicyConfig(minimum_length=16))
        boundary = DeveloperPermissionsBoundary(
            self, "Ceiling", path=PATH, workload_role_path=WORKLOAD_ROLE_PATH
        )
        operator = MfaAssumableRole(
            self,
            "Operator",
            role=RoleConfig(name="Operator", max_session_duration_seconds=14400, description="Day-to-day operations."),
            mfa_max_age_seconds=3600,
            path=PATH,
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("PowerUserAccess")],
        )
        iam.PermissionsBoundary.of(operator.role).apply(
            iam.ManagedPolicy.from_managed_policy_arn(self, "Boundary", boundary.arn)
        )
        read_only = MfaAssumableRole(
            self,
            "Auditor",
            role=RoleConfig(name="Auditor", description="Read-only access to resources and configuration."),
            mfa_max_age_seconds=3600,
            path=PATH,
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("job-function/ViewOnlyAccess")],
        )
        HumanUserGroup(
            self,
            "Operators",
            group_name="Operators",
            path=PATH,
            force_mfa_policy=force_mfa.policy,
            assumable_roles=[operator.role, read_only.role],
        )


def build(app: App, *, acknowledge: bool = True) -> PeopleStack:
    """The stack in ``app``, with the four nag packs and (unless ``acknowledge=False``) the
    library's acknowledgments; without them synth fails and lists every finding."""
    stack = PeopleStack(app, "People", env=Environment(account=ACCOUNT, region=REGION))
    register_nag_packs(app)
    if acknowledge:
        apply_acknowledgments(
            app, iam_path=PATH, workload_role_path=WORKLOAD_ROLE_PATH, registry=REGISTRY + OWN_ACKNOWLEDGMENTS
        )
    return stack


if __name__ == "__main__":
    app = App()
    build(app)
    app.synth()
