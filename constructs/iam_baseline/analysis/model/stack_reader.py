"""Read a cloud assembly's stacks and resolve each stack's resources into names, ARNs and documents.

Input: a ``cdk.out`` directory. Its ``manifest.json`` lists the stacks
(``aws:cloudformation:stack`` artifacts, with their ``environment`` account and region) and
nested cloud assemblies (``cdk:cloud-assembly`` artifacts, e.g. CDK Stages), which are read
recursively. Intrinsics are resolved by :mod:`.intrinsics`; ``Fn::ImportValue`` finds the
``Export`` of any stack of the assembly (:func:`stack_readers`). This module never imports aws_cdk.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .intrinsics import Resolver, TemplateError, partition_of

__all__ = ["PLACEHOLDER_ACCOUNT", "StackReader", "StackTemplate", "load_stacks", "stack_readers"]


@dataclass(frozen=True)
class StackTemplate:
    """One stack of the assembly: its template and where it deploys."""

    artifact_id: str
    stack_name: str
    account: str
    region: str
    template: dict[str, Any]
    path: Path


#: The account of an environment-agnostic stack (a StackSet member template, deployed to each
#: of its accounts as ``AWS::AccountId``): unknown offline, modelled as this placeholder.
PLACEHOLDER_ACCOUNT = "000000000000"


def _environment(artifact: Mapping[str, Any]) -> tuple[str, str]:
    env = artifact.get("environment", "")
    account, _, region = env.removeprefix("aws://").partition("/")
    if not account.isdigit() or region in ("", "unknown-region"):
        # An environment-agnostic stack: the account is unknown offline, use a placeholder.
        return (account if account.isdigit() else PLACEHOLDER_ACCOUNT, region if region not in ("", "unknown-region") else "us-east-1")
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


_ARN_TEMPLATES = {
    "AWS::IAM::Role": ("RoleName", "role"),
    "AWS::IAM::User": ("UserName", "user"),
    "AWS::IAM::Group": ("GroupName", "group"),
    "AWS::IAM::ManagedPolicy": ("ManagedPolicyName", "policy"),
    "AWS::IAM::InstanceProfile": ("InstanceProfileName", "instance-profile"),
}


class StackReader:
    """Resolves one stack's resources into names, ARNs and documents.

    :meth:`attribute` gives ``Ref`` (``attribute=None``) and ``Fn::GetAtt`` values of a resource as
    CloudFormation returns them, with a readable placeholder for resources IAM does not name.
    """

    def __init__(self, stack: StackTemplate, imports) -> None:
        self.stack = stack
        self.resources: dict[str, Any] = stack.template.get("Resources", {})
        self.resolver = Resolver(
            stack_name=stack.stack_name,
            account=stack.account,
            region=stack.region,
            template=stack.template,
            attribute=self.attribute,
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

    def attribute(self, logical_id: str, resource: Mapping[str, Any], attribute: str | None) -> Any:
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


def stack_readers(stacks: list[StackTemplate]) -> list[StackReader]:
    """One reader per stack, ``Fn::ImportValue`` resolved across ``stacks``."""
    readers: list[StackReader] = []
    exports: dict[str, tuple[StackReader, Any]] = {}

    def imports(name: str) -> Any:
        if name not in exports:
            raise TemplateError(f"Fn::ImportValue {name!r}: no stack of the assembly exports it")
        reader, value = exports[name]
        return reader.resolver.resolve(value)

    for stack in stacks:
        readers.append(StackReader(stack, imports))
    for reader in readers:
        for output in reader.stack.template.get("Outputs", {}).values():
            if "Export" in output:
                exports[str(reader.resolver.resolve(output["Export"]["Name"]))] = (reader, output["Value"])
    return readers
