"""The Custom::OrganizationFeatures handler, run as shipped (its ZipFile source), against real
botocore IAM and Organizations clients whose API calls are stubbed (botocore's Stubber checks
every call's name and parameters against the service model): the whole lifecycle."""

from __future__ import annotations

import json
import sys
import types

import botocore.session
import pytest
from botocore.stub import Stubber

from iam_baseline.organization.root_access import HANDLER_SOURCE, ZIP_FILE_MAX_CHARACTERS, settings

ROOT = {"Id": "r-a1b2", "Arn": "arn:aws:organizations::111111111111:root/o-a1b2c3d4e5/r-a1b2", "Name": "Root"}
BOTH = ["RootCredentialsManagement", "RootSessions"]


def props(**overrides):
    value = settings(
        root_credentials_management=True,
        root_sessions=True,
        disable_on_delete=False,
        delegated_administrator=None,
        policy_types=["SERVICE_CONTROL_POLICY"],
    )
    value.update(overrides)
    return {"ServiceToken": "arn", "Settings": json.dumps(value)}


@pytest.fixture
def run(monkeypatch):
    """Run the handler on an event with the expected calls queued; return what cfnresponse got."""

    def invoke(event, expect):
        session = botocore.session.get_session()
        clients = {
            name: session.create_client(name, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
            for name in ("iam", "organizations")
        }
        stubbers = {name: Stubber(client) for name, client in clients.items()}
        for service, operation, response, params in expect:
            if isinstance(response, str):  # an error code
                stubbers[service].add_client_error(operation, service_error_code=response, expected_params=params)
            else:
                stubbers[service].add_response(operation, response, params)
        sent = []
        cfnresponse = types.SimpleNamespace(SUCCESS="SUCCESS", FAILED="FAILED", send=lambda *a, **k: sent.append((a[2], a[4], k)))
        monkeypatch.setitem(sys.modules, "cfnresponse", cfnresponse)
        monkeypatch.setitem(sys.modules, "boto3", types.SimpleNamespace(client=lambda name: clients[name]))
        namespace: dict = {}
        exec(compile(HANDLER_SOURCE, "index.py", "exec"), namespace)  # noqa: S102 - our own shipped code
        for stubber in stubbers.values():
            stubber.activate()
        namespace["handler"](event, object())
        for stubber in stubbers.values():
            stubber.assert_no_pending_responses()
        return sent

    return invoke


def test_handler_fits_cloudformations_zip_file_limit():
    assert len(HANDLER_SOURCE) <= ZIP_FILE_MAX_CHARACTERS


def test_create_enables_trusted_access_policy_type_and_both_features(run):
    sent = run(
        {"RequestType": "Create", "ResourceProperties": props()},
        [
            ("organizations", "enable_aws_service_access", {}, {"ServicePrincipal": "iam.amazonaws.com"}),
            ("organizations", "list_roots", {"Roots": [{**ROOT, "PolicyTypes": []}]}, {}),
            ("organizations", "enable_policy_type", {"Root": ROOT}, {"RootId": "r-a1b2", "PolicyType": "SERVICE_CONTROL_POLICY"}),
            ("iam", "list_organizations_features", {"EnabledFeatures": []}, {}),
            ("iam", "enable_organizations_root_credentials_management", {"EnabledFeatures": ["RootCredentialsManagement"]}, {}),
            ("iam", "enable_organizations_root_sessions", {"EnabledFeatures": BOTH}, {}),
        ],
    )
    assert sent == [("SUCCESS", "OrganizationFeatures", {})]


def test_update_is_idempotent_and_turns_a_feature_off_when_the_config_says_so(run):
    enabled = {**ROOT, "PolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]}
    sent = run(
        {"RequestType": "Update", "ResourceProperties": props(RootSessions=False), "OldResourceProperties": props()},
        [
            ("organizations", "enable_aws_service_access", {}, {"ServicePrincipal": "iam.amazonaws.com"}),
            ("organizations", "list_roots", {"Roots": [enabled]}, {}),  # already enabled: no EnablePolicyType
            ("iam", "list_organizations_features", {"EnabledFeatures": BOTH}, {}),
            ("iam", "disable_organizations_root_sessions", {"EnabledFeatures": ["RootCredentialsManagement"]}, {}),
        ],
    )
    assert sent == [("SUCCESS", "OrganizationFeatures", {})]


def test_update_moves_the_delegated_administrator(run):
    old, new = props(DelegatedAdministrator="222200000001"), props(DelegatedAdministrator="222200000002", PolicyTypes=[])
    sent = run(
        {"RequestType": "Update", "ResourceProperties": new, "OldResourceProperties": old},
        [
            ("organizations", "enable_aws_service_access", {}, {"ServicePrincipal": "iam.amazonaws.com"}),
            ("organizations", "deregister_delegated_administrator", {}, {"AccountId": "222200000001", "ServicePrincipal": "iam.amazonaws.com"}),
            ("organizations", "register_delegated_administrator", {}, {"AccountId": "222200000002", "ServicePrincipal": "iam.amazonaws.com"}),
            ("iam", "list_organizations_features", {"EnabledFeatures": BOTH}, {}),
        ],
    )
    assert sent == [("SUCCESS", "OrganizationFeatures", {})]


def test_delete_leaves_the_features_on_by_default(run):
    sent = run({"RequestType": "Delete", "ResourceProperties": props()}, [])  # no API call at all
    assert sent == [("SUCCESS", "OrganizationFeatures", {})]


def test_delete_with_disable_on_delete_turns_both_off_and_deregisters(run):
    sent = run(
        {"RequestType": "Delete", "ResourceProperties": props(DisableOnDelete=True, DelegatedAdministrator="222200000001")},
        [
            ("iam", "list_organizations_features", {"EnabledFeatures": BOTH}, {}),
            ("iam", "disable_organizations_root_credentials_management", {"EnabledFeatures": ["RootSessions"]}, {}),
            ("iam", "disable_organizations_root_sessions", {"EnabledFeatures": []}, {}),
            ("organizations", "deregister_delegated_administrator", {}, {"AccountId": "222200000001", "ServicePrincipal": "iam.amazonaws.com"}),
        ],
    )
    assert sent == [("SUCCESS", "OrganizationFeatures", {})]


def test_an_api_error_fails_the_resource_with_the_reason(run):
    sent = run(
        {"RequestType": "Create", "ResourceProperties": props(PolicyTypes=[])},
        [
            ("organizations", "enable_aws_service_access", {}, {"ServicePrincipal": "iam.amazonaws.com"}),
            ("iam", "list_organizations_features", "OrganizationNotInAllFeaturesModeException", {}),
        ],
    )
    assert len(sent) == 1 and sent[0][:2] == ("FAILED", "OrganizationFeatures")
    assert "OrganizationNotInAllFeaturesModeException" in sent[0][2]["reason"]


def test_access_analyzer_delegated_administrator_gets_trusted_access_and_registration(run):
    """detection.access_analyzer.delegated_administrator: trusted access for Access Analyzer, then
    RegisterDelegatedAdministrator for it (IAM's stays untouched); already registered is fine."""
    new = {"ServiceToken": "arn", "Settings": json.dumps(settings(
        root_credentials_management=True, root_sessions=True, disable_on_delete=False, delegated_administrator=None,
        policy_types=[], analyzer_administrator="222200000003",
    ))}
    sent = run(
        {"RequestType": "Update", "ResourceProperties": new, "OldResourceProperties": props(PolicyTypes=[])},
        [
            ("organizations", "enable_aws_service_access", {}, {"ServicePrincipal": "iam.amazonaws.com"}),
            ("organizations", "enable_aws_service_access", {}, {"ServicePrincipal": "access-analyzer.amazonaws.com"}),
            ("organizations", "register_delegated_administrator", "AccountAlreadyRegisteredException",
             {"AccountId": "222200000003", "ServicePrincipal": "access-analyzer.amazonaws.com"}),
            ("iam", "list_organizations_features", {"EnabledFeatures": BOTH}, {}),
        ],
    )
    assert sent == [("SUCCESS", "OrganizationFeatures", {})]
    # Removed from the config: deregistered.
    sent = run(
        {"RequestType": "Update", "ResourceProperties": props(PolicyTypes=[]), "OldResourceProperties": new},
        [
            ("organizations", "enable_aws_service_access", {}, {"ServicePrincipal": "iam.amazonaws.com"}),
            ("organizations", "deregister_delegated_administrator", {},
             {"AccountId": "222200000003", "ServicePrincipal": "access-analyzer.amazonaws.com"}),
            ("iam", "list_organizations_features", {"EnabledFeatures": BOTH}, {}),
        ],
    )
    assert sent == [("SUCCESS", "OrganizationFeatures", {})]
