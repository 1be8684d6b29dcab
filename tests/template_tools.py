"""Reading synthesized CloudFormation templates in tests: resolve ARNs, find statements;
the config variants the app-level tests synthesize.

Helpers only; the assertions live in the test modules. ARNs built by
:mod:`iam_baseline.identity.arns` are ``Fn::Join`` over ``AWS::Partition`` and
``AWS::AccountId``; :func:`resolve` turns them into the plain ARN of the test account, so a
test reads ``arn:aws:iam::111122223333:role/workload/*`` as IAM will.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent

#: The suite's own configs: copies of the shipped examples with the files they reference
#: (SAML metadata, break-glass lock). Tests read these, never config/*.yaml, which the user
#: edits (tests/test_project_configs.py validates those without naming their values).
FIXTURES = ROOT / "tests" / "fixtures"
DEFAULT_CONFIG_FILE = FIXTURES / "baseline.yaml"
ORGANIZATION_CONFIG_FILE = FIXTURES / "organization.yaml"
#: Detection as config/examples/hub-and-spoke.yaml has it (tests/fixtures/hub-and-spoke.yaml has
#: none), as YAML text to append to that fixture: the organization analyzers in the audit
#: account (its delegated administrator), account analyzers in two regions.
HUB_DETECTION = """
detection:
  alerts:
    emails: [security@example.com]
  access_analyzer:
    scope: organization
    delegated_administrator: audit
    regions: [eu-west-1, eu-central-1]
    unused_access: {unused_access_age_days: 90}
