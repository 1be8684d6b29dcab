"""Read a cloud assembly and build, per principal, the policies CloudFormation will deploy.

Input: a ``cdk.out`` directory. Its ``manifest.json`` lists the stacks
(``aws:cloudformation:stack`` artifacts, with their ``environment`` account and region) and
nested cloud assemblies (``cdk:cloud-assembly`` artifacts, e.g. CDK Stages), which are read
recursively. Intrinsics are resolved by :mod:`.intrinsics`; ``Fn::ImportValue`` finds the
``Export`` of any stack of the assembly.

Output: an :class:`AccountModel` whose principals (IAM users, groups, roles, IAM Identity
Center permission sets) carry their identity-based policies (inline, customer managed, AWS
managed by ARN), their permissions boundary and, for roles, their trust policy. Sources of
attachment (CloudFormation User Guide, "AWS::IAM::*" resource types): ``Policies`` and
``ManagedPolicyArns`` of roles, users and groups; ``AWS::IAM::Policy`` and
``AWS::IAM::ManagedPolicy`` with ``Roles``/``Users``/``Groups``; ``AWS::IAM::RolePolicy``,
``UserPolicy``, ``GroupPolicy``; ``AWS::IAM::UserToGroupAddition``; ``Groups`` of a user;
``AWS::SSO::PermissionSet``. This module never imports aws_cdk.

A managed policy ARN that is neither in the assembly nor an AWS managed policy known to
:mod:`.aws_managed` raises :class:`UnknownPolicy`: an unknown policy is never read as
"allow all" or "allow nothing".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .aws_managed import UnknownManagedPolicy, aws_managed_document, is_aws_managed
from ..engine.evaluator import Policy, PolicyKind
from .intrinsics import Resolver, TemplateError, partition_of

__all__ = [
    "AccountModel",
    "LambdaFunction",
    "Principal",
    "StackTemplate",
    "TemplateError",
    "UnknownPolicy",
    "load_account",
    "load_stacks",
]


class UnknownPolicy(LookupError):
    """A managed policy ARN that is neither in the assembly nor a known AWS managed policy."""


@dataclass(frozen=True)
class StackTemplate:
    """One stack of the assembly: its template and where it deploys."""

    artifact_id: str
    stack_name: str
    account: str
    region: str
    template: dict[str, Any]
    path: Path


def _environment(artifact: Mapping[str, Any]) -> tuple[str, str]:
    env = artifact.get("environment", "")
    account, _, region = env.removeprefix("aws://").partition("/")
    if not account.isdigit() or region in ("", "unknown-region"):
        # An environment-agnostic stack: the account is unknown offline, use a placeholder.
        return (account if account.isdigit() else "000000000000", region if region not in ("", "unknown-region") else "us-east-1")
    return account, region


def load_stacks(out_dir: str | Path) -> list[StackTemplate]:
    """Every stack of the cloud assembly in ``out_dir``, nested assemblies included.

    Raises:
        FileNotFoundError: ``out_dir`` has no ``manifest.json`` (run ``make synth`` first).
    """
    out_dir = Path(out_dir)
    manifest_path = out_dir / "manifest.json"
    if not manifest_path.is_file():
        raise FileNotFoundError(f"{manifest_path} not found: synthesize first (make synth)")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    stacks: list[StackTemplate] = []
    for artifact_id, artifact in manifest.get("artifacts", {}).items():
        props = artifact.get("properties", {})
        if artifact.get("type") == "aws:cloudformation:stack":
            account, region = _environment(artifact)
            template_path = out_dir / props["templateFile"]
            stacks.append(
                StackTemplate(
                    artifact_id=artifact_id,
                    stack_name=props.get("stackName", artifact_id),
                    account=account,
                    region=region,
                    template=json.loads(template_path.read_text(encoding="utf-8")),
                    path=template_path,
                )
            )
        elif artifact.get("type") == "cdk:cloud-assembly":
            stacks += load_stacks(out_dir / props["directoryName"])
    return stacks


@dataclass
class Principal:
    """An IAM identity and everything that decides what it may do.

    Attributes:
        kind: ``user``, ``group``, ``role`` or ``permission_set``.
        name: IAM name (generated names read ``<StackName>-<LogicalId>``).
        arn: IAM ARN (for a permission set, its ARN placeholder in the Identity Center instance).
        path: IAM path.
        policies: identity-based policies attached to this principal itself.
        boundary: the permissions boundary, if any.
        trust: the trust policy (roles only).
        groups: names of the groups of a user.
        tags: IAM tags (``aws:PrincipalTag/...``).
        stack, logical_id: where it is defined.
    """

    kind: str
    name: str
    arn: str
    path: str
    stack: str
    logical_id: str
    policies: list[Policy] = field(default_factory=list)
    boundary: Policy | None = None
    trust: Policy | None = None
    groups: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    max_session_seconds: int | None = None

    @property
    def ref(self) -> str:
        """The short reference used in the access matrix, e.g. ``role:Admin``."""
        return f"{self.kind}:{self.name}"


@dataclass(frozen=True)
class LambdaFunction:
    """A Lambda function and its execution role (for escalation through code updates)."""

    arn: str
    role_arn: str | None
    stack: str
    logical_id: str


@dataclass(frozen=True)
class CredentialSecret:
    """A Secrets Manager secret that holds the console password of an IAM user."""

    arn: str
    user_arn: str
    kms_key_arn: str | None


@dataclass(frozen=True)
class ResourcePolicy:
    """A resource-based policy of the assembly: KMS key policy, SNS topic policy, S3 bucket policy.

    ``required``: the policy must allow by itself, as a KMS key policy must (AWS KMS Developer
    Guide, "Key policies in AWS KMS": IAM policies grant access to a key only when its key
    policy enables them).
    """

    kind: str  # "KMS key policy" | "SNS topic policy" | "S3 bucket policy"
    arn: str
    policy: Policy
    required: bool = False


@dataclass
class AccountModel:
    """All principals of the assembly, by ARN, and what the checks need besides."""

    account: str
    partition: str
    region: str
    principals: dict[str, Principal] = field(default_factory=dict)
    managed_policies: dict[str, Policy] = field(default_factory=dict)
    functions: list[LambdaFunction] = field(default_factory=list)
    credential_secrets: list[CredentialSecret] = field(default_factory=list)
    oidc_providers: list[str] = field(default_factory=list)
    saml_providers: list[str] = field(default_factory=list)
    resource_policies: dict[str, ResourcePolicy] = field(default_factory=dict)

    def by_ref(self, ref: str) -> Principal:
        """The principal named ``kind:name`` (``role:Admin``, ``user:alice.admin``).

        Raises:
            KeyError: no such principal, with the known references listed.
        """
        for principal in self.principals.values():
            if principal.ref == ref:
                return principal
        known = ", ".join(sorted(p.ref for p in self.principals.values()))
        raise KeyError(f"no principal {ref!r} in the assembly; known: {known}")

    def identity_policies(self, principal: Principal) -> list[Policy]:
        """The principal's own policies plus, for a user, those of each of its groups."""
        policies = list(principal.policies)
        for group_name in principal.groups:
            group = self.by_ref(f"group:{group_name}")
            policies += group.policies
        return policies

    def iam_arn(self, resource: str) -> str:
        return f"arn:{self.partition}:iam::{self.account}:{resource}"


