"""The acknowledgment registry: every accepted finding, in one reviewed module.

:data:`REGISTRY` holds the cdk-nag and CDK template-validation findings accepted at synth;
parliament's policy-lint findings in ``make check`` are :mod:`.lint_registry`, and the entries
derived from a config's own personas and policies are :mod:`.config_acknowledgments`. This
module is plain data (no aws_cdk import), so the offline checks read it too.

Each entry names the rule (the finding id cdk-nag prints, e.g.
``AwsSolutions-IAM5[Resource::*]``), the construct path it applies to (an ``fnmatch``
pattern), and a reason that says why the finding is safe here, not merely that it is needed.
The path is relative to an instance of the library construct the entry names
(``construct="ForceMfaPolicy"``: ``Resource/Resource`` below every ``ForceMfaPolicy``, whatever
its id and wherever it sits, so a library user's ``ForceMfaPolicy(self, "Mfa")`` carries its
acknowledgments), or, without ``construct``, relative to the stack (the baseline's own
composition, e.g. ``AdminRole/Resource/Resource``). No acknowledgment is made anywhere else
in the code base; a library user adds their own by passing ``registry=REGISTRY + (...)`` to
:func:`iam_baseline.compliance.apply_acknowledgments` (README, "Using the constructs in
another CDK app").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Acknowledgment:
    """One accepted finding: ``rule`` on constructs matching ``path``, because ``reason``.

    ``construct``: the class name of the library construct ``path`` is relative to (e.g.
    ``"ForceMfaPolicy"``); empty: ``path`` is relative to the stack."""

    rule: str
    path: str
    reason: str
    construct: str = ""


_CR_FUNCTION = "AWS679f53fac002430cb0da5b7982bd2287"  # CDK's singleton AwsCustomResource function
_PACKS_LAMBDA = ("NIST.800.53.R5", "HIPAA.Security")
_NO_INLINE = ("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")
_SECRET_ROTATION = ("NIST.800.53.R5", "HIPAA.Security")
_IAM_ARN = "arn:<AWS::Partition>:iam::<AWS::AccountId>"


def each_pack(packs: tuple[str, ...], rule: str, path: str, reason: str, construct: str = "") -> tuple[Acknowledgment, ...]:
    """One acknowledgment of ``rule`` per pack of ``packs`` (cdk-nag prefixes the rule id with the pack)."""
    return tuple(Acknowledgment(f"{pack}-{rule}", path, reason, construct) for pack in packs)


#: Placeholders ``{iam_path}`` and ``{workload_role_path}`` in rule ids are filled from the
#: config by :func:`apply_acknowledgments` (cdk-nag names the finding after the resource ARN).
REGISTRY: tuple[Acknowledgment, ...] = (
    # --- Force-MFA self-service policy --------------------------------------------------
    Acknowledgment(
        "AwsSolutions-IAM5[Resource::*]",
        "Resource/Resource",
        "Resource * appears only on iam:GetAccountPasswordPolicy and iam:ListVirtualMFADevices, which "
        "support no resource-level permissions and reveal no secret, and on the MFA Deny, where * widens a Deny.",
        construct="ForceMfaPolicy",
    ),
    Acknowledgment(
        f"AwsSolutions-IAM5[Resource::{_IAM_ARN}:user/*/<aws:username>]",
        "Resource/Resource",
        "The * is the IAM path segment; ${aws:username} pins the resource to the caller's own user, so a "
        "user can change only their own password and MFA, wherever their user sits in the path tree.",
        construct="ForceMfaPolicy",
    ),
    Acknowledgment(
        f"AwsSolutions-IAM5[Resource::{_IAM_ARN}:mfa/*]",
        "Resource/Resource",
        "Only iam:CreateVirtualMFADevice is allowed on mfa/*: device names are free-form since 2022 and a "
        "device is useless until enabled on a user, which is allowed on the caller's own user only.",
        construct="ForceMfaPolicy",
    ),
    # --- Account password policy custom resource ----------------------------------------
    Acknowledgment(
        "AwsSolutions-IAM5[Resource::*]",
        "Resource/CustomResourcePolicy/Resource",
        "The account password policy has no ARN: iam:UpdateAccountPasswordPolicy and "
        "iam:DeleteAccountPasswordPolicy accept only Resource *, and they are the only actions granted.",
        construct="AccountPasswordPolicy",
    ),
    *each_pack(
        _NO_INLINE,
        "IAMNoInlinePolicy",
        "Resource/CustomResourcePolicy/Resource",
        "CDK's AwsCustomResource writes its grant as an inline policy bound to its own function role; it "
        "holds only the two password-policy actions and cannot be attached to any other principal.",
        construct="AccountPasswordPolicy",
    ),
    Acknowledgment(
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
        f"{_CR_FUNCTION}/ServiceRole/Resource",
        "AWSLambdaBasicExecutionRole grants only CloudWatch Logs writes for the function's own log "
        "streams; the custom resource function needs nothing more to report its result.",
    ),
    *each_pack(
        _PACKS_LAMBDA,
        "LambdaConcurrency",
        f"{_CR_FUNCTION}/Resource",
        "CloudFormation invokes this function once per stack operation; nobody else can invoke it, so a "
        "concurrency limit would guard against nothing.",
    ),
    *each_pack(
        _PACKS_LAMBDA,
        "LambdaDLQ",
        f"{_CR_FUNCTION}/Resource",
        "CloudFormation invokes the function synchronously and receives every failure as the resource's "
        "status, rolling the stack back; a dead-letter queue would hold events nobody replays.",
    ),
    *each_pack(
        ("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321"),
        "LambdaInsideVPC",
        f"{_CR_FUNCTION}/Resource",
        "The function only calls the IAM API's public endpoint and touches no data in any network; a VPC "
        "would add NAT or endpoints without narrowing what it can reach or do.",
    ),
    *each_pack(
        _NO_INLINE,
        "CloudWatchLogGroupEncrypted",
        f"{_CR_FUNCTION}/LogGroup/Resource",
        "The log group (a stack resource since the @aws-cdk/aws-lambda:useCdkManagedLogGroup flag) holds "
        "only the custom resource function's own start/end lines and API errors, no secret; CloudWatch "
        "Logs encrypts it at rest with its own keys, and a customer managed key would protect nothing more.",
    ),
    # --- Persona roles: AWS managed job-function policies --------------------------------
    Acknowledgment(
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AdministratorAccess]",
        "AdminRole/Resource/Resource",
        "The Admin role is the baseline's one *:* principal by design, reachable only by the Admins group "
        "with MFA no older than the configured age; AWS maintains the policy document.",
    ),
    Acknowledgment(
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/PowerUserAccess]",
        "DeveloperRole/Resource/Resource",
        "PowerUserAccess excludes IAM, Organizations and Account administration and AWS keeps its service "
        "list current; the DeveloperGuardrails policy adds only boundary-bound IAM and explicit Denies.",
    ),
    *(
        Acknowledgment(
            f"AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/{name}]",
            "ReadOnlyRole/Resource/Resource",
            f"{name.split('/')[-1]} is AWS's read-only job-function policy, kept current by AWS as services launch; it "
            "grants no write action, and the role is reachable only with MFA.",
        )
        for name in ("job-function/ViewOnlyAccess", "ReadOnlyAccess", "SecurityAudit")
    ),
    Acknowledgment(
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AWSSupportAccess]",
        "SupportRole/Resource/Resource",
        "CIS AWS Foundations 1.17 asks for a support role with exactly AWSSupportAccess; it grants only "
        "AWS Support case actions.",
    ),
    # --- Developer guard rails and boundary ----------------------------------------------
    Acknowledgment(
        f"AwsSolutions-IAM5[Resource::{_IAM_ARN}:role{{workload_role_path}}*]",
        "Resource/Resource",
        "Developers manage only roles under the workload path, and creating or changing one requires "
        "the developer permissions boundary (iam:PermissionsBoundary condition); the boundary cannot be "
        "removed or edited, so every such role stays within it.",
        construct="DeveloperGuardrailsPolicy",
    ),
    Acknowledgment(
        f"AwsSolutions-IAM5[Resource::{_IAM_ARN}:policy{{workload_role_path}}*]",
        "Resource/Resource",
        "Developers author managed policies only under the workload path; such a policy can be attached "
        "only to roles that carry the permissions boundary, which caps whatever it grants.",
        construct="DeveloperGuardrailsPolicy",
    ),
    Acknowledgment(
        "CloudFormation-Validate::W2512",
        "Resource/Resource",
        "The NotAction Allow is the boundary's ceiling (everything but IAM, Organizations and Account "
        "administration); a boundary grants nothing alone, and listing every other service's actions "
        "would fall behind each AWS launch.",
        construct="DeveloperPermissionsBoundary",
    ),
    # The boundary's findings one by one: cdk-nag 3.0.2's IAM5 throws on its NotAction Allow,
    # so the policy shows the rule that statement as Action * (iam_baseline.compliance.nag_readable).
    Acknowledgment(
        "AwsSolutions-IAM5[Action::*]",
        "Resource/Resource",
        "Deployed as NotAction [iam:*, organizations:*, account:*] (the rule is shown Action * because it "
        "cannot read NotAction): the boundary's ceiling, which grants nothing by itself; a role's identity "
        "policies decide within it, and the boundary's Denies close the escalation paths (tested).",
        construct="DeveloperPermissionsBoundary",
    ),
    Acknowledgment(
        "AwsSolutions-IAM5[Resource::*]",
        "Resource/Resource",
        "Resource * on the ceiling (services other than IAM, Organizations, Account), on IAM reads, on "
        "organizations:DescribeOrganization and the account reads (no resource-level permissions), and on "
        "iam:CreateServiceLinkedRole, which the iam:AWSServiceName condition limits to the configured services.",
        construct="DeveloperPermissionsBoundary",
    ),
    *(
        Acknowledgment(
            f"AwsSolutions-IAM5[Action::iam:{verb}*]",
            "Resource/Resource",
            f"iam:{verb}* only reads (no IAM write starts with {verb}); reading the baseline's own roles and "
            "policies stays allowed so workloads can be debugged, and their content holds no secret.",
            construct="DeveloperPermissionsBoundary",
        )
        for verb in ("Get", "List")
    ),
    Acknowledgment(
        f"AwsSolutions-IAM5[Resource::{_IAM_ARN}:role{{workload_role_path}}*]",
        "Resource/Resource",
        "A bounded role manages only roles under the workload path, and creating or changing one requires "
        "this same boundary (iam:PermissionsBoundary condition), so no role it makes can exceed it.",
        construct="DeveloperPermissionsBoundary",
    ),
    Acknowledgment(
        f"AwsSolutions-IAM5[Resource::{_IAM_ARN}:policy{{workload_role_path}}*]",
        "Resource/Resource",
        "A bounded role authors managed policies only under the workload path; they attach only to roles "
        "that carry this boundary, which caps whatever such a policy grants.",
        construct="DeveloperPermissionsBoundary",
    ),
    # --- Groups and users ----------------------------------------------------------------
    *each_pack(
        ("HIPAA.Security", "PCI.DSS.321"),
        "IAMGroupHasUsers",
        "Resource/Resource",
        "An empty group grants nothing to anyone: its only policies are self-service and assume-role; "
        "groups exist before the people who join them, and membership is the access decision.",
        construct="HumanUserGroup",
    ),
    Acknowledgment(
        "AwsSolutions-SMG4",
        "InitialPassword/Resource",
        "The secret holds a one-time initial password that IAM forces the user to change at first "
        "sign-in; after that it opens nothing, so rotating it would protect nothing.",
        construct="HumanUser",
    ),
    *each_pack(
        _SECRET_ROTATION,
        "SecretsManagerRotationEnabled",
        "InitialPassword/Resource",
        "The secret holds a one-time initial password that IAM forces the user to change at first "
        "sign-in; after that it opens nothing, so rotating it would protect nothing.",
        construct="HumanUser",
    ),
    # --- Detection: break-glass users ----------------------------------------------------
    *(
        Acknowledgment(
            rule,
            "BreakGlass/*/InitialPassword/Resource",
            "The secret holds a break-glass user's one-time initial password, which IAM forces to be changed "
            "at first sign-in (done when the user is issued and the new password sealed); afterwards it opens "
            "nothing, so rotating it would protect nothing.",
        )
        for rule in (
            "AwsSolutions-SMG4",
            *(f"{pack}-SecretsManagerRotationEnabled" for pack in _SECRET_ROTATION),
        )
    ),
    # --- Detection: break-glass role (role mode) and account alias ---------------------------
    Acknowledgment(
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AdministratorAccess]",
        "BreakGlass/Resource/Resource",
        "The break-glass role must administer the account when every other path is broken; its trust "
        "policy names only the configured principals and requires MFA, every assumption raises an alert, "
        "and AWS maintains the policy document.",
    ),
    Acknowledgment(
        "AwsSolutions-IAM5[Resource::*]",
        "AccountAlias/Resource/CustomResourcePolicy/Resource",
        "The account alias has no ARN: iam:CreateAccountAlias and iam:DeleteAccountAlias accept only "
        "Resource *, and they are the only actions granted.",
    ),
    *each_pack(
        _NO_INLINE,
        "IAMNoInlinePolicy",
        "AccountAlias/Resource/CustomResourcePolicy/Resource",
        "CDK's AwsCustomResource writes its grant as an inline policy bound to its own function role; it "
        "holds only the two account-alias actions and cannot be attached to any other principal.",
    ),
)


#: Federation (:mod:`iam_baseline.federation`): SAML persona roles and the Identity Center stack.
_SAML_PERSONA_POLICIES = {
    "Admin": ("AdministratorAccess",),
    "Developer": ("PowerUserAccess",),
    "ReadOnly": ("job-function/ViewOnlyAccess", "ReadOnlyAccess", "SecurityAudit"),
    "Support": ("AWSSupportAccess",),
}
_LOOKUP_POLICY = "PrincipalLookup*/Resource/CustomResourcePolicy/Resource"

REGISTRY += (
    *(
        Acknowledgment(
            f"AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/{name}]",
            f"Federation/Saml{persona}Role*/Resource/Resource",
            f"A SAML {persona} role carries exactly the managed policies of the {persona} persona's MFA role "
            "(persona_policies), so federation grants nothing the baseline does not; its trust admits only "
            "assertions of the configured IdPs addressed to the AWS sign-in endpoint (SAML:aud).",
        )
        for persona, names in _SAML_PERSONA_POLICIES.items()
        for name in names
    ),
    *(
        Acknowledgment(
            f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:identitystore:::{kind}/*]",
            _LOOKUP_POLICY,
            f"The lookup may only call identitystore:Get{kind.title()}Id, which maps a unique name to an id "
            f"and reads nothing else; the {kind} id is what it looks up, so it cannot be named in advance, "
            "and the identity store itself is named exactly.",
        )
        for kind in ("group", "user")
    ),
    *each_pack(
        _NO_INLINE,
        "IAMNoInlinePolicy",
        _LOOKUP_POLICY,
        "CDK's AwsCustomResource writes its grant as an inline policy bound to its own function role; it "
        "holds only one identitystore Get*Id action and cannot be attached to any other principal.",
    ),
)


#: Organization rollout: StackSet member templates ship the password policy handler inline
#: (``AccountPasswordPolicy(inline_handler=True)``). Its function and grant are the
#: AwsCustomResource's, so the same reasons hold; only the log stream wildcard is new.
_INLINE_HANDLER = "Handler/Resource"  # below AccountPasswordPolicy
_INLINE_HANDLER_POLICY = "HandlerPolicy/Resource"
_SAME_REASON_AS = {
    ("", f"{_CR_FUNCTION}/Resource"): _INLINE_HANDLER,
    ("AccountPasswordPolicy", "Resource/CustomResourcePolicy/Resource"): _INLINE_HANDLER_POLICY,
}

REGISTRY += (
    *(
        Acknowledgment(entry.rule, _SAME_REASON_AS[entry.construct, entry.path], entry.reason, "AccountPasswordPolicy")
        for entry in REGISTRY
        if (entry.construct, entry.path) in _SAME_REASON_AS and "IAMNoInlinePolicy" not in entry.rule
    ),
    Acknowledgment(
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:"
        "/iam-baseline/account-password-policy:log-stream:*]",
        _INLINE_HANDLER_POLICY,
        "Lambda names the log streams itself (date and instance id), so they cannot be listed in advance; "
        "the grant is confined to the handler's own log group and allows only creating streams and writing events.",
        construct="AccountPasswordPolicy",
    ),
)


#: Organization guard rails: the inline handler of ``Custom::OrganizationFeatures``
#: (iam_baseline.organization.root_access), invoked only by CloudFormation like the others.
_FEATURES_HANDLER = "OrganizationFeatures/Handler/Resource"
_FEATURES_POLICY = "OrganizationFeatures/HandlerPolicy/Resource"

REGISTRY += (
    *(
        Acknowledgment(entry.rule, _FEATURES_HANDLER, entry.reason)
        for entry in REGISTRY
        if entry.path == f"{_CR_FUNCTION}/Resource"
    ),
    Acknowledgment(
        "AwsSolutions-IAM5[Resource::*]",
        _FEATURES_POLICY,
        "Trusted access, policy types, the IAM delegated administrator and the centralized root access "
        "features belong to the organization as a whole: these IAM and Organizations actions accept no "
        "narrower resource, the grant lists only them, and only CloudFormation invokes the function.",
    ),
    Acknowledgment(
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:"
        "/iam-baseline/organization-features:log-stream:*]",
        _FEATURES_POLICY,
        "Lambda names the log streams itself (date and instance id), so they cannot be listed in advance; "
        "the grant is confined to the handler's own log group and allows only creating streams and writing events.",
    ),
)


#: Identity Center directory: the function behind ``Custom::IdentityStoreUser``
#: (``iam_baseline.federation.identity_store``), shipped inline like the password policy handler.
_USER_FUNCTION = "IdentityStore/UserHandler/Function/Resource"
_USER_POLICY = "IdentityStore/UserHandler/FunctionPolicy/Resource"

REGISTRY += (
    Acknowledgment(
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:identitystore:::user/*]",
        _USER_POLICY,
        "A user's ARN holds only its id, which CreateUser returns, so it cannot be named in advance; every "
        "granted action (Create/Describe/Update/DeleteUser, nothing on groups or memberships) is authorized "
        "on the identity store too, which is named exactly, so only users of this one store are reachable.",
    ),
    Acknowledgment(
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:"
        "/iam-baseline/identity-store-users:log-stream:*]",
        _USER_POLICY,
        "Lambda names the log streams itself (date and instance id), so they cannot be listed in advance; "
        "the grant is confined to the handler's own log group and allows only creating streams and writing events.",
    ),
    *each_pack(
        _PACKS_LAMBDA,
        "LambdaConcurrency",
        _USER_FUNCTION,
        "CloudFormation invokes this function once per user and stack operation; nobody else can invoke it, "
        "so a concurrency limit would guard against nothing.",
    ),
    *each_pack(
        _PACKS_LAMBDA,
        "LambdaDLQ",
        _USER_FUNCTION,
        "CloudFormation invokes the function synchronously and receives every failure as the user resource's "
        "status, rolling the stack back; a dead-letter queue would hold events nobody replays.",
    ),
    *each_pack(
        ("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321"),
        "LambdaInsideVPC",
        _USER_FUNCTION,
        "The function only calls the Identity Store API's public endpoint and touches no data in any network; "
        "a VPC would add NAT or endpoints without narrowing what it can reach or do.",
    ),
)


#: Machine and service roles (:mod:`iam_baseline.identity.machine_roles`, ``.service_roles``): the
#: read-only AWS managed policies they usually hold, acknowledged once for every config; any
#: other AWS managed policy a config gives them is acknowledged by :func:`persona_acknowledgments`.
MACHINE_ROLE_POLICY_NAMES = ("job-function/ViewOnlyAccess", "ReadOnlyAccess", "SecurityAudit", "CloudWatchReadOnlyAccess")
REGISTRY += tuple(
    Acknowledgment(
        f"AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/{name}]",
        f"{kind}-*/Resource/Resource",
        f"{name.split('/')[-1]} is a read-only AWS managed policy that AWS keeps current; a {what} may hold only "
        f"such policies, always under the developer permissions boundary, and its trust admits {who}.",
    )
    for kind, what, who in (
        ("Machine", "machine role", "one declared principal (a declared account's role, or a third party with its sts:ExternalId)"),
        ("Service", "service role", "one service principal, and only the personas the config names may pass it to that service"),
    )
    for name in MACHINE_ROLE_POLICY_NAMES
)
