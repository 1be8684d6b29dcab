"""Reading synthesized CloudFormation templates in tests: resolve ARNs, find statements.

Helpers only; the assertions live in the test modules. ARNs built by
:mod:`iam_baseline.identity.arns` are ``Fn::Join`` over ``AWS::Partition`` and
``AWS::AccountId``; :func:`resolve` turns them into the plain ARN of the test account, so a
test reads ``arn:aws:iam::111122223333:role/workload/*`` as IAM will.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: The account and region of the default config; unit stacks use the same.
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

#: Config variants that exercise the config-dependent acknowledgments: no users (empty
#: groups), and each read-only managed policy. Stack id -> changes to the default config.
VARIANTS = {
    "DefaultConfig": {},
    "NoUsersReadOnlyAccess": {"users": (), "roles": {"read_only_managed_policy": "ReadOnlyAccess"}},
    "SecurityAudit": {"roles": {"read_only_managed_policy": "SecurityAudit"}},
}

_PSEUDO = {"AWS::Partition": PARTITION, "AWS::AccountId": ACCOUNT, "AWS::Region": REGION}


def resolve(value: Any) -> Any:
    """Replace pseudo-parameter ``Ref``s and ``Fn::Join`` with strings, recursively.

    ``Ref`` to a resource becomes ``<Ref:LogicalId>`` and ``Fn::GetAtt`` ``<LogicalId.Attr>``,
    so they stay recognisable inside joined strings.
    """
    if isinstance(value, list):
        return [resolve(v) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"}:
        return _PSEUDO.get(value["Ref"], f"<Ref:{value['Ref']}>")
    if set(value) == {"Fn::GetAtt"}:
        return "<{}.{}>".format(*value["Fn::GetAtt"])
    if set(value) == {"Fn::Join"}:
        sep, parts = value["Fn::Join"]
        return sep.join(str(resolve(p)) for p in parts)
    return {k: resolve(v) for k, v in value.items()}


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


def statements(policy_document: dict) -> list[dict]:
    """The statements of a policy document, resolved (plain ARNs)."""
    return [resolve(s) for s in as_list(policy_document["Statement"])]


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

    Action names match case-insensitively, resources case-sensitively, ``*`` and ``?`` as
    wildcards, as in IAM. ``${aws:username}`` is replaced by ``username`` when given (the
    caller), else compared literally.
    """
    if "Action" in stmt:
        action_ok = _matches(as_list(stmt["Action"]), action, case_sensitive=False)
    else:
        action_ok = not _matches(as_list(stmt["NotAction"]), action, case_sensitive=False)
    patterns = as_list(stmt["Resource"])
    if username is not None:
        patterns = [p.replace("${aws:username}", username) for p in patterns]
    return action_ok and _matches(patterns, resource, case_sensitive=True)


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
