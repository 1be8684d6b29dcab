"""The compacted developer permissions boundary allows exactly what it allowed before.

The boundary sits close to IAM's 6,144-character managed policy quota, so it was compacted
(statements its own Allows make redundant left out, two read Allows merged, an ARN pattern
that another covers dropped: :data:`iam_baseline.identity.boundary.BOUNDARY_REDUNDANT_SIDS`).
Every boundary that the suite's configs (tests/fixtures/*.yaml), the shipped examples
(config/examples/*.yaml) and a unit boundary with the parameters no config sets
(:func:`boundary_freeze.build_unit_boundary`) deploy today is compared with the frozen
documents of tests/fixtures/boundary-before-compaction/: JSON files generated once, with
``tests/boundary_freeze.py``, from main at 2e3a8acf (before the compaction; that folder's
README says how to regenerate them). Intrinsics are resolved the same way on both sides
(:func:`boundary_freeze.normalized`).

For each boundary, the z3 engine (:func:`iam_baseline.analysis.engine.difference.new_accesses`)
is asked twice: is there a request the new document allows and the old one does not, and the
other way round, over every caller, every catalog action on its resource types (the engine's
closed world, as ``make check``) and every context. Both answers must be "proven: none"; a
request found fails the test with that counterexample (replayed on the concrete evaluator),
and an undecided answer ("unknown", a timeout, a construct not modelled) fails it too: it is
never a pass. (The open world, any action string on any resource, left one action class
"unknown" at 120 s for every change tried, even a dropped ``account:*`` entry: not asked.) The documents are compared as identity-based policies: a permissions boundary
bounds by the requests it allows (the effective permissions are the intersection, IAM User
Guide, "Permissions boundaries for IAM entities"), so two documents allowing the same requests
bound the same. Negative controls: the same question finds the request that a boundary with
one action dropped from an Allow, or from a Deny, decides differently.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from boundary_freeze import boundary_documents, build_unit_boundary, distinct
from template_tools import DEFAULT_CONFIG_FILE, FIXTURES, ROOT, synth_unit_stack

#: Minutes of z3 or synth: left out by `make test-fast`, run by `make test` (pytest.ini).
pytestmark = pytest.mark.slow

FROZEN = FIXTURES / "boundary-before-compaction"
CONFIGS = sorted(p.relative_to(ROOT).as_posix() for p in (*FIXTURES.glob("*.yaml"), *ROOT.glob("config/examples/*.yaml")))
UNIT = "unit"
#: Per question; the slowest measured was about 20 s on a loaded machine.
TIMEOUT_MS = 120_000


def _frozen() -> list[dict]:
    """Every distinct frozen document (a config's boundary may sit in any frozen file: the
    same boundary is deployed by several configs, and a config's stacks may be renamed)."""
    documents = {}
    for path in sorted(FROZEN.glob("*.json")):
        for entry in json.loads(path.read_text())["boundaries"]:
            documents[json.dumps(entry["document"], sort_keys=True)] = entry["document"]
    return list(documents.values())


def _statements(document: dict) -> set[str]:
    return {json.dumps(s, sort_keys=True) for s in document["Statement"]}


def _closest(document: dict, candidates: list[dict]) -> dict:
    """The frozen document sharing the most statements with ``document`` (its own old form:
    the compaction leaves most statements as they were, other configs differ in names)."""
    return max(candidates, key=lambda old: len(_statements(document) & _statements(old)))


def _difference(new: dict, old: dict):
    """Requests ``new`` allows and ``old`` does not (an AccessDifference of at most one)."""
    from iam_baseline.analysis.engine.difference import PolicySet, new_accesses
    from iam_baseline.analysis.engine.evaluator import Policy
    from iam_baseline.analysis.engine.space import RequestSpace

    return new_accesses(RequestSpace(), PolicySet(identity=(Policy.from_document("new", new),)),
                        PolicySet(identity=(Policy.from_document("old", old),)), limit=1, timeout_ms=TIMEOUT_MS)


#: (new, old) as JSON -> :func:`differences`: several configs deploy the same boundary.
_DECIDED: dict[tuple[str, str], list[str]] = {}


def differences(new: dict, old: dict) -> list[str]:
    """Every way ``new`` and ``old`` differ, in words: a counterexample per direction, or why
    a question was undecided; empty when both are proven to allow the same requests."""
    key = (json.dumps(new, sort_keys=True), json.dumps(old, sort_keys=True))
    if key not in _DECIDED:
        found = []
        for label, more, less in (("new allows, old denies", new, old), ("old allows, new denies", old, new)):
            result = _difference(more, less)
            found += [f"{label}: {access.request} ({access.new.explain()})" for access in result.found]
            if result.undecided is not None:
                found.append(f"{label}: not proven: {result.undecided}")
            elif not result.complete and not result.found:
                found.append(f"{label}: not proven (the enumeration stopped)")
        _DECIDED[key] = found
    return _DECIDED[key]


@pytest.fixture(scope="module")
def unit_assembly(tmp_path_factory) -> Path:
    outdir = tmp_path_factory.mktemp("boundary-unit.out")
    synth_unit_stack(build_unit_boundary, outdir)
    return outdir


def _assembly(config: str, request) -> Path:
    if config == UNIT:
        return request.getfixturevalue("unit_assembly")
    if ROOT / config == DEFAULT_CONFIG_FILE:  # synthesized once per session already
        return Path(request.getfixturevalue("default_assembly").directory)
    return Path(request.getfixturevalue("synthesized_config")(ROOT / config))


@pytest.mark.parametrize("config", [*CONFIGS, UNIT])
def test_the_boundary_allows_exactly_what_it_allowed(config, request):
    boundaries = distinct(boundary_documents(_assembly(config, request)))
    assert boundaries, f"{config} deploys no DeveloperBoundary"
    frozen = _frozen()
    for entry in boundaries:
        new = entry["document"]
        found = differences(new, _closest(new, frozen))
        assert not found, (entry["templates"], found)


def _default_boundary(request) -> tuple[dict, dict]:
    (entry,) = distinct(boundary_documents(_assembly(DEFAULT_CONFIG_FILE.relative_to(ROOT).as_posix(), request)))
    return entry["document"], _closest(entry["document"], _frozen())


def _without(document: dict, sid: str, action: str) -> dict:
    altered = copy.deepcopy(document)
    (statement,) = [s for s in altered["Statement"] if s.get("Sid") == sid]
    assert action in statement["Action"]
    statement["Action"] = [a for a in statement["Action"] if a != action]
    return altered


def test_control_an_action_dropped_from_an_allow_is_a_counterexample(request):
    new, old = _default_boundary(request)
    (access,) = _difference(old, _without(new, "AllowWorkloadRoleMaintenance", "iam:UpdateRole")).found
    assert access.request.action == "iam:UpdateRole"
    assert access.request.resource.startswith("arn:aws:iam::111122223333:role/workload/")
    assert access.new.allowed and not access.old.allowed


def test_control_an_action_dropped_from_a_deny_is_a_counterexample(request):
    new, old = _default_boundary(request)
    (access,) = _difference(_without(new, "DenyAccountOrganizationBillingAdministration", "payments:*"), old).found
    assert access.request.action.startswith("payments:")
    assert not access.old.allowed and access.new.allowed
