"""StringLike language inclusion (engine/glob_inclusion.py): exact answers with the shortest
string outside, checked against fnmatch on the answer (IAM's ``*``/``?`` have no other
metacharacters in these patterns)."""

from __future__ import annotations

from fnmatch import fnmatchcase

import pytest

from iam_baseline.analysis.engine.glob_inclusion import first_outside, included

SUB = "repo:example-org/infrastructure:environment:production"


@pytest.mark.parametrize(("pattern", "others"), [
    (SUB, [SUB]),
    (SUB, ["repo:example-org/*"]),
    ("repo:a/*:ref:refs/heads/main", ["repo:a/b*:ref:refs/heads/main", "repo:a/*:ref:refs/heads/main"]),
    ("a?c", ["a*"]),
    ("*", ["*"]),
    ("ab*", ["a*b*", "ab"]),
])
def test_included(pattern, others):
    assert included(pattern, others)


@pytest.mark.parametrize(("pattern", "others"), [
    (SUB[:-1] + "?", [SUB]),
    ("repo:example-org/*", [SUB]),
    ("a*b", ["a*bb"]),
    ("*", ["?*"]),  # the empty string
    ("a?c", ["abc"]),
    ("repo:acme/*", ["repo:acme/app:*", "repo:acme/lib:*"]),
])
def test_a_string_outside_is_admitted_by_the_pattern_and_by_none_of_the_others(pattern, others):
    outside = first_outside(pattern, others)
    assert outside is not None
    assert fnmatchcase(outside, pattern) and not any(fnmatchcase(outside, o) for o in others)
