"""Measure what synth built against every quota of :mod:`.limits`, before a template is written.

IAM and IAM Identity Center refuse an oversized policy, an eleventh managed policy or a
65-character role name only at deployment, after other resources of the stack were created
(and rolled back). The check reads the CloudFormation properties the constructs resolved to,
not the config, so it judges whatever the config (personas, groups, policies, federation,
break-glass, Identity Center) makes the stacks deploy, however many there are:

* per role, user and group: managed policies attached (``ManagedPolicyArns`` plus the
  ``Roles``/``Users``/``Groups`` of each ``AWS::IAM::ManagedPolicy``), the size of all its
  inline policies together (``Policies`` plus each ``AWS::IAM::Policy`` naming it), name and
  path; per user: the groups it is a member of;
* per role: the trust policy size; per managed policy: its size and name;
* per permission set: inline policy size, managed policies (AWS managed and customer
  managed references), name; per SAML provider: its name;
* per EventBridge rule: the size of its event pattern (the alert and forwarding rules list
  the baseline's names, users and expected principals, which grow with the config).

Sizes are measured as IAM counts them (no white space) with intrinsics rendered to the
values IAM will see (:func:`iam_baseline.federation.policy_size.rendered_for_size`). Every
violation of the whole app is reported at once, each with the config key that built the
construct (:mod:`iam_baseline.config.provenance`), the figure, the limit and the quota page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..config.names_lock import IdentityKind
from ..errors import BaselineError
from ..federation.policy_size import deployed_text as _text
from ..federation.policy_size import policy_length, rendered_for_size
from . import limits as q


@dataclass(frozen=True)
class QuotaViolation:
    """One figure over one quota: ``what`` names the IAM object (``role Admin``)."""

    quota: q.Quota
    what: str
    figure: int
    limit: int
    construct_path: str
    #: For a name: why IAM refuses its characters (empty when only the length is wrong).
    refused: str = ""

    def problem(self) -> str:
        """The figure and the limit in words (without the config key)."""
        if self.refused:
            return f"{self.what} {self.refused}; allowed: {self.quota.allowed}"
        if self.quota.unit in (q.SIZE_UNIT, q.PATTERN_UNIT):
            verb = f"is {self.figure} {self.quota.unit}"
        elif self.quota.pattern is not None:
            verb = f"is {self.figure} {self.quota.unit} long"
        elif self.quota is q.GROUPS_PER_USER:
            verb = f"is a member of {self.figure} groups"
        else:
            verb = f"has {self.figure} {self.quota.unit} attached"
        return f"{self.what} {verb}, {self.figure - self.limit} over the quota of {self.limit}"


#: A policy size above this share of its quota is reported as a warning (never an error): the
#: next protected name or passed role may cross it (IAM refuses the policy only at deployment).
NEAR_QUOTA_SHARE = 0.9


@dataclass(frozen=True)
class NearQuota:
    """A policy size within 10% of its quota (:data:`NEAR_QUOTA_SHARE`), not over it."""

    quota: q.Quota
    what: str
    figure: int
    limit: int
    construct_path: str

    def warning(self, where: Callable[[str], str]) -> str:
        """``"<where>: <what> is N characters (...), P% of the quota of L (R left)"``."""
        share = 100 * self.figure // self.limit
        return (f"{where(self.construct_path)}: {self.what} is {self.figure:,} {self.quota.unit}, {share}% of "
                f"the quota of {self.limit:,} ({self.limit - self.figure:,} left); {self.quota.cite(self.limit)}")


class QuotaError(BaselineError):
    """Synth built something over an IAM, IAM Identity Center or EventBridge quota; every
    violation is listed, under a first line that names the services whose quotas they are."""

    def __init__(self, violations: list[QuotaViolation], where: Callable[[str], str]):
        self.violations = violations
        lines = [f"  - {where(v.construct_path)}: {v.problem()}; {v.quota.cite(v.limit)}" for v in violations]
        exceeded = {v.quota.service for v in violations}
        services = [s for s in dict.fromkeys(quota.service for quota in q.ALL_QUOTAS) if s in exceeded]
        named = " and ".join([", ".join(services[:-1]), services[-1]] if len(services) > 1 else services)
        count = len(violations)
        super().__init__(
            f"{count} {named} quota{'s' * (count != 1)} exceeded; nothing was deployed:\n" + "\n".join(lines)
        )


@dataclass
class _Identity:
    kind: IdentityKind  # ROLE, USER or GROUP
    name: str
    construct_path: str
    managed: int = 0
    inline: list[Any] = field(default_factory=list)
    groups: int = 0


def _default_where(construct_path: str) -> str:
    from ..config.provenance import config_key_for

    return config_key_for(construct_path) or "the baseline itself"


def _list(stack: Any, value: Any) -> list[Any]:
    resolved = stack.resolve(value) if value is not None else None
    return resolved if isinstance(resolved, list) else []


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


class _Measure:
    """Collects the violations of one app (all its stacks, nested ones and stages included)."""

    def __init__(self, quotas: Any, trust_policy_length: int):
        self.quotas = quotas
        self.trust_policy_length = trust_policy_length
        self.violations: list[QuotaViolation] = []
        self.near: list[NearQuota] = []
        self.sizes: dict[str, int] = {}

    def over(self, quota: q.Quota, what: str, figure: int, limit: int, path: str) -> None:
        self.sizes[f"{quota.name}: {what}"] = figure
        if figure > limit:
            self.violations.append(QuotaViolation(quota, what, figure, limit, path))
        elif quota.unit in (q.SIZE_UNIT, q.PATTERN_UNIT) and figure > NEAR_QUOTA_SHARE * limit:
            self.near.append(NearQuota(quota, what, figure, limit, path))

    def name(self, quota: q.Quota, what: str, name: str | None, path: str) -> None:
        if name is None:
            return
        label = f"{what} {name!r}"
        if len(name) > quota.default:
            self.violations.append(QuotaViolation(quota, label, len(name), quota.default, path))
        if quota is q.PATH:
            refused = "" if quota.pattern.fullmatch(name) else "does not begin and end with '/' around printable ASCII"
        else:
            bad = "".join(sorted({c for c in name if not quota.pattern.fullmatch(c)}))
            refused = f"holds characters IAM refuses ({bad!r})" if bad else ""
        if refused:
            self.violations.append(QuotaViolation(quota, label, len(name), quota.default, path, refused))

    def stack(self, stack: Any, constructs: list[Any]) -> None:
        from aws_cdk import aws_events as events
        from aws_cdk import aws_iam as iam
        from aws_cdk import aws_sso as sso

        by_ref: dict[str, _Identity] = {}
        identities: list[_Identity] = []
        kinds = ((iam.CfnRole, IdentityKind.ROLE, "role_name", q.ROLE_NAME),
                 (iam.CfnUser, IdentityKind.USER, "user_name", q.USER_NAME),
                 (iam.CfnGroup, IdentityKind.GROUP, "group_name", q.GROUP_NAME))
        for construct in constructs:
            for cls, kind, name_attr, name_quota in kinds:
                if not isinstance(construct, cls):
                    continue
                path = construct.node.path
                name = _text(stack, getattr(construct, name_attr))
                identity = _Identity(kind, name or path, path)
                identity.managed = len(_list(stack, construct.managed_policy_arns))
                identity.inline = [p.get("policyDocument") for p in _list(stack, construct.policies)]
                if kind is IdentityKind.USER:
                    identity.groups = len(_list(stack, construct.groups))
                identities.append(identity)
                by_ref[_key({"Ref": stack.resolve(construct.logical_id)})] = identity
                if name:
                    by_ref[_key(name)] = identity
                self.name(name_quota, f"{kind.value} name", name, path)
                self.name(q.PATH, f"path of {kind.value} {identity.name}", _text(stack, construct.path), path)
                if kind is IdentityKind.ROLE and construct.assume_role_policy_document is not None:
                    self.over(q.ROLE_TRUST_POLICY_SIZE, f"trust policy of role {identity.name}",
                              policy_length(rendered_for_size(stack, construct.assume_role_policy_document)),
                              self.trust_policy_length, path)

        def attached(construct: Any) -> list[_Identity]:
            refs = [*_list(stack, construct.roles), *_list(stack, construct.users), *_list(stack, construct.groups)]
            return [by_ref[_key(ref)] for ref in refs if _key(ref) in by_ref]

        for construct in constructs:
            path = construct.node.path
            if isinstance(construct, iam.CfnManagedPolicy):
                name = _text(stack, construct.managed_policy_name)
                self.name(q.POLICY_NAME, "managed policy name", name, path)
                self.name(q.PATH, f"path of managed policy {name or path}", _text(stack, construct.path), path)
                self.over(q.MANAGED_POLICY_SIZE, f"managed policy {name or path}",
                          policy_length(rendered_for_size(stack, construct.policy_document)), q.MANAGED_POLICY_SIZE.default, path)
                for identity in attached(construct):
                    identity.managed += 1
            elif isinstance(construct, iam.CfnPolicy):
                self.name(q.POLICY_NAME, "inline policy name", _text(stack, construct.policy_name), path)
                for identity in attached(construct):
                    identity.inline.append(construct.policy_document)
            elif isinstance(construct, iam.CfnUserToGroupAddition):
                for user in _list(stack, construct.users):
                    if _key(user) in by_ref:
                        by_ref[_key(user)].groups += 1
            elif isinstance(construct, iam.CfnSAMLProvider):
                self.name(q.SAML_PROVIDER_NAME, "SAML provider name", _text(stack, construct.name), path)
            elif isinstance(construct, sso.CfnPermissionSet):
                self.permission_set(stack, construct)
            elif isinstance(construct, events.CfnRule) and construct.event_pattern is not None:
                # EventBridge refuses a larger pattern only at deployment (PutRule).
                pattern = json.dumps(stack.resolve(construct.event_pattern), separators=(",", ":"))
                rule = path.removesuffix("/Resource").rsplit("/", 1)[-1]
                self.over(q.EVENT_PATTERN_SIZE, f"the event pattern of rule {rule}", len(pattern),
                          q.EVENT_PATTERN_SIZE.default, path)

        limits = {
            IdentityKind.ROLE: (q.ROLE_MANAGED_POLICIES, self.quotas.managed_policies_per_role, q.ROLE_INLINE_POLICY_SIZE),
            IdentityKind.USER: (q.USER_MANAGED_POLICIES, self.quotas.managed_policies_per_user, q.USER_INLINE_POLICY_SIZE),
            IdentityKind.GROUP: (q.GROUP_MANAGED_POLICIES, q.GROUP_MANAGED_POLICIES.default, q.GROUP_INLINE_POLICY_SIZE),
        }
        for identity in identities:
            count_quota, count_limit, inline_quota = limits[identity.kind]
            what = f"{identity.kind.value} {identity.name}"
            self.over(count_quota, what, identity.managed, count_limit, identity.construct_path)
            size = sum(policy_length(rendered_for_size(stack, doc)) for doc in identity.inline)
            self.over(inline_quota, f"the inline policies of {what}", size, inline_quota.default, identity.construct_path)
            if identity.kind is IdentityKind.USER:
                self.over(q.GROUPS_PER_USER, what, identity.groups, q.GROUPS_PER_USER.default, identity.construct_path)

    def permission_set(self, stack: Any, construct: Any) -> None:
        path = construct.node.path
        name = _text(stack, construct.name)
        self.name(q.PERMISSION_SET_NAME, "permission set name", name, path)
        what = f"permission set {name or path}"
        inline = stack.resolve(construct.inline_policy)
        if inline:
            document = json.loads(inline) if isinstance(inline, str) else rendered_for_size(stack, inline)
            self.over(q.PERMISSION_SET_INLINE_POLICY_SIZE, f"the inline policy of {what}", policy_length(document),
                      q.PERMISSION_SET_INLINE_POLICY_SIZE.default, path)
        count = len(_list(stack, construct.managed_policies)) + len(_list(stack, construct.customer_managed_policy_references))
        # Provisioned as an IAM role in each assigned account: the role quota binds too.
        limit = min(q.PERMISSION_SET_MANAGED_POLICIES.default, self.quotas.managed_policies_per_role)
        quota = q.PERMISSION_SET_MANAGED_POLICIES if limit == q.PERMISSION_SET_MANAGED_POLICIES.default else q.ROLE_MANAGED_POLICIES
        self.over(quota, what, count, limit, path)


def check_quotas(
    scope: Any,
    quotas: Any,
    *,
    trust_policy_length: int | None = None,
    where: Callable[[str], str] | None = None,
    warn: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Measure every IAM identity, policy, permission set and SAML provider under ``scope``.

    Args:
        scope: the CDK app (or a stack); every stack under it is measured.
        quotas: the config's :class:`iam_baseline.config.quotas.QuotasConfig`.
        trust_policy_length: the account's "Role trust policy length" (characters, whitespace
            excluded; 2,048-4,096); defaults to ``quotas.role_trust_policy_length``.
        where: construct path -> where the user edits it (config key, file and line);
            defaults to the config key recorded by :mod:`iam_baseline.config.provenance`.
        warn: called with one message per policy whose size is within 10% of its quota
            (:class:`NearQuota`; the largest one where several stacks deploy it from the same
            config key), when no quota is exceeded.

    Returns:
        Each measured figure by quota and object (``"Role trust policy length: trust policy
        of role Admin"`` -> 247).

    Raises:
        QuotaError: one line per violation: where, the figure, by how much it exceeds the
            limit, the quota's name and page.
    """
    from aws_cdk import Stack
    from aws_cdk import aws_events as events
    from aws_cdk import aws_iam as iam
    from aws_cdk import aws_sso as sso

    measure = _Measure(quotas, trust_policy_length or quotas.role_trust_policy_length)
    measured = (iam.CfnRole, iam.CfnUser, iam.CfnGroup, iam.CfnManagedPolicy, iam.CfnPolicy,
                iam.CfnUserToGroupAddition, iam.CfnSAMLProvider, sso.CfnPermissionSet, events.CfnRule)
    by_stack: dict[str, tuple[Any, list[Any]]] = {}
    # isinstance is answered in Python; Stack.of (a jsii call) only for the resources measured.
    for construct in scope.node.find_all():
        if isinstance(construct, measured):
            stack = Stack.of(construct)
            by_stack.setdefault(stack.node.path, (stack, []))[1].append(construct)
    for stack, constructs in by_stack.values():
        measure.stack(stack, constructs)
    where = where or _default_where
    if measure.violations:
        raise QuotaError(measure.violations, where)
    if warn is not None:
        largest: dict[tuple[str, str], NearQuota] = {}
        for near in sorted(measure.near, key=lambda n: n.figure):
            largest[(where(near.construct_path), near.what)] = near
        for near in largest.values():
            warn(near.warning(where))
    return measure.sizes