_ARN_TEMPLATES = {
    "AWS::IAM::Role": ("RoleName", "role"),
    "AWS::IAM::User": ("UserName", "user"),
    "AWS::IAM::Group": ("GroupName", "group"),
    "AWS::IAM::ManagedPolicy": ("ManagedPolicyName", "policy"),
    "AWS::IAM::InstanceProfile": ("InstanceProfileName", "instance-profile"),
}


class _StackReader:
    """Resolves one stack's resources into names, ARNs and documents."""

    def __init__(self, stack: StackTemplate, imports) -> None:
        self.stack = stack
        self.resources: dict[str, Any] = stack.template.get("Resources", {})
        self.resolver = Resolver(
            stack_name=stack.stack_name,
            account=stack.account,
            region=stack.region,
            template=stack.template,
            attribute=self._attribute,
            imports=imports,
        )
        self.partition = partition_of(stack.region)

    def props(self, logical_id: str) -> dict[str, Any]:
        return self.resources[logical_id].get("Properties", {})

    def name(self, logical_id: str, name_property: str) -> str:
        value = self.props(logical_id).get(name_property)
        if value is None:
            return f"{self.stack.stack_name}-{logical_id}"
        return str(self.resolver.resolve(value))

    def _attribute(self, logical_id: str, resource: Mapping[str, Any], attribute: str | None) -> Any:
        kind = resource.get("Type", "")
        props = resource.get("Properties", {})
        acct, region, part = self.stack.account, self.stack.region, self.partition
        if kind in _ARN_TEMPLATES:
            name_property, arn_kind = _ARN_TEMPLATES[kind]
            name = self.name(logical_id, name_property)
            path = self.resolver.resolve(props.get("Path", "/"))
            arn = f"arn:{part}:iam::{acct}:{arn_kind}{path}{name}"
            if kind == "AWS::IAM::ManagedPolicy":
                return arn if attribute in (None, "PolicyArn") else f"{logical_id}.{attribute}"
            if attribute is None:
                return name
            return arn if attribute == "Arn" else f"{name}.{attribute}"
        if kind == "AWS::IAM::OIDCProvider":
            url = str(self.resolver.resolve(props.get("Url", logical_id))).removeprefix("https://")
            return f"arn:{part}:iam::{acct}:oidc-provider/{url}"
        if kind == "AWS::IAM::SAMLProvider":
            return f"arn:{part}:iam::{acct}:saml-provider/{self.name(logical_id, 'Name')}"
        if kind == "AWS::Lambda::Function":
            name = self.name(logical_id, "FunctionName")
            return name if attribute is None else f"arn:{part}:lambda:{region}:{acct}:function:{name}"
        if kind == "AWS::SecretsManager::Secret":
            # Secrets Manager appends six random characters to the name in the ARN.
            return f"arn:{part}:secretsmanager:{region}:{acct}:secret:{self.name(logical_id, 'Name')}-XXXXXX"
        if kind == "AWS::KMS::Key":
            return logical_id if attribute is None else f"arn:{part}:kms:{region}:{acct}:key/{logical_id}"
        if kind == "AWS::SNS::Topic":
            # Ref of a topic is its ARN (CloudFormation User Guide, AWS::SNS::Topic return values).
            name = self.name(logical_id, "TopicName")
            return name if attribute == "TopicName" else f"arn:{part}:sns:{region}:{acct}:{name}"
        if kind == "AWS::S3::Bucket":
            name = self.name(logical_id, "BucketName").lower()
            return name if attribute is None else f"arn:{part}:s3:::{name}"
        if kind == "AWS::SSO::PermissionSet":
            return f"arn:{part}:sso:::permissionSet/{props.get('InstanceArn', 'ins')}/{logical_id}"
        # Any other resource: a readable placeholder; it never equals a real name or ARN.
        return logical_id if attribute is None else f"{logical_id}.{attribute}"

    def document(self, raw: Any, where: str) -> dict[str, Any]:
        try:
            return self.resolver.resolve(raw)
        except TemplateError as error:
            raise TemplateError(f"{self.stack.stack_name}/{where}: {error}") from None


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


