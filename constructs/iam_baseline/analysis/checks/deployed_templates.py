"""The StackSets deploy what ``make check`` proved.

``make check`` reads each StackSet member template from its stage's nested cloud assembly
(``assembly-StackSetMember*/``), but CloudFormation deploys the ``TemplateBody`` written into
the ``AWS::CloudFormation::StackSet`` resource of the rollout stack. The two are made from
the same synthesis (:func:`iam_baseline.organization.stackset.synthesized_template_body`);
this check holds them together, so that neither a bug in how the body is built nor an edit of
the assembly between ``make check`` and ``cdk deploy`` can deploy a template that was not
proven: every ``TemplateBody`` must be, resource for resource, one of the assembly's stack
templates (CDK's ``aws:cdk:path`` metadata aside, which the body leaves out).

A member identity account's baseline (``IdentityAccount``, ``stacks/identity_account.py``) is
no StackSet: ``cdk deploy`` deploys its assembly template, the very file ``make check`` reads,
so it is proven as its own template and has no body to compare. Nor has a retiring StackSet
(:class:`iam_baseline.organization.RetiringStackSet`, kept one deploy while its accounts move to
other StackSets): without ``StackInstancesGroup`` it has no stack instance, so its placeholder
body reaches no account (a stack instance "is a reference to an attempted or actual stack in a
given account within a given Region": CloudFormation API Reference, ``StackInstance``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ...template_metadata import without_path_metadata
from ..model.stack_reader import load_stacks
from .matrix import CheckResult

CHECK = "stackset-template-proven"


def _canonical(template: dict[str, Any]) -> str:
    """``template`` without ``aws:cdk:path`` metadata, as sorted compact JSON."""
    return json.dumps(without_path_metadata(template), sort_keys=True, separators=(",", ":"))


def deployed_template_results(out_dir: str | Path) -> list[CheckResult]:
    """One result per ``AWS::CloudFormation::StackSet`` with a ``TemplateBody`` and stack
    instances in the assembly at ``out_dir``: passed when the body is one of the assembly's
    stack templates.

    Raises:
        FileNotFoundError: ``out_dir`` has no ``manifest.json``.
    """
    stacks = load_stacks(out_dir)
    proven = {_canonical(stack.template) for stack in stacks}
    results = []
    for stack in stacks:
        for logical_id, resource in stack.template.get("Resources", {}).items():
            body = resource.get("Properties", {}).get("TemplateBody") if resource.get("Type") == "AWS::CloudFormation::StackSet" else None
            if not isinstance(body, str) or not resource["Properties"].get("StackInstancesGroup"):
                continue  # no body, or no stack instance that would receive it
            name = resource["Properties"].get("StackSetName", logical_id)
            subject = f"StackSet {name} ({stack.stack_name}/{logical_id})"
            try:
                same = _canonical(json.loads(body)) in proven
            except ValueError:
                same = False
            results.append(CheckResult(
                CHECK, subject, "TemplateBody is a template make check read", same,
                f"{subject}: its TemplateBody is not any template of the assembly that make check proved; "
                "synthesize again (make synth) and check that assembly",
            ))
    return results
