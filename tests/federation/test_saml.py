"""SAML providers and persona roles: exact trust policies, persona permissions, size quota."""

from __future__ import annotations

import json

import pytest
from federation_helpers import ACCOUNT, arn, config_error, template_of
from template_tools import resources

SAML_AUD = {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}


def _role(template: dict, name: str) -> dict:
    return next(r["Properties"] for r in resources(template, "AWS::IAM::Role").values() if r["Properties"].get("RoleName") == name)


def _build(stack, metadata_file, *, names, session_tags=False, max_chars=2048, persona="read_only"):
    from aws_cdk import aws_iam as iam

    from iam_baseline.config.federation import SamlProviderConfig, SamlRoleConfig
    from iam_baseline.federation.saml import SamlIdentityProvider, SamlPersonaRole

    path = metadata_file()
    providers = {
        n: SamlIdentityProvider(stack, f"P{i}", provider=SamlProviderConfig(name=n, metadata_file=path))
        for i, n in enumerate(names)
    }
    role = SamlRoleConfig(name="SamlReader", persona=persona, providers=tuple(names))
    return SamlPersonaRole(
        stack,
        "Role",
        role=role,
        providers=providers,
        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("job-function/ViewOnlyAccess")],
        session_tags=session_tags,
        path="/baseline/",
        trust_policy_max_chars=max_chars,
    )


def test_trust_policy_of_a_saml_role(stack, metadata_file):
    _build(stack, metadata_file, names=["Okta"])
    template = template_of(stack)
    assert _role(template, "SamlReader")["AssumeRolePolicyDocument"] == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": arn("saml-provider/Okta")},
                "Action": "sts:AssumeRoleWithSAML",
                "Condition": SAML_AUD,
            }
        ],
    }
    (provider,) = resources(template, "AWS::IAM::SAMLProvider").values()
    assert provider["Properties"]["Name"] == "Okta"
    assert "IDPSSODescriptor" in provider["Properties"]["SamlMetadataDocument"]


def test_several_idps_and_session_tags_share_one_statement(stack, metadata_file):
    _build(stack, metadata_file, names=["Okta", "EntraId"], session_tags=True)
    assert _role(template_of(stack), "SamlReader")["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Federated": [arn("saml-provider/Okta"), arn("saml-provider/EntraId")]},
            "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
            "Condition": SAML_AUD,
        }
    ]


def test_oversized_trust_policy_says_how_far_over(stack, metadata_file):
    from iam_baseline.federation.policy_size import PolicySizeError

    names = [f"IdP{i:02d}-" + "x" * 100 for i in range(14)]
    expected = {
        "Statement": [
            {
                "Action": "sts:AssumeRoleWithSAML",
                "Condition": SAML_AUD,
                "Effect": "Allow",
                "Principal": {"Federated": [f"arn:aws:iam::{ACCOUNT}:saml-provider/{n}" for n in names]},
            }
        ],
        "Version": "2012-10-17",
    }
    length = len(json.dumps(expected, separators=(",", ":")))
    assert length > 2048
    with pytest.raises(PolicySizeError) as info:
        _build(stack, metadata_file, names=names)
    assert str(info.value) == (
        f"trust policy of role SamlReader is {length} characters (whitespace excluded), {length - 2048} over the "
        "quota of 2048; trust fewer identity providers with this role, or raise the IAM quota and "
        "federation.saml.trust_policy_max_chars"
    )


def test_the_quota_is_configurable(stack, metadata_file):
    names = [f"IdP{i:02d}-" + "x" * 100 for i in range(14)]
    _build(stack, metadata_file, names=names, max_chars=4096)  # a raised quota admits it


def test_default_app_saml_roles_carry_the_persona_policies(baseline_template):
    roles = {r["Properties"].get("RoleName"): r["Properties"] for r in resources(baseline_template, "AWS::IAM::Role").values()}
    for saml_role, mfa_role in [("FederatedAdmin", "Admin"), ("FederatedDeveloper", "Developer"), ("FederatedReadOnly", "ReadOnly")]:
        assert roles[saml_role]["ManagedPolicyArns"] == roles[mfa_role]["ManagedPolicyArns"]
        assert roles[saml_role]["AssumeRolePolicyDocument"]["Statement"] == [
            {
                "Effect": "Allow",
                "Principal": {"Federated": arn("saml-provider/ExampleIdP")},
                "Action": "sts:AssumeRoleWithSAML",
                "Condition": SAML_AUD,
            }
        ]
    assert len(resources(baseline_template, "AWS::IAM::SAMLProvider")) == 1


def test_roles_must_name_declared_providers(metadata_file):
    message = config_error(
        f"""
        saml:
          providers:
            - name: Okta
              metadata_file: {metadata_file()}
          roles:
            - name: SamlAdmin
              persona: admin
              providers: [Entra]
        """
    )
    assert "federation.saml.roles[0].providers (line 11, column 9): roles[0] (SamlAdmin) trusts unknown providers ['Entra']; declared: ['Okta']" in message
