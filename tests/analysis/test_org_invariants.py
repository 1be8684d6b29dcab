"""The organization invariants (issue 12) on the example organization, and the mutants of its
guard rails that the organization part of ``make check`` must kill, naming the promise.

The harness runs what ``make check`` runs for the organization: the organization invariants of
the catalogue over every account scope, and the access matrix rows about member accounts. One
shared synth of tests/fixtures/organization.yaml; each mutant is a copy of the guard rails
template, every other file linked.
"""

from __future__ import annotations

import collections
import copy
import json
from pathlib import Path

import pytest

from iam_baseline.analysis.checks.invariants import (
    org_baseline_changes,
    org_data_perimeter,
    org_leave,
    org_root_user,
    root_tasks,
)
from iam_baseline.analysis.checks.invariants.catalog import INVARIANTS, run_invariants
from iam_baseline.analysis.checks.member_accounts import MEMBER_PRINCIPALS, check_member_expectation
from iam_baseline.analysis.engine.space import ActionSpace, RequestSpace, exactly
from iam_baseline.analysis.engine.symbolic import Counterexample, find_allowed
from iam_baseline.analysis.model.accounts import load_scopes
from iam_baseline.analysis.model.organization_policies import load_organization_policies
from iam_baseline.config import load_config
from template_tools import ROOT

from .org_mutants import GUARDRAILS, mutants
from .test_mutation import materialize

EXAMPLE = ROOT / "tests" / "fixtures" / "organization.yaml"
ORG_INVARIANTS = tuple(m.INVARIANT for m in (org_leave, org_root_user, org_baseline_changes, org_data_perimeter,
                                              root_tasks))


@pytest.fixture(scope="module")
def org(synthesized_config):
    return load_config(EXAMPLE), Path(synthesized_config(EXAMPLE))


def organization_failures(out: Path, config) -> list[str]:
    """Failure messages of the organization part of ``make check`` on the assembly in ``out``."""
    results, _ = run_invariants(load_scopes(out, config), config, ORG_INVARIANTS)
    levels = load_organization_policies(out, config)
    for row in config.access_matrix.expectations:
        if row.principal in MEMBER_PRINCIPALS:
            results += check_member_expectation(levels, config, row, "aws")
    return [r.message for r in results if not r.passed]


def test_the_organization_invariants_are_registered_and_proven(org):
    config, out = org
    assert all(i in INVARIANTS for i in ORG_INVARIANTS)
    results, _ = run_invariants(load_scopes(out, config), config, ORG_INVARIANTS)
    by_id = collections.Counter(r.check for r in results)
    # Four StackSet variants and the delegated administrator's own scope; RootTasks once.
    assert {i.id: by_id[i.id] for i in ORG_INVARIANTS} == {
        "INV-ORG-NO-LEAVE": 5, "INV-ORG-ROOT-ONLY-ROOT-SESSIONS": 5, "INV-ORG-BASELINE-CHANGES-DECLARED": 5,
        "INV-ORG-DATA-PERIMETER": 5, "INV-ROOT-TASKS-ENABLED-ONLY": 1}
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]


def test_scopes_carry_the_levels_of_their_ou(org):
    config, out = org
    scopes = {s.label: s for s in load_scopes(out, config)}
    production = scopes["StackSet member Production"]
    assert production.member_accounts[0] == "333300000001" and len(production.member_accounts) == 6
    assert [[p.name for p in level] for level in production.scps][:2] == [
        ["FullAWSAccess", "IamBaseline-Guardrails"], ["FullAWSAccess", "IamBaseline-Guardrails-2"]]
    assert [p.name for p in production.rcps[0]] == ["RCPFullAWSAccess", "IamBaseline-ResourceGuardrails"]
    assert scopes["account 111111111111"].scps == ()  # the management account: no SCPs


def test_a_root_session_is_exempt_exactly_as_aws_documents(org):
    """Positive control of INV-ORG-ROOT-ONLY-ROOT-SESSIONS: with aws:AssumedRoot true the root
    user does act (centralized root tasks keep working)."""
    config, out = org
    scope = next(s for s in load_scopes(out, config) if s.label == "StackSet member Production")
    root = org_root_user.root_user("333300000001", "aws")
    space = RequestSpace(principals=(root,), actions=ActionSpace(include=("s3:DeleteBucketPolicy",)),
                         context={"aws:AssumedRoot": exactly("true")})
    verdict = find_allowed(space, identity=[org_root_user.ALLOW_ALL], scps=scope.scps)
    assert isinstance(verdict, Counterexample) and verdict.request.context["aws:assumedroot"] == "true"


@pytest.mark.mutation
def test_every_guard_rail_mutant_is_killed_naming_the_promise(org, tmp_path, capsys):
    config, source = org
    original = {GUARDRAILS: json.loads((source / GUARDRAILS).read_text())}
    assert not organization_failures(source, config)  # negative control: the same harness passes
    all_mutants = list(mutants())
    assert {m.cls for m in all_mutants} >= {"scp-loosened", "scp-detached", "rcp-loosened", "rcp-removed"}
    survivors, kills = [], collections.Counter()
    for index, mutant in enumerate(all_mutants):
        templates = copy.deepcopy(original)
        mutant.edit(templates)
        assert templates != original, f"mutant {mutant.name} changed nothing"
        failures = organization_failures(materialize(source, tmp_path / f"m{index}", templates), config)
        if any("promise" in f for f in failures):
            kills[mutant.cls] += 1
        else:
            survivors.append(f"{mutant.cls}: {mutant.name} ({len(failures)} failures)")
    with capsys.disabled():
        print(f"\norganization mutation test: {sum(kills.values())}/{len(all_mutants)} killed: "
              + ", ".join(f"{c} {n}" for c, n in sorted(kills.items())))
    assert not survivors, "surviving mutants:\n" + "\n".join(survivors)
