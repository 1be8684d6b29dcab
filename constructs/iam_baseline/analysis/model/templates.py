"""Build, per account, the principals and policies CloudFormation will deploy from a cloud assembly.

The stacks are read by :mod:`.stack_reader`; the result is an
:class:`~.account_model.AccountModel` whose principals (IAM users, groups, roles, IAM Identity
Center permission sets) carry their identity-based policies (inline, customer managed, AWS
managed by ARN), their permissions boundary and, for roles, their trust policy. Sources of
attachment (CloudFormation User Guide, "AWS::IAM::*" resource types): ``Policies`` and
``ManagedPolicyArns`` of roles, users and groups; ``AWS::IAM::Policy`` and
``AWS::IAM::ManagedPolicy`` with ``Roles``/``Users``/``Groups``; ``AWS::IAM::RolePolicy``,
``UserPolicy``, ``GroupPolicy``; ``AWS::IAM::UserToGroupAddition``; ``Groups`` of a user;
``AWS::SSO::PermissionSet``. This module never imports aws_cdk.

The names of :mod:`.stack_reader` and :mod:`.account_model` are re-exported here, the
module every caller has always imported them from.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..engine.policy import Policy, PolicyKind
from .account_model import (
    AccountModel,
    CredentialSecret,
    LambdaFunction,
    Principal,
    ResourcePolicy,
    UnknownPolicy,
    managed_policy,
)
from .intrinsics import TemplateError, partition_of
from .stack_reader import StackReader, StackTemplate, load_stacks, stack_readers

__all__ = [
    "AccountModel",
    "LambdaFunction",
    "Principal",
    "StackTemplate",
    "TemplateError",
    "UnknownPolicy",
    "build_account",
    "collect_permission_set",
    "load_account",
    "load_stacks",
    "managed_policy",
    "stack_readers",
]


def load_account(out_dir: str | Path, account: str | None = None) -> AccountModel:
    """Read the assembly in ``out_dir`` and build the :class:`AccountModel` of one account.

    With ``account``, only the stacks that deploy to that account are read (an assembly may
    also hold, say, the Identity Center stack of the management account); without it, all
    stacks must deploy to one account (the analysis is single-account).

    Raises:
        FileNotFoundError: no assembly in ``out_dir``.
        TemplateError: an intrinsic cannot be resolved offline, or stacks span accounts.
        UnknownPolicy: a managed policy ARN that is neither in the assembly nor AWS managed.
        PolicyError: a malformed policy document.
    """
    stacks = load_stacks(out_dir)
    if account is not None:
        stacks = [s for s in stacks if s.account == account]
    if not stacks:
        where = f" for account {account}" if account else ""
        raise TemplateError(f"{out_dir}: the assembly holds no stack{where}")
    accounts = {s.account for s in stacks}
    if len(accounts) > 1:
        raise TemplateError(f"stacks deploy to several accounts {sorted(accounts)}: analysis is per account")
    return build_account(stacks)


def build_account(stacks: list[StackTemplate], *, permission_sets: bool = True) -> AccountModel:
    """The :class:`AccountModel` of ``stacks`` (all of one account; the first one's region wins).

    With ``permission_sets=False`` the ``AWS::SSO::PermissionSet`` resources are skipped: a
    permission set is a principal of the accounts it is *assigned to*, not of the Identity
    Center account (:mod:`.accounts` places it there).

    Raises:
        TemplateError, UnknownPolicy, PolicyError: see :func:`load_account`.
    """
    readers = stack_readers(stacks)
    first = stacks[0]
    model = AccountModel(account=first.account, partition=partition_of(first.region), region=first.region)
    for reader in readers:
        _collect_managed_policies(reader, model)
    for reader in readers:
        _collect_principals(reader, model, permission_sets=permission_sets)
    for reader in readers:
        _collect_attachments(reader, model)
    for reader in readers:
        _collect_resource_policies(reader, model)
    return model


def _collect_resource_policies(reader: StackReader, model: AccountModel) -> None:
    """KMS key policies, SNS topic policies and S3 bucket policies, by resource ARN."""
    for logical_id, resource in reader.resources.items():
        kind = resource.get("Type")
        props = resource.get("Properties", {})
        if kind == "AWS::KMS::Key" and "KeyPolicy" in props:
            arn = reader.attribute(logical_id, resource, "Arn")
            policy = Policy.from_document(f"key-policy:{logical_id}", reader.document(props["KeyPolicy"], logical_id),
                                          PolicyKind.RESOURCE)
            model.resource_policies[arn] = ResourcePolicy("KMS key policy", arn, policy, required=True)
        elif kind == "AWS::SNS::TopicPolicy":
            document = reader.document(props["PolicyDocument"], logical_id)
            for topic in reader.resolver.resolve(props.get("Topics", [])):
                policy = Policy.from_document(f"topic-policy:{logical_id}", document, PolicyKind.RESOURCE)
                model.resource_policies[str(topic)] = ResourcePolicy("SNS topic policy", str(topic), policy)
        elif kind == "AWS::S3::BucketPolicy":
            bucket = str(reader.resolver.resolve(props.get("Bucket")))
            arn = bucket if bucket.startswith("arn:") else f"arn:{reader.partition}:s3:::{bucket}"
            policy = Policy.from_document(f"bucket-policy:{logical_id}", reader.document(props["PolicyDocument"], logical_id),
                                          PolicyKind.RESOURCE)
            model.resource_policies[arn] = ResourcePolicy("S3 bucket policy", arn, policy)


def _collect_managed_policies(reader: StackReader, model: AccountModel) -> None:
    for logical_id, resource in reader.resources.items():
        if resource.get("Type") == "AWS::IAM::ManagedPolicy":
            arn = reader.attribute(logical_id, resource, None)
            document = reader.document(resource["Properties"]["PolicyDocument"], logical_id)
            model.managed_policies[arn] = Policy.from_document(_short(arn), document)


def _short(arn: str) -> str:
    """``arn:aws:iam::111122223333:policy/baseline/ForceMFA`` -> ``policy/baseline/ForceMFA``."""
    return arn.split(":", 5)[5]


def _inline(reader: StackReader, logical_id: str, entries: Any) -> list[Policy]:
    out = []
    for entry in reader.resolver.resolve(entries) or []:
        document = reader.document(entry["PolicyDocument"], logical_id)
        out.append(Policy.from_document(f"inline:{entry['PolicyName']}", document))
    return out


_PRINCIPAL_TYPES = {
    "AWS::IAM::Role": "role",
    "AWS::IAM::User": "user",
    "AWS::IAM::Group": "group",
}


def _collect_principals(reader: StackReader, model: AccountModel, *, permission_sets: bool = True) -> None:
    for logical_id, resource in reader.resources.items():
        kind = resource.get("Type")
        props = resource.get("Properties", {})
        if kind in _PRINCIPAL_TYPES:
            name = reader.attribute(logical_id, resource, None)
            arn = reader.attribute(logical_id, resource, "Arn")
            principal = Principal(
                kind=_PRINCIPAL_TYPES[kind],
                name=name,
                arn=arn,
                path=reader.resolver.resolve(props.get("Path", "/")),
                stack=reader.stack.stack_name,
                logical_id=logical_id,
                policies=_inline(reader, logical_id, props.get("Policies", [])),
                tags={t["Key"]: t["Value"] for t in reader.resolver.resolve(props.get("Tags", []))},
                max_session_seconds=props.get("MaxSessionDuration"),
            )
            for policy_arn in reader.resolver.resolve(props.get("ManagedPolicyArns", [])):
                principal.policies.append(managed_policy(model, policy_arn))
            if "PermissionsBoundary" in props:
                principal.boundary = managed_policy(
                    model, reader.resolver.resolve(props["PermissionsBoundary"]), PolicyKind.BOUNDARY
                )
            if "AssumeRolePolicyDocument" in props:
                document = reader.document(props["AssumeRolePolicyDocument"], logical_id)
                principal.trust = Policy.from_document(f"trust:{name}", document, PolicyKind.TRUST)
            principal.groups = [str(g) for g in reader.resolver.resolve(props.get("Groups", []))]
            model.principals[arn] = principal
        elif kind == "AWS::SSO::PermissionSet" and permission_sets:
            collect_permission_set(reader, model, logical_id, resource)
        elif kind == "AWS::Lambda::Function":
            role = reader.resolver.resolve(props.get("Role"))
            model.functions.append(
                LambdaFunction(reader.attribute(logical_id, resource, "Arn"), role, reader.stack.stack_name, logical_id)
            )
        elif kind == "AWS::IAM::OIDCProvider":
            model.oidc_providers.append(reader.attribute(logical_id, resource, None))
        elif kind == "AWS::IAM::SAMLProvider":
            model.saml_providers.append(reader.attribute(logical_id, resource, None))


def collect_permission_set(
    reader: StackReader, model: AccountModel, logical_id: str, resource: Mapping, *, also_deployed: Sequence[AccountModel] = ()
) -> None:
    """Add the permission set ``logical_id`` of ``reader``'s stack to ``model`` as a principal.

    Customer managed policy references are resolved in ``model``'s account, as IAM Identity
    Center does when it provisions the permission set there ("Customer managed policies" in
    the IAM Identity Center User Guide), by name and path: in ``model`` first, then in each of
    ``also_deployed``, the models of templates that CloudFormation deploys to that account too
    (a StackSet member template reaching an account that has stacks of its own).

    Raises:
        UnknownPolicy: a referenced policy is in none of them (nor AWS managed).
    """
    props = resource.get("Properties", {})
    name = str(reader.resolver.resolve(props.get("Name", logical_id)))
    arn = reader.attribute(logical_id, resource, "PermissionSetArn")
    principal = Principal("permission_set", name, arn, "/", reader.stack.stack_name, logical_id)
    if props.get("InlinePolicy"):
        inline = reader.document(props["InlinePolicy"], logical_id)
        inline = json.loads(inline) if isinstance(inline, str) else inline
        principal.policies.append(Policy.from_document(f"inline:{name}", inline))
    for policy_arn in reader.resolver.resolve(props.get("ManagedPolicies", [])):
        principal.policies.append(managed_policy(model, policy_arn))
    for reference in reader.resolver.resolve(props.get("CustomerManagedPolicyReferences", [])):
        principal.policies.append(_customer_managed(model, reference, also_deployed))
    boundary = reader.resolver.resolve(props.get("PermissionsBoundary"))
    if boundary:
        if "ManagedPolicyArn" in boundary:
            principal.boundary = managed_policy(model, boundary["ManagedPolicyArn"], PolicyKind.BOUNDARY)
        else:
            reference = boundary["CustomerManagedPolicyReference"]
            principal.boundary = _customer_managed(model, reference, also_deployed, PolicyKind.BOUNDARY)
    model.principals[arn] = principal


def _customer_managed(
    model: AccountModel, reference: Mapping, also_deployed: Sequence[AccountModel], kind: PolicyKind = PolicyKind.IDENTITY
) -> Policy:
    """The customer managed policy ``reference`` (``Name``, ``Path``) names in ``model``'s
    account: defined by ``model``'s own templates, else by one of ``also_deployed``."""
    resource = f"policy{reference.get('Path', '/')}{reference['Name']}"
    for other in also_deployed:
        if model.iam_arn(resource) not in model.managed_policies and other.iam_arn(resource) in other.managed_policies:
            return managed_policy(other, other.iam_arn(resource), kind)
    return managed_policy(model, model.iam_arn(resource), kind)


def _by_name(model: AccountModel, kind: str, name: str) -> Principal:
    return model.by_ref(f"{kind}:{name}")


def _collect_attachments(reader: StackReader, model: AccountModel) -> None:
    targets = (("Roles", "role"), ("Users", "user"), ("Groups", "group"))
    for logical_id, resource in reader.resources.items():
        kind = resource.get("Type")
        props = resource.get("Properties", {})
        if kind == "AWS::IAM::Policy":
            document = reader.document(props["PolicyDocument"], logical_id)
            policy = Policy.from_document(f"inline:{reader.resolver.resolve(props['PolicyName'])}", document)
            for prop, target in targets:
                for name in reader.resolver.resolve(props.get(prop, [])):
                    _by_name(model, target, name).policies.append(policy)
        elif kind == "AWS::IAM::ManagedPolicy":
            policy = managed_policy(model, reader.attribute(logical_id, resource, None))
            for prop, target in targets:
                for name in reader.resolver.resolve(props.get(prop, [])):
                    _by_name(model, target, name).policies.append(policy)
        elif kind in ("AWS::IAM::RolePolicy", "AWS::IAM::UserPolicy", "AWS::IAM::GroupPolicy"):
            target = kind.removeprefix("AWS::IAM::").removesuffix("Policy").lower()
            name = reader.resolver.resolve(props[f"{target.capitalize()}Name"])
            document = reader.document(props["PolicyDocument"], logical_id)
            policy = Policy.from_document(f"inline:{reader.resolver.resolve(props['PolicyName'])}", document)
            _by_name(model, target, name).policies.append(policy)
        elif kind == "AWS::IAM::UserToGroupAddition":
            group = reader.resolver.resolve(props["GroupName"])
            for user in reader.resolver.resolve(props.get("Users", [])):
                _by_name(model, "user", user).groups.append(group)
    # Secrets that hold a user's initial password: {{resolve:secretsmanager:<secret>:...}}.
    for logical_id, resource in reader.resources.items():
        if resource.get("Type") != "AWS::IAM::User":
            continue
        password = resource.get("Properties", {}).get("LoginProfile", {}).get("Password")
        secret_id = _secret_reference(password)
        if secret_id and secret_id in reader.resources:
            secret = reader.resources[secret_id]
            key = secret.get("Properties", {}).get("KmsKeyId")
            model.credential_secrets.append(
                CredentialSecret(
                    arn=reader.attribute(secret_id, secret, None),
                    user_arn=reader.attribute(logical_id, resource, "Arn"),
                    kms_key_arn=reader.resolver.resolve(key) if key else None,
                )
            )


def _secret_reference(password: Any) -> str | None:
    """The logical id of the secret in a ``{{resolve:secretsmanager:...}}`` password, if any."""
    if not isinstance(password, dict) or "Fn::Join" not in password:
        return None
    parts = password["Fn::Join"][1]
    if parts and parts[0] == "{{resolve:secretsmanager:" and isinstance(parts[1], dict) and "Ref" in parts[1]:
        return parts[1]["Ref"]
    return None
