"""SCPs and RCPs as ``AWS::Organizations::Policy`` resources, checked against Organizations' quotas.

Guard rails that share the same targets are packed, in order, into as few policies as fit
the size quota, so the default set stays within the 5 policies per target. Checked at synth,
before anything is deployed (:class:`~iam_baseline.errors.BaselineError`):

* a policy document over :data:`MAX_POLICY_CHARACTERS` (5,120 characters for SCPs and RCPs;
  measured as minified JSON, the smallest form of the document: whitespace outside strings
  counts too, so a document near the limit is refused rather than trusted to a serializer);
* a target (root or OU) with more than :data:`MAX_POLICIES_PER_TARGET` policies of one type,
  counting the ``FullAWSAccess`` SCP (or ``RCPFullAWSAccess``) that stays attached in the
  deny-list model.

Sources: AWS Organizations User Guide, "Quotas and service limits for AWS Organizations"
(maximum policy size, policies attached per root/OU/account), "Service control policies",
"Resource control policies"; CloudFormation resource ``AWS::Organizations::Policy``.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import aws_organizations as organizations
from constructs import Construct

from ..errors import BaselineError

#: Maximum size of an SCP or RCP document, in characters (Organizations quotas).
MAX_POLICY_CHARACTERS = 5120

#: Maximum number of SCPs (or RCPs) attached to one root, OU or account (Organizations quotas).
MAX_POLICY_ATTACHMENTS_PER_TARGET = 5
MAX_POLICIES_PER_TARGET = MAX_POLICY_ATTACHMENTS_PER_TARGET


class PolicyType(str, enum.Enum):
    """``AWS::Organizations::Policy`` ``Type`` values the baseline creates, with the AWS managed
    policy that stays attached to every target in the deny-list model."""

    SERVICE_CONTROL_POLICY = "SERVICE_CONTROL_POLICY"
    RESOURCE_CONTROL_POLICY = "RESOURCE_CONTROL_POLICY"

    @property
    def full_access_policy(self) -> str:
        return "FullAWSAccess" if self is PolicyType.SERVICE_CONTROL_POLICY else "RCPFullAWSAccess"


@dataclass(frozen=True)
class PolicySpec:
    """One policy to create: name, type, document, targets ('root' or OU paths), description."""

    name: str
    type: PolicyType
    document: Mapping[str, Any]
    targets: tuple[str, ...]
    description: str

    @property
    def content(self) -> str:
        """The document as minified JSON (what the size quota is measured on)."""
        return json.dumps(self.document, separators=(",", ":"))


def _document(statements: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def pack(
    groups: Sequence[tuple[str, Sequence[Mapping[str, Any]], tuple[str, ...], str]],
    *,
    prefix: str,
    type: PolicyType,
    base_name: str = "Guardrails",
) -> list[PolicySpec]:
    """Pack ``(name, statements, targets, description)`` groups into policies.

    Groups with equal targets share policies, filled in order up to :data:`MAX_POLICY_CHARACTERS`;
    a group whose statements alone are too big is still refused by :func:`check_policies`.
    Policies are named ``<prefix>-<base_name>``, then ``-2``, ``-3``... in order.
    """
    by_targets: dict[tuple[str, ...], list[tuple[str, Sequence[Mapping[str, Any]], str]]] = {}
    for name, statements, targets, description in groups:
        by_targets.setdefault(tuple(targets), []).append((name, statements, description))
    specs: list[PolicySpec] = []
    for targets, members in by_targets.items():
        bins: list[tuple[list[str], list[Mapping[str, Any]], list[str]]] = []
        for name, statements, description in members:
            if bins:
                names, content, why = bins[-1]
                if len(json.dumps(_document([*content, *statements]), separators=(",", ":"))) <= MAX_POLICY_CHARACTERS:
                    names.append(name)
                    content.extend(statements)
                    why.append(description)
                    continue
            bins.append(([name], list(statements), [description]))
        for names, content, why in bins:
            suffix = "" if not specs else f"-{len(specs) + 1}"
            specs.append(
                PolicySpec(f"{prefix}-{base_name}{suffix}", type, _document(content), targets, f"{', '.join(names)}: {' '.join(why)}"[:512])
            )
    return specs


def check_policies(specs: Sequence[PolicySpec]) -> None:
    """Refuse a policy over the size quota or a target over the attachment quota.

    Raises:
        BaselineError: naming the policy (its size) or the target (its policies).
    """
    for spec in specs:
        size = len(spec.content)
        if size > MAX_POLICY_CHARACTERS:
            raise BaselineError(
                f"{spec.type.value} {spec.name} is {size} characters, over the {MAX_POLICY_CHARACTERS}-character "
                "quota of AWS Organizations; split it or attach fewer guard rails to the same targets"
            )
    attached: dict[tuple[PolicyType, str], list[str]] = {}
    for spec in specs:
        for target in spec.targets:
            attached.setdefault((spec.type, target), [spec.type.full_access_policy]).append(spec.name)
    for (type_, target), names in attached.items():
        if len(names) > MAX_POLICIES_PER_TARGET:
            raise BaselineError(
                f"{target!r} would have {len(names)} {type_.value}s attached ({', '.join(names)}), over the quota of "
                f"{MAX_POLICIES_PER_TARGET} per root, OU or account ({type_.full_access_policy} stays attached in the "
                "deny-list model); attach some guard rails to other targets or switch some off"
            )


class OrganizationPolicies(Construct):
    """One ``AWS::Organizations::Policy`` per :class:`PolicySpec`, attached to its targets.

    Args:
        scope: parent construct (a stack of the management account).
        id: construct id.
        specs: the policies; checked by :func:`check_policies` first.
        target_ids: 'root' or OU path -> root id (``r-...``) or OU id (``ou-...``).

    Attributes:
        policies: policy name -> ``CfnPolicy``.

    Raises:
        BaselineError: a quota is exceeded, or a target has no id.
    """

    def __init__(self, scope: Construct, id: str, *, specs: Sequence[PolicySpec], target_ids: Mapping[str, str]) -> None:
        super().__init__(scope, id)
        check_policies(specs)
        self.policies: dict[str, organizations.CfnPolicy] = {}
        for spec in specs:
            missing = [t for t in spec.targets if t not in target_ids]
            if missing:
                raise BaselineError(f"{spec.name}: no id for the targets {missing}")
            self.policies[spec.name] = organizations.CfnPolicy(
                self,
                spec.name,
                name=spec.name,
                type=spec.type.value,
                content=dict(spec.document),
                description=spec.description,
                target_ids=[target_ids[t] for t in spec.targets],
            )
