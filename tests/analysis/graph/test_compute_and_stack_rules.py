"""PassRole to new compute, existing compute and stacks: the minimal enabling policy gives a
chain naming the rule; without the enabling action or condition it does not. A PassRole scoped
with iam:PassedToService to another service, or to other roles, is not reported."""

from __future__ import annotations

import pytest

from .small import A, ADMIN, B, allow, chain_from, escalates_by, graph_of, role, rules_of, scope, trust, trust_service, user

TARGET = f"arn:aws:iam::{A}:role/Target"


def passed_to(service: str) -> dict:
    return {"StringEquals": {"iam:PassedToService": service}}


PASS_ROLE = {
    "pass-role-lambda-invoke": ("lambda.amazonaws.com", ["lambda:CreateFunction", "lambda:InvokeFunction"]),
    "pass-role-lambda-event-source": ("lambda.amazonaws.com", ["lambda:CreateFunction", "lambda:CreateEventSourceMapping"]),
    "pass-role-ec2": ("ec2.amazonaws.com", ["ec2:RunInstances"]),
    "pass-role-autoscaling-launch-configuration": ("ec2.amazonaws.com", ["autoscaling:CreateLaunchConfiguration",
                                                                        "autoscaling:CreateAutoScalingGroup"]),
    "pass-role-launch-template": ("ec2.amazonaws.com", ["ec2:CreateLaunchTemplate", "autoscaling:CreateAutoScalingGroup"]),
    "pass-role-glue-dev-endpoint": ("glue.amazonaws.com", ["glue:CreateDevEndpoint"]),
    "pass-role-glue-job": ("glue.amazonaws.com", ["glue:CreateJob", "glue:StartJobRun"]),
    "pass-role-sagemaker-notebook": ("sagemaker.amazonaws.com", ["sagemaker:CreateNotebookInstance",
                                                                 "sagemaker:CreatePresignedNotebookInstanceUrl"]),
    "pass-role-sagemaker-processing": ("sagemaker.amazonaws.com", ["sagemaker:CreateProcessingJob"]),
    "pass-role-sagemaker-training": ("sagemaker.amazonaws.com", ["sagemaker:CreateTrainingJob"]),
    "pass-role-codebuild": ("codebuild.amazonaws.com", ["codebuild:CreateProject", "codebuild:StartBuild"]),
    "pass-role-ecs": ("ecs-tasks.amazonaws.com", ["ecs:RegisterTaskDefinition", "ecs:RunTask"]),
    "pass-role-datapipeline": ("datapipeline.amazonaws.com", ["datapipeline:CreatePipeline",
                                                              "datapipeline:PutPipelineDefinition"]),
    "pass-role-cloudformation": ("cloudformation.amazonaws.com", ["cloudformation:CreateStack"]),
}


@pytest.mark.parametrize("rule", sorted(PASS_ROLE))
def test_pass_role_scoped_to_the_service_is_found_and_without_the_action_or_for_another_service_not(rule):
    service, actions = PASS_ROLE[rule]
    target = role("Target", *ADMIN, trust=trust_service(service))
    enabling = [allow("iam:PassRole", TARGET, passed_to(service)), allow(actions)]
    assert escalates_by(graph_of(scope(A, role("Dev", *enabling), target)), "role:Dev", rule)
    without_action = [allow("iam:PassRole", TARGET, passed_to(service)), allow(actions[1:] or ["s3:GetObject"])]
    if rule == "pass-role-sagemaker-notebook":  # opening a notebook alone reaches an unseen one with the role
        without_action = [allow("iam:PassRole", TARGET, passed_to(service)), allow("sagemaker:CreateNotebookInstance")]
    assert chain_from(graph_of(scope(A, role("Dev", *without_action), target)), "role:Dev") is None
    other_service = [allow("iam:PassRole", TARGET, passed_to("other.amazonaws.com")), allow(actions)]
    assert chain_from(graph_of(scope(A, role("Dev", *other_service), target)), "role:Dev") is None


def test_pass_role_scoped_to_other_roles_is_not_reported():
    target = role("Target", *ADMIN, trust=trust_service("lambda.amazonaws.com"))
    scoped = role("Dev", allow("iam:PassRole", f"arn:aws:iam::{A}:role/workload/*"),
                  allow(["lambda:CreateFunction", "lambda:InvokeFunction"]))
    assert chain_from(graph_of(scope(A, scoped, target)), "role:Dev") is None


