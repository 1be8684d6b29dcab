"""Differential test: our evaluator against @cloud-copilot/iam-simulate on >= 500 requests.

The oracle runs through the pinned Node (node_modules/.bin/node); the test is skipped only
when that Node is missing. Every disagreement must be listed, with the AWS documentation that
shows who is right, in ``differential_disagreements.json``; the list must hold nothing else.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from iam_baseline.analysis.engine.evaluator import evaluate

from iam_baseline.analysis.engine.policy import Policy, PolicyKind

from iam_baseline.analysis.engine.request import Request, RequestPrincipal
from iam_baseline.analysis.model.organization_policies import RCP_FULL_AWS_ACCESS

from .corpus import ACCOUNT, baseline_cases, documented_cases, edge_cases, element_page_cases, rcp_cases

ROOT = Path(__file__).resolve().parents[2]
NODE = ROOT / "node_modules" / ".bin" / "node"
ORACLE = Path(__file__).with_name("iam_simulate_oracle.mjs")
KNOWN = Path(__file__).with_name("differential_disagreements.json")
MIN_CASES = 500


def ours(case: dict) -> str:
    principal = RequestPrincipal(**case["principal"])
    request = Request(principal, case["action"], case["resource"], case["context"])
    identity = [Policy.from_document(f"identity{i}", d) for i, d in enumerate(case["identity"])]
    boundary = Policy.from_document("boundary", case["boundary"], PolicyKind.BOUNDARY) if case["boundary"] else None
    session = [Policy.from_document("session", case["session"], PolicyKind.SESSION)] if case["session"] else []
    scps = [[Policy.from_document(f"scp{i}", d, PolicyKind.SCP) for d in level] for i, level in enumerate(case["scps"])]
    rcps = [[RCP_FULL_AWS_ACCESS, *(Policy.from_document(f"rcp{i}", d, PolicyKind.RCP) for d in level)]
            for i, level in enumerate(case.get("rcps", []))]
    resource_policy = None
    if case["resource_policy"]:
        kind = PolicyKind.TRUST if case["trust"] else PolicyKind.RESOURCE
        resource_policy = Policy.from_document("resource", case["resource_policy"], kind)
    decision = evaluate(
        request,
        identity=identity,
        boundary=boundary,
        session=session,
        scps=scps,
        rcps=rcps,
        resource_policy=resource_policy,
        resource_policy_required=case["trust"],
    )
    return {"allowed": "Allowed", "explicit deny": "ExplicitlyDenied", "implicit deny": "ImplicitlyDenied"}[
        decision.outcome.value
    ]


def simulation(case: dict) -> dict:
    resource_policy = case["resource_policy"]
    if case["trust"] and resource_policy is None:
        # A role without a trust policy of the assembly: nobody may assume it.
        resource_policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"}]}
    return {
        "request": {
            "principal": case["principal"]["arn"],
            "action": case["action"],
            "resource": {"resource": case["resource"], "accountId": ACCOUNT},
            "contextVariables": case["context"],
        },
        "identityPolicies": [{"name": f"identity{i}", "policy": d} for i, d in enumerate(case["identity"])],
        "permissionBoundaryPolicies": [{"name": "boundary", "policy": case["boundary"]}] if case["boundary"] else None,
        "sessionPolicy": case["session"],
        "serviceControlPolicies": [
            {"orgIdentifier": f"level{i}", "policies": [{"name": f"scp{i}-{j}", "policy": d} for j, d in enumerate(level)]}
            for i, level in enumerate(case["scps"])
        ],
        "resourceControlPolicies": [
            {"orgIdentifier": f"level{i}", "policies": [{"name": f"rcp{i}-{j}", "policy": d} for j, d in enumerate(level)]}
            for i, level in enumerate(case.get("rcps", []))
        ],
        "resourcePolicy": resource_policy,
    }


def _clean(sim: dict) -> dict:
    return {k: v for k, v in sim.items() if v is not None}


@pytest.fixture(scope="module")
def corpus(default_assembly) -> list[dict]:
    from iam_baseline.analysis.model.templates import load_account

    model = load_account(default_assembly.directory, account="111122223333")
    return baseline_cases(model) + documented_cases() + edge_cases() + element_page_cases() + rcp_cases()


@pytest.mark.skipif(not NODE.exists(), reason="the pinned Node (node_modules/.bin/node) is missing")
def test_evaluator_agrees_with_iam_simulate(corpus):
    payload = json.dumps([_clean(simulation(c)) for c in corpus])
    completed = subprocess.run(
        [str(NODE), str(ORACLE)], input=payload, capture_output=True, text=True, cwd=ROOT, timeout=300, check=True
    )
    theirs = json.loads(completed.stdout)
    assert len(theirs) == len(corpus)
    compared, disagreements, errors = 0, {}, {}
    for case, oracle in zip(corpus, theirs, strict=True):
        if oracle.startswith("error"):
            errors[case["id"]] = oracle
            continue
        compared += 1
        mine = ours(case)
        if mine != oracle:
            disagreements[case["id"]] = {"ours": mine, "iam-simulate": oracle}
    assert compared >= MIN_CASES, f"only {compared} comparable cases; oracle errors: {list(errors.items())[:5]}"
    known = json.loads(KNOWN.read_text())["disagreements"]
    unexplained = {k: v for k, v in disagreements.items() if k not in known}
    stale = sorted(k for k in known if k not in disagreements)
    assert not unexplained, f"disagreements without a documented reason: {json.dumps(unexplained, indent=1)}"
    assert not stale, f"listed disagreements that no longer occur: {stale}"
    for cid, entry in known.items():
        assert entry["ours"] == disagreements[cid]["ours"] and entry["reference"].startswith("https://docs.aws.amazon.com/")
