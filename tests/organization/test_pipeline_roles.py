"""The pipeline's OIDC roles in the management account: the diff role is read-only."""

from __future__ import annotations

from organization_helpers import resources_of


def _assumable(template: dict, policy_name: str) -> list[str]:
    (policy,) = [
        r["Properties"]
        for r in resources_of(template, "AWS::IAM::ManagedPolicy").values()
        if r["Properties"].get("ManagedPolicyName") == policy_name
    ]
    resources = []
    for statement in policy["PolicyDocument"]["Statement"]:
        assert statement["Action"] == "sts:AssumeRole"
        for resource in statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]:
            resources.append(resource if isinstance(resource, str) else "".join(p if isinstance(p, str) else "{" + str(p) + "}" for p in resource["Fn::Join"][1]))
    return resources


def test_the_diff_role_may_assume_only_lookup_roles(org_templates):
    assumable = _assumable(org_templates["AccountBaseline"], "GitHubDiffPermissions")
    assert len(assumable) == 2 and all("-lookup-role-" in arn for arn in assumable)


def test_the_deploy_role_reaches_the_delegated_admin_cdk_roles(org_templates):
    assumable = _assumable(org_templates["AccountBaseline"], "GitHubDeployPermissions")
    kinds = [arn.split("cdk-hnb659fds-")[1].split("-role-")[0] for arn in assumable]
    assert sorted(kinds) == sorted(["deploy", "file-publishing", "image-publishing", "lookup"] + ["deploy", "file-publishing", "lookup"])
    assert sum("222200000001" in arn for arn in assumable) == 3
