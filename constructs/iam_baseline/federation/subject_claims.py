"""How broad a ``sub`` pattern of a web identity trust policy is, decided by matching.

A pattern's breadth is what it matches, not how it starts: the GitHub pattern ``repo*``
starts with a literal yet matches ``repo:anyone/anything:pull_request``. For an issuer whose
``sub`` grammar is declared (:class:`SubjectFormat`), the pattern (IAM ``StringLike``: ``*``
any run of characters, ``?`` one character, case-sensitive) is intersected with the grammar:
a breadth-first search over the pattern and the grammar's automaton, tracking whether the
organization (or repository) read so far is still a given one, yields a shortest witness
``sub`` that the pattern admits for another organization (or repository), or proves there is
none. Organization and repository names compare case-insensitively: GitHub and GitLab names
are unique ignoring case, so ``ACME`` is the same owner as ``acme``.

Grammars (a superset of what the issuer sends, so a witness may be unusual but never a
pattern's only escape is missed):

* GitHub Actions: ``repo:<owner>/<repo>:`` then ``environment:<name>``, ``ref:<ref>`` or
  ``pull_request``; owner ``[A-Za-z0-9-]+``, repository ``[A-Za-z0-9_.-]+``. Source: GitHub
  docs, "OpenID Connect" > "Example subject claims".
* GitLab CI: ``project_path:<group>[/<subgroup>...]/<project>:ref_type:<branch|tag>:ref:<name>``;
  the organization is the top-level group, the repository the whole project path. Source:
  GitLab docs, "OpenID Connect (OIDC) Authentication Using ID Tokens" > token payload.

Pure Python (no aws_cdk): the config validators call it before anything is built.
"""

from __future__ import annotations

import string
from collections import defaultdict, deque
from dataclasses import dataclass
from enum import Enum

WILDCARDS = ("*", "?")

_ORG, _REPO = 1, 2  # tags of the characters that spell the organization / the repository
_ANY = None  # a character class: every character


class SubjectFormat(str, Enum):
    """The ``sub`` grammar of an OIDC issuer: ``github``, ``gitlab``, or ``undeclared`` (then
    every pattern that matches a known grammar is judged by it, and one starting with a
    wildcard is refused)."""

    GITHUB = "github"
    GITLAB = "gitlab"
    UNDECLARED = "undeclared"


@dataclass(frozen=True)
class _Grammar:
    """A nondeterministic automaton over characters; edges carry the :data:`_ORG` /
    :data:`_REPO` tags of the character they read."""

    shape: str
    edges: dict[int, tuple[tuple[frozenset[str] | None, int, int], ...]]
    accept: frozenset[int]


class _Builder:
    def __init__(self) -> None:
        self.edges: dict[int, list[tuple[frozenset[str] | None, int, int]]] = defaultdict(list)
        self.count = 1  # state 0 is the start

    def new(self) -> int:
        self.count += 1
        return self.count - 1

    def literal(self, state: int, text: str, tags: int = 0) -> int:
        for char in text:
            nxt = self.new()
            self.edges[state].append((frozenset(char), nxt, tags))
            state = nxt
        return state

    def some(self, state: int, chars: frozenset[str] | None, tags: int = 0) -> int:
        """One or more characters of ``chars``."""
        nxt = self.new()
        self.edges[state].append((chars, nxt, tags))
        self.edges[nxt].append((chars, nxt, tags))
        return nxt

    def build(self, shape: str, accept: list[int]) -> _Grammar:
        return _Grammar(shape, {s: tuple(e) for s, e in self.edges.items()}, frozenset(accept))


_ALNUM = frozenset(string.ascii_letters + string.digits)
_GITHUB_OWNER = _ALNUM | {"-"}
_NAME = _ALNUM | {"-", "_", "."}


def _github() -> _Grammar:
    b = _Builder()
    owner = b.some(b.literal(0, "repo:"), _GITHUB_OWNER, _ORG | _REPO)
    repo = b.some(b.literal(owner, "/", _REPO), _NAME, _REPO)
    context = b.literal(repo, ":")
    accept = [
        b.some(b.literal(context, "environment:"), _ANY),
        b.some(b.literal(context, "ref:"), _ANY),
        b.literal(context, "pull_request"),
    ]
    return b.build("repo:<organization>/<repository>:<environment:NAME | ref:REF | pull_request>", accept)


def _gitlab() -> _Grammar:
    b = _Builder()
    group = b.some(b.literal(0, "project_path:"), _NAME, _ORG | _REPO)
    segment = b.literal(group, "/", _REPO)
    path = b.some(segment, _NAME, _REPO)
    b.edges[path].append((frozenset("/"), segment, _REPO))  # a subgroup: another segment follows
    kind = b.literal(path, ":ref_type:")
    accept = [b.some(b.literal(b.literal(kind, k), ":ref:"), _ANY) for k in ("branch", "tag")]
    return b.build("project_path:<group>[/<subgroup>]/<project>:ref_type:<branch|tag>:ref:<name>", accept)