def test_update_function_code_reaches_the_role_the_function_holds():
    fn = f"arn:aws:lambda:eu-west-1:{A}:function:worker"
    target = role("Target", *ADMIN, trust=trust_service("lambda.amazonaws.com"))
    small = scope(A, role("Dev", allow("lambda:UpdateFunctionCode", fn)), target, functions=[("worker", "Target")])
    found = chain_from(graph_of(small), "role:Dev")
    assert rules_of(found) == ["update-function-code", "compute-holds-role"]
    other = scope(A, role("Dev", allow("lambda:UpdateFunctionCode", fn + "-other")), target, functions=[("worker", "Target")])
    assert chain_from(graph_of(other), "role:Dev") is None


@pytest.mark.parametrize("rule, actions", [
    ("ssm-send-command", ["ssm:SendCommand"]),
    ("ssm-start-session", ["ssm:StartSession"]),
    ("ec2-instance-connect", ["ec2-instance-connect:SendSSHPublicKey"]),
])
def test_commands_on_instances_reach_what_a_non_admin_may_give_an_instance(rule, actions):
    """Unseen instances may hold a role a non-administrator may pass to EC2 (assumed worst)."""
    target = role("Target", *ADMIN, trust=trust_service("ec2.amazonaws.com"))
    passer = user("passer", allow("iam:PassRole", TARGET, passed_to("ec2.amazonaws.com")))
    found = chain_from(graph_of(scope(A, role("Dev", allow(actions)), passer, target)), "role:Dev")
    assert rules_of(found) == [rule, "compute-holds-role"]
    assert chain_from(graph_of(scope(A, role("Dev", allow(actions)), target)), "role:Dev") is None
    assert chain_from(graph_of(scope(A, role("Dev", allow("ec2:DescribeInstances")), passer, target)), "role:Dev") is None


@pytest.mark.parametrize("rule, actions, service", [
    ("sagemaker-notebook-url", ["sagemaker:CreatePresignedNotebookInstanceUrl"], "sagemaker.amazonaws.com"),
    ("glue-update-dev-endpoint", ["glue:UpdateDevEndpoint"], "glue.amazonaws.com"),
    ("codebuild-update-project", ["codebuild:UpdateProject", "codebuild:StartBuild"], "codebuild.amazonaws.com"),
    ("ecs-execute-command", ["ecs:ExecuteCommand"], "ecs-tasks.amazonaws.com"),
    ("update-function-code", ["lambda:UpdateFunctionCode"], "lambda.amazonaws.com"),
])
def test_other_existing_compute(rule, actions, service):
    target = role("Target", *ADMIN, trust=trust_service(service))
    passer = user("passer", allow("iam:PassRole", TARGET, passed_to(service)))
    assert escalates_by(graph_of(scope(A, role("Dev", allow(actions)), passer, target)), "role:Dev", rule)
    assert chain_from(graph_of(scope(A, role("Dev", allow(actions[1:] or ["s3:GetObject"])), passer, target)),
                      "role:Dev") is None


def test_update_function_role_passes_a_role_to_a_function():
    target = role("Target", *ADMIN, trust=trust_service("lambda.amazonaws.com"))
    actions = ["lambda:UpdateFunctionConfiguration", "lambda:UpdateFunctionCode"]
    enabling = role("Dev", allow("iam:PassRole", TARGET, passed_to("lambda.amazonaws.com")), allow(actions))
    assert escalates_by(graph_of(scope(A, enabling, target)), "role:Dev", "update-function-role")
    without = role("Dev", allow("iam:PassRole", TARGET, passed_to("lambda.amazonaws.com")), allow(actions[1:]))
    assert not escalates_by(graph_of(scope(A, without, target)), "role:Dev", "update-function-role")


def test_stack_updates_act_with_the_cdk_execution_role():
    stack = f"arn:aws:cloudformation:eu-west-1:{A}:stack/Small/*"
    found = chain_from(graph_of(scope(A, role("Dev", allow("cloudformation:UpdateStack", stack)))), "role:Dev")
    assert rules_of(found) == ["update-stack"] and "cfn-exec" in found.target
    change_set = role("Dev", allow(["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"], stack))
    assert escalates_by(graph_of(scope(A, change_set)), "role:Dev", "execute-change-set")
    other = f"arn:aws:cloudformation:eu-west-1:{A}:stack/Other/*"
    assert chain_from(graph_of(scope(A, role("Dev", allow("cloudformation:UpdateStack", other)))), "role:Dev") is None


