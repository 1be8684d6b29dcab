"""Resolve the CloudFormation intrinsic functions that appear in IAM documents, offline.

Supported (AWS CloudFormation User Guide, "Intrinsic function reference" and "Pseudo
parameters reference"): ``Ref`` (pseudo parameters, parameters with a ``Default``,
resources), ``Fn::GetAtt``, ``Fn::Join``, ``Fn::Sub`` (both forms, ``${!Literal}``),
``Fn::Select``, ``Fn::Split``, ``Fn::FindInMap``, ``Fn::If`` with the condition functions,
and ``Fn::ImportValue`` through the ``Export`` of another stack's ``Outputs``.

Names CloudFormation generates at deploy time (a role without ``RoleName``, a function
without ``FunctionName``) become ``<StackName>-<LogicalId>``: stable, readable, and not
equal to any name a person writes. Anything else that cannot be known offline raises
:class:`TemplateError` instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ...partitions import partition_of

_NO_VALUE = object()


class TemplateError(ValueError):
    """A template value that cannot be resolved offline (or that CloudFormation would refuse)."""




class Resolver:
    """Resolves intrinsics of one stack.

    Args:
        stack_name: the stack's name (``AWS::StackName``).
        account: 12-digit account id (``AWS::AccountId``).
        region: region code (``AWS::Region``); the partition follows from it.
        template: the template as a dict.
        attribute: ``(logical_id, resource, attribute or None for Ref) -> value`` for resources.
        imports: ``export name -> resolved value`` across the assembly (resolved lazily).
    """

    def __init__(
        self,
        *,
        stack_name: str,
        account: str,
        region: str,
        template: Mapping[str, Any],
        attribute: Callable[[str, Mapping[str, Any], str | None], Any],
        imports: Callable[[str], Any],
    ) -> None:
        self.stack_name = stack_name
        self.account = account
        self.region = region
        self.partition = partition_of(region)
        self.template = template
        self._attribute = attribute
        self._imports = imports
        self._conditions: dict[str, bool] = {}

    @property
    def pseudo(self) -> dict[str, str]:
        suffix = "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com"
        return {
            "AWS::AccountId": self.account,
            "AWS::Region": self.region,
            "AWS::Partition": self.partition,
            "AWS::URLSuffix": suffix,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": f"arn:{self.partition}:cloudformation:{self.region}:{self.account}:stack/{self.stack_name}/offline",
            "AWS::NotificationARNs": [],
        }

    def resolve(self, value: Any) -> Any:
        """``value`` with every supported intrinsic replaced by its value.

        Raises:
            TemplateError: an unknown reference, a parameter without default, an unsupported function.
        """
        result = self._resolve(value)
        return None if result is _NO_VALUE else result

    def _resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [r for r in (self._resolve(v) for v in value) if r is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, arg), = value.items()
            handler = _FUNCTIONS.get(key)
            if handler is not None:
                return handler(self, arg)
            if key.startswith("Fn::"):
                raise TemplateError(f"unsupported intrinsic function {key}")
        return {k: r for k, r in ((k, self._resolve(v)) for k, v in value.items()) if r is not _NO_VALUE}

    def ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return _NO_VALUE
        if name in self.pseudo:
            return self.pseudo[name]
        parameter = self.template.get("Parameters", {}).get(name)
        if parameter is not None:
            if "Default" not in parameter:
                raise TemplateError(f"parameter {name} has no Default: its value is unknown offline")
            return parameter["Default"]
        resource = self.template.get("Resources", {}).get(name)
        if resource is None:
            raise TemplateError(f"Ref to unknown name {name!r} in stack {self.stack_name}")
        return self._attribute(name, resource, None)

    def get_att(self, logical_id: str, attribute: str) -> Any:
        resource = self.template.get("Resources", {}).get(logical_id)
        if resource is None:
            raise TemplateError(f"Fn::GetAtt of unknown resource {logical_id!r} in stack {self.stack_name}")
        return self._attribute(logical_id, resource, attribute)

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            body = self.template.get("Conditions", {}).get(name)
            if body is None:
                raise TemplateError(f"unknown condition {name!r} in stack {self.stack_name}")
            self._conditions[name] = bool(self._resolve(body))
        return self._conditions[name]


def _str(resolver: Resolver, value: Any, what: str) -> str:
    result = resolver._resolve(value)
    if not isinstance(result, (str, int, float)) or isinstance(result, bool):
        raise TemplateError(f"{what} must resolve to a string, got {result!r}")
    return str(result)


def _join(resolver: Resolver, arg: Any) -> str:
    delimiter, items = arg
    parts = resolver._resolve(items)
    return delimiter.join(_str(resolver, p, "Fn::Join item") for p in parts)


_SUB = re.compile(r"\$\{([^}]*)\}")


def _sub(resolver: Resolver, arg: Any) -> str:
    text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"
        if name in variables:
            return _str(resolver, variables[name], f"Fn::Sub variable {name}")
        if "." in name and not name.startswith("AWS::"):
            logical_id, attribute = name.split(".", 1)
            return _str(resolver, resolver.get_att(logical_id, attribute), f"Fn::Sub ${{{name}}}")
        return _str(resolver, resolver.ref(name), f"Fn::Sub ${{{name}}}")

    return _SUB.sub(replace, text)


def _get_att(resolver: Resolver, arg: Any) -> Any:
    logical_id, attribute = arg.split(".", 1) if isinstance(arg, str) else arg
    return resolver.get_att(logical_id, _str(resolver, attribute, "Fn::GetAtt attribute"))


def _select(resolver: Resolver, arg: Any) -> Any:
    index, items = arg
    items = resolver._resolve(items)
    return items[int(_str(resolver, index, "Fn::Select index"))]


def _split(resolver: Resolver, arg: Any) -> list[str]:
    delimiter, text = arg
    return _str(resolver, text, "Fn::Split source").split(delimiter)


def _find_in_map(resolver: Resolver, arg: Any) -> Any:
    name, top, second = (_str(resolver, a, "Fn::FindInMap key") for a in arg[:3])
    try:
        return resolver.template["Mappings"][name][top][second]
    except KeyError:
        raise TemplateError(f"Fn::FindInMap {name}/{top}/{second} not found") from None


def _if(resolver: Resolver, arg: Any) -> Any:
    name, if_true, if_false = arg
    return resolver._resolve(if_true if resolver.condition(name) else if_false)


def _import(resolver: Resolver, arg: Any) -> Any:
    return resolver._imports(_str(resolver, arg, "Fn::ImportValue name"))


_FUNCTIONS: dict[str, Callable[[Resolver, Any], Any]] = {
    "Ref": lambda r, a: r.ref(a),
    "Fn::GetAtt": _get_att,
    "Fn::Join": _join,
    "Fn::Sub": _sub,
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::FindInMap": _find_in_map,
    "Fn::If": _if,
    "Fn::ImportValue": _import,
    "Fn::Equals": lambda r, a: r._resolve(a[0]) == r._resolve(a[1]),
    "Fn::And": lambda r, a: all(r._resolve(c) for c in a),
    "Fn::Or": lambda r, a: any(r._resolve(c) for c in a),
    "Fn::Not": lambda r, a: not r._resolve(a[0]),
    "Condition": lambda r, a: r.condition(a),
}