GRAMMARS: dict[SubjectFormat, _Grammar] = {SubjectFormat.GITHUB: _github(), SubjectFormat.GITLAB: _gitlab()}


def _advance(matched: int, char: str, target: str) -> int:
    """How much of ``target`` (lower case) the tagged characters spell so far; -1: they differ."""
    if matched < 0 or matched >= len(target) or char.lower() != target[matched]:
        return -1
    return matched + 1


def _candidates(chars: frozenset[str] | None, expected: str | None) -> set[str]:
    """Representatives of a character class: the character the tracked name expects next
    (if the class holds it) and one that differs from it. Every other character of the class
    behaves like one of these for the pattern's wildcards, the grammar and the tracking."""
    if chars is not None and len(chars) == 1:  # a literal of the grammar
        return set(chars)
    found = set()
    if expected is not None and (chars is None or expected in chars or expected.upper() in chars):
        found.add(expected)
    for char in "xy0_~":
        if (chars is None or char in chars) and char != expected:
            found.add(char)
            break
    return found


def _witness(pattern: str, grammar: _Grammar, *, track: int = 0, target: str = "") -> tuple[str, str, str] | None:
    """A shortest ``sub`` of ``grammar`` that ``pattern`` matches, as (sub, organization,
    repository); with ``track`` (:data:`_ORG` or :data:`_REPO`), one whose organization or
    repository is not ``target`` (ignoring case). ``None``: there is none."""
    target = target.lower()
    size = len(pattern)

    def closure(pos: int) -> list[int]:
        positions = [pos]
        while pos < size and pattern[pos] == "*":
            pos += 1
            positions.append(pos)
        return positions

    start = [(p, 0, 0) for p in closure(0)]
    parent: dict[tuple[int, int, int], tuple[tuple[int, int, int], str, int] | None] = {s: None for s in start}
    queue = deque(start)
    while queue:
        state = queue.popleft()
        pos, node, matched = state
        if pos == size and node in grammar.accept and (not track or matched != len(target)):
            return _spell(state, parent)
        edges = grammar.edges.get(node, ())
        if pos < size and pattern[pos] not in WILDCARDS:
            chars = {pattern[pos]}
        else:
            chars = set()
            for allowed, _, tags in edges:
                expected = target[matched] if track & tags and 0 <= matched < len(target) else None
                chars |= _candidates(allowed, expected)
        for char in sorted(chars):  # a deterministic witness, whatever the hash seed
            if pos >= size:
                continue
            glob_next = pos if pattern[pos] == "*" else pos + 1
            for allowed, nxt, tags in edges:
                if allowed is not None and char not in allowed:
                    continue
                now = _advance(matched, char, target) if track & tags else matched
                for p in closure(glob_next):
                    key = (p, nxt, now)
                    if key not in parent:
                        parent[key] = (state, char, tags)
                        queue.append(key)
    return None


def _spell(state, parent) -> tuple[str, str, str]:
    chars, org, repo = [], [], []
    while parent[state] is not None:
        state, char, tags = parent[state]
        chars.append(char)
        if tags & _ORG:
            org.append(char)
        if tags & _REPO:
            repo.append(char)
    return "".join(reversed(chars)), "".join(reversed(org)), "".join(reversed(repo))


def breadth_problem(pattern: str, subject_format: SubjectFormat, *, allow_organization_wildcard: bool) -> str | None:
    """Why ``pattern`` (a ``sub`` value or ``StringLike`` pattern) admits too much, or ``None``.

    Refused, with a witness: a pattern that matches a ``sub`` of another organization (always)
    or of another repository (unless ``allow_organization_wildcard``: every repository of one
    organization, including ones created later); for a declared format, a pattern that matches
    no ``sub`` of it (a typo, or an issuer whose claim was customized: declare it undeclared);
    for an undeclared format, a pattern that starts with a wildcard.
    """
    if subject_format is SubjectFormat.UNDECLARED:
        if pattern.startswith(WILDCARDS) or not pattern.strip("*?"):
            return f"sub {pattern!r} admits every token of the issuer, whatever repository or pipeline sent it"
        formats = list(GRAMMARS)
    else:
        formats = [subject_format]
    for fmt in formats:
        grammar = GRAMMARS[fmt]
        first = _witness(pattern, grammar)
        if first is None:
            if subject_format is SubjectFormat.UNDECLARED:
                continue
            return f"sub {pattern!r} matches no {fmt.value} sub ({grammar.shape}); check its spelling"
        sub, org, repo = first
        other = _witness(pattern, grammar, track=_ORG, target=org)
        if other is not None:
            return (
                f"sub {pattern!r} admits repositories of other organizations: it matches {sub!r} and {other[0]!r}; "
                "name the organization or group exactly"
            )
        other = None if allow_organization_wildcard else _witness(pattern, grammar, track=_REPO, target=repo)
        if other is not None:
            return (
                f"sub {pattern!r} admits more than one repository of {org}, including ones created later: it matches "
                f"{sub!r} and {other[0]!r}; list the repositories, or set allow_organization_wildcard: true to opt in"
            )
    return None
