"""Assignment shards sized by both quotas a shard meets: CloudFormation's resources per stack
and IAM's role policy size, which the principal lookups' inline policies (one per name, on the
shard's lookup function role) fill first in an organization with three names per account."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

ROLE_POLICY_SIZE = "Role policy size (all inline policies of a role)"


@pytest.fixture(scope="module")
def generated():
    """``make bench-scale``'s 100-account organization (3 names, 10 assignments per account):
    its config, its account assignments and the quotas of its Identity Center instance."""
    from bench_scale import organization_config
    from organization_helpers import parse

    from iam_baseline.federation.assignment_shards import ShardQuotas, account_assignments

    config = parse(organization_config(100))
    center = config.federation.identity_center
    return config, account_assignments(center, config.organization), ShardQuotas.for_center(center)


def _resources_only(quotas):
    """The planner as it was: the role policy size quota out of the way."""
    from dataclasses import replace

    return replace(quotas, max_role_policy_chars=10**9)


def test_the_suggested_count_keeps_every_lookup_role_under_the_policy_size_quota(generated):
    from iam_baseline.errors import BaselineError
    from iam_baseline.federation.assignment_shards import plan_shards, shard_count_for
    from iam_baseline.federation.policy_size import policy_length
    from iam_baseline.federation.principal_lookup_policy import lookup_policy_document

    config, assignments, quotas = generated
    count = shard_count_for(assignments, quotas=quotas)
    plan = plan_shards(assignments, count, quotas=quotas)
    center = config.federation.identity_center
    for shard in plan:
        # Measured from the documents themselves, as the synth check measures them.
        chars = sum(
            policy_length(lookup_policy_document(p.type, center.identity_store_id, partition="aws", account_id=center.account_id))
            for p in shard.lookups
        )
        assert chars == quotas.lookup_policy_chars(shard) <= 10240
        assert shard.resource_count < 500
    # Negative control: counting resources only, the planner accepts fewer shards, some of whose
    # lookup roles are over the quota; plan_shards refuses that count and names one that fits.
    fewer = shard_count_for(assignments, quotas=_resources_only(quotas))
    assert fewer < count
    over = [s for s in plan_shards(assignments, fewer, quotas=_resources_only(quotas)) if quotas.problem(s)]
    assert over and all(quotas.lookup_policy_chars(s) > 10240 for s in over)
    with pytest.raises(BaselineError) as info:
        plan_shards(assignments, fewer, quotas=quotas)
    message = str(info.value)
    assert "over IAM's role policy size quota of 10240; set organization.assignment_shards to at least" in message
    suggested = int(message.split("at least ")[1].split(" ")[0])
    assert not any(map(quotas.problem, plan_shards(assignments, suggested, quotas=quotas)))


def test_the_default_quotas_measure_the_longest_lookup_policy(generated):
    from iam_baseline.federation.assignment_shards import ShardQuotas

    _, _, exact = generated
    longest = ShardQuotas()
    assert longest.group_lookup_chars > exact.group_lookup_chars
    assert longest.user_lookup_chars > exact.user_lookup_chars


def test_the_synth_quota_check_accepts_the_planned_shard_and_refuses_the_resources_only_one(generated):
    """No synth: the shard stacks are built and measured by the check ``cdk synth`` runs."""
    from aws_cdk import App

    from iam_baseline.federation.assignment_shards import plan_shards, shard_count_for
    from iam_baseline.quotas import QuotaError, check_quotas
    from stacks.identity_center_assignments import AssignmentShardStack

    config, assignments, quotas = generated
    planned = max(plan_shards(assignments, shard_count_for(assignments, quotas=quotas), quotas=quotas), key=quotas.lookup_policy_chars)
    fewer = shard_count_for(assignments, quotas=_resources_only(quotas))
    too_big = max(plan_shards(assignments, fewer, quotas=_resources_only(quotas)), key=quotas.lookup_policy_chars)

    app = App()
    AssignmentShardStack(app, "Planned", config=config, shard=planned)
    sizes = check_quotas(app, config.quotas)
    measured = [v for k, v in sizes.items() if k.startswith(ROLE_POLICY_SIZE) and "Planned/" in k]
    assert max(measured) == quotas.lookup_policy_chars(planned)

    app = App()
    AssignmentShardStack(app, "TooBig", config=config, shard=too_big)
    with pytest.raises(QuotaError) as info:
        check_quotas(app, config.quotas)
    assert f"is {quotas.lookup_policy_chars(too_big)} characters (whitespace excluded)" in str(info.value)
