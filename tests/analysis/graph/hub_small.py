"""A hand-built identity account and one StackSet member variant in the hub-api.md shape
(/work/coord/hub-api.md is the contract; until the hub example lands these stand in for it).

Identity account ``I``: user ``alice`` (her groups' policy: ``sts:AssumeRole`` on the member
Admin role with MFA), role ``SamlOps`` (trusts a SAML provider; its policy allows the same hop
without an MFA condition). Member variant ``Workloads`` deployed to ``M1`` and ``M2``: role
``Admin`` whose trust admits alice with MFA (statement ``IdentityAccountUsersWithMfa``) and the
SAML role (``IdentityAccountSamlRoles``), and machine role ``Scanner`` trusting a third party
with an external id. ``mutate`` builds the broken variants the invariants must reject.
"""

from __future__ import annotations

from iam_baseline.analysis.engine.policy import Policy, PolicyKind
from iam_baseline.analysis.model.accounts import AccountScope
from iam_baseline.analysis.model.templates import AccountModel, Principal

from .small import ADMIN, allow, policy

I, M1, M2, PLACEHOLDER, VENDOR = "111111111111", "222222222222", "333333333333", "000000000000", "999999999999"
PATH = "/baseline/"
ALICE = f"arn:aws:iam::{I}:user/alice"
SAML_ROLE = f"arn:aws:iam::{I}:role/SamlOps"
SAML_PROVIDER = f"arn:aws:iam::{I}:saml-provider/Corp"
MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
MFA_AGE = {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}


def member_arn(name: str, account: str) -> str:
    return f"arn:aws:iam::{account}:role{PATH}{name}"


def _trust(*statements: dict) -> Policy:
    return Policy.from_document("trust", {"Version": "2012-10-17", "Statement": list(statements)}, PolicyKind.TRUST)


def admin_trust(*, user_mfa: bool = True) -> Policy:
    users = {"ArnEquals": {"aws:PrincipalArn": [ALICE]}} | ((MFA | MFA_AGE) if user_mfa else {})
    return _trust(
        {"Sid": "IdentityAccountUsersWithMfa", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{I}:root"},
         "Action": "sts:AssumeRole", "Condition": users},
        {"Sid": "IdentityAccountSamlRoles", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{I}:root"},
         "Action": "sts:AssumeRole", "Condition": {"ArnEquals": {"aws:PrincipalArn": [SAML_ROLE]}}},
    )


def scanner_trust(*, external_id: bool = True) -> Policy:
    condition = {"StringEquals": {"sts:ExternalId": "scanner-4711"}} if external_id else None
    entry = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{VENDOR}:root"}, "Action": "sts:AssumeRole"}
    return _trust(entry | ({"Condition": condition} if condition else {}))


def _principal(kind: str, name: str, account: str, statements, trust: Policy | None, path: str = "/") -> Principal:
    arn = f"arn:aws:iam::{account}:{kind}{path}{name}"
    return Principal(kind, name, arn, path, "Hub", name, policies=[policy(f"inline:{name}", *statements)] if statements else [],
                     trust=trust)


def hop_policy(*, mfa: bool) -> dict:
    return allow("sts:AssumeRole", [member_arn("Admin", M1), member_arn("Admin", M2)], MFA if mfa else None)


def identity_scope(*, alice_hop: dict | None = None) -> AccountScope:
    model = AccountModel(I, "aws", "eu-west-1")
    saml_trust = _trust({"Effect": "Allow", "Principal": {"Federated": SAML_PROVIDER},
                         "Action": "sts:AssumeRoleWithSAML",
                         "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}})
    for p in (_principal("user", "alice", I, [alice_hop or hop_policy(mfa=True)], None),
              _principal("role", "SamlOps", I, [hop_policy(mfa=False)], saml_trust)):
        model.principals[p.arn] = p
    return AccountScope(f"account {I}", model, declared_accounts=frozenset({I, M1, M2}))


def member_scope(*, admin: Policy | None = None, scanner: Policy | None = None) -> AccountScope:
    model = AccountModel(PLACEHOLDER, "aws", "eu-west-1")
    for p in (_principal("role", "Admin", PLACEHOLDER, ADMIN, admin or admin_trust(), PATH),
              _principal("role", "Scanner", PLACEHOLDER, [allow("securityhub:Get*")], scanner or scanner_trust(), PATH)):
        model.principals[p.arn] = p
    return AccountScope("StackSet member Workloads", model, member_accounts=(M1, M2), variant="Workloads",
                        declared_accounts=frozenset({I, M1, M2, PLACEHOLDER}))


def hub_scopes(**member) -> list[AccountScope]:
    return [identity_scope(), member_scope(**member)]
