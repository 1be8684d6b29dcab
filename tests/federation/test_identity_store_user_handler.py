"""The inline ``Custom::IdentityStoreUser`` handler, run as shipped (its ZipFile source)
against a real botocore ``identitystore`` client under ``Stubber``: every call must be
exactly the expected one, and its parameters must be valid for the Identity Store API model."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest

STORE = "d-0123456789"
USER_ID = "90676ab7-1234-5678-9abc-def012345678"
ALICE = {
    "UserName": "alice",
    "DisplayName": "Alice Example",
    "GivenName": "Alice",
    "FamilyName": "Example",
    "Email": "alice@example.com",
    "Title": "Platform lead",
}
EMAILS = [{"Value": "alice@example.com", "Type": "work", "Primary": True}]
STORED = {
    "IdentityStoreId": STORE,
    "UserId": USER_ID,
    "UserArn": f"arn:aws:identitystore:::user/{USER_ID}",
    "Revision": "1",
    "UserName": "alice",
    "DisplayName": "Alice Example",
    "Name": {"GivenName": "Alice", "FamilyName": "Example"},
    "Emails": EMAILS,
    "Title": "Platform lead",
}


@pytest.fixture
def handler(monkeypatch):
    """Run the shipped handler once: ``(stubbed calls, event) -> (status, physical id, data, reason)``."""
    import boto3
    from botocore.stub import Stubber

    import iam_baseline.federation  # lazy: no jsii start-up for a plain Python handler

    source = (Path(iam_baseline.federation.__file__).parent / "identity_store_user_handler.py").read_text(encoding="utf-8")
    client = boto3.client("identitystore", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")

    def invoke(event: dict, expected: list[tuple]) -> tuple:
        sent: list = []
        cfnresponse = types.SimpleNamespace(
            SUCCESS="SUCCESS", FAILED="FAILED", send=lambda *args, **kwargs: sent.append((args, kwargs))
        )
        monkeypatch.setitem(sys.modules, "cfnresponse", cfnresponse)
        monkeypatch.setitem(sys.modules, "boto3", types.SimpleNamespace(client=lambda name: client))
        namespace: dict = {}
        exec(compile(source, "index.py", "exec"), namespace)  # noqa: S102 - our own shipped code
        with Stubber(client) as stub:
            for method, params, response in expected:
                if isinstance(response, str):  # an error code
                    stub.add_client_error(method, service_error_code=response, expected_params=params)
                else:
                    stub.add_response(method, response, params)
            namespace["handler"](event, object())
            stub.assert_no_pending_responses()
        ((args, kwargs),) = sent
        return args[2], args[4], args[3], kwargs.get("reason")

    return invoke


def _event(kind: str, user: dict = ALICE, old: dict | None = None, physical_id: str | None = USER_ID) -> dict:
    event = {"RequestType": kind, "ResourceProperties": {"ServiceToken": "arn", "IdentityStoreId": STORE, "User": json.dumps(user)}}
    if kind != "Create":
        event["PhysicalResourceId"] = physical_id
    if old is not None:
        event["OldResourceProperties"] = {"ServiceToken": "arn", "IdentityStoreId": STORE, "User": json.dumps(old)}
    return event


def _created(user_id: str) -> dict:
    return {"IdentityStoreId": STORE, "UserId": user_id, "UserArn": f"arn:aws:identitystore:::user/{user_id}", "Revision": "1"}


def _describe() -> tuple:
    return ("describe_user", {"IdentityStoreId": STORE, "UserId": USER_ID, "Extensions": ["aws:identitystore:enterprise"]}, STORED)


def test_create_sends_every_attribute_and_returns_the_user_id(handler):
    create = {
        "IdentityStoreId": STORE,
        "UserName": "alice",
        "DisplayName": "Alice Example",
        "Name": {"GivenName": "Alice", "FamilyName": "Example"},
        "Emails": EMAILS,
        "Title": "Platform lead",
        "Extensions": {"aws:identitystore:enterprise": {"department": "Payments"}},
    }
    status, physical_id, data, _ = handler(
        _event("Create", {**ALICE, "Department": "Payments"}), [("create_user", create, _created(USER_ID))]
    )
    assert (status, physical_id, data) == ("SUCCESS", USER_ID, {"UserId": USER_ID})


def test_create_refuses_to_adopt_an_existing_user(handler):
    create = {k: v for k, v in {
        "IdentityStoreId": STORE, "UserName": "alice", "DisplayName": "Alice Example",
        "Name": {"GivenName": "Alice", "FamilyName": "Example"}, "Emails": EMAILS, "Title": "Platform lead",
    }.items()}
    status, physical_id, _, reason = handler(_event("Create"), [("create_user", create, "ConflictException")])
    assert (status, physical_id) == ("FAILED", "no-user-created")
    assert reason.startswith(
        "user 'alice' already exists in identity store d-0123456789 and was not created by this stack; list it "
        "under identity_store.existing_users, or delete it first"
    )


def test_update_replaces_exactly_what_differs_from_the_stored_user(handler):
    wanted = {**ALICE, "DisplayName": "Alice Married", "FamilyName": "Married", "Email": "alice.m@example.com", "Department": "Payments"}
    wanted.pop("Title")
    update = {
        "IdentityStoreId": STORE,
        "UserId": USER_ID,
        "Operations": [
            {"AttributePath": "displayName", "AttributeValue": "Alice Married"},
            {"AttributePath": "name.familyName", "AttributeValue": "Married"},
            {"AttributePath": "emails", "AttributeValue": [{"Value": "alice.m@example.com", "Type": "work", "Primary": True}]},
            {"AttributePath": "title"},  # no value: the attribute is removed
            {"AttributePath": "aws:identitystore:enterprise", "AttributeValue": {"department": "Payments"}},
        ],
    }
    status, physical_id, data, _ = handler(_event("Update", wanted, old=ALICE), [_describe(), ("update_user", update, _created(USER_ID))])
    assert (status, physical_id, data) == ("SUCCESS", USER_ID, {"UserId": USER_ID})


def test_update_without_a_difference_calls_no_update(handler):
    status, physical_id, _, _ = handler(_event("Update", ALICE, old={**ALICE, "Title": "Engineer"}), [_describe()])
    assert (status, physical_id) == ("SUCCESS", USER_ID)


def test_update_undoes_a_console_edit(handler):
    """The previous properties equal the wanted ones, but someone changed the stored title."""
    edited = ("describe_user", _describe()[1], {**STORED, "Title": "CEO"})
    update = {"IdentityStoreId": STORE, "UserId": USER_ID, "Operations": [{"AttributePath": "title", "AttributeValue": "Platform lead"}]}
    status, _, _, _ = handler(_event("Update", ALICE, old=ALICE), [edited, ("update_user", update, _created(USER_ID))])
    assert status == "SUCCESS"


def test_a_new_user_name_is_a_new_user(handler):
    """CloudFormation deletes the old physical id after a new one is returned."""
    renamed = {**ALICE, "UserName": "alice2"}
    create = {
        "IdentityStoreId": STORE, "UserName": "alice2", "DisplayName": "Alice Example",
        "Name": {"GivenName": "Alice", "FamilyName": "Example"}, "Emails": EMAILS, "Title": "Platform lead",
    }
    other = "11111111-2222-3333-4444-555555555555"
    status, physical_id, _, _ = handler(_event("Update", renamed, old=ALICE), [("create_user", create, _created(other))])
    assert (status, physical_id) == ("SUCCESS", other)


def test_delete_removes_the_user_and_tolerates_one_already_gone(handler):
    delete = ("delete_user", {"IdentityStoreId": STORE, "UserId": USER_ID})
    assert handler(_event("Delete"), [(*delete, {})])[:2] == ("SUCCESS", USER_ID)
    assert handler(_event("Delete"), [(*delete, "ResourceNotFoundException")])[:2] == ("SUCCESS", USER_ID)


def test_delete_after_a_failed_create_deletes_nothing(handler):
    assert handler(_event("Delete", physical_id="no-user-created"), [])[:2] == ("SUCCESS", "no-user-created")


def test_an_api_error_fails_the_resource_with_its_reason(handler):
    status, physical_id, _, reason = handler(
        _event("Update", ALICE, old=ALICE), [(*_describe()[:2], "AccessDeniedException")]
    )
    assert (status, physical_id) == ("FAILED", USER_ID)
    assert "AccessDeniedException" in reason
