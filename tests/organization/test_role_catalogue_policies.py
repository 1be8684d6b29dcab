"""Machine and service roles take their policies from the persona catalogue: AWS managed policies
checked against the pinned copy (nearest names on a typo), customer managed policies of
``policies:``; nothing that allows '*' on '*', and at least one policy."""

from __future__ import annotations

import pytest
from organization_helpers import hub_data, hub_error, parse_hub

WIDE = {"description": "Everything.", "statements": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
NARROW = {"description": "Read the reports bucket.",
          "statements": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}

REFUSAL = "refused for machine and service roles (no MFA prompt, or whoever passes the role acts as it)"


@pytest.mark.parametrize("section", ["machine_roles", "service_roles"])
@pytest.mark.parametrize(
    ("policies", "where", "message"),
    [
        ({"aws_managed_policies": ["SecurityAudi"]}, "aws_managed_policies[0]", "unknown AWS managed policy 'SecurityAudi'"),
        ({"aws_managed_policies": ["SecurityAudi"]}, "aws_managed_policies[0]", "nearest: SecurityAudit"),
        ({"aws_managed_policies": ["AdministratorAccess"]}, "aws_managed_policies[0]",
         f"AdministratorAccess allows '*' on '*' (admin-equivalent), {REFUSAL}"),
        ({"aws_managed_policies": [], "customer_managed_policies": ["Wide"]}, "customer_managed_policies[0]",
         f"policy Wide allows '*' on '*' (admin-equivalent), {REFUSAL}"),
        ({"aws_managed_policies": [], "customer_managed_policies": ["Missing"]}, "customer_managed_policies[0]",
         "unknown policy 'Missing'; declared under policies: ['Narrow', 'Wide']"),
        ({"aws_managed_policies": [], "customer_managed_policies": []}, "", "give at least one policy: aws_managed_policies or customer_managed_policies"),
    ],
)
def test_a_policy_outside_the_catalogue_rules_is_refused(section, policies, where, message):
    data = hub_data()
    data["policies"] = {"Narrow": NARROW, "Wide": WIDE}
    data[section][0].update(policies)
    error = hub_error(data)
    assert f"{section}[0]{'.' + where if where else ''} (line" in error and message in error, error


def test_catalogue_policies_are_accepted_and_attached(tmp_path):
    """A machine role with an AWS managed policy beyond the usual read-only ones and a service
    role with a customer managed policy of policies: load, and the account stack attaches them."""
    from aws_cdk import App

    from stacks.account_baseline import AccountBaselineStack
    from template_tools import CDK_CONTEXT

    data = hub_data()
    data["policies"] = {"Narrow": NARROW}
    data["machine_roles"].append({
        "name": "CaseOpener", "reason": "The support automation opens cases.", "aws_managed_policies": ["AWSSupportAccess"],
        "automation": {"role_arn": "arn:aws:iam::111111111111:role/tooling/Support"},
    })
    data["service_roles"][0]["customer_managed_policies"] = ["Narrow"]
    config = parse_hub(data)
    assert config.machine_roles[-1].aws_managed_policies == ("AWSSupportAccess",)
    app = App(outdir=str(tmp_path), context=CDK_CONTEXT)
    stack = AccountBaselineStack(app, "AccountBaseline", config=config)
    template = app.synth().get_stack_by_name(stack.stack_name).template
    roles = {r["Properties"]["RoleName"]: r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Role"
             and "RoleName" in r["Properties"]}
    support = roles["CaseOpener"]["ManagedPolicyArns"]
    assert any("AWSSupportAccess" in str(arn) for arn in support), support
    narrow = next(k for k, r in template["Resources"].items() if r["Type"] == "AWS::IAM::ManagedPolicy"
                  and r["Properties"].get("ManagedPolicyName") == "Narrow")
    assert {"Ref": narrow} in roles["ReportsInstance"]["ManagedPolicyArns"]
