"""Semantic mutants of the organization's guard rails: each breaks one promise of issue 12.

A mutant edits the parsed ``OrganizationGuardrails`` template of the example organization (its
``AWS::Organizations::Policy`` resources, found by policy name and statement Sid, never by
logical id). The organization part of ``make check`` (the organization invariants and the
access matrix rows about member accounts) must fail on every one, naming the broken promise
(tests/analysis/test_org_invariants.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from .mutants import Mutant, Templates

GUARDRAILS = "OrganizationGuardrails.template.json"
SCP = "IamBaseline-Guardrails"
SCP_OUS = "IamBaseline-Guardrails-2"
RCP = "IamBaseline-ResourceGuardrails"


def policy(templates: Templates, name: str) -> dict:
    for resource in templates[GUARDRAILS]["Resources"].values():
        if resource["Type"] == "AWS::Organizations::Policy" and resource["Properties"]["Name"] == name:
            return resource["Properties"]
    raise KeyError(f"no policy {name} in {GUARDRAILS}")


def statement(templates: Templates, name: str, sid: str) -> dict:
    for s in policy(templates, name)["Content"]["Statement"]:
        if s.get("Sid") == sid:
            return s
    raise KeyError(f"no statement {sid} in {name}")


def _drop(templates: Templates, name: str, sid: str) -> None:
    content = policy(templates, name)["Content"]
    content["Statement"] = [s for s in content["Statement"] if s.get("Sid") != sid]


def _remove_policy(templates: Templates, name: str) -> None:
    resources = templates[GUARDRAILS]["Resources"]
    for key in [k for k, r in resources.items() if r["Type"] == "AWS::Organizations::Policy"
                and r["Properties"]["Name"] == name]:
        del resources[key]


def _without_action(s: dict, action: str) -> None:
    s["Action"] = [a for a in s["Action"] if a != action]


def mutants() -> Iterator[Mutant]:
    """Every organization mutant: SCP loosened, SCP detached, RCP loosened, RCP removed."""
    yield Mutant("scp-loosened", "DenyLeaveOrganization removed", lambda t: _drop(t, SCP, "DenyLeaveOrganization"))
    yield Mutant("scp-loosened", "DenyRootUser applies only inside root sessions",
                 lambda t: statement(t, SCP, "DenyRootUser")["Condition"]["Null"].update({"aws:AssumedRoot": "false"}))
    yield Mutant("scp-loosened", "DenyRootUser narrowed to S3",
                 lambda t: statement(t, SCP, "DenyRootUser").update({"Action": "s3:*"}))
    yield Mutant("scp-loosened", "DenyBaselineIamChanges exempts every role",
                 lambda t: statement(t, SCP, "DenyBaselineIamChanges")["Condition"]["ArnNotLike"]["aws:PrincipalArn"]
                 .append("arn:aws:iam::*:role/*"))
    yield Mutant("scp-loosened", "DenyBaselineIamChanges drops iam:Update*",
                 lambda t: _without_action(statement(t, SCP, "DenyBaselineIamChanges"), "iam:Update*"))
    yield Mutant("scp-loosened", "DenyBaselineIamChanges spares the baseline's policies",
                 lambda t: statement(t, SCP, "DenyBaselineIamChanges").update(
                     {"Resource": [r for r in statement(t, SCP, "DenyBaselineIamChanges")["Resource"] if ":policy/" not in r]}))
    yield Mutant("scp-loosened", "DenyIamUsersAndKeys removed", lambda t: _drop(t, SCP_OUS, "DenyIamUsersAndKeys"))
    yield Mutant("scp-detached", f"{SCP} detached from the root", lambda t: policy(t, SCP).update({"TargetIds": []}))
    yield Mutant("scp-detached", f"{SCP_OUS} detached from its OUs", lambda t: policy(t, SCP_OUS).update({"TargetIds": []}))
    yield Mutant("scp-detached", f"{SCP} deleted", lambda t: _remove_policy(t, SCP))
    yield Mutant("rcp-loosened", "EnforceOrgIdentities admits another organization",
                 lambda t: statement(t, RCP, "EnforceOrgIdentities")["Condition"]["StringNotEqualsIfExists"].update(
                     {"aws:PrincipalOrgID": ["o-a1b2c3d4e5", "o-zzzzzzzzzz"]}))
    yield Mutant("rcp-loosened", "EnforceOrgIdentities drops s3:*",
                 lambda t: _without_action(statement(t, RCP, "EnforceOrgIdentities"), "s3:*"))
    yield Mutant("rcp-loosened", "EnforceOrgIdentities exempts an undeclared account",
                 lambda t: statement(t, RCP, "EnforceOrgIdentities")["Condition"]["StringNotEqualsIfExists"].update(
                     {"aws:PrincipalAccount": ["999988887777"]}))
    yield Mutant("rcp-removed", f"{RCP} detached from the root", lambda t: policy(t, RCP).update({"TargetIds": []}))
    yield Mutant("rcp-removed", f"{RCP} deleted", lambda t: _remove_policy(t, RCP))
    yield Mutant("root-tasks-widened", "RootTasks may start AdministratorAccess root sessions",
                 lambda t: _root_tasks_condition(t)["StringEquals"]["sts:TaskPolicyArn"].append(
                     "arn:aws:iam::aws:policy/AdministratorAccess"))
    yield Mutant("root-tasks-widened", "RootTasks without the task policy condition",
                 lambda t: _root_tasks_condition(t)["StringEquals"].pop("sts:TaskPolicyArn"))


def _root_tasks_condition(templates: Templates) -> dict:
    for resource in templates[GUARDRAILS]["Resources"].values():
        if resource["Type"] == "AWS::IAM::ManagedPolicy":
            for s in resource["Properties"]["PolicyDocument"]["Statement"]:
                if s.get("Action") == "sts:AssumeRoot":
                    return s["Condition"]
    raise KeyError("no sts:AssumeRoot statement")
