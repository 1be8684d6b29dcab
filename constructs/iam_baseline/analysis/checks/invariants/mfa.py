"""INV-NO-MFA-SELF-SERVICE-ONLY: without MFA an IAM user can do nothing but self-service.

"Without MFA" is both ``aws:MultiFactorAuthPresent`` absent (long-term access keys) and
``false`` (a console session without MFA). The self-service list is AWS's documented one
(IAM User Guide, "AWS: Allows MFA-authenticated IAM users to manage their own credentials on
the Security credentials page": enrol, enable, resync and list MFA devices, read one's user,
``sts:GetSessionToken``) plus, when ``mfa.allow_password_change_without_mfa`` is true,
changing a temporary password and reading the password policy it must meet.

Proof: an explicit Deny of every action outside the list, on every resource, under
``BoolIfExists aws:MultiFactorAuthPresent false`` (true when the key is absent or false:
"...IfExists condition operators"), in a policy the user always holds (its own or a group's).
Counterexample search otherwise: every action the user's Allow statements name (wildcards
instantiated), on the resources they name, with MFA absent and false; what that leaves open
is asked of the symbolic engine (:mod:`.solver`).
"""

from __future__ import annotations

from ....config.access_matrix import RequestContextConfig
from ....config.models import BaselineConfig
from ...engine.evaluator import evaluate
from ...engine.policy import Policy
from ...engine.request import Request
from ...engine.patterns import action_matches
from ...model.accounts import AccountScope
from ...model.subjects import Subject, subject_for
from ...engine.space import ABSENT, ActionSpace, RequestSpace, equals
from .base import Counterexample, Finding, Invariant, Proven
from .solver import ask

SELF_SERVICE = (
    "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:GetMFADevice", "iam:ListMFADevices",
    "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken",
)
PASSWORD_CHANGE = ("iam:ChangePassword", "iam:GetAccountPasswordPolicy")
#: Actions worth trying besides those the policies name: reads, role assumption, MFA removal.
PROBE_ACTIONS = ("s3:ListAllMyBuckets", "ec2:DescribeInstances", "sts:AssumeRole", "iam:DeactivateMFADevice",
                 "iam:CreateAccessKey", "iam:ListUsers")


def self_service(config: BaselineConfig) -> tuple[str, ...]:
    """The actions a user may call without MFA, per the config."""
    return SELF_SERVICE + (PASSWORD_CHANGE if config.mfa.allow_password_change_without_mfa else ())


def _is_mfa_deny(statement) -> bool:
    if statement.effect != "Deny" or not statement.conditions:
        return False
    if statement.resources is None or "*" not in statement.resources:
        return False
    return all(
        c.key == "aws:multifactorauthpresent" and c.operator.base == "bool" and c.operator.if_exists
        and not c.operator.set_operator and tuple(v.lower() for v in c.values) == ("false",)
        for c in statement.conditions
    )


def _proof(policies: list[Policy], allowed: tuple[str, ...]) -> str | None:
    listed = {a.lower() for a in allowed}
    for policy in policies:
        for statement in policy.statements:
            if not _is_mfa_deny(statement):
                continue
            exempt = statement.not_actions if statement.not_actions is not None else ()
            if statement.actions is not None and "*" not in statement.actions:
                continue
            if all(p.lower() in listed for p in exempt):
                return f"Deny {statement.sid or '#' + str(statement.index)} of {policy.name} refuses every other action"
    return None


def _instances(subject: Subject) -> tuple[list[str], list[str]]:
    actions, resources = set(PROBE_ACTIONS), {"*"}
    name = str(subject.context.get("aws:username", "probe"))
    for policy in subject.identity:
        for statement in policy.statements:
            if statement.effect != "Allow":
                continue
            for pattern in statement.actions or ():
                actions.add(pattern.replace("*", "Probe").replace("?", "X") if pattern != "*" else "s3:ListAllMyBuckets")
            for pattern in statement.resources or ():
                resources.add(pattern.replace("${aws:username}", name).replace("*", "probe"))
    return sorted(actions), sorted(resources)


def check_subject(scope: AccountScope, config: BaselineConfig, subject: Subject) -> Finding:
    allowed = self_service(config)
    proof = _proof(list(subject.identity), allowed)
    if proof:
        return Finding(subject.label, Proven(proof))
    actions, resources = _instances(subject)
    base = {k: v for k, v in subject.context.items() if not k.lower().startswith("aws:multifactor")}
    for action in actions:
        if any(action_matches(a, action) for a in allowed):
            continue
        for resource in resources:
            for mfa in ({}, {"aws:MultiFactorAuthPresent": "false"}):
                request = Request(subject.principal, action, resource, {**base, **mfa})
                decision = evaluate(request, identity=subject.identity, boundary=subject.boundary, scps=scope.scps)
                if decision.allowed:
                    return Finding(subject.label, Counterexample(request, decision, "allowed without MFA"))
    # Neither shape nor search settled it: ask the symbolic engine over every catalog action
    # outside the list, any resource, MFA absent or false.
    space = RequestSpace(
        principals=(subject.principal,),
        actions=ActionSpace(exclude=allowed),
        context={"aws:MultiFactorAuthPresent": equals("false", absent_ok=True), "aws:MultiFactorAuthAge": ABSENT},
    )
    return Finding(subject.label, ask(space, identity=subject.identity, boundary=subject.boundary, scps=scope.scps,
                                      note="allowed without MFA"))


def check(scope: AccountScope, config: BaselineConfig) -> list[Finding]:
    """One finding per IAM user and per group (a future member holds the group's policies)."""
    model = scope.model
    principals = sorted((p for p in model.principals.values() if p.kind in ("user", "group")), key=lambda p: p.ref)
    return [check_subject(scope, config, subject_for(model, p, RequestContextConfig(mfa=False))) for p in principals]


INVARIANT = Invariant(
    id="INV-NO-MFA-SELF-SERVICE-ONLY",
    promise="without MFA (aws:MultiFactorAuthPresent absent or false) an IAM user can do nothing outside the "
    "self-service list, on any resource",
    rule="IAM User Guide, 'AWS: Allows MFA-authenticated IAM users to manage their own credentials'; 'IAM JSON policy "
    "elements: Condition operators' > '...IfExists condition operators'; 'AWS global condition context keys' > "
    "aws:MultiFactorAuthPresent",
    check=check,
)
