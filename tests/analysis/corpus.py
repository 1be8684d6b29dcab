"""The differential corpus: requests over real policies, as plain JSON-able cases.

Three sources: the baseline's own synthesized policies (every principal of the default
assembly against a fixed list of requests in three MFA contexts), AWS's documented policy
examples (IAM User Guide, "Example IAM identity-based policies"), and hand-made edge cases
of the evaluation logic. Each case names its policies as documents, so that both our
evaluator and ``@cloud-copilot/iam-simulate`` read the same input.
"""

from __future__ import annotations

from typing import Any

ACCOUNT = "111122223333"
USER = f"arn:aws:iam::{ACCOUNT}:user/bob"


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _case(cid: str, action: str, resource: str, identity: list[dict], **extra: Any) -> dict[str, Any]:
    case = {
        "id": cid,
        "principal": {"arn": USER, "account": ACCOUNT, "kind": "user", "role_arn": None},
        "action": action,
        "resource": resource,
        "context": {"aws:username": "bob", "aws:PrincipalArn": USER},
        "identity": identity,
        "boundary": None,
        "session": None,
        "scps": [],
        "rcps": [],
        "resource_policy": None,
        "trust": False,
    }
    case.update(extra)
    return case


#: (action, resource) pairs asked of every baseline principal; ``{u}`` is the caller's own user ARN.
BASELINE_REQUESTS: tuple[tuple[str, str], ...] = (
    ("s3:ListAllMyBuckets", "*"),
    ("s3:GetObject", "arn:aws:s3:::app-bucket/data.csv"),
    ("s3:PutObject", "arn:aws:s3:::app-bucket/data.csv"),
    ("ec2:DescribeInstances", "*"),
    ("ec2:TerminateInstances", f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-0123456789abcdef0"),
    ("dynamodb:DeleteTable", f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/app"),
    ("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/mallory"),
    ("iam:ChangePassword", "{u}"),
    ("iam:EnableMFADevice", "{u}"),
    ("iam:DeactivateMFADevice", "{u}"),
    ("iam:CreateVirtualMFADevice", f"arn:aws:iam::{ACCOUNT}:mfa/phone"),
    ("iam:GetAccountPasswordPolicy", "*"),
    ("iam:CreateAccessKey", "{u}"),
    ("iam:CreateRole", f"arn:aws:iam::{ACCOUNT}:role/workload/app"),
    ("iam:DeleteRolePermissionsBoundary", f"arn:aws:iam::{ACCOUNT}:role/workload/app"),
    ("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/workload/app"),
    ("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/baseline/Admin"),
    ("iam:CreatePolicyVersion", f"arn:aws:iam::{ACCOUNT}:policy/baseline/DeveloperBoundary"),
    ("iam:CreatePolicyVersion", f"arn:aws:iam::{ACCOUNT}:policy/workload/app"),
    ("iam:UpdateAssumeRolePolicy", f"arn:aws:iam::{ACCOUNT}:role/baseline/Admin"),
    ("sts:AssumeRole", f"arn:aws:iam::{ACCOUNT}:role/baseline/Admin"),
    ("sts:AssumeRole", f"arn:aws:iam::{ACCOUNT}:role/baseline/ReadOnly"),
    ("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:iam-baseline/initial-password/alice.admin-AbCdEf"),
    ("lambda:UpdateFunctionCode", f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:IamBaseline-x"),
    ("cloudformation:UpdateStack", f"arn:aws:cloudformation:eu-west-1:{ACCOUNT}:stack/IamBaseline/abc"),
    ("support:CreateCase", "*"),
    ("organizations:LeaveOrganization", "*"),
)

#: Request contexts: MFA fresh, MFA absent (long-term keys), MFA false (console without MFA).
MFA_CONTEXTS: tuple[tuple[str, dict[str, str]], ...] = (
    ("mfa", {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "120"}),
    ("keys", {}),
    ("nomfa", {"aws:MultiFactorAuthPresent": "false"}),
)


def baseline_cases(model) -> list[dict[str, Any]]:
    """Every principal of the assembly x :data:`BASELINE_REQUESTS` x :data:`MFA_CONTEXTS`."""
    from iam_baseline.analysis.model.subjects import subject_for
    from iam_baseline.config.access_matrix import RequestContextConfig

    cases = []
    for principal in sorted(model.principals.values(), key=lambda p: p.ref):
        if principal.kind not in ("user", "role"):
            continue
        subject = subject_for(model, principal, RequestContextConfig())
        base = {k: v for k, v in subject.context.items() if not k.startswith("aws:MultiFactor")}
        self_arn = principal.arn
        for action, resource in BASELINE_REQUESTS:
            resource = resource.replace("{u}", self_arn if principal.kind == "user" else f"arn:aws:iam::{ACCOUNT}:user/baseline/bob.developer")
            trust = action == "sts:AssumeRole"
            target = model.principals.get(resource) if trust else None
            for label, mfa in MFA_CONTEXTS:
                cases.append(
                    {
                        "id": f"baseline:{principal.ref}:{action}:{resource.rsplit(':', 1)[-1]}:{label}",
                        "principal": {
                            "arn": subject.principal.arn,
                            "account": ACCOUNT,
                            "kind": subject.principal.kind,
                            "role_arn": subject.principal.role_arn,
                        },
                        "action": action,
                        "resource": resource,
                        "context": base | mfa,
                        "identity": [p.document for p in subject.identity],
                        "boundary": subject.boundary.document if subject.boundary else None,
                        "session": None,
                        "scps": [],
                        "resource_policy": target.trust.document if target and target.trust else None,
                        "trust": trust,
                    }
                )
    return cases


def documented_cases() -> list[dict[str, Any]]:
    """AWS's documented examples (IAM User Guide, "Example IAM identity-based policies")."""
    home = _doc(
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::home-bucket",
         "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}},
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
         "Resource": "arn:aws:s3:::home-bucket/home/${aws:username}/*"},
    )
    source_ip = _doc(
        {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]},
                       "Bool": {"aws:ViaAWSService": "false"}}},
    )
    owner_tag = _doc(
        {"Effect": "Allow", "Action": ["ec2:StartInstances", "ec2:StopInstances"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:ResourceTag/Owner": "${aws:username}"}}},
    )
    dates = _doc(
        {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*",
         "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-04-01T00:00:00Z"},
                       "DateLessThan": {"aws:CurrentTime": "2030-06-30T23:59:59Z"}}},
    )
    tag_keys = _doc(
        {"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
         "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}}},
        {"Effect": "Deny", "Action": "ec2:CreateTags", "Resource": "*",
         "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["owner"]}}},
    )
    temp_only = _doc(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
         "Condition": {"Null": {"aws:TokenIssueTime": "false"}}},
    )
    boundary = _doc(
        {"Effect": "Allow", "Action": ["s3:*", "cloudwatch:*", "ec2:*"], "Resource": "*"},
    )
    user_admin = _doc({"Effect": "Allow", "Action": "iam:CreateUser", "Resource": "*"},
                      {"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    region_scp = _doc(
        {"Effect": "Deny", "NotAction": ["iam:*", "sts:*", "support:*"], "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}},
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
    )
    full = _doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
    cases = []
    for user, key in (("bob", "home/bob/notes.txt"), ("bob", "home/alice/notes.txt")):
        for action in ("s3:GetObject", "s3:PutObject"):
            cases.append(_case(f"doc:home:{action}:{key}", action, f"arn:aws:s3:::home-bucket/{key}", [home]))
    for prefix in ("home/bob/", "home/alice/", "home/bob/photos/"):
        cases.append(_case(f"doc:home-list:{prefix}", "s3:ListBucket", "arn:aws:s3:::home-bucket", [home],
                           context={"aws:username": "bob", "s3:prefix": prefix}))
    for ip in ("192.0.2.10", "198.51.100.7", "203.0.113.200"):
        for via in ("true", "false"):
            cases.append(_case(f"doc:source-ip:{ip}:{via}", "ec2:DescribeInstances", "*", [source_ip],
                               context={"aws:SourceIp": ip, "aws:ViaAWSService": via}))
    for owner in ("bob", "alice", None):
        ctx = {"aws:username": "bob"} | ({"aws:ResourceTag/Owner": owner} if owner else {})
        cases.append(_case(f"doc:owner-tag:{owner}", "ec2:StartInstances",
                           f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-0123456789abcdef0", [owner_tag], context=ctx))
    for now in ("2019-01-01T00:00:00Z", "2026-01-01T12:00:00Z", "2031-01-01T00:00:00Z"):
        cases.append(_case(f"doc:dates:{now}", "dynamodb:GetItem", f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/t",
                           [dates], context={"aws:CurrentTime": now}))
    for keys in (["environment"], ["environment", "cost-center"], ["owner"], ["environment", "owner"], []):
        ctx = {"aws:TagKeys": keys} if keys else {}
        cases.append(_case(f"doc:tag-keys:{'+'.join(keys) or 'none'}", "ec2:CreateTags",
                           f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-0123456789abcdef0", [tag_keys], context=ctx))
    for issued in ("2026-01-01T11:00:00Z", None):
        ctx = {"aws:TokenIssueTime": issued} if issued else {}
        cases.append(_case(f"doc:temp-only:{issued}", "s3:GetObject", "arn:aws:s3:::b/k", [temp_only], context=ctx))
    for action, resource in (("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/x"), ("s3:GetObject", "arn:aws:s3:::b/k"),
                             ("ec2:DescribeInstances", "*")):
        cases.append(_case(f"doc:boundary:{action}", action, resource, [user_admin], boundary=boundary))
    for region in ("eu-west-1", "us-east-1"):
        for action, resource in (("ec2:DescribeInstances", "*"), ("iam:ListRoles", "*")):
            cases.append(_case(f"doc:region-scp:{region}:{action}", action, resource, [full], scps=[[region_scp]],
                               context={"aws:RequestedRegion": region}))
    return cases


RCP_PAGE = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html"
RCP_EXAMPLES_PAGE = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_examples.html"


def rcp_cases() -> list[dict[str, Any]]:
    """Resource control policies (RCP_PAGE, "RCP effects on permissions"; RCP_EXAMPLES_PAGE):
    the "enforce organization identities" data perimeter and the "require TLS" examples, one
    level below the root. ``rcps`` lists each
    level's own policies: RCPFullAWSAccess, attached everywhere, is added by both engines'
    callers (our test and iam-simulate alike)."""
    perimeter = _doc({
        "Effect": "Deny", "Principal": "*", "Action": ["s3:*", "sqs:*", "kms:*", "secretsmanager:*", "sts:AssumeRole"],
        "Resource": "*",
        "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
                      "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}},
    })
    tls = _doc({"Effect": "Deny", "Principal": "*", "Action": ["s3:*", "sqs:*", "kms:*", "secretsmanager:*", "sts:*"],
                "Resource": "*", "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}})
    full = _doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
    cases = []
    for org in ("o-a1b2c3d4e5", "o-zzzzzzzzzz", None):
        ctx = {"aws:username": "bob", "aws:PrincipalArn": USER, "aws:PrincipalIsAWSService": "false"}
        ctx |= {"aws:PrincipalOrgID": org} if org else {}
        for action, resource in (("s3:GetObject", "arn:aws:s3:::data/key"),
                                 ("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:db-AbCdEf")):
            cases.append(_case(f"doc:rcp-perimeter:{org}:{action}", action, resource, [full], rcps=[[perimeter]],
                               context=ctx))
    for secure in ("true", "false", None):
        ctx = {"aws:username": "bob", "aws:PrincipalArn": USER} | ({"aws:SecureTransport": secure} if secure else {})
        cases.append(_case(f"doc:rcp-tls:{secure}", "sqs:SendMessage", f"arn:aws:sqs:eu-west-1:{ACCOUNT}:queue",
                           [full], rcps=[[], [tls]], context=ctx))
    return cases


RESOURCE_PAGE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"
NOT_PRINCIPAL_PAGE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"


def element_page_cases() -> list[dict[str, Any]]:
    """The IAM User Guide's element pages (issue 13 item 9), each case citing its page.

    * RESOURCE_PAGE, "Using wildcards in resource ARNs": "If the * wildcard is the last
      character of a resource ARN segment, it can expand to match beyond the colon
      boundaries"; a ``*`` inside a segment does not.
    * NOT_PRINCIPAL_PAGE, "Key points": a Deny with ``NotPrincipal`` spares a user only when
      it names the user *and* the user's account ("AWS might verify the account first and then
      the user"); a role session only when it names the session, the role and the account; a
      Deny with ``NotPrincipal`` always denies a principal with a permissions boundary.
    """
    function = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:app"
    invoke = "lambda:InvokeFunction"
    cases = []
    for label, pattern in (("ends-segment", "arn:aws:lambda:*:function:*"),
                           ("inside-segment", "arn:aws:lambda:*1:function:*"),
                           ("per-segment", "arn:aws:lambda:*:*:function:*")):
        cases.append(_case(f"doc:resource-page:star-{label}", invoke, function,
                           [_doc({"Effect": "Allow", "Action": invoke, "Resource": pattern})]))
    bucket = "arn:aws:s3:::app-bucket/data.csv"
    allow_bob = {"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "s3:GetObject", "Resource": "*"}
    named = {"user-only": [USER], "account-and-user": [USER, f"arn:aws:iam::{ACCOUNT}:root"],
             "account-only": [f"arn:aws:iam::{ACCOUNT}:root"]}
    for label, names in named.items():
        policy = _doc({"Effect": "Deny", "NotPrincipal": {"AWS": names}, "Action": "s3:*", "Resource": "*"}, allow_bob)
        cases.append(_case(f"doc:not-principal-page:{label}", "s3:GetObject", bucket, [], resource_policy=policy))
    both = _doc({"Effect": "Deny", "NotPrincipal": {"AWS": named["account-and-user"]}, "Action": "s3:*", "Resource": "*"},
                allow_bob)
    cases.append(_case("doc:not-principal-page:boundary", "s3:GetObject", bucket,
                       [_doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})],
                       boundary=_doc({"Effect": "Allow", "Action": "*", "Resource": "*"}), resource_policy=both))
    return cases


def edge_cases() -> list[dict[str, Any]]:
    """Hand-made edge cases: case rules, wildcards, NotAction/NotResource, absent keys, trust."""
    bucket = "arn:aws:s3:::Data-Bucket/Report.csv"
    cases = [
        _case("edge:action-case", "s3:GetObject", bucket,
              [_doc({"Effect": "Allow", "Action": "S3:getobject", "Resource": "*"})]),
        _case("edge:resource-case", "s3:GetObject", bucket,
              [_doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data-bucket/report.csv"})]),
        _case("edge:question-mark", "s3:GetObject", bucket,
              [_doc({"Effect": "Allow", "Action": "s3:GetObjec?", "Resource": "arn:aws:s3:::Data-Bucket/Report.cs?"})]),
        _case("edge:question-mark-too-short", "s3:GetObject", bucket,
              [_doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::Data-Bucket/Report.c?"})]),
        _case("edge:not-action", "s3:GetObject", bucket,
              [_doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})]),
        _case("edge:not-action-excluded", "iam:ListRoles", "*",
              [_doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})]),
        _case("edge:not-resource", "s3:GetObject", bucket,
              [_doc({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::Data-Bucket/*"})]),
        _case("edge:not-resource-other", "s3:GetObject", "arn:aws:s3:::other/k",
              [_doc({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::Data-Bucket/*"})]),
        _case("edge:deny-wins", "s3:GetObject", bucket,
              [_doc({"Effect": "Allow", "Action": "*", "Resource": "*"},
                    {"Effect": "Deny", "Action": "s3:Get*", "Resource": "*"})]),
        _case("edge:variable-missing", "s3:GetObject", "arn:aws:s3:::b/home/bob",
              [_doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/home/${aws:PrincipalTag/team}"})]),
        _case("edge:variable-default", "s3:GetObject", "arn:aws:s3:::b/home/none",
              [_doc({"Effect": "Allow", "Action": "s3:GetObject",
                     "Resource": "arn:aws:s3:::b/home/${aws:PrincipalTag/team, 'none'}"})]),
        _case("edge:old-version-literal", "s3:GetObject", "arn:aws:s3:::b/home/bob",
              [{"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                       "Resource": "arn:aws:s3:::b/home/${aws:username}"}]}]),
    ]
    negated = ("StringNotEquals", "StringNotLike", "ArnNotLike", "NotIpAddress", "NumericNotEquals", "DateNotEquals")
    positive = ("StringEquals", "StringLike", "ArnLike", "IpAddress", "NumericEquals", "DateEquals")
    values = {"String": "x", "Arn": "arn:aws:iam::111122223333:role/x", "IpAddress": "10.0.0.0/8",
              "NotIpAddress": "10.0.0.0/8", "Numeric": "1", "Date": "2026-01-01T00:00:00Z"}

    def value_for(op: str) -> str:
        return next(v for k, v in values.items() if op.replace("Not", "").startswith(k) or op.startswith(k))

    for op in negated + positive:
        for suffix in ("", "IfExists"):
            name = op + suffix
            cases.append(_case(f"edge:absent:{name}", "s3:GetObject", "arn:aws:s3:::b/k",
                               [_doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                                      "Condition": {name: {"aws:SourceVpc": value_for(op)}}})]))
    for prefix in ("ForAnyValue:", "ForAllValues:"):
        for keys in ([], ["a"], ["a", "b"], ["c"]):
            ctx = {"aws:TagKeys": keys} if keys else {}
            for op in ("StringEquals", "StringNotEquals", "StringLike"):
                cases.append(_case(f"edge:set:{prefix}{op}:{'+'.join(keys) or 'absent'}", "ec2:CreateTags",
                                   f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-0123456789abcdef0",
                                   [_doc({"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
                                          "Condition": {f"{prefix}{op}": {"aws:TagKeys": ["a", "b*"]}}})],
                                   context=ctx))
    for age in ("100", "3599", "3600", "7200"):
        cases.append(_case(f"edge:numeric-age:{age}", "s3:GetObject", "arn:aws:s3:::b/k",
                           [_doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                                  "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}})],
                           context={"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": age}))
    for present in ("true", "false", None):
        ctx = {"aws:MultiFactorAuthPresent": present} if present else {}
        if present == "true":  # AWS sends the age exactly with MFA (engine/context_rules.py)
            ctx["aws:MultiFactorAuthAge"] = "60"
        for op in ("Bool", "BoolIfExists"):
            cases.append(_case(f"edge:mfa-deny:{op}:{present}", "s3:GetObject", "arn:aws:s3:::b/k",
                               [_doc({"Effect": "Allow", "Action": "*", "Resource": "*"},
                                     {"Effect": "Deny", "Action": "*", "Resource": "*",
                                      "Condition": {op: {"aws:MultiFactorAuthPresent": "false"}}})],
                               context=ctx))
    trust_account = _doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"})
    trust_user = _doc({"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "sts:AssumeRole"})
    trust_other = _doc({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole"})
    allow_assume = _doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
    role = f"arn:aws:iam::{ACCOUNT}:role/target"
    for name, trust in (("account", trust_account), ("user", trust_user), ("other-account", trust_other)):
        for identity_name, identity in (("allowed", [allow_assume]), ("none", [])):
            cases.append(_case(f"edge:trust:{name}:{identity_name}", "sts:AssumeRole", role, identity,
                               resource_policy=trust, trust=True))
    return cases
