"""OIDC providers and deploy roles: exact trust policies, sub rules, least privilege."""

from __future__ import annotations

import pytest
from federation_helpers import arn, config_error, parse_federation, template_of
from template_tools import resources

GITHUB = "token.actions.githubusercontent.com"


def _github_role(github: str, extra: str = "") -> str:
    return f"""
    oidc:
      providers:
        - name: github
          kind: github
      deploy_roles:
        - name: Deploy
          provider: github
          {extra}
          github:
            {github}
    """


def _deploy_stack(stack, snippet: str):
    from iam_baseline.federation.account import AccountFederation

    config = parse_federation(snippet).federation
    AccountFederation(stack, "Federation", saml=None, oidc=config.oidc, persona_policies=lambda p: [], path="/ci/")
    return template_of(stack)


def test_default_app_github_deploy_role(baseline_template):
    (provider,) = resources(baseline_template, "AWS::IAM::OIDCProvider").values()
    assert provider["Properties"]["Url"] == "https://token.actions.githubusercontent.com"
    assert provider["Properties"]["ClientIdList"] == ["sts.amazonaws.com"]
    assert not resources(baseline_template, "Custom::AWSCDKOpenIdConnectProvider")
    role = next(
        r["Properties"] for r in resources(baseline_template, "AWS::IAM::Role").values()
        if r["Properties"].get("RoleName") == "GitHubDeploy"
    )
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Federated": arn(f"oidc-provider/{GITHUB}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    f"{GITHUB}:aud": "sts.amazonaws.com",
                    # Only the production environment: its reviewers gate every use.
                    f"{GITHUB}:sub": "repo:example-org/infrastructure:environment:production",
                }
            },
        }
    ]


def test_deploy_role_may_only_assume_the_cdk_bootstrap_roles(baseline_template):
    (policy,) = (
        r["Properties"] for r in resources(baseline_template, "AWS::IAM::ManagedPolicy").values()
        if r["Properties"].get("ManagedPolicyName") == "GitHubDeployPermissions"
    )
    def bootstrap(kind):
        return {"Fn::Join": ["", [
            "arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"},
            f":role/cdk-hnb659fds-{kind}-role-", {"Ref": "AWS::AccountId"}, "-", {"Ref": "AWS::Region"},
        ]]}
    assert policy["PolicyDocument"]["Statement"] == [
        {
            "Sid": "AssumeCdkBootstrapRoles",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": [bootstrap(k) for k in ("deploy", "file-publishing", "image-publishing", "lookup")],
        }
    ]


def test_wildcards_go_to_a_separate_stringlike_statement(stack):
    template = _deploy_stack(
        stack,
        _github_role("organization: acme\n            repository: app\n            branches: [main, release/*]\n"
                     "            tags: [v*]\n            pull_request: true"),
    )
    (role,) = resources(template, "AWS::IAM::Role").values()
    aud = {f"{GITHUB}:aud": "sts.amazonaws.com"}
    principal = {"Federated": arn(f"oidc-provider/{GITHUB}")}
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": principal,
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {**aud, f"{GITHUB}:sub": ["repo:acme/app:ref:refs/heads/main", "repo:acme/app:pull_request"]}},
        },
        {
            "Effect": "Allow",
            "Principal": principal,
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": aud,
                "StringLike": {f"{GITHUB}:sub": ["repo:acme/app:ref:refs/heads/release/*", "repo:acme/app:ref:refs/tags/v*"]},
            },
        },
    ]


def test_gitlab_self_managed_with_extra_statements_and_regions(stack):
    template = _deploy_stack(
        stack,
        """
        oidc:
          providers:
            - name: gitlab
              kind: gitlab
              url: https://gitlab.example.com
          deploy_roles:
            - name: GitLabDeploy
              provider: gitlab
              cdk_qualifier: custom1
              regions: [eu-west-1, us-east-1]
              gitlab:
                project_path: platform/infra
                branches: [main]
              extra_statements:
                - actions: ["cloudformation:DescribeStacks"]
                  resources: ["arn:aws:cloudformation:eu-west-1:111122223333:stack/App/*"]
        """,
    )
    (provider,) = resources(template, "AWS::IAM::OIDCProvider").values()
    assert provider["Properties"]["Url"] == "https://gitlab.example.com"
    assert provider["Properties"]["ClientIdList"] == ["https://gitlab.example.com"]
    (role,) = resources(template, "AWS::IAM::Role").values()
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Condition"] == {
        "StringEquals": {
            "gitlab.example.com:aud": "https://gitlab.example.com",
            "gitlab.example.com:sub": "project_path:platform/infra:ref_type:branch:ref:main",
        }
    }
    (policy,) = resources(template, "AWS::IAM::ManagedPolicy").values()
    assume, extra = policy["Properties"]["PolicyDocument"]["Statement"]
    role_arns = [r["Fn::Join"][1] for r in assume["Resource"]]
    assert [parts[4] for parts in role_arns] == [
        f":role/cdk-custom1-{kind}-role-" for kind in ("deploy", "file-publishing", "image-publishing", "lookup")
    ] * 2
    assert [parts[-1] for parts in role_arns] == ["-eu-west-1"] * 4 + ["-us-east-1"] * 4
    assert extra == {
        "Effect": "Allow",
        "Action": "cloudformation:DescribeStacks",
        "Resource": "arn:aws:cloudformation:eu-west-1:111122223333:stack/App/*",
    }


