"""Strict checks of the identity-based policy documents a config writes by hand.

A permission set's ``inline_policy`` is free-form JSON for IAM; a misspelt element
(``Condtion``, ``Statment``) or operator (``StringEqual``) would otherwise reach AWS, which
refuses it at deploy, or, worse, a misspelt condition key (``aws:MultiFactorAuthPresnt``)
that IAM accepts and never matches. :func:`check_identity_policy` refuses, with the nearest
known name:

* an element that IAM's policy grammar does not have, or ``Principal``/``NotPrincipal`` (an
  identity-based policy names no principal); a statement without ``Effect``, without one
  of ``Action``/``NotAction`` or without one of ``Resource``/``NotResource``;
* an action that is not ``*`` or ``service:Action`` in ASCII;
* a condition operator that IAM does not define (with ``ForAnyValue:``/``ForAllValues:``
  and ``...IfExists``), and an ``aws:`` condition key that is not a global condition key;
* when the analysis's action catalog is installed (``iam_baseline.analysis.model.actions``,
  the Service Authorization Reference), an action or a service condition key it does not list.

Sources: IAM User Guide, "IAM JSON policy element reference" (elements, grammar),
"IAM JSON policy elements: Condition operators", "AWS global condition context keys".
"""

from __future__ import annotations

import re
from difflib import get_close_matches
from typing import Any

from .types import ItemError

STATEMENT_ELEMENTS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition")
DOCUMENT_ELEMENTS = ("Version", "Id", "Statement")
VERSIONS = ("2012-10-17", "2008-10-17")

#: Condition operators (IAM User Guide, "IAM JSON policy elements: Condition operators").
OPERATORS = (
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
    "StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan",
    "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
    "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
    "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals",
    "ArnNotLike", "Null",
)  # fmt: skip

#: Global condition keys (IAM User Guide, "AWS global condition context keys"); a name ending
#: in ``/`` takes a tag key after it.
GLOBAL_KEYS = (
    "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgPaths", "aws:PrincipalOrgID",
    "aws:PrincipalTag/", "aws:PrincipalIsAWSService", "aws:PrincipalServiceName",
    "aws:PrincipalServiceNamesList", "aws:PrincipalType", "aws:userid", "aws:username", "aws:AssumedRoot",
    "aws:FederatedProvider", "aws:TokenIssueTime", "aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent",
    "aws:ChatbotSourceArn", "aws:Ec2InstanceSourceVpc", "aws:Ec2InstanceSourcePrivateIPv4",
    "aws:SourceIdentity", "aws:SourceIp", "aws:SourceVpc", "aws:SourceVpcArn", "aws:SourceVpce",
    "aws:VpcSourceIp", "aws:VpceAccount", "aws:VpceOrgID", "aws:VpceOrgPaths", "aws:ResourceAccount",
    "aws:ResourceOrgPaths", "aws:ResourceOrgID", "aws:ResourceTag/", "aws:CalledVia", "aws:CalledViaFirst",
    "aws:CalledViaLast", "aws:ViaAWSService", "aws:CurrentTime", "aws:EpochTime", "aws:referer",
    "aws:RequestedRegion", "aws:RequestTag/", "aws:TagKeys", "aws:SecureTransport", "aws:SourceAccount",
    "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:UserAgent", "aws:IsMcpServiceAction",
    "aws:CalledViaAWSMCP", "aws:ViaAWSMCPService",
)  # fmt: skip

_ACTION = re.compile(r"\*|[a-z0-9-]+:[A-Za-z0-9*?]+", re.ASCII)
_KEY = re.compile(r"[A-Za-z0-9._/-]+:[\x21-\x7e]+", re.ASCII)  # issuer hosts too (token.actions...:sub)
_FOLDED_KEYS = {key.lower(): key for key in GLOBAL_KEYS}


def _catalog() -> Any:
    """The analysis's pinned action catalog (Service Authorization Reference), or None when
    it is not available (not installed, or an older analysis): the checks then stay syntactic."""
    try:
        from ..analysis.model.actions import catalog
    except ImportError:
        return None
    try:
        return catalog()
    except Exception:  # noqa: BLE001 - CatalogError: node_modules missing or another version
        return None


def catalog_problem(action: str | None = None, key: str | None = None) -> str | None:
    """Why ``action`` (an Action pattern) or ``key`` (a service condition key) is unknown to
    the action catalog, with the nearest names; None when known or when no catalog is available."""
    known = _catalog()
    if known is None:
        return None
    if action is not None and action != "*":
        try:
            known.check_pattern(action)
        except Exception as exc:  # noqa: BLE001 - UnknownAction names the nearest actions
            return str(exc)
    if key is not None:
        prefix = key.partition(":")[0].lower()
        if prefix in known.services and known.key_type(key) is None:
            return f"unknown condition key {key!r}: the Service Authorization Reference lists no such key of {prefix}"
    return None


def _nearest(word: str, known: tuple[str, ...] | list[str]) -> str:
    close = get_close_matches(word, known, n=1, cutoff=0.6)
    if not close:  # condition keys are case-insensitive: compare folded too
        folded = get_close_matches(word.lower(), [k.lower() for k in known], n=1, cutoff=0.6)
        close = [next(k for k in known if k.lower() == folded[0])] if folded else []
    return f" (did you mean {close[0]!r}?)" if close else ""