def test_the_cdk_deploy_role_hands_cloudformation_an_admin_role():
    found = chain_from(graph_of(scope(A, role("Deploy", allow("sts:AssumeRole", "arn:aws:iam::*:role/cdk-*")))), "role:Deploy")
    assert rules_of(found) == ["cdk-deploy-role", "cdk-deploy-passes-execution-role"]
    lookup_only = role("Deploy", allow("sts:AssumeRole", "arn:aws:iam::*:role/cdk-*-lookup-role-*"))
    assert chain_from(graph_of(scope(A, lookup_only)), "role:Deploy") is None


@pytest.mark.parametrize(("trusted", "reached"), [((), False), ((B,), True)])
def test_a_cdk_deploy_role_admits_its_own_account_and_the_trusted_ones_only(trusted, reached):
    """A caller of account B whose own policy allows every CDK role: A's deploy role admits it
    only when A was bootstrapped with --trust B (both halves across accounts); B itself is not
    bootstrapped, so it has no deploy role to offer (the control: no chain at all)."""
    from dataclasses import replace

    from iam_baseline.analysis.model.bootstrap import Bootstrap

    deploy = role("Deploy", allow("sts:AssumeRole", "arn:aws:iam::*:role/cdk-*"), account=B)
    bootstrapped = (Bootstrap(A, "eu-west-1", trusted),)
    graph = graph_of(replace(scope(A), bootstraps=bootstrapped), replace(scope(B, deploy), bootstraps=bootstrapped))
    assert not any(n.account == B for n in graph.nodes.values() if "bootstrap" in n.id)
    found = chain_from(graph, "role:Deploy", B)
    assert (found is not None) is reached
    if reached:
        assert rules_of(found) == ["cdk-deploy-role", "cdk-deploy-passes-execution-role"]
        step = found.edges[0].steps[0]
        assert step.request.resource == f"arn:aws:iam::{A}:role/cdk-hnb659fds-deploy-role-{A}-eu-west-1"
        assert [str(r) for r in step.decision.deciding] == [
            f"trust policy trust:cdk-hnb659fds-deploy-role-{A}-eu-west-1 (cdk bootstrap, as documented) statement "
            "BootstrapAccounts (Allow)", "identity-based policy inline:Deploy statement #0 (Allow)"]


@pytest.mark.parametrize(("source_account", "reached"), [(A, True), ("999999999999", False)])
def test_a_task_role_fenced_with_the_confused_deputy_keys_is_passed_to_tasks_of_its_own_account(source_account, reached):
    """ECS sets aws:SourceAccount and aws:SourceArn when it assumes a task role: a trust that
    requires the role's own account admits a task the caller runs there; one that requires
    another account does not (the control)."""
    fenced = trust({"Service": "ecs-tasks.amazonaws.com"}, {
        "StringEquals": {"aws:SourceAccount": source_account},
        "ArnLike": {"aws:SourceArn": f"arn:aws:ecs:*:{source_account}:*"},
    })
    target = role("Target", *ADMIN, trust=fenced)
    dev = role("Dev", allow("iam:PassRole", TARGET, passed_to("ecs-tasks.amazonaws.com")),
               allow(["ecs:RegisterTaskDefinition", "ecs:RunTask"]))
    assert escalates_by(graph_of(scope(A, dev, target)), "role:Dev", "pass-role-ecs") is reached


@pytest.mark.parametrize(("bootstrapped", "reached"), [("222222222222", True), ("111111111111", False)])
def test_a_stackset_role_is_asked_for_a_deploy_role_as_the_member_account_the_trust_names(bootstrapped, reached):
    """A StackSet template reads its own account as a placeholder: its Admin role is asked for a
    bootstrapped deploy role as the member account the trust names (the delegated administrator
    may be both bootstrapped and a StackSet target); a deploy role of an account that is none of
    its members (the control) is not offered with the placeholder, which AWS never sees."""
    from dataclasses import replace

    from iam_baseline.analysis.model.bootstrap import Bootstrap

    from .hub_small import member_scope

    bootstraps = (Bootstrap(bootstrapped, "eu-west-1"),)
    member = replace(member_scope(), bootstraps=bootstraps)
    graph = graph_of(member, replace(scope(bootstrapped), bootstraps=bootstraps))
    edges = [e for e in graph.edges_from("stackset:Workloads/role:Admin") if e.rule == "cdk-deploy-role"]
    assert bool(edges) is reached
    if reached:
        (edge,) = edges
        request = edge.steps[0].request
        assert (edge.target, request.principal.account) == (f"{bootstrapped}/bootstrap:deploy:hnb659fds", bootstrapped)
        assert request.principal.arn == f"arn:aws:sts::{bootstrapped}:assumed-role/Admin/check"
    assert not any(n.id.startswith("000000000000/bootstrap") for n in graph.nodes.values())
