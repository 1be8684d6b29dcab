"""Semantic mutants of the default templates: each breaks one promise of README.md.

A mutant is (class, name, edit); ``edit(templates)`` changes the parsed templates of the
default assembly in place (``templates``: file name -> template dict). Resources are found by
their IAM name, never by logical id. ``make check`` must fail on every mutant, naming the
broken promise (tests/analysis/test_mutation.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass

BASELINE = "AccountBaseline.template.json"
IDENTITY_CENTER = "IdentityCenter.template.json"
FOREIGN = "999988887777"
MFA_ROLES = ("Admin", "Developer", "ReadOnly", "Support")
SAML_ROLES = ("FederatedAdmin", "FederatedDeveloper", "FederatedReadOnly")
ADMIN_POLICY = {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/AdministratorAccess"]]}

Templates = dict[str, dict]


@dataclass(frozen=True)
class Mutant:
    cls: str
    name: str
    edit: Callable[[Templates], None]


def _resource(templates: Templates, kind: str, name_key: str, name: str, file: str = BASELINE) -> dict:
    for resource in templates[file]["Resources"].values():
        if resource["Type"] == kind and resource["Properties"].get(name_key) == name:
            return resource["Properties"]
    raise KeyError(f"{kind} {name} not in {file}")


def role(templates: Templates, name: str) -> dict:
    return _resource(templates, "AWS::IAM::Role", "RoleName", name)


def trust(templates: Templates, name: str) -> list[dict]:
    return role(templates, name)["AssumeRolePolicyDocument"]["Statement"]


def managed(templates: Templates, name: str) -> list[dict]:
    return _resource(templates, "AWS::IAM::ManagedPolicy", "ManagedPolicyName", name)["PolicyDocument"]["Statement"]


def _account_root(account: str | dict) -> dict:
    return {"AWS": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":iam::{account}:root"]]}}


def _own_root() -> dict:
    return {"AWS": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":root"]]}}


def _set(statement: dict, **changes) -> None:
    statement.update(changes)


def mutants() -> Iterator[Mutant]:
    """Every mutant, at least 10 classes and 60 mutants."""
    for name in MFA_ROLES:
        yield Mutant("extra-trust-statement", f"{name}: unconditioned Allow for the account",
                     lambda t, n=name: trust(t, n).append({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": _own_root()}))
        yield Mutant("extra-trust-statement", f"{name}: unconditioned Allow for another account",
                     lambda t, n=name: trust(t, n).append({"Effect": "Allow", "Action": "sts:AssumeRole",
                                                             "Principal": _account_root(FOREIGN)}))
        yield Mutant("condition-removed", f"{name}: MFA conditions removed",
                     lambda t, n=name: trust(t, n)[0].pop("Condition"))
        yield Mutant("condition-removed", f"{name}: MFA age removed",
                     lambda t, n=name: trust(t, n)[0]["Condition"].pop("NumericLessThan"))
        yield Mutant("condition-weakened", f"{name}: MFA age 86400 s",
                     lambda t, n=name: trust(t, n)[0]["Condition"]["NumericLessThan"].update({"aws:MultiFactorAuthAge": "86400"}))
        # With the age condition kept, BoolIfExists changes nothing (AWS sends an age only with
        # MFA): the mutant of the issue is a trust with Bool alone, turned into BoolIfExists.
        yield Mutant("operator-ifexists", f"{name}: Bool -> BoolIfExists (no age condition)",
                     lambda t, n=name: trust(t, n)[0].update(
                         {"Condition": {"BoolIfExists": trust(t, n)[0]["Condition"]["Bool"]}}))
        # The same edit with the age kept: equivalent for every request AWS sends (the age
        # exists only with MFA), so the trust-shape check must refuse it, naming the promise.
        yield Mutant("operator-ifexists", f"{name}: Bool -> BoolIfExists (age kept)",
                     lambda t, n=name: trust(t, n)[0]["Condition"].update(
                         {"BoolIfExists": trust(t, n)[0]["Condition"].pop("Bool")}))
        yield Mutant("operator-ifexists", f"{name}: NumericLessThan -> NumericLessThanIfExists on the MFA age",
                     lambda t, n=name: trust(t, n)[0]["Condition"].update(
                         {"NumericLessThanIfExists": trust(t, n)[0]["Condition"].pop("NumericLessThan")}))
        yield Mutant("condition-weakened", f"{name}: MFA age one second over mfa.max_age_seconds",
                     lambda t, n=name: trust(t, n)[0]["Condition"]["NumericLessThan"].update({"aws:MultiFactorAuthAge": "3601"}))
        yield Mutant("principal-widened", f"{name}: Principal AWS *",
                     lambda t, n=name: _set(trust(t, n)[0], Principal={"AWS": "*"}))
        yield Mutant("principal-widened", f"{name}: Principal another account",
                     lambda t, n=name: _set(trust(t, n)[0], Principal=_account_root(FOREIGN)))
    for name in SAML_ROLES:
        yield Mutant("condition-removed", f"{name}: SAML:aud removed", lambda t, n=name: trust(t, n)[0].pop("Condition"))
        yield Mutant("extra-trust-statement", f"{name}: account Allow without MFA",
                     lambda t, n=name: trust(t, n).append({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": _own_root()}))
    yield Mutant("condition-weakened", "GitHubDeploy: sub of any repository of the organization",
                 lambda t: trust(t, "GitHubDeploy")[0]["Condition"].update(
                     {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:example-org/*"}})
                 or trust(t, "GitHubDeploy")[0]["Condition"]["StringEquals"].pop("token.actions.githubusercontent.com:sub"))
    yield Mutant("condition-removed", "GitHubDeploy: aud removed",
                 lambda t: trust(t, "GitHubDeploy")[0]["Condition"]["StringEquals"].pop("token.actions.githubusercontent.com:aud"))
    yield Mutant("condition-removed", "GitHubDeploy: sub removed",
                 lambda t: trust(t, "GitHubDeploy")[0]["Condition"]["StringEquals"].pop("token.actions.githubusercontent.com:sub"))
    # Role chaining between baseline roles without MFA.
    for source, target in (("Support", "ReadOnly"), ("ReadOnly", "Admin"), ("Support", "Admin"), ("ReadOnly", "Developer")):
        yield Mutant("chaining-edge", f"{source} -> {target} without MFA",
                     lambda t, s=source, g=target: trust(t, g).append(
                         {"Effect": "Allow", "Action": "sts:AssumeRole",
                          "Principal": {"AWS": {"Fn::GetAtt": [_logical(t, s), "Arn"]}}}))
    yield Mutant("chaining-edge", "Developers group may assume Admin",
                 lambda t: managed(t, "Developers-AssumeRoles")[0]["Resource"].append(
                     {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":role/baseline/Admin"]]}))
    yield Mutant("chaining-edge", "ReadOnly group may assume Admin",
                 lambda t: _widen_resource(managed(t, "ReadOnly-AssumeRoles")[0], "role/baseline/Admin"))
    # Policies attached where they must not be.
    for name in ("Developer", "ReadOnly", "Support", "FederatedReadOnly", "FederatedDeveloper"):
        yield Mutant("policy-attached", f"AdministratorAccess on role {name}",
                     lambda t, n=name: role(t, n)["ManagedPolicyArns"].append(copy.deepcopy(ADMIN_POLICY)))
    for name in ("Developers", "ReadOnly"):
        yield Mutant("policy-attached", f"AdministratorAccess on group {name}",
                     lambda t, n=name: _resource(t, "AWS::IAM::Group", "GroupName", n).setdefault("ManagedPolicyArns", []).append(
                         copy.deepcopy(ADMIN_POLICY)))
    # Boundary and guard rails removed or opened.
    # (DenyBoundaryRemoval or DenyBoundaryAndBaselinePolicyEdits alone are equivalent mutants:
    # no Allow covers those requests, or DenyBaselineResourceChanges still refuses them; the
    # boundary leaves both out for that reason, identity/boundary.py BOUNDARY_REDUNDANT_SIDS.)
    # DenyRoleManagementWithoutBoundary alone is an equivalent mutant too: the Allow that
    # remains (AllowWorkloadRoleManagementWithBoundary) itself requires
    # iam:PermissionsBoundary = the boundary, so z3 proves the promise without the Deny (the
    # boundary has none). Its non-equivalent forms drop the Allow's condition (and the Deny).
    yield Mutant("boundary-removed", "DeveloperGuardrails without DenyBaselineResourceChanges",
                 lambda t: _drop(managed(t, "DeveloperGuardrails"), "DenyBaselineResourceChanges"))
    yield Mutant("boundary-removed", "DeveloperBoundary: workload role management Allow unconditioned",
                 lambda t: _sid(managed(t, "DeveloperBoundary"), "AllowWorkloadRoleManagementWithBoundary").pop("Condition"))
    yield Mutant("boundary-removed", "DeveloperBoundary without DenyBaselineResourceChanges, edits allowed",
                 lambda t: _drop(managed(t, "DeveloperBoundary"), "DenyBaselineResourceChanges")
                 or managed(t, "DeveloperBoundary").append({"Effect": "Allow", "Action": "iam:*Policy*", "Resource": "*"}))
    yield Mutant("resource-widened", "workload role management on every role",
                 lambda t: _set(_sid(managed(t, "DeveloperGuardrails"), "AllowWorkloadRoleMaintenance"), Resource="*"))
    yield Mutant("resource-widened", "boundary removal allowed on every role",
                 lambda t: _drop(managed(t, "DeveloperGuardrails"), "DenyBoundaryRemoval")
                 or managed(t, "DeveloperGuardrails").append(
                     {"Effect": "Allow", "Action": "iam:DeleteRolePermissionsBoundary", "Resource": "*"}))
    yield Mutant("condition-removed", "workload role creation without the boundary condition",
                 lambda t: _drop(managed(t, "DeveloperGuardrails"), "DenyRoleManagementWithoutBoundary")
                 or _sid(managed(t, "DeveloperGuardrails"), "AllowWorkloadRoleManagementWithBoundary").pop("Condition"))
    # Force MFA.
    yield Mutant("condition-removed", "ForceMFA Deny removed", lambda t: _drop(managed(t, "ForceMFA"), "DenyAllExceptListedIfNoMFA"))
    yield Mutant("operator-ifexists", "ForceMFA BoolIfExists -> Bool",
                 lambda t: _sid(managed(t, "ForceMFA"), "DenyAllExceptListedIfNoMFA")["Condition"].update(
                     {"Bool": _sid(managed(t, "ForceMFA"), "DenyAllExceptListedIfNoMFA")["Condition"].pop("BoolIfExists")}))
    # (Exempting an action no user is allowed, such as s3:*, is an equivalent mutant: the engine
    # proves nothing more is allowed.) GetLoginProfile is allowed on one's own user.
    yield Mutant("condition-weakened", "ForceMFA exempts iam:GetLoginProfile",
                 lambda t: _sid(managed(t, "ForceMFA"), "DenyAllExceptListedIfNoMFA")["NotAction"].append("iam:GetLoginProfile"))
    yield Mutant("condition-weakened", "ForceMFA exempts iam:DeactivateMFADevice",
                 lambda t: _sid(managed(t, "ForceMFA"), "DenyAllExceptListedIfNoMFA")["NotAction"].append("iam:DeactivateMFADevice"))
    yield Mutant("resource-widened", "ForceMFA Deny only on the user's own ARN",
                 lambda t: _set(_sid(managed(t, "ForceMFA"), "DenyAllExceptListedIfNoMFA"),
                                Resource="arn:aws:iam::111122223333:user/${aws:username}"))
    # Permission sets (Identity Center stack, management account) widened.
    # Only assigned permission sets are principals of an account (Support is not assigned).
    for name in ("ReadOnly",):
        yield Mutant("permission-set-widened", f"permission set {name} gains AdministratorAccess",
                     lambda t, n=name: _resource(t, "AWS::SSO::PermissionSet", "Name", n, IDENTITY_CENTER)
                     .setdefault("ManagedPolicies", []).append(copy.deepcopy(ADMIN_POLICY)))
        yield Mutant("permission-set-widened", f"permission set {name} gains inline iam:*",
                     lambda t, n=name: _resource(t, "AWS::SSO::PermissionSet", "Name", n, IDENTITY_CENTER).update(
                         {"InlinePolicy": {"Version": "2012-10-17",
                                           "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}}))
    # Resource-based policies opened: every KMS key policy of the baseline, the alert topic policy.
    for index in range(2):
        yield Mutant("key-policy-opened", f"KMS key #{index}: key policy for Principal AWS *",
                     lambda t, i=index: _set(_of_type(t, "AWS::KMS::Key")[i]["KeyPolicy"]["Statement"][0], Principal={"AWS": "*"}))
        yield Mutant("key-policy-opened", f"KMS key #{index}: key policy for another account",
                     lambda t, i=index: _of_type(t, "AWS::KMS::Key")[i]["KeyPolicy"]["Statement"].append(
                         {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Principal": _account_root(FOREIGN)}))
    yield Mutant("key-policy-opened", "alert topic policy: events publish without aws:SourceAccount",
                 lambda t: _sid(_of_type(t, "AWS::SNS::TopicPolicy")[0]["PolicyDocument"]["Statement"], "AllowEventsPublish").pop("Condition"))
    yield Mutant("key-policy-opened", "alert topic policy: anyone may subscribe",
                 lambda t: _of_type(t, "AWS::SNS::TopicPolicy")[0]["PolicyDocument"]["Statement"].append(
                     {"Effect": "Allow", "Action": "sns:Subscribe", "Principal": {"AWS": "*"},
                      "Resource": {"Ref": _sid(_of_type(t, "AWS::SNS::TopicPolicy")[0]["PolicyDocument"]["Statement"],
                                               "AllowEventsPublish")["Resource"]["Ref"]}}))
    # Services.
    yield Mutant("principal-widened", "Admin trusts lambda.amazonaws.com",
                 lambda t: trust(t, "Admin").append({"Effect": "Allow", "Action": "sts:AssumeRole",
                                                      "Principal": {"Service": "*"}}))
    yield Mutant("principal-widened", "GitHubDeploy trusts any OIDC provider",
                 lambda t: _set(trust(t, "GitHubDeploy")[0], Principal={"Federated": "*"}))


def _of_type(templates: Templates, kind: str) -> list[dict]:
    """The properties of every resource of ``kind`` in the baseline template, in template order."""
    return [r["Properties"] for r in templates[BASELINE]["Resources"].values() if r["Type"] == kind]


def _logical(templates: Templates, role_name: str) -> str:
    for logical_id, resource in templates[BASELINE]["Resources"].items():
        if resource["Type"] == "AWS::IAM::Role" and resource["Properties"].get("RoleName") == role_name:
            return logical_id
    raise KeyError(role_name)


def _sid(statements: list[dict], sid: str) -> dict:
    return next(s for s in statements if s.get("Sid") == sid)


def _drop(statements: list[dict], sid: str) -> None:
    statements.remove(_sid(statements, sid))


def _widen_resource(statement: dict, suffix: str) -> None:
    resource = statement["Resource"]
    extra = {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, f":{suffix}"]]}
    statement["Resource"] = (resource if isinstance(resource, list) else [resource]) + [extra]
