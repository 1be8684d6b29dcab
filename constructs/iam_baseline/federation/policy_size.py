"""Policy size quotas, measured the way IAM measures them: whitespace excluded.

IAM counts every character of a policy document except white space. The quotas that
federation meets first:

* role trust policy: 2,048 characters by default, raisable to 4,096 through Service Quotas
  (several IdPs trusting one role, or many ``sub`` values, reach it quickly);
* the inline policy of an IAM Identity Center permission set: 10,240 characters.

Synthesized documents still hold CloudFormation intrinsics (``Fn::Join`` over
``AWS::Partition`` and ``AWS::AccountId``); :func:`render_intrinsics` replaces them with the
values IAM will see, so the size checked is the size deployed.

Sources: IAM User Guide, "IAM and AWS STS quotas" (role trust policy length);
IAM Identity Center User Guide, "IAM Identity Center quotas" (inline policy size).
"""

from __future__ import annotations

from ..errors import BaselineError
from ..partitions import partition_of

import json
from typing import Any

#: Default IAM quota "Role trust policy length" (characters, whitespace excluded).
TRUST_POLICY_DEFAULT_MAX_CHARS = 2048
#: Largest value the trust policy length quota can be raised to.
TRUST_POLICY_QUOTA_CEILING = 4096
#: IAM quota "Managed policy length" (characters, whitespace excluded); it cannot be raised.
MANAGED_POLICY_MAX_CHARS = 6144
#: Length assumed for a reference to another resource (a role ARN held by ``Fn::GetAtt``)
#: when a policy is measured before deployment: an ARN with a short path and a 64-character name.
REFERENCE_PLACEHOLDER_CHARS = 128
#: IAM Identity Center quota: inline policy of a permission set (characters, whitespace excluded).
PERMISSION_SET_INLINE_POLICY_MAX_CHARS = 10240


class PolicySizeError(BaselineError):
    """A policy document is longer than its quota; the message says by how much."""


def policy_length(document: Any) -> int:
    """Characters of ``document`` (a JSON-able policy) as IAM counts them: no white space."""
    text = document if isinstance(document, str) else json.dumps(document, separators=(",", ":"))
    return sum(1 for char in text if not char.isspace())


def check_policy_size(document: Any, *, limit: int, what: str, hint: str = "") -> int:
    """Return the length of ``document``; raise when it exceeds ``limit`` characters.

    Args:
        document: the policy (dict or JSON text), intrinsics already rendered.
        limit: the quota in characters, whitespace excluded.
        what: names the policy in the message, e.g. ``trust policy of role SamlAdmin``.
        hint: appended to the message: how to get under the quota.

    Raises:
        PolicySizeError: ``"<what> is N characters (whitespace excluded), M over the quota of L"``.
    """
    length = policy_length(document)
    if length > limit:
        message = f"{what} is {length} characters (whitespace excluded), {length - limit} over the quota of {limit}"
        raise PolicySizeError(message + (f"; {hint}" if hint else ""))
    return length


def partition_for_size(region: str | None) -> str:
    """The partition of a region code for measuring a policy; an unknown (token) region gets
    ``aws-us-gov``, the longest partition name, so the measure is never too short."""
    if not region or region.startswith("${Token"):
        return "aws-us-gov"
    return partition_of(region)


def render_intrinsics(
    value: Any,
    *,
    partition: str,
    account_id: str,
    region: str,
    stack_name: str | None = None,
    placeholder_references: bool = False,
) -> Any:
    """Replace ``Ref`` of pseudo parameters and ``Fn::Join`` with the strings IAM will see.

    With ``placeholder_references``, any other intrinsic (a reference to a resource, known
    only at deployment) becomes :data:`REFERENCE_PLACEHOLDER_CHARS` characters.

    Raises:
        ValueError: for any other intrinsic, unless ``placeholder_references``.
    """
    pseudo = {"AWS::Partition": partition, "AWS::AccountId": account_id, "AWS::Region": region}
    if stack_name:
        pseudo["AWS::StackName"] = stack_name
    pseudo["AWS::URLSuffix"] = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"

    def render(node: Any) -> Any:
        if isinstance(node, list):
            return [render(item) for item in node]
        if not isinstance(node, dict):
            return node
        if set(node) == {"Ref"} and node["Ref"] in pseudo:
            return pseudo[node["Ref"]]
        if set(node) == {"Fn::Join"}:
            separator, parts = node["Fn::Join"]
            return separator.join(str(render(part)) for part in parts)
        if len(node) == 1 and next(iter(node)).startswith(("Fn::", "Ref")):
            if placeholder_references:
                return "r" * REFERENCE_PLACEHOLDER_CHARS
            raise ValueError(f"cannot measure a policy that holds {json.dumps(node)}")
        return {key: render(item) for key, item in node.items()}

    return render(value)


#: Set on a StackSet's member template stack (:class:`iam_baseline.organization.ServiceManagedStackSet`):
#: the name CloudFormation gives each stack instance, ``StackSet-<StackSet name>-<UUID>``, as
#: long as it will be; the stage's own stack name is shorter and never deployed.
DEPLOYED_STACK_NAME_ATTRIBUTE = "deployed_stack_name"


def stackset_instance_name(stack_set_name: str) -> str:
    """The length-true name of a stack instance of ``stack_set_name`` (a zero UUID)."""
    return f"StackSet-{stack_set_name}-00000000-0000-0000-0000-000000000000"


def rendered_for_size(stack: Any, document: Any, *, placeholder_references: bool = True) -> Any:
    """``document`` (resolved in ``stack``, a CDK Stack) with the values IAM will see in the
    stack's account and region; with ``placeholder_references`` a reference to another
    resource counts as :data:`REFERENCE_PLACEHOLDER_CHARS` characters (else ValueError).
    A StackSet member's ``AWS::StackName`` is its stack instances' name
    (:data:`DEPLOYED_STACK_NAME_ATTRIBUTE`). The measures against each quota are made by
    :mod:`iam_baseline.quotas.synth_check`."""
    deployed = getattr(stack, DEPLOYED_STACK_NAME_ATTRIBUTE, None)
    return render_intrinsics(
        stack.resolve(document),
        partition=partition_for_size(stack.region),
        account_id=stack.account if stack.account.isdigit() else "123456789012",
        region=stack.region if not stack.region.startswith("${Token") else "ap-southeast-7",
        stack_name=deployed or (None if stack.stack_name.startswith("${Token") else stack.stack_name),
        placeholder_references=placeholder_references,
    )


def deployed_text(stack: Any, value: Any) -> str | None:
    """A name or path (resolved in ``stack``) as IAM will see it, or None when it is only
    known at deployment (it refers to another resource)."""
    if value is None:
        return None
    try:
        rendered = rendered_for_size(stack, value, placeholder_references=False)
    except ValueError:
        return None
    return rendered if isinstance(rendered, str) and "${Token" not in rendered else None
