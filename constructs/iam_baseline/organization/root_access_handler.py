# Inline handler of Custom::OrganizationFeatures (iam_baseline.organization.root_access).
# Shipped as Code.ZipFile (at most 4,096 characters; CloudFormation provides cfnresponse).
import json

import boto3
import cfnresponse

PHYSICAL_ID = "OrganizationFeatures"
FEATURES = {"RootCredentialsManagement": "root_credentials_management", "RootSessions": "root_sessions"}
# Settings key -> the service whose delegated administrator it names.
ADMINS = {"DelegatedAdministrator": "iam.amazonaws.com", "AnalyzerAdministrator": "access-analyzer.amazonaws.com"}


def _apply(p, old):
    org = boto3.client("organizations")
    iam = boto3.client("iam")
    # Trusted access first: the IAM features and the delegated administrator need it.
    for service in p["TrustedAccess"]:
        org.enable_aws_service_access(ServicePrincipal=service)
    if p["PolicyTypes"]:
        root = org.list_roots()["Roots"][0]
        on = {t["Type"] for t in root.get("PolicyTypes", []) if t["Status"] == "ENABLED"}
        for kind in p["PolicyTypes"]:
            if kind not in on:
                org.enable_policy_type(RootId=root["Id"], PolicyType=kind)
    for key, service in ADMINS.items():
        before = old.get(key) or ""
        admin = p.get(key) or ""
        if before and before != admin:
            _deregister(org, before, service)
        if admin and admin != before:
            try:
                org.register_delegated_administrator(AccountId=admin, ServicePrincipal=service)
            except org.exceptions.AccountAlreadyRegisteredException:
                pass
    enabled = set(iam.list_organizations_features().get("EnabledFeatures", []))
    for feature, method in FEATURES.items():
        wanted = p[feature]
        if wanted and feature not in enabled:
            getattr(iam, "enable_organizations_" + method)()
        elif not wanted and feature in enabled:
            getattr(iam, "disable_organizations_" + method)()


def _deregister(org, account, service):
    try:
        org.deregister_delegated_administrator(AccountId=account, ServicePrincipal=service)
    except org.exceptions.AccountNotRegisteredException:
        pass


def _delete(p):
    # Turning the features off gives every member account back a root user that can sign
    # in: only with an explicit DisableOnDelete. Trusted access and policy types stay.
    if not p.get("DisableOnDelete"):
        return
    iam = boto3.client("iam")
    enabled = set(iam.list_organizations_features().get("EnabledFeatures", []))
    for feature, method in FEATURES.items():
        if feature in enabled:
            getattr(iam, "disable_organizations_" + method)()
    for key, service in ADMINS.items():
        if p.get(key):
            _deregister(boto3.client("organizations"), p[key], service)


def handler(event, context):
    try:
        props = json.loads(event["ResourceProperties"]["Settings"])
        if event["RequestType"] == "Delete":
            _delete(props)
        else:
            old = event.get("OldResourceProperties", {}).get("Settings")
            _apply(props, json.loads(old) if old else {})
    except Exception as error:
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, PHYSICAL_ID, reason=str(error)[:1000])
        return
    cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, PHYSICAL_ID)
