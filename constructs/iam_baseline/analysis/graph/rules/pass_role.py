"""PassRole to new compute: create a resource that runs one's code with a passed role.

Each rule passes a role with ``iam:PassedToService`` set to the service that will assume it
(IAM User Guide, "Grant a user permissions to pass a role to an AWS service"; the condition
key ``iam:PassedToService``), then creates (and starts) the compute. The target is every role
of the account whose trust policy admits that service, and a stand-in administrator role
outside the assembly (its trust is unknown: assumed to admit it; not
OrganizationAccountAccessRole, whose documented trust admits only the management account). Sources: Rhino Security Labs (2018) methods 3 and 15-21;
Bishop Fox, "Privilege escalation in AWS" (iam-vulnerable, 2021: SageMaker jobs, Auto Scaling
launch configurations and templates, ECS tasks).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..nodes import Family, Node, NodeKind
from ..world import COMPUTE_SERVICES
from .base import Ask, Attempt, Rule
from .identity_policy import RHINO

BISHOP_FOX = "Bishop Fox, 'iam-vulnerable: privilege escalation paths in AWS' (2021)"


def passable_roles(world, node: Node, service: str) -> Iterator[Node]:
    """Roles of ``node``'s account that ``service`` may assume (the stand-in service role included)."""
    for role in [*world.in_scope(node, NodeKind.ROLE), world.nodes[world.stand_in_service_role(node)]]:
        if role.id != node.id and world.trusts_service(role, service):
            yield role


def pass_role(role: Node, service: str) -> Ask:
    return Ask("iam:PassRole", role.arn, (("iam:PassedToService", service),))


def _pass_to(service: str, *steps: tuple[str, str, str]):
    """Attempts: pass each role that trusts ``service``, then ``steps`` = (action, service of
    the ARN, resource) on a new resource of the caller's account."""

    def attempts(world, node: Node) -> Iterator[Attempt]:
        asks = tuple(Ask(action, world.arn(node, arn_service, resource) if resource != "*" else "*")
                     for action, arn_service, resource in steps)
        for role in passable_roles(world, node, service):
            yield Attempt(role.id, (pass_role(role, service), *asks),
                          f"passes {role.label} to {service} and runs code with it")
    return attempts


def _rule(id: str, title: str, key: str, steps: tuple[tuple[str, str, str], ...], source: str) -> Rule:
    service = COMPUTE_SERVICES[key][0] if key in COMPUTE_SERVICES else key
    return Rule(id, Family.PASS_ROLE, title, ("iam:PassRole", *(s[0] for s in steps)), "the passed role", source,
                f"iam:PassedToService = {service}", attempts=_pass_to(service, *steps))


FUNCTION = "function:escalation-probe"
RULES: tuple[Rule, ...] = (
    _rule("pass-role-lambda-invoke", "New Lambda function with a passed role, invoked", "lambda",
          (("lambda:CreateFunction", "lambda", FUNCTION), ("lambda:InvokeFunction", "lambda", FUNCTION)), f"{RHINO}, method 15"),
    _rule("pass-role-lambda-event-source", "New Lambda function with a passed role, triggered by an event source", "lambda",
          (("lambda:CreateFunction", "lambda", FUNCTION), ("lambda:CreateEventSourceMapping", "lambda", "*")), f"{RHINO}, method 16"),
    _rule("pass-role-ec2", "New EC2 instance with a passed role (instance profile)", "ec2",
          (("ec2:RunInstances", "ec2", "instance/*"),), f"{RHINO}, method 3"),
    _rule("pass-role-autoscaling-launch-configuration", "Auto Scaling group from a launch configuration with a passed role",
          "ec2", (("autoscaling:CreateLaunchConfiguration", "autoscaling", "launchConfiguration:*:launchConfigurationName/probe"),
                  ("autoscaling:CreateAutoScalingGroup", "autoscaling", "autoScalingGroup:*:autoScalingGroupName/probe")),
          BISHOP_FOX),
    _rule("pass-role-launch-template", "Auto Scaling group from a launch template with a passed role", "ec2",
          (("ec2:CreateLaunchTemplate", "ec2", "launch-template/*"),
           ("autoscaling:CreateAutoScalingGroup", "autoscaling", "autoScalingGroup:*:autoScalingGroupName/probe")),
          BISHOP_FOX),
    _rule("pass-role-glue-dev-endpoint", "New Glue development endpoint with a passed role", "glue",
          (("glue:CreateDevEndpoint", "glue", "devEndpoint/probe"),), f"{RHINO}, method 17"),
    _rule("pass-role-glue-job", "New Glue job with a passed role, started", "glue",
          (("glue:CreateJob", "glue", "job/probe"), ("glue:StartJobRun", "glue", "job/probe")), BISHOP_FOX),
    _rule("pass-role-sagemaker-notebook", "New SageMaker notebook with a passed role, opened", "sagemaker",
          (("sagemaker:CreateNotebookInstance", "sagemaker", "notebook-instance/probe"),
           ("sagemaker:CreatePresignedNotebookInstanceUrl", "sagemaker", "notebook-instance/probe")), BISHOP_FOX),
    _rule("pass-role-sagemaker-processing", "New SageMaker processing job with a passed role", "sagemaker",
          (("sagemaker:CreateProcessingJob", "sagemaker", "processing-job/probe"),), BISHOP_FOX),
    _rule("pass-role-sagemaker-training", "New SageMaker training job with a passed role", "sagemaker",
          (("sagemaker:CreateTrainingJob", "sagemaker", "training-job/probe"),), BISHOP_FOX),
    _rule("pass-role-codebuild", "New CodeBuild project with a passed role, built", "codebuild",
          (("codebuild:CreateProject", "codebuild", "project/probe"), ("codebuild:StartBuild", "codebuild", "project/probe")),
          BISHOP_FOX),
    _rule("pass-role-ecs", "New ECS task definition with a passed task role, run", "ecs",
          (("ecs:RegisterTaskDefinition", "ecs", "*"), ("ecs:RunTask", "ecs", "task-definition/probe:1")), BISHOP_FOX),
    _rule("pass-role-datapipeline", "New Data Pipeline with a passed role, defined", "datapipeline.amazonaws.com",
          (("datapipeline:CreatePipeline", "datapipeline", "pipeline/probe"),
           ("datapipeline:PutPipelineDefinition", "datapipeline", "pipeline/probe")), f"{RHINO}, method 18"),
    _rule("pass-role-cloudformation", "New CloudFormation stack with a passed service role", "cloudformation.amazonaws.com",
          (("cloudformation:CreateStack", "cloudformation", "stack/escalation-probe/*"),), f"{RHINO}, method 19"),
)
