"""Finite request spaces for the invariants: callers of every kind and account, and the
equivalence classes of a policy's condition constants.

A trust policy's conditions compare a handful of request keys with constants. Every request
then falls into one class per key: key absent, equal to (or, for a pattern, an instance of)
one of the constants, a fresh value unlike any, and for numeric keys each constant's
neighbours. Evaluating one representative per class combination decides the policy over
every request (IAM User Guide, "IAM JSON policy elements: Condition operators": String,
Numeric, Bool, ARN and ``Null`` operators compare a single value with the listed ones).
Set operators (``ForAnyValue:``/``ForAllValues:``), IP and Date operators and policy
variables in trust conditions have no such small class set here: the space reports them as
*unsupported*, which the invariant turns into "not proven".
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ...engine.evaluator import Policy, RequestPrincipal
from ...model.templates import AccountModel

#: An account the config never declares: the stand-in for "any other account".
FOREIGN_ACCOUNT = "999999999999"
FRESH = "probe-unlisted-value"
#: Identity-based policy of a caller outside the model: the worst case, it allows everything.
ALLOW_ALL = Policy.from_document(
    "outside-the-model:AllowAll", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
_SUPPORTED_BASES = {
    "stringequals", "stringnotequals", "stringequalsignorecase", "stringnotequalsignorecase", "stringlike",
    "stringnotlike", "numericequals", "numericnotequals", "numericlessthan", "numericlessthanequals",
    "numericgreaterthan", "numericgreaterthanequals", "bool", "null", "arnequals", "arnlike", "arnnotequals",
    "arnnotlike",
}
MFA_KEYS = ("aws:multifactorauthpresent", "aws:multifactorauthage")
MAX_COMBINATIONS = 4096


@dataclass(frozen=True)
class Caller:
    """A principal that makes the request, and the identity-based policies it holds."""

    principal: RequestPrincipal
    identity: tuple[Policy, ...]
    boundary: Policy | None = None
    inside: bool = False  # a principal of the assembly (its real policies)

    @property
    def is_aws(self) -> bool:
        return self.principal.kind in ("user", "role_session")


def unsupported(policy: Policy) -> str | None:
    """Why ``policy``'s conditions have no finite class set here, or None."""
    for statement in policy.statements:
        for condition in statement.conditions:
            op = condition.operator
            if op.set_operator or op.base not in _SUPPORTED_BASES:
                return f"{policy.name}: condition operator {op.name} on {condition.label or condition.key}"
            if any("${" in v for v in condition.values):
                return f"{policy.name}: policy variable in the condition on {condition.label or condition.key}"
    return None


def _instances(value: str) -> list[str]:
    if "*" in value or "?" in value:
        return [value.replace("*", "x").replace("?", "x"), value.replace("*", "").replace("?", "x")]
    return [value]


def key_classes(policy: Policy, extra: Mapping[str, tuple[str, ...]] = {}) -> dict[str, list[str | None]]:
    """Per condition key (lower-case): its representative values, ``None`` meaning absent."""
    values: dict[str, set[str]] = {}
    for statement in policy.statements:
        for condition in statement.conditions:
            bucket = values.setdefault(condition.key, set())
            for value in condition.values:
                bucket.update(_instances(value))
                if condition.operator.base.startswith("numeric"):
                    try:
                        number = int(value)
                    except ValueError:
                        continue
                    bucket.update({str(number - 1), str(number + 1), "0"})
    for key, extra_values in extra.items():
        values.setdefault(key.lower(), set()).update(extra_values)
    out: dict[str, list[str | None]] = {}
    for key, bucket in values.items():
        if key == "aws:multifactorauthpresent":
            out[key] = [None, "true", "false"]
            continue
        out[key] = [None, *sorted(bucket | {FRESH} if not key.endswith("age") else bucket)]
    return out


def contexts(classes: Mapping[str, list[str | None]]) -> Iterator[dict[str, str]]:
    """Every combination of the classes (absent keys left out)."""
    keys = sorted(classes)
    for combo in itertools.product(*(classes[k] for k in keys)):
        context = {k: v for k, v in zip(keys, combo) if v is not None}
        # The age exists only with MFA present: AWS never sends one without the other.
        if "aws:multifactorauthage" in context and context.get("aws:multifactorauthpresent") != "true":
            continue
        yield context


def combination_count(classes: Mapping[str, list[str | None]]) -> int:
    count = 1
    for values in classes.values():
        count *= len(values)
    return count


def aws_callers(model: AccountModel, account: str, name: str = "trust-probe") -> list[Caller]:
    """A user and a role session of ``account`` outside the model (they may do anything there)."""
    part = model.partition
    return [
        Caller(RequestPrincipal(f"arn:{part}:iam::{account}:user/{name}", account, "user"), (ALLOW_ALL,)),
        Caller(
            RequestPrincipal(
                f"arn:{part}:sts::{account}:assumed-role/{name}/probe", account, "role_session",
                role_arn=f"arn:{part}:iam::{account}:role/{name}",
            ),
            (ALLOW_ALL,),
        ),
    ]


def principal_keys(caller: Caller) -> dict[str, str]:
    """The global keys AWS sets for ``caller`` (IAM User Guide, "AWS global condition context keys")."""
    p = caller.principal
    if p.kind == "user":
        return {"aws:PrincipalArn": p.arn, "aws:PrincipalAccount": p.account, "aws:PrincipalType": "User",
                "aws:username": p.arn.rsplit("/", 1)[-1]}
    if p.kind == "role_session":
        return {"aws:PrincipalArn": p.role_arn or p.arn, "aws:PrincipalAccount": p.account,
                "aws:PrincipalType": "AssumedRole"}
    if p.kind == "federated":
        return {"aws:FederatedProvider": p.arn}
    return {}


class TooManyClasses(Exception):
    """The condition classes of one caller exceed :data:`MAX_COMBINATIONS` (reported as not proven)."""


def caller_contexts(caller: Caller, classes: Mapping[str, list[str | None]]) -> Iterator[dict[str, str]]:
    """Every request context of ``caller``: the keys AWS sets for it, plus each class combination
    of the other keys (MFA keys only for users and role sessions, which alone carry them).

    Raises:
        TooManyClasses: more than :data:`MAX_COMBINATIONS` combinations.
    """
    fixed = principal_keys(caller)
    taken = {k.lower() for k in fixed}
    free = {k: v for k, v in classes.items() if k not in taken and (caller.is_aws or not k.startswith("aws:multifactor"))}
    if combination_count(free) > MAX_COMBINATIONS:
        raise TooManyClasses(f"{combination_count(free)} condition classes exceed {MAX_COMBINATIONS}")
    for context in contexts(free):
        yield {**fixed, **context}