"""

#: The account and region of the default config fixture; unit stacks use the same.
ACCOUNT = "111122223333"
REGION = "eu-west-1"
PARTITION = "aws"

#: What the CDK CLI hands the app on ``cdk synth``: the context of cdk.json (feature flags)
#: plus path metadata. In-process apps get the same, so tests judge the template ``cdk synth``
#: writes.
CDK_CONTEXT: dict[str, Any] = {
    **json.loads((ROOT / "cdk.json").read_text())["context"],
    "aws:cdk:enable-path-metadata": True,
}

def default_config_data() -> dict[str, Any]:
    """The default config fixture as plain YAML data: the starting point of every config variant."""
    return yaml.safe_load(DEFAULT_CONFIG_FILE.read_text())


#: Where the files that the default config fixture names (SAML metadata) are, relative to it.
CONFIG_FOLDER = FIXTURES


def config_from_data(data: dict[str, Any], source: str = "variant.yaml", folder: Path = CONFIG_FOLDER):
    """The validated config of YAML ``data`` (raises ConfigError as the loader does); the
    files it names are looked up in ``folder``, as for a config file in that folder.

    Without the access matrix: it names the default's principals, which a variant may
    rename or remove (the loader refuses a reference to a principal that does not exist),
    and no template depends on it."""
    from iam_baseline.config import parse_config

    data = {key: value for key, value in data.items() if key != "access_matrix"}
    return parse_config(yaml.safe_dump(data), source, folder=folder)


def _no_users_read_only_access(data: dict[str, Any]) -> None:
    data["users"] = []  # the persona groups stay empty (the break-glass group still has users)
    data["roles"]["read_only_managed_policy"] = "ReadOnlyAccess"


def _security_audit(data: dict[str, Any]) -> None:
    data["roles"]["read_only_managed_policy"] = "SecurityAudit"


def _optional_parts(data: dict[str, Any]) -> None:
    """What the default leaves out: a break-glass role (not users), an account alias, a SAML
    Support role, an Identity Center user assigned by name (looked up at deploy time),
    machine roles and service roles."""
    data["break_glass"] = {
        "mode": "role",
        "role_name": "BreakGlassAdmin",
        "trusted_principals": ["arn:aws:iam::444455556666:user/breakglass/alice"],
    }
    data["account_alias"] = "acme-production"
    data["federation"]["saml"]["roles"].append(
        {"name": "FederatedSupport", "persona": "support", "providers": ["ExampleIdP"]}
    )
    data["federation"]["identity_center"]["assignments"].append(
        {"permission_set": "Support", "principal_type": "USER", "principal_name": "alice@example.com",
         "account_ids": [ACCOUNT]}
    )
    data["federation"]["identity_center"]["identity_store"]["existing_users"] = ["alice@example.com"]
    # Machine roles holding every read-only policy a machine role may hold (their acknowledgments).
    data["machine_roles"] = [
        {"name": "Scanner", "reason": "A vendor's scanner reads configuration.",
         "third_party": {"account_id": "777788889999", "external_id": "vendor-0001"},
         "aws_managed_policies": ["SecurityAudit", "job-function/ViewOnlyAccess"]},
        {"name": "Collector", "reason": "The monitoring automation reads metrics.",
         "automation": {"role_arn": f"arn:aws:iam::{ACCOUNT}:role/tooling/Collector"},
         "aws_managed_policies": ["CloudWatchReadOnlyAccess", "ReadOnlyAccess"]},
    ]
    # Service roles holding them too: an EC2 role (instance profile) and an ECS task role.
    data["service_roles"] = [
        {"name": "AppInstance", "reason": "The app's EC2 instances read their metrics.", "service": "ec2.amazonaws.com",
         "aws_managed_policies": ["CloudWatchReadOnlyAccess", "ReadOnlyAccess"], "passed_by": ["developer"]},
        {"name": "AuditTask", "reason": "An ECS task audits the configuration.", "service": "ecs-tasks.amazonaws.com",
         "aws_managed_policies": ["SecurityAudit", "job-function/ViewOnlyAccess"]},
    ]


def _organization(data: dict[str, Any]) -> None:
    """The organization example: StackSet member templates (the inline password-policy
    handler) and sharded Identity Center assignments."""
    data.clear()
    data.update(yaml.safe_load(ORGANIZATION_CONFIG_FILE.read_text()))


#: Config variants that exercise the config-dependent acknowledgments: the default, no users
#: (empty groups) with each other read-only managed policy, and the optional parts. Variant id
#: -> the change to the default config's YAML data.
VARIANTS: dict[str, Callable[[dict[str, Any]], None]] = {
    "DefaultConfig": lambda data: None,
    "NoUsersReadOnlyAccess": _no_users_read_only_access,
    "SecurityAudit": _security_audit,
    "OptionalParts": _optional_parts,
    "Organization": _organization,
}


def variant_config(variant_id: str):
    """The validated config of ``VARIANTS[variant_id]``."""
    data = default_config_data()
    VARIANTS[variant_id](data)
    return config_from_data(data, f"{variant_id}.yaml")


#: ``UpdateAccountPasswordPolicy`` parameters of the default config: CIS 1.8 (length >= 14,
#: Security Hub IAM.15) and 1.9 (reuse prevention 24, Security Hub IAM.16).
CIS_PASSWORD_POLICY_PARAMETERS = {
    "MinimumPasswordLength": 14,
    "RequireSymbols": True,
    "RequireNumbers": True,
    "RequireUppercaseCharacters": True,
    "RequireLowercaseCharacters": True,
    "AllowUsersToChangePassword": True,
    "HardExpiry": False,
    "MaxPasswordAge": 90,
    "PasswordReusePrevention": 24,
}

_PSEUDO = {"AWS::Partition": PARTITION, "AWS::AccountId": ACCOUNT, "AWS::Region": REGION}


def resolve(value: Any, *, stack_name: str | None = None) -> Any:
    """Replace pseudo-parameter ``Ref``s and ``Fn::Join`` with strings, recursively.

    ``AWS::StackName`` becomes ``stack_name`` when given. ``Ref`` to a resource (or to an
    unknown pseudo parameter) becomes ``<Ref:LogicalId>`` and ``Fn::GetAtt``
    ``<LogicalId.Attr>``, so they stay recognisable inside joined strings.
    """
    pseudo = _PSEUDO if stack_name is None else {**_PSEUDO, "AWS::StackName": stack_name}

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            return [walk(v) for v in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"}:
            return pseudo.get(value["Ref"], f"<Ref:{value['Ref']}>")
        if set(value) == {"Fn::GetAtt"}:
            return "<{}.{}>".format(*value["Fn::GetAtt"])
        if set(value) == {"Fn::Join"}:
            sep, parts = value["Fn::Join"]
            return sep.join(str(walk(p)) for p in parts)
        return {k: walk(v) for k, v in value.items()}

    return walk(value)


def as_list(value: Any) -> list:
    """IAM allows a single value or a list for Action, Resource, ...: always a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def resources(template: dict, type_: str) -> dict[str, dict]:
    """Logical id -> resource, for every resource of CloudFormation type ``type_``."""
    return {k: v for k, v in template["Resources"].items() if v["Type"] == type_}


def resource_at(template: dict, construct_path: str) -> dict:
    """The resource whose ``aws:cdk:path`` ends with ``/construct_path`` (below the stack)."""
    found = [
        r
        for r in template["Resources"].values()
        if r.get("Metadata", {}).get("aws:cdk:path", "").split("/", 1)[-1] == construct_path
    ]
    assert len(found) == 1, f"{len(found)} resources at {construct_path}"
    return found[0]


def logical_id_at(template: dict, construct_path: str) -> str:
    resource = resource_at(template, construct_path)
    return next(k for k, v in template["Resources"].items() if v is resource)


def statements(policy_document: dict, *, stack_name: str | None = None) -> list[dict]:
    """The statements of a policy document, resolved (plain ARNs; see :func:`resolve`)."""
    return [resolve(s, stack_name=stack_name) for s in as_list(policy_document["Statement"])]


def statement(policy_document: dict, sid: str) -> dict:
    found = [s for s in statements(policy_document) if s.get("Sid") == sid]
    assert len(found) == 1, f"{len(found)} statements with Sid {sid}"
    return found[0]


def _matches(patterns: list[str], value: str, *, case_sensitive: bool) -> bool:
    if case_sensitive:
        return any(fnmatchcase(value, p) for p in patterns)
    return any(fnmatchcase(value.lower(), p.lower()) for p in patterns)