def _collect_resource_policies(reader: _StackReader, model: AccountModel) -> None:
    """KMS key policies, SNS topic policies and S3 bucket policies, by resource ARN."""
    for logical_id, resource in reader.resources.items():
        kind = resource.get("Type")
        props = resource.get("Properties", {})
        if kind == "AWS::KMS::Key" and "KeyPolicy" in props:
            arn = reader._attribute(logical_id, resource, "Arn")
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


def stack_readers(stacks: list[StackTemplate]) -> list[_StackReader]:
    """One reader per stack, ``Fn::ImportValue`` resolved across ``stacks``."""
    readers: list[_StackReader] = []
    exports: dict[str, tuple[_StackReader, Any]] = {}

    def imports(name: str) -> Any:
        if name not in exports:
            raise TemplateError(f"Fn::ImportValue {name!r}: no stack of the assembly exports it")
        reader, value = exports[name]
        return reader.resolver.resolve(value)

    for stack in stacks:
        readers.append(_StackReader(stack, imports))
    for reader in readers:
        for output in reader.stack.template.get("Outputs", {}).values():
            if "Export" in output:
                exports[str(reader.resolver.resolve(output["Export"]["Name"]))] = (reader, output["Value"])
    return readers


def _collect_managed_policies(reader: _StackReader, model: AccountModel) -> None:
    for logical_id, resource in reader.resources.items():
        if resource.get("Type") == "AWS::IAM::ManagedPolicy":
            arn = reader._attribute(logical_id, resource, None)
            document = reader.document(resource["Properties"]["PolicyDocument"], logical_id)
            model.managed_policies[arn] = Policy.from_document(_short(arn), document)


