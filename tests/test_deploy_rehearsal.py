"""Deploy rehearsal: the real CDK CLI bootstraps and deploys the account baseline into moto
server (a local AWS emulator on 127.0.0.1), then boto3 reads back what the emulator created.

What this proves: the CLI's whole path works on our app (synth with the nag packs, asset
publishing to the bootstrap bucket, change set creation and execution, the deploy role),
and CloudFormation's view of our templates yields the IAM roles, trust policies, customer
managed policies and attachments we expect.

What it does NOT prove. moto 5.2.5 skips these resource types of the baseline (it logs
"No Moto CloudFormation support for ..." and marks them complete without creating anything):
``AWS::IAM::Group`` (so no group, no group policy attachment, no membership),
``AWS::IAM::SAMLProvider``, ``AWS::IAM::OIDCProvider``, ``AWS::SecretsManager::Secret``
(the users' initial passwords), ``AWS::AccessAnalyzer::Analyzer`` (both analyzers),
``AWS::SNS::TopicPolicy`` and ``AWS::SNS::Subscription`` (the alert topic is created, its
policy and e-mail subscriptions are not), ``AWS::CDK::Metadata``, and in the bootstrap stack
``AWS::S3::BucketPolicy``. It ignores the ``ManagedPolicyArns`` of ``AWS::IAM::Role``, so
the persona roles' AWS managed and guard-rail policies are not attached (a policy that lists
its ``Roles`` is). Custom resources are not run: moto invokes their Lambda function
in Docker, which is absent here, so the account password policy is never set. The
rehearsal config also leaves out ``tags`` and turns ``protection_tag`` off: moto fails to
create a tagged KMS key from CloudFormation (``KeyError: 'TagKey'``), and turns termination protection off: moto does not
implement ``UpdateTerminationProtection``, which the CLI calls for a protected stack (the
default config's stack is protected, and a test asserts that). Trust and permission policies are stored, never
evaluated. The test asserts that exact list of skipped types from the emulator's log, so a
change on either side shows up here.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from template_tools import DEFAULT_CONFIG_FILE, FIXTURES

ROOT = Path(__file__).resolve().parent.parent
#: The config fixture's account, which moto serves as its own (MOTO_ACCOUNT_ID): an example
#: account, so the example values the rehearsal deploys are not refused (example_values.py).
ACCOUNT = "111122223333"
REGION = "eu-west-1"
CDK = ROOT / "node_modules" / ".bin" / "cdk"

#: Resource types moto's CloudFormation skips in the bootstrap and baseline stacks.
EMULATOR_SKIPS = {
    "AWS::AccessAnalyzer::Analyzer",
    "AWS::CDK::Metadata",
    "AWS::IAM::Group",
    "AWS::IAM::OIDCProvider",
    "AWS::IAM::SAMLProvider",
    "AWS::S3::BucketPolicy",
    "AWS::SNS::Subscription",
    "AWS::SNS::TopicPolicy",
    "AWS::SecretsManager::Secret",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    """A moto server on a free loopback port; yields (endpoint URL, path of its log)."""
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "MOTO_ACCOUNT_ID": ACCOUNT},
        )
    # `localhost`, not 127.0.0.1: moto resolves the S3 template URL that CloudFormation is
    # given (the endpoint URL + bucket path) by bucket in path only for hosts named localhost.
    endpoint = f"http://localhost:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"moto server did not start:\n{log.read_text()[-2000:]}")
        yield endpoint, log
    finally:
        server.terminate()
        server.wait(timeout=10)


def _aws_env(endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CDK_"))}
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        # The CDK CLI caches the account of an access key id (~/.cdk/cache): a key of its own
        # keeps an earlier emulator's default account (123456789012) from being reused.
        AWS_ACCESS_KEY_ID=f"rehearsal-{ACCOUNT}",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_REGION=REGION,
        AWS_DEFAULT_REGION=REGION,
        CDK_DISABLE_CLI_TELEMETRY="true",
        PATH=f"{ROOT / 'node_modules' / '.bin'}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


def _cdk(*args: str, env: dict[str, str]) -> None:
    result = subprocess.run([str(CDK), *args, "--no-notices"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, f"cdk {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"


@pytest.fixture(scope="module")
def deployed(moto, tmp_path_factory):
    """Bootstrap moto's account and deploy the AccountBaseline stack with the CDK CLI."""
    if shutil.which(str(CDK)) is None:
        pytest.fail("the pinned CDK CLI is missing: run `make install`")
    endpoint, log = moto
    work = tmp_path_factory.mktemp("rehearsal")
    config = yaml.safe_load(DEFAULT_CONFIG_FILE.read_text())
    config["account_id"] = ACCOUNT
    config["region"] = REGION
    config.pop("tags")  # moto cannot create a tagged KMS key from CloudFormation (see the docstring)
    config["protection_tag"] = False  # the same: the guard rails' protection tag lands on the KMS keys
    config["termination_protection"] = False  # moto has no UpdateTerminationProtection (see the docstring)
    (work / "baseline.yaml").write_text(yaml.safe_dump(config))
    shutil.copytree(FIXTURES / "saml", work / "saml")  # the metadata it names, next to it
    env = _aws_env(endpoint)
    _cdk("bootstrap", f"aws://{ACCOUNT}/{REGION}", "--app", "", env=env)
    _cdk(
        "deploy", "AccountBaseline", "--require-approval", "never",
        "-c", f"config={work / 'baseline.yaml'}", "--output", str(work / "cdk.out"),
        env=env,
    )  # fmt: skip
    import boto3

    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    return (lambda service: session.client(service, endpoint_url=endpoint)), log


