"""Search the published privilege-escalation paths for every non-admin principal.

The paths are those of Rhino Security Labs, "AWS IAM Privilege Escalation - Methods and
Mitigation" (methods 1-21), plus the CloudFormation service-role path documented in the
AWS CloudFormation User Guide, "CloudFormation service role" ("any user who has permission
to perform operations on that stack can use that role, even if the user doesn't have
permission to pass it") and the reading of another user's initial console password.

A path is *reachable* when every request it needs is allowed by the offline evaluator
(:mod:`.matrix` ``decide``); each path is checked against concrete targets taken from the
assembly (the principal's own policies, groups and boundary, the other users and roles,
Lambda functions, the stacks, the secrets that hold console passwords) and, where the
account may hold more than the assembly shows, a stand-in such as
``role/OrganizationAccountAccessRole`` (created with ``AdministratorAccess`` in every
account an organization creates).

Each reachable path is a failed check whose message names the path, the target and the
allowing statements.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ...config.access_matrix import RequestContextConfig
from ..engine.evaluator import Decision
from .matrix import CheckResult, decide
from ..model.subjects import Subject
from ..model.templates import AccountModel, Principal

#: The request context of the search: the strongest a person can bring (MFA, fresh).
SEARCH_CONTEXT = RequestContextConfig(mfa=True, mfa_age_seconds=60)

#: A stand-in for privileged roles the templates do not show.
STAND_IN_ROLE = "role/OrganizationAccountAccessRole"
STAND_IN_USER = "user/another-user"

#: Compute services that run code with a passed role (Rhino methods 3-7, 15-17).
PASS_ROLE_COMPUTE: tuple[tuple[str, ...], ...] = (
    ("lambda:CreateFunction", "lambda:InvokeFunction"),
    ("lambda:CreateFunction", "lambda:CreateEventSourceMapping"),
    ("ec2:RunInstances",),
    ("cloudformation:CreateStack",),
    ("glue:CreateDevEndpoint",),
    ("glue:CreateJob", "glue:StartJobRun"),
    ("datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"),
    ("sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"),
    ("codebuild:CreateProject", "codebuild:StartBuild"),
    ("ecs:RegisterTaskDefinition", "ecs:RunTask"),
)


@dataclass(frozen=True)
class Step:
    """One request a path needs: action, resource ARN, extra request context."""

    action: str
    resource: str
    context: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Attempt:
    """A path against one target: reachable when every step is allowed."""

    path: str
    target: str
    steps: tuple[Step, ...]


def _self_arns(model: AccountModel, principal: Principal) -> list[str]:
    if principal.kind == "user":
        return [principal.arn] + [model.by_ref(f"group:{g}").arn for g in principal.groups]
    return [principal.arn]


def _attached_policy_arns(model: AccountModel, subject: Subject) -> list[str]:
    policies = list(subject.identity) + ([subject.boundary] if subject.boundary else [])
    arns = []
    for arn, policy in model.managed_policies.items():
        if not arn.startswith("arn:") or ":aws:policy/" in arn:
            continue
        if any(p.statements is policy.statements for p in policies):
            arns.append(arn)
    return arns


def _admin_policy(model: AccountModel) -> str:
    return f"arn:{model.partition}:iam::aws:policy/AdministratorAccess"


def attempts(model: AccountModel, subject: Subject, admins: set[str]) -> Iterator[Attempt]:
    """Every (path, target) pair to try for ``subject``."""
    principal = subject.source
    assert principal is not None
    iam = model.iam_arn
    admin_policy = (("iam:PolicyARN", _admin_policy(model)),)
    for arn in _attached_policy_arns(model, subject):
        yield Attempt("create-policy-version", arn, (Step("iam:CreatePolicyVersion", arn),))
        yield Attempt("set-default-policy-version", arn, (Step("iam:SetDefaultPolicyVersion", arn),))
    for arn in _self_arns(model, principal):
        kind = arn.split(":", 5)[5].split("/", 1)[0]  # user | group | role
        noun = kind.capitalize()
        yield Attempt(f"attach-{kind}-policy-to-self", arn, (Step(f"iam:Attach{noun}Policy", arn, admin_policy),))
        yield Attempt(f"put-{kind}-policy-on-self", arn, (Step(f"iam:Put{noun}Policy", arn),))
        if kind in ("user", "role") and subject.boundary is not None:
            yield Attempt(f"delete-own-{kind}-boundary", arn, (Step(f"iam:Delete{noun}PermissionsBoundary", arn),))
            yield Attempt(f"replace-own-{kind}-boundary", arn, (Step(f"iam:Put{noun}PermissionsBoundary", arn),))
    others = [p for p in model.principals.values() if p.arn != principal.arn]
    other_users = [p.arn for p in others if p.kind == "user"] + [iam(STAND_IN_USER)]
    for arn in other_users:
        yield Attempt("create-access-key-for-other-user", arn, (Step("iam:CreateAccessKey", arn),))
        yield Attempt("create-login-profile-for-other-user", arn, (Step("iam:CreateLoginProfile", arn),))
        yield Attempt("update-login-profile-of-other-user", arn, (Step("iam:UpdateLoginProfile", arn),))
    for group in (p for p in model.principals.values() if p.kind == "group" and p.name not in principal.groups):
        yield Attempt("add-user-to-group", group.arn, (Step("iam:AddUserToGroup", group.arn),))
    roles = [p.arn for p in others if p.kind == "role"] + [iam(STAND_IN_ROLE)]
    for arn in roles:
        yield Attempt("update-assume-role-policy", arn, (Step("iam:UpdateAssumeRolePolicy", arn),))
        yield Attempt("attach-policy-to-other-role", arn, (Step("iam:AttachRolePolicy", arn, admin_policy),))
        yield Attempt("put-policy-on-other-role", arn, (Step("iam:PutRolePolicy", arn),))
        for compute in PASS_ROLE_COMPUTE:
            steps = (Step("iam:PassRole", arn),) + tuple(Step(a, "*") for a in compute)
            yield Attempt(f"pass-role-to-{compute[0].split(':')[0]}", arn, steps)
    for arn in (p.arn for p in others if p.kind == "role" and (p.ref in admins)):
        yield Attempt("assume-admin-role", arn, (Step("sts:AssumeRole", arn),))
    new_role = iam("role/escalation-probe")
    yield Attempt(
        "create-role-without-boundary",
        new_role,
        (Step("iam:CreateRole", new_role), Step("iam:AttachRolePolicy", new_role, admin_policy)),
    )
    for function in model.functions:
        role = model.principals.get(function.role_arn or "")
        if role is None or not _role_exceeds(model, subject, role):
            continue
        yield Attempt("update-function-code", function.arn, (Step("lambda:UpdateFunctionCode", function.arn),))
        yield Attempt("invoke-privileged-function", function.arn, (Step("lambda:InvokeFunction", function.arn),))
    for secret in model.credential_secrets:
        if secret.user_arn == principal.arn:
            continue
        steps = [Step("secretsmanager:GetSecretValue", secret.arn)]
        if secret.kms_key_arn:
            steps.append(Step("kms:Decrypt", secret.kms_key_arn))
        yield Attempt("read-other-user-console-password", secret.arn, tuple(steps))
    for stack in sorted({p.stack for p in model.principals.values()}):
        arn = f"arn:{model.partition}:cloudformation:{model.region}:{model.account}:stack/{stack}/offline"
        yield Attempt("update-stack-with-its-service-role", arn, (Step("cloudformation:UpdateStack", arn),))
        yield Attempt(
            "execute-change-set-with-stack-service-role",
            arn,
            (Step("cloudformation:CreateChangeSet", arn), Step("cloudformation:ExecuteChangeSet", arn)),
        )


def _role_exceeds(model: AccountModel, subject: Subject, role: Principal) -> bool:
    """Whether ``role`` may do some concrete action on ``*`` that ``subject`` may not."""
    from ..model.subjects import subject_for

    role_subject = subject_for(model, role, SEARCH_CONTEXT)
    for policy in role_subject.identity:
        for statement in policy.statements:
            if statement.effect != "Allow" or not statement.actions:
                continue
            for action in statement.actions:
                if "*" in action or "?" in action:
                    continue
                if decide(model, role_subject, action, "*").allowed and not decide(model, subject, action, "*").allowed:
                    return True
    return False


def _try(model: AccountModel, subject: Subject, attempt: Attempt) -> list[Decision] | None:
    decisions = []
    for step in attempt.steps:
        decision = decide(model, subject, step.action, step.resource, dict(step.context))
        if not decision.allowed:
            return None
        decisions.append(decision)
    return decisions


def search(
    model: AccountModel,
    subjects: list[Subject],
    admins: set[str],
    on_attempt: Callable[[], None] | None = None,
) -> list[CheckResult]:
    """One check per (subject, path); failed when any target makes the path reachable."""
    results: list[CheckResult] = []
    for subject in subjects:
        by_path: dict[str, list[str]] = {}
        for attempt in attempts(model, subject, admins):
            decisions = _try(model, subject, attempt)
            by_path.setdefault(attempt.path, [])
            if decisions is not None:
                refs = "; ".join(str(r) for d in decisions for r in d.deciding[:2])
                by_path[attempt.path].append(f"{attempt.target} [{refs}]")
        for path, reached in by_path.items():
            passed = not reached
            message = (
                f"{subject.label}: privilege escalation '{path}' is reachable via " + " | ".join(reached)
                if reached
                else f"{subject.label}: '{path}' not reachable"
            )
            results.append(CheckResult(f"escalation:{path}", subject.label, path, passed, message))
    return results


def is_admin_equivalent(model: AccountModel, subject: Subject) -> bool:
    """Allowed to attach AdministratorAccess to a role and to create users: IAM without limits."""
    probes = [
        ("iam:AttachRolePolicy", model.iam_arn(STAND_IN_ROLE), {"iam:PolicyARN": _admin_policy(model)}),
        ("iam:CreateUser", model.iam_arn(STAND_IN_USER), {}),
        ("iam:PutRolePolicy", model.iam_arn(STAND_IN_ROLE), {}),
    ]
    return all(decide(model, subject, action, resource, context).allowed for action, resource, context in probes)