def _short(arn: str) -> str:
    """``arn:aws:iam::111122223333:policy/baseline/ForceMFA`` -> ``policy/baseline/ForceMFA``."""
    return arn.split(":", 5)[5]


def managed_policy(model: AccountModel, arn: str, kind: PolicyKind = PolicyKind.IDENTITY) -> Policy:
    """The policy behind a managed policy ARN, as ``kind``.

    Raises:
        UnknownPolicy: neither in the assembly nor a known AWS managed policy.
    """
    policy = model.managed_policies.get(arn)
    if policy is None:
        if not is_aws_managed(arn):
            raise UnknownPolicy(f"customer managed policy {arn} is not defined in the assembly")
        try:
            document = aws_managed_document(arn)
        except UnknownManagedPolicy as error:
            raise UnknownPolicy(str(error)) from None
        policy = Policy.from_document("aws-managed:" + arn.rsplit("/", 1)[-1], document)
        model.managed_policies[arn] = policy
    return policy if policy.kind is kind else Policy(policy.name, kind, policy.statements, policy.version, policy.document)


def _inline(reader: _StackReader, logical_id: str, entries: Any) -> list[Policy]:
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


def _collect_principals(reader: _StackReader, model: AccountModel, *, permission_sets: bool = True) -> None:
    for logical_id, resource in reader.resources.items():
        kind = resource.get("Type")
        props = resource.get("Properties", {})
        if kind in _PRINCIPAL_TYPES:
            name = reader._attribute(logical_id, resource, None)
            arn = reader._attribute(logical_id, resource, "Arn")
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
                LambdaFunction(reader._attribute(logical_id, resource, "Arn"), role, reader.stack.stack_name, logical_id)
            )
        elif kind == "AWS::IAM::OIDCProvider":
            model.oidc_providers.append(reader._attribute(logical_id, resource, None))
        elif kind == "AWS::IAM::SAMLProvider":
            model.saml_providers.append(reader._attribute(logical_id, resource, None))


def collect_permission_set(reader: _StackReader, model: AccountModel, logical_id: str, resource: Mapping) -> None:
    """Add the permission set ``logical_id`` of ``reader``'s stack to ``model`` as a principal.

    Customer managed policy references are resolved in ``model``'s account, as IAM Identity
    Center does when it provisions the permission set there ("Customer managed policies" in
    the IAM Identity Center User Guide).
    """
    props = resource.get("Properties", {})
    name = str(reader.resolver.resolve(props.get("Name", logical_id)))
    arn = reader._attribute(logical_id, resource, "PermissionSetArn")
    principal = Principal("permission_set", name, arn, "/", reader.stack.stack_name, logical_id)
    if props.get("InlinePolicy"):
        inline = reader.document(props["InlinePolicy"], logical_id)
        inline = json.loads(inline) if isinstance(inline, str) else inline
        principal.policies.append(Policy.from_document(f"inline:{name}", inline))
    for policy_arn in reader.resolver.resolve(props.get("ManagedPolicies", [])):
        principal.policies.append(managed_policy(model, policy_arn))
    for reference in reader.resolver.resolve(props.get("CustomerManagedPolicyReferences", [])):
        policy_arn = model.iam_arn(f"policy{reference.get('Path', '/')}{reference['Name']}")
        principal.policies.append(managed_policy(model, policy_arn))
    boundary = reader.resolver.resolve(props.get("PermissionsBoundary"))
    if boundary:
        if "ManagedPolicyArn" in boundary:
            boundary_arn = boundary["ManagedPolicyArn"]
        else:
            reference = boundary["CustomerManagedPolicyReference"]
            boundary_arn = model.iam_arn(f"policy{reference.get('Path', '/')}{reference['Name']}")
        principal.boundary = managed_policy(model, boundary_arn, PolicyKind.BOUNDARY)
    model.principals[arn] = principal


def _by_name(model: AccountModel, kind: str, name: str) -> Principal:
    return model.by_ref(f"{kind}:{name}")


def _collect_attachments(reader: _StackReader, model: AccountModel) -> None:
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
            policy = managed_policy(model, reader._attribute(logical_id, resource, None))
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
                    arn=reader._attribute(secret_id, secret, None),
                    user_arn=reader._attribute(logical_id, resource, "Arn"),
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