def _strings(value: Any) -> list[str] | None:
    """A string or a list of strings, as a list; None for anything else."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    return None


def operator_problem(operator: str) -> str | None:
    """Why ``operator`` is not an IAM condition operator, or None."""
    base = operator
    for prefix in ("ForAnyValue:", "ForAllValues:"):
        base = base.removeprefix(prefix)
    if base != "Null":
        base = base.removesuffix("IfExists")
    if base in OPERATORS:
        return None
    return f"unknown condition operator {operator!r}{_nearest(operator, OPERATORS)}"


def condition_key_problem(key: str) -> str | None:
    """Why ``key`` is not a condition key IAM knows, or None (service keys: syntax only)."""
    if not _KEY.fullmatch(key):
        return f"condition key {key!r} is not service:KeyName in printable ASCII"
    if not key.lower().startswith("aws:"):
        return catalog_problem(key=key)
    folded = key.lower()
    if folded in _FOLDED_KEYS or any(folded.startswith(k.lower()) and k.endswith("/") and len(key) > len(k) for k in GLOBAL_KEYS):
        return None
    return f"unknown global condition key {key!r}{_nearest(key, GLOBAL_KEYS)}"


def check_condition_block(block: Any, where: tuple[str | int, ...] = ()) -> None:
    """Check a ``Condition`` element: operators, keys and value types.

    Raises:
        ItemError: at the operator or key that is wrong.
    """
    if not isinstance(block, dict):
        raise ItemError(where, "Condition must be a mapping of operator -> condition key -> value(s)")
    for operator, keys in block.items():
        problem = operator_problem(operator)
        if problem:
            raise ItemError(where + (operator,), problem)
        if not isinstance(keys, dict) or not keys:
            raise ItemError(where + (operator,), f"{operator} must map condition keys to values")
        for key, values in keys.items():
            problem = condition_key_problem(key)
            if problem:
                raise ItemError(where + (operator, key), problem)
            items = values if isinstance(values, list) else [values]
            if not items or not all(isinstance(v, (str, bool, int)) and not isinstance(v, float) for v in items):
                raise ItemError(where + (operator, key), "a condition value is text, a number or true/false, or a list of them")


def check_identity_policy(document: Any) -> bool:
    """Check an identity-based policy ``document``; return whether it allows ``*`` on ``*``.

    Raises:
        ItemError: at the element that is wrong, with the nearest known name.
    """
    if not isinstance(document, dict):
        raise ItemError((), "a policy document is a mapping with Version and Statement")
    for element in document:
        if element not in DOCUMENT_ELEMENTS:
            raise ItemError((element,), f"unknown policy element {element!r}{_nearest(element, DOCUMENT_ELEMENTS)}")
    if document.get("Version", VERSIONS[0]) not in VERSIONS:
        raise ItemError(("Version",), f"Version must be {VERSIONS[0]!r}")
    if "Statement" not in document:
        raise ItemError((), "the policy is not a policy document: it has no Statement")
    statements = document["Statement"]
    listed = isinstance(statements, list)
    statements = statements if listed else [statements]
    if not statements:
        raise ItemError(("Statement",), "Statement is empty: give at least one statement")
    admin = False
    for index, statement in enumerate(statements):
        where: tuple[str | int, ...] = ("Statement", index) if listed else ("Statement",)
        admin = _check_statement(statement, where) or admin
    return admin


def _check_statement(statement: Any, where: tuple[str | int, ...]) -> bool:
    if not isinstance(statement, dict):
        raise ItemError(where, "a statement is a mapping of Effect, Action, Resource, ...")
    for element in statement:
        if element in ("Principal", "NotPrincipal"):
            raise ItemError(where + (element,), f"{element} has no place in an identity-based policy: remove it")
        if element not in STATEMENT_ELEMENTS:
            raise ItemError(where + (element,), f"unknown statement element {element!r}{_nearest(element, STATEMENT_ELEMENTS)}")
    if statement.get("Effect") not in ("Allow", "Deny"):
        raise ItemError(where + ("Effect",), "Effect must be Allow or Deny")
    for pair in (("Action", "NotAction"), ("Resource", "NotResource")):
        given = [p for p in pair if p in statement]
        if len(given) != 1:
            raise ItemError(where, f"give exactly one of {pair[0]}, {pair[1]}")
        values = _strings(statement[given[0]])
        if values is None:
            raise ItemError(where + (given[0],), f"{given[0]} must be text or a non-empty list of text")
        for i, value in enumerate(values):
            if pair[0] == "Action" and not _ACTION.fullmatch(value):
                raise ItemError(where + (given[0],), f"action {value!r} is not '*' or service:Action in ASCII")
            if pair[0] == "Action":
                problem = catalog_problem(action=value)
                if problem:
                    raise ItemError(where + (given[0],), problem)
            if pair[0] == "Resource" and not re.fullmatch(r"[\x21-\x7e]+", value, re.ASCII):
                raise ItemError(where + (given[0],), f"resource {value!r} is not an ARN or '*' in printable ASCII")
    if "Condition" in statement:
        check_condition_block(statement["Condition"], where + ("Condition",))
    actions = _strings(statement.get("Action")) or []
    resources = _strings(statement.get("Resource")) or []
    return (
        statement["Effect"] == "Allow"
        and any(a in ("*", "*:*") for a in actions)
        and "*" in resources
    )