def test_existing_provider_is_reused_by_arn(stack):
    existing = f"arn:aws:iam::111122223333:oidc-provider/{GITHUB}"
    template = _deploy_stack(
        stack,
        f"""
        oidc:
          providers:
            - name: github
              kind: github
              existing_provider_arn: {existing}
          deploy_roles:
            - name: Deploy
              provider: github
              subjects: ["repo:acme/app:environment:prod"]
        """,
    )
    assert not resources(template, "AWS::IAM::OIDCProvider")
    (role,) = resources(template, "AWS::IAM::Role").values()
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Federated": existing}


def test_oversized_trust_policy(stack):
    from iam_baseline.federation.policy_size import PolicySizeError

    branches = ", ".join(f"feature-{i:03d}" for i in range(40))
    with pytest.raises(PolicySizeError, match=r"^trust policy of role Deploy is \d+ characters \(whitespace excluded\), "
                       r"\d+ over the quota of 2048; use fewer sub values"):
        _deploy_stack(stack, _github_role(f"organization: acme\n            repository: app\n            branches: [{branches}]"))


@pytest.mark.parametrize(
    ("github", "extra", "problem"),
    [
        ("organization: '*'\n            repository: app\n            branches: [main]", "",
         "sub 'repo:*/app:ref:refs/heads/main' admits repositories of other organizations: it matches "
         "'repo:x/app:ref:refs/heads/main' and 'repo:y/app:ref:refs/heads/main'; name the organization or group exactly"),
        ("organization: acme\n            repository: '*'\n            branches: [main]", "",
         "sub 'repo:acme/*:ref:refs/heads/main' admits more than one repository of acme, including ones created later: "
         "it matches 'repo:acme/x:ref:refs/heads/main' and 'repo:acme/y:ref:refs/heads/main'; "
         "list the repositories, or set allow_organization_wildcard: true to opt in"),
        # The breadth is in what the pattern matches, not how it starts: acme-evil is another organization.
        ("organization: acme?\n            repository: app\n            branches: [main]", "",
         "sub 'repo:acme?/app:ref:refs/heads/main' admits repositories of other organizations"),
        ("organization: acme\n            repository: app?\n            branches: [main]", "",
         "sub 'repo:acme/app?:ref:refs/heads/main' admits more than one repository of acme"),
        ("organization: acme\n            repository: app", "",
         "no sub value: list at least one branch, tag, environment or pull_request"),
    ],
    ids=["organization-wildcard", "repository-wildcard-without-opt-in", "organization-suffix", "repository-suffix", "no-sub"],
)
def test_too_broad_github_subjects(github, extra, problem):
    message = config_error(_github_role(github, extra))
    assert f"federation.oidc.deploy_roles[0] (line 9, column 9): {problem}" in message


def test_repository_wildcard_with_opt_in():
    config = parse_federation(
        _github_role("organization: acme\n            repository: '*'\n            branches: [main]",
                     "allow_organization_wildcard: true")
    )
    assert config.federation.oidc.deploy_roles[0].sub_values() == ("repo:acme/*:ref:refs/heads/main",)


#: (sub, the generic provider's subject_format or None, the problem) of raw subjects.
RAW_SUBJECTS = [
    ("*", None, "sub '*' admits every token of the issuer, whatever repository or pipeline sent it"),
    # Undeclared format: a pattern that can match a GitHub or GitLab sub is judged by that grammar.
    ("repo:*", None, "sub 'repo:*' admits repositories of other organizations: it matches 'repo:x/x:ref:x' and "
     "'repo:y/x:ref:x'; name the organization or group exactly"),
    # Starts with a literal, yet every repository of every organization: the case of the issue.
    ("repo*", "github", "sub 'repo*' admits repositories of other organizations: it matches 'repo:x/x:ref:x' and "
     "'repo:y/x:ref:x'; name the organization or group exactly"),
    ("repo:acme*/app:*", "github", "sub 'repo:acme*/app:*' admits repositories of other organizations: it matches "
     "'repo:acme/app:ref:x' and 'repo:acmex/app:ref:x'"),
    ("repo:acme/app*", "github", "sub 'repo:acme/app*' admits more than one repository of acme, including ones "
     "created later: it matches 'repo:acme/app:ref:x' and 'repo:acme/appx:ref:x'"),
    # A leading wildcard reaches other organizations through an environment name.
    ("*:acme/app:pull_request", "github", "sub '*:acme/app:pull_request' admits repositories of other "
     "organizations: it matches 'repo:acme/app:pull_request' and 'repo:a/x:ref:acme/app:pull_request'"),
    ("project_path:*/x:ref_type:branch:ref:main", None, "sub 'project_path:*/x:ref_type:branch:ref:main' admits "
     "repositories of other organizations"),
    ("project_path:grp/*", "gitlab", "sub 'project_path:grp/*' admits more than one repository of grp"),
    ("acme/app", "github", "sub 'acme/app' matches no github sub (repo:<organization>/<repository>:"
     "<environment:NAME | ref:REF | pull_request>); check its spelling"),
]


