"""The template resolver on hand-written cloud assemblies (no CDK)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iam_baseline.analysis.model.aws_managed import UnknownManagedPolicy, aws_managed_document
from iam_baseline.analysis.model.templates import TemplateError, UnknownPolicy, load_account

ACCOUNT = "111122223333"


def _write_assembly(directory: Path, stacks: dict[str, dict], nested: dict[str, dict] | None = None) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    artifacts: dict[str, dict] = {}
    for name, template in stacks.items():
        (directory / f"{name}.template.json").write_text(json.dumps(template))
        artifacts[name] = {
            "type": "aws:cloudformation:stack",
            "environment": f"aws://{ACCOUNT}/cn-north-1",
            "properties": {"templateFile": f"{name}.template.json", "stackName": name},
        }
    for child, child_stacks in (nested or {}).items():
        _write_assembly(directory / child, child_stacks)
        artifacts[child] = {"type": "cdk:cloud-assembly", "properties": {"directoryName": child}}
    (directory / "manifest.json").write_text(json.dumps({"version": "55.0.0", "artifacts": artifacts}))


SHARED = {
    "Resources": {
        "Shared": {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "ManagedPolicyName": "Shared",
                "Path": "/team/",
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "s3:GetObject",
                            "Resource": {"Fn::Sub": "arn:${AWS::Partition}:s3:::data-${AWS::AccountId}/${!aws:username}/*"},
                        }
                    ],
                },
            },
        }
    },
    "Outputs": {"SharedArn": {"Value": {"Ref": "Shared"}, "Export": {"Name": "shared-policy-arn"}}},
}

APP = {
    "Parameters": {"Env": {"Type": "String", "Default": "prod"}},
    "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
    "Resources": {
        "AppRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": {"Fn::Join": ["-", ["app", {"Ref": "Env"}]]},
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
                },
                "ManagedPolicyArns": [
                    {"Fn::ImportValue": "shared-policy-arn"},
                    {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/job-function/ViewOnlyAccess"},
                ],
                "Policies": [
                    {
                        "PolicyName": "inline",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": {"Fn::If": ["IsProd", "sqs:SendMessage", {"Ref": "AWS::NoValue"}]},
                                    "Resource": {"Fn::GetAtt": ["Queue", "Arn"]},
                                }
                            ],
                        },
                    }
                ],
            },
        },
        "Queue": {"Type": "AWS::SQS::Queue"},
        "Dev": {"Type": "AWS::IAM::User", "Properties": {"Path": "/people/"}},
        "Attach": {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "extra",
                "Users": [{"Ref": "Dev"}],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]},
            },
        },
    },
}


def test_nested_assembly_exports_and_intrinsics(tmp_path):
    _write_assembly(tmp_path, {"Shared": SHARED}, nested={"assembly-Stage": {"App": APP}})
    model = load_account(tmp_path)
    assert model.partition == "aws-cn"
    role = model.by_ref("role:app-prod")
    assert role.arn == f"arn:aws-cn:iam::{ACCOUNT}:role/app-prod"
    names = [p.name for p in role.policies]
    assert names == ["inline:inline", "policy/team/Shared", "aws-managed:ViewOnlyAccess"]
    shared = role.policies[1].document["Statement"][0]["Resource"]
    assert shared == f"arn:aws-cn:s3:::data-{ACCOUNT}/${{aws:username}}/*"
    assert role.policies[0].document["Statement"][0]["Resource"] == "Queue.Arn"
    assert role.trust.statements[0].principals == {"Service": ("lambda.amazonaws.com",)}
    user = model.by_ref("user:App-Dev")  # a generated name: <StackName>-<LogicalId>
    assert user.arn == f"arn:aws-cn:iam::{ACCOUNT}:user/people/App-Dev"
    assert [p.name for p in user.policies] == ["inline:extra"]


def test_unknown_customer_managed_policy_is_an_error(tmp_path):
    app = json.loads(json.dumps(APP))
    app["Resources"]["AppRole"]["Properties"]["ManagedPolicyArns"] = [f"arn:aws:iam::{ACCOUNT}:policy/Elsewhere"]
    _write_assembly(tmp_path, {"App": app})
    with pytest.raises(UnknownPolicy, match="not defined in the assembly"):
        load_account(tmp_path)


def test_unknown_import_is_an_error(tmp_path):
    _write_assembly(tmp_path, {"App": APP})
    with pytest.raises(TemplateError, match="shared-policy-arn"):
        load_account(tmp_path)


@pytest.mark.parametrize(
    ("arn", "message"),
    [
        ("arn:aws:iam::aws:policy/NoSuchPolicyAnywhere", "not in the pinned copy"),
        ("arn:aws:iam::aws:policy/ViewOnlyAccess", "its path is /job-function/"),
        (f"arn:aws:iam::{ACCOUNT}:policy/Mine", "not an AWS managed policy"),
    ],
)
def test_aws_managed_lookup_refuses_unknown_policies(arn, message):
    with pytest.raises(UnknownManagedPolicy, match=message):
        aws_managed_document(arn)


def test_aws_managed_documents_come_from_the_pinned_copy():
    document = aws_managed_document("arn:aws:iam::aws:policy/AdministratorAccess")
    assert document["Statement"] == [{"Action": "*", "Effect": "Allow", "Resource": "*"}]