def test_the_stack_is_created(deployed):
    client, _ = deployed
    (stack,) = client("cloudformation").describe_stacks(StackName="IamBaseline")["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE"


def test_persona_roles_exist_with_their_mfa_trust(deployed):
    client, _ = deployed
    iam = client("iam")
    roles = {r["RoleName"]: r for r in iam.list_roles(PathPrefix="/baseline/")["Roles"]}
    assert {"Admin", "Developer", "ReadOnly", "Support"} <= set(roles)
    admin = iam.get_role(RoleName="Admin")["Role"]
    assert admin["MaxSessionDuration"] == 3600
    (statement,) = admin["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert statement["Condition"] == {
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
        "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
    }
    assert iam.get_role(RoleName="Developer")["Role"]["MaxSessionDuration"] == 28800


def test_managed_policies_and_attachments(deployed):
    client, _ = deployed
    iam = client("iam")
    policies = {p["PolicyName"]: p for p in iam.list_policies(Scope="Local", PathPrefix="/baseline/")["Policies"]}
    assert {"ForceMFA", "DeveloperBoundary", "DeveloperGuardrails"} <= set(policies)
    # A policy that names its roles (AWS::IAM::ManagedPolicy Roles) is attached by moto.
    attached = {p["PolicyName"] for p in iam.list_attached_role_policies(RoleName="GitHubDeploy")["AttachedPolicies"]}
    assert attached == {"GitHubDeployPermissions"}


def test_the_permissions_boundary_policy_is_deployed_with_its_denies(deployed):
    client, _ = deployed
    iam = client("iam")
    arn = f"arn:aws:iam::{ACCOUNT}:policy/baseline/DeveloperBoundary"
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    document = json.loads(document) if isinstance(document, str) else document
    denied = {a for s in document["Statement"] if s["Effect"] == "Deny" for a in _list(s.get("Action", []))}
    # (IAM user management, boundary removal, role management without the boundary and policy
    # edits are never allowed by the boundary or denied by its NotAction Deny of the baseline's
    # path: no Deny of their own; tests/test_boundary_equivalence.py.)
    assert {"secretsmanager:*", "sts:AssumeRole", "cloudformation:*Stack"} <= denied
    assert {"iam:Get*", "iam:List*"} in [set(_list(s["NotAction"])) for s in document["Statement"]
                                         if s["Effect"] == "Deny" and "NotAction" in s]


def _list(value):
    return value if isinstance(value, list) else [value]


def test_federated_and_ci_roles_exist(deployed):
    client, _ = deployed
    iam = client("iam")
    (statement,) = iam.get_role(RoleName="FederatedAdmin")["Role"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithSAML"
    assert statement["Principal"] == {"Federated": f"arn:aws:iam::{ACCOUNT}:saml-provider/ExampleIdP"}
    (statement,) = iam.get_role(RoleName="GitHubDeploy")["Role"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"}


def test_what_the_emulator_skipped_is_exactly_the_documented_list(deployed):
    """Groups, IdPs and secrets are not created by moto, and the password policy custom
    resource never runs (no Docker for its Lambda): the green test says nothing about them."""
    client, log = deployed
    skipped = {
        line.split("No Moto CloudFormation support for ")[1].strip()
        for line in log.read_text().splitlines()
        if "No Moto CloudFormation support for " in line
    }
    assert skipped == EMULATOR_SKIPS
    iam = client("iam")
    assert iam.list_groups()["Groups"] == []
    assert iam.list_saml_providers()["SAMLProviderList"] == []
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_account_password_policy()
    # moto ignores AWS::IAM::Role ManagedPolicyArns: the persona roles' policies are not attached.
    assert iam.list_attached_role_policies(RoleName="Developer")["AttachedPolicies"] == []
