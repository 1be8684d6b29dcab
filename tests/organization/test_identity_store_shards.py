"""Sharded assignments reach the groups and users the Identity Center stack declares through
its exports (by reference, no lookup); other names are still looked up."""

from __future__ import annotations

from organization_helpers import example_data, parse, resources_of

EXISTING = ["AWS Security Admins", "AWS Auditors", "AWS Administrators", "AWS Support Engineers"]


def test_declared_principals_are_imported_by_the_shards():
    from aws_cdk import App

    from iam_baseline.federation.assignment_shards import account_assignments, plan_shards
    from stacks.identity_center import IdentityCenterStack, principal_export_name
    from stacks.identity_center_assignments import AssignmentShardStack

    data = example_data()
    data["federation"]["identity_center"]["identity_store"] = {
        "groups": [{"name": "Developers", "members": ["dev.one"]}],
        "users": [{"user_name": "dev.one", "display_name": "Dev One", "given_name": "Dev", "family_name": "One", "email": "dev.one@example.com"}],
        "existing_groups": EXISTING,
    }
    config = parse(data)
    center = config.federation.identity_center
    app = App()
    identity_center = IdentityCenterStack(app, "IdentityCenter", config=config, assignments_in_shards=True)
    shards = plan_shards(account_assignments(center, config.organization), config.organization.assignment_shards)
    shard = next(s for s in shards if any(p.name == "Developers" for p in s.lookups))
    stack = AssignmentShardStack(app, "Shard", config=config, shard=shard)
    exports = {
        o["Export"]["Name"]: o["Value"] for o in app.synth().get_stack_by_name(identity_center.stack_name).template["Outputs"].values()
    }
    group_export = principal_export_name(center.stack_name, "GROUP", "Developers")
    assert group_export == "IamBaselineIdentityCenter-Group-Developers"
    assert exports[group_export]["Fn::GetAtt"][1] == "GroupId"
    assert exports[principal_export_name(center.stack_name, "USER", "dev.one")]["Ref"].startswith("IdentityStoreUserDevOne")
    template = app.synth().get_stack_by_name(stack.stack_name).template
    developers = [
        a["Properties"]["PrincipalId"]
        for a in resources_of(template, "AWS::SSO::Assignment").values()
        if a["Properties"]["PrincipalId"] == {"Fn::ImportValue": group_export}
    ]
    assert developers, "the Developers assignments import the declared group's id"
    looked_up = {
        r["Properties"]["Create"] for r in resources_of(template, "Custom::IdentityStorePrincipalLookup").values()
    }
    assert not any("Developers" in call for call in looked_up)
    assert all(any(name in call for name in EXISTING) for call in looked_up)


def test_an_ou_assignment_to_an_undeclared_name_is_refused():
    from organization_helpers import config_error

    data = example_data()
    data["federation"]["identity_center"]["identity_store"] = {"existing_groups": EXISTING}
    message = config_error(data)
    assert "unknown group 'Developers': declare it in identity_store.groups [] or, if it exists outside the baseline" in message
