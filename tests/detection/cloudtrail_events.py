"""Sample CloudTrail events as EventBridge delivers them, for the pattern-matching tests.

Each event is the EventBridge envelope (``version``, ``id``, ``detail-type``, ``source``,
``account``, ``time``, ``region``, ``resources``) around a CloudTrail record in the
documented format (AWS CloudTrail User Guide, "CloudTrail record contents" and the examples
of "AWS Management Console sign-in events" and "Logging IAM and AWS STS API calls").
Identifiers are the documentation ranges (account 111122223333, IP 192.0.2.0/24).
"""

from __future__ import annotations

from typing import Any

ACCOUNT = "111122223333"
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:109.0) Gecko/20100101 Firefox/115.0"

_SERVICE_SOURCES = {"signin.amazonaws.com": "aws.signin", "iam.amazonaws.com": "aws.iam", "sts.amazonaws.com": "aws.sts"}
_DETAIL_TYPES = {
    "AwsConsoleSignIn": "AWS Console Sign In via CloudTrail",
    "AwsApiCall": "AWS API Call via CloudTrail",
    "AwsServiceEvent": "AWS Service Event via CloudTrail",
}


def _envelope(detail: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": _DETAIL_TYPES[detail["eventType"]],
        "source": _SERVICE_SOURCES.get(detail["eventSource"], "aws." + detail["eventSource"].split(".")[0]),
        "account": ACCOUNT,
        "time": detail["eventTime"],
        "region": "us-east-1",
        "resources": [],
        "detail": detail,
    }


def root_identity(**extra: Any) -> dict[str, Any]:
    return {"type": "Root", "principalId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root", "accountId": ACCOUNT, **extra}


def iam_user_identity(name: str, path: str = "/baseline/") -> dict[str, Any]:
    return {
        "type": "IAMUser",
        "principalId": "AIDACKCEVSQ6C2EXAMPLE",
        "arn": f"arn:aws:iam::{ACCOUNT}:user{path}{name}",
        "accountId": ACCOUNT,
        "userName": name,
    }


def assumed_role_identity(role: str, session: str, path: str = "/") -> dict[str, Any]:
    return {
        "type": "AssumedRole",
        "principalId": f"AROACKCEVSQ6C2EXAMPLE:{session}",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}",
        "accountId": ACCOUNT,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROACKCEVSQ6C2EXAMPLE",
                "arn": f"arn:aws:iam::{ACCOUNT}:role{path}{role}",
                "accountId": ACCOUNT,
                "userName": role,
            },
            "attributes": {"creationDate": "2024-05-02T10:00:00Z", "mfaAuthenticated": "true"},
        },
    }


def console_login(identity: dict[str, Any], *, success: bool = True, mfa_used: bool = False) -> dict[str, Any]:
    """A ``ConsoleLogin`` record (sign-in events are recorded in us-east-1)."""
    detail: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": identity,
        "eventTime": "2024-05-02T10:15:00Z",
        "eventSource": "signin.amazonaws.com",
        "eventName": "ConsoleLogin",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "192.0.2.10",
        "userAgent": BROWSER,
        "requestParameters": None,
        "responseElements": {"ConsoleLogin": "Success" if success else "Failure"},
        "additionalEventData": {
            "LoginTo": "https://console.aws.amazon.com/console/home",
            "MobileVersion": "No",
            "MFAUsed": "Yes" if mfa_used else "No",
        },
        "eventID": "3fcfb586-8b6e-4c4d-9b3d-1ae8EXAMPLE",
        "readOnly": False,
        "eventType": "AwsConsoleSignIn",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    if not success:
        detail["errorMessage"] = "Failed authentication"
    return _envelope(detail)


def api_call(
    identity: dict[str, Any],
    event_name: str,
    request_parameters: dict[str, Any] | None,
    *,
    event_source: str = "iam.amazonaws.com",
    read_only: bool = False,
    error_code: str | None = None,
) -> dict[str, Any]:
    """An ``AwsApiCall`` record (IAM and global STS calls are recorded in us-east-1)."""
    detail: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": identity,
        "eventTime": "2024-05-02T10:20:00Z",
        "eventSource": event_source,
        "eventName": event_name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "192.0.2.10",
        "userAgent": "aws-cli/2.15.0 Python/3.11.6",
        "requestParameters": request_parameters,
        "responseElements": None,
        "requestID": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
        "eventID": "a1b2c3d4-5678-90ab-cdef-EXAMPLE22222",
        "readOnly": read_only,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    if error_code:
        detail["errorCode"] = error_code
        detail["errorMessage"] = "User is not authorized to perform this action"
    return _envelope(detail)


def service_event(identity: dict[str, Any], event_name: str) -> dict[str, Any]:
    """An ``AwsServiceEvent`` record: an action AWS took, not a caller."""
    detail = api_call(identity, event_name, None)["detail"] | {"eventType": "AwsServiceEvent"}
    return _envelope(detail)