def _raw_subjects_config(sub: str, subject_format: str | None, opt_in: bool = False) -> str:
    return f"""
        oidc:
          providers:
            - name: ci
              kind: generic
              url: https://ci.example.com
              {f"subject_format: {subject_format}" if subject_format else ""}
          deploy_roles:
            - name: Deploy
              provider: ci
              allow_organization_wildcard: {str(opt_in).lower()}
              subjects: ["{sub}"]
        """


@pytest.mark.parametrize(("sub", "subject_format", "problem"), RAW_SUBJECTS, ids=[s for s, _, _ in RAW_SUBJECTS])
def test_too_broad_raw_subjects(sub, subject_format, problem):
    message = config_error(_raw_subjects_config(sub, subject_format))
    assert f"federation.oidc.deploy_roles[0].subjects (line 14, column 9): deploy_roles[0] (Deploy): {problem}" in message


@pytest.mark.parametrize(
    ("sub", "subject_format", "opt_in"),
    [
        ("repo:acme/app:*", "github", False),  # every context of one repository
        ("rep?:acme/app:pull_request", "github", False),  # the ? can only be "o"
        ("repo:acme/*", "github", True),  # every repository of acme, opted in
        ("project_path:grp/*", "gitlab", True),
        ("project_path:grp/sub/proj:ref_type:branch:ref:main", "gitlab", False),
        ("system:serviceaccount:ci:deployer*", None, False),  # no known grammar: only a leading wildcard is refused
    ],
)
def test_narrow_raw_subjects_are_accepted(sub, subject_format, opt_in):
    """Negative controls: patterns whose every match has one organization (and repository)."""
    (role,) = parse_federation(_raw_subjects_config(sub, subject_format, opt_in)).federation.oidc.deploy_roles
    assert role.sub_values() == (sub,)


def test_duplicate_provider_url():
    message = config_error(
        """
        oidc:
          providers:
            - name: github
              kind: github
            - name: actions
              kind: generic
              url: https://token.actions.githubusercontent.com
        """
    )
    assert (
        "federation.oidc.providers[1] (line 8, column 9): duplicate OIDC provider URL https://token.actions.githubusercontent.com "
        "(providers[0] and providers[1]): IAM allows one provider per URL per account; declare it once and "
        "point every deploy role at it"
    ) in message


def test_existing_provider_arn_must_match_the_issuer():
    message = config_error(
        """
        oidc:
          providers:
            - name: github
              kind: github
              existing_provider_arn: arn:aws:iam::111122223333:oidc-provider/gitlab.com
        """
    )
    assert ("existing_provider_arn 'arn:aws:iam::111122223333:oidc-provider/gitlab.com' is not the provider of "
            "issuer https://token.actions.githubusercontent.com") in message


def test_github_subjects_need_a_github_provider():
    message = config_error(
        """
        oidc:
          providers:
            - name: gitlab
              kind: gitlab
          deploy_roles:
            - name: Deploy
              provider: gitlab
              github: {organization: acme, repository: app, branches: [main]}
        """
    )
    assert "deploy_roles[0] (Deploy): github subjects need a github provider, 'gitlab' is gitlab" in message


def test_audience_must_be_a_client_id_of_the_provider():
    message = config_error(_github_role("organization: acme\n            repository: app\n            branches: [main]",
                                        "audience: https://example.com"))
    assert ("deploy_roles[0] (Deploy): audience 'https://example.com' is not a client id of provider 'github' "
            "['sts.amazonaws.com']; IAM rejects tokens for other audiences") in message


@pytest.mark.parametrize(
    ("arn", "where"),
    [
        (f"arn:aws:iam::444455556666:oidc-provider/{GITHUB}", "account 444455556666, partition aws"),
        (f"arn:aws-cn:iam::111122223333:oidc-provider/{GITHUB}", "account 111122223333, partition aws-cn"),
    ],
    ids=["other-account", "other-partition"],
)
def test_existing_provider_arn_must_be_in_the_account_and_partition(arn, where):
    message = config_error(
        f"""
        oidc:
          providers:
            - name: github
              kind: github
              existing_provider_arn: {arn}
        """
    )
    assert "federation.oidc.providers[0].existing_provider_arn (line 8, column " in message
    assert (
        f"oidc.providers[0] (github): existing_provider_arn {arn!r} is in {where}; the baseline "
        "deploys to account 111122223333 in partition aws (region eu-west-1), and a role can only trust an OIDC "
        "provider of its own account"
    ) in message