def applies_to(stmt: dict, action: str, resource: str, *, username: str | None = None) -> bool:
    """Whether ``stmt`` covers ``action`` on ``resource``, ignoring its Condition.

    ``NotAction``/``NotResource`` cover everything their patterns do not match. Action names
    match case-insensitively, resources case-sensitively, ``*`` and ``?`` as wildcards, as in
    IAM. ``${aws:username}`` is replaced by ``username`` when given (the caller), else
    compared literally.
    """
    if "Action" in stmt:
        action_ok = _matches(as_list(stmt["Action"]), action, case_sensitive=False)
    else:
        action_ok = not _matches(as_list(stmt["NotAction"]), action, case_sensitive=False)
    negated = "NotResource" in stmt
    patterns = as_list(stmt["NotResource" if negated else "Resource"])
    if username is not None:
        patterns = [p.replace("${aws:username}", username) for p in patterns]
    return action_ok and _matches(patterns, resource, case_sensitive=True) is not negated


@dataclass(frozen=True)
class AssemblyStack:
    """One stack of a synthesized cloud assembly, as its manifest.json describes it."""

    artifact_id: str
    stack_name: str
    account: str
    region: str
    template: Path


def assembly_stacks(outdir: Path) -> list[AssemblyStack]:
    """The CloudFormation stacks of the cloud assembly in ``outdir`` (read from its
    manifest.json, so also of an assembly whose synth failed validation)."""
    manifest = json.loads((outdir / "manifest.json").read_text())
    found = []
    for artifact_id, artifact in manifest["artifacts"].items():
        if artifact["type"] == "aws:cloudformation:stack":
            account, region = artifact["environment"].removeprefix("aws://").split("/")
            properties = artifact["properties"]
            found.append(AssemblyStack(artifact_id, properties.get("stackName", artifact_id), account, region,
                                       outdir / properties["templateFile"]))
    return found


def assembly_templates(outdir: Path) -> dict[str, dict]:
    """Artifact id (the stack's construct id, e.g. ``AccountBaseline``) -> template, for every
    stack of the cloud assembly in ``outdir``."""
    return {s.artifact_id: json.loads(s.template.read_text()) for s in assembly_stacks(outdir)}


def synth_stack(build: Callable[[Any], Any], outdir: Path) -> dict:
    """Synthesize the stack that ``build(app)`` returns, in an app with cdk.json's context.

    No nag packs and no acknowledgments: unit tests judge what a construct or stack emits.
    ``outdir``: a fresh directory for the cloud assembly.
    """
    from aws_cdk import App

    app = App(outdir=str(outdir), context=CDK_CONTEXT, stack_traces=False)
    stack = build(app)
    return app.synth().get_stack_by_name(stack.stack_name).template


def synth_unit_stack(build: Callable[[Any], None], outdir: Path) -> dict:
    """Synthesize a bare Stack (account/region of the default config) after ``build(stack)``."""
    from aws_cdk import Environment, Stack

    def in_bare_stack(app):
        stack = Stack(app, "Unit", env=Environment(account=ACCOUNT, region=REGION))
        build(stack)
        return stack

    return synth_stack(in_bare_stack, outdir)


def iam_arn(resource: str) -> str:
    """``arn:aws:iam::111122223333:<resource>``: an ARN as :func:`resolve` renders it."""
    return f"arn:{PARTITION}:iam::{ACCOUNT}:{resource}"


def break_glass_role_data(count: int) -> dict[str, Any]:
    """The default config data with a break-glass role trusting ``count`` long but valid ARNs
    (a path per team, a 64-character name): ten of them overflow the 2,048-character trust
    policy quota, five fit."""
    data = default_config_data()
    data["break_glass"] = {
        "mode": "role",
        "role_name": "BreakGlassAdmin",
        "trusted_principals": [
            f"arn:aws:iam::444455556666:role/emergency/platform-team/{i:02d}/" + "break-glass-operator-".ljust(64, "x")
            for i in range(count)
        ],
    }
    return data


def with_saml_providers(config, *, declared: dict[str, str | None]):
    """``config`` (validated) whose ``federation.saml.providers`` declare MFA at the identity
    provider as ``declared`` says (provider name -> reason, or None: not declared; a name the
    config lacks is added, with the first provider's metadata). Built without validation, as a
    ``make check`` run of an older template would read it: the load-time refusal
    (config/saml_mfa.py) is tested on its own."""
    from iam_baseline.config.saml import IdentityProviderMfa

    saml = config.federation.saml
    providers = {p.name: p for p in saml.providers}
    for name in declared:
        providers.setdefault(name, saml.providers[0].model_copy(update={"name": name}))
    providers = {name: p.model_copy(update={"mfa_at_identity_provider": (
        IdentityProviderMfa(reason=declared[name]) if declared.get(name) else None) if name in declared
        else p.mfa_at_identity_provider}) for name, p in providers.items()}
    federation = config.federation.model_copy(update={"saml": saml.model_copy(update={"providers": tuple(providers.values())})})
    return config.model_copy(update={"federation": federation})
