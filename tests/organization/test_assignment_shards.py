"""Identity Center assignments sharded into stacks: within CloudFormation limits, and stable
(one more account or assignment changes exactly one stack, proven by diffing two synths)."""

from __future__ import annotations

import json
import random

import pytest
from organization_helpers import example_data, parse, resources_of, synth_templates

SHARD_PREFIX = "IdentityCenterAssignments"


def _shards(templates: dict) -> dict[str, dict]:
    return {k: t for k, t in templates.items() if k.startswith(SHARD_PREFIX)}


def _changed(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def test_every_account_assignment_is_placed_once(org_config, org_templates):
    from iam_baseline.federation.assignment_shards import account_assignments

    expected = account_assignments(org_config.federation.identity_center, org_config.organization)
    # 3 Security accounts x 2, 6 Prod x 4, 6 Dev x 3, 5 Sandbox x 2 assignments.
    assert len(expected) == 6 + 24 + 18 + 10
    placed = [
        (r["Properties"]["TargetId"], r["Properties"]["PermissionSetArn"]["Fn::ImportValue"])
        for t in _shards(org_templates).values()
        for r in resources_of(t, "AWS::SSO::Assignment").values()
    ]
    assert sorted(placed) == sorted(
        (a.account_id, f"IamBaselineIdentityCenter-PermissionSet-{a.permission_set}") for a in expected
    )


def test_the_identity_center_stack_exports_permission_sets_and_holds_no_assignment(org_templates):
    center = org_templates["IdentityCenter"]
    assert not resources_of(center, "AWS::SSO::Assignment")
    exports = sorted(o["Export"]["Name"] for o in center["Outputs"].values())
    assert exports == [
        f"IamBaselineIdentityCenter-PermissionSet-{n}" for n in ("Admin", "Developer", "ReadOnly", "SecurityAuditor", "Support")
    ]


def test_shards_stay_within_cloudformation_limits_and_match_the_plan(org_config, org_templates):
    from iam_baseline.federation.assignment_shards import account_assignments, plan_shards

    plan = plan_shards(account_assignments(org_config.federation.identity_center, org_config.organization), 4)
    shards = _shards(org_templates)
    assert sorted(shards) == [f"{SHARD_PREFIX}{s.index:03d}" for s in plan]
    for shard in plan:
        template = shards[f"{SHARD_PREFIX}{shard.index:03d}"]
        assert len(template["Resources"]) == shard.resource_count < 500
        assert len(json.dumps(template).encode()) < 1_000_000
        # Each named principal is resolved once per shard, whatever its number of assignments.
        assert len(resources_of(template, "Custom::IdentityStorePrincipalLookup")) == len(shard.lookups)


def test_placement_depends_only_on_the_account():
    from iam_baseline.federation.assignment_shards import shard_of

    assert [shard_of("333300000001", n) for n in (1, 4, 16)] == [shard_of("333300000001", n) for n in (1, 4, 16)]
    assert {shard_of(f"{i:012d}", 8) for i in range(200)} == set(range(8))
    data = example_data()
    shuffled = example_data()
    random.Random(7).shuffle(shuffled["organization"]["organizational_units"])
    for ou in shuffled["organization"]["organizational_units"]:
        random.Random(7).shuffle(ou.get("accounts", []))
    assert _plan(parse(data)) == _plan(parse(shuffled))


def _plan(config):
    from iam_baseline.federation.assignment_shards import account_assignments, plan_shards

    center, organization = config.federation.identity_center, config.organization
    return [(s.index, s.assignments) for s in plan_shards(account_assignments(center, organization), organization.assignment_shards)]


def test_too_few_shards_is_refused_with_the_count_that_fits():
    from iam_baseline.errors import BaselineError
    from iam_baseline.federation.assignment_shards import AccountAssignment, Principal, plan_shards

    principals = [Principal("GROUP", name=f"team-{g}") for g in range(3)]
    assignments = [
        AccountAssignment(f"{700000000000 + i}", f"Set{p}", principals[p % 3]) for i in range(300) for p in range(10)
    ]
    with pytest.raises(BaselineError) as info:
        plan_shards(assignments, 4)
    message = str(info.value)
    assert "over CloudFormation's 500 per stack; set organization.assignment_shards to at least" in message
    fitting = int(message.split("at least ")[1].split(" ")[0])
    assert all(s.resource_count < 500 for s in plan_shards(assignments, fitting))
    assert len(assignments) / 500 < fitting


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    """Two more synths of the example: one more account in an OU; one more assignment."""
    one_account = example_data()
    dev = next(ou for ou in one_account["organization"]["organizational_units"] if ou["path"] == "Workloads/Dev")
    dev["accounts"].append({"name": "search-dev", "id": "444400000007"})
    one_assignment = example_data()
    one_assignment["federation"]["identity_center"]["assignments"] = [
        {"permission_set": "ReadOnly", "principal_type": "GROUP", "principal_name": "AWS Auditors", "account_ids": ["333300000004"]}
    ]
    return {
        name: synth_templates(parse(data), tmp_path_factory.mktemp(name))[1]
        for name, data in (("one_account", one_account), ("one_assignment", one_assignment))
    }


@pytest.mark.parametrize(
    ("change", "account", "added"),
    [("one_account", "444400000007", 3), ("one_assignment", "333300000004", 1)],
)
def test_one_more_account_or_assignment_changes_exactly_one_stack(org_templates, grown, change, account, added):
    from iam_baseline.federation.assignment_shards import shard_of

    after = grown[change]
    changed = _changed(org_templates, after)
    if change == "one_account":
        # RootTasks may start root sessions in the config's member accounts only, so its grant
        # (management account, guard rails stack) names the new account too; nothing else changes.
        changed.remove("OrganizationGuardrails")
        root_tasks = [r for r in after["OrganizationGuardrails"]["Resources"].values() if r["Type"] == "AWS::IAM::ManagedPolicy"]
        assert account in json.dumps(root_tasks)
    assert changed == [f"{SHARD_PREFIX}{shard_of(account, 4):03d}"]
    before_resources, after_resources = org_templates[changed[0]]["Resources"], after[changed[0]]["Resources"]
    # Only additions: every resource that was there is still there, unchanged.
    assert {k: after_resources[k] for k in before_resources} == before_resources
    new = {k: r for k, r in after_resources.items() if k not in before_resources}
    assert [r["Properties"]["TargetId"] for r in new.values() if r["Type"] == "AWS::SSO::Assignment"] == [account] * added


def test_permission_set_export_names_are_valid_and_distinct():
    from stacks.identity_center import permission_set_export_name

    assert permission_set_export_name("Ic", "Admin") == "Ic-PermissionSet-Admin"
    odd = [permission_set_export_name("Ic", name) for name in ("a.b", "a_b", "a-b")]
    assert len(set(odd)) == 3 and all(n.replace("-", "").isalnum() for n in odd)
