"""The inline password policy handler, run as shipped (its ZipFile source) against fakes of
boto3's IAM client and CloudFormation's cfnresponse module."""

from __future__ import annotations

import json
import sys
import types

import pytest

POLICY = {"MinimumPasswordLength": 14, "RequireSymbols": True, "MaxPasswordAge": 90, "HardExpiry": False}


class NoSuchEntityException(Exception):
    pass


class FakeIam:
    def __init__(self, fail: Exception | None = None):
        self.calls: list[tuple[str, dict]] = []
        self.fail = fail
        self.exceptions = types.SimpleNamespace(NoSuchEntityException=NoSuchEntityException)

    def update_account_password_policy(self, **params):
        self.calls.append(("update", params))
        if self.fail:
            raise self.fail

    def delete_account_password_policy(self):
        self.calls.append(("delete", {}))
        if self.fail:
            raise self.fail


@pytest.fixture
def run(monkeypatch):
    """Run the shipped handler for a request type; return (IAM calls, cfnresponse.send calls)."""
    from iam_baseline.identity.password_policy import INLINE_HANDLER_SOURCE

    def invoke(request_type: str, fail: Exception | None = None):
        iam, sent = FakeIam(fail), []
        cfnresponse = types.SimpleNamespace(
            SUCCESS="SUCCESS", FAILED="FAILED", send=lambda *args, **kwargs: sent.append((args, kwargs))
        )
        monkeypatch.setitem(sys.modules, "cfnresponse", cfnresponse)
        monkeypatch.setitem(sys.modules, "boto3", types.SimpleNamespace(client=lambda name: iam))
        namespace: dict = {}
        exec(compile(INLINE_HANDLER_SOURCE, "index.py", "exec"), namespace)  # noqa: S102 - our own shipped code
        event = {"RequestType": request_type, "ResourceProperties": {"ServiceToken": "arn", "Policy": json.dumps(POLICY)}}
        namespace["handler"](event, object())
        return iam.calls, [(args[2], args[4], kwargs) for args, kwargs in sent]

    return invoke


@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_create_and_update_send_every_field_with_a_fixed_physical_id(run, request_type):
    calls, sent = run(request_type)
    assert calls == [("update", POLICY)]  # typed values, all of them: the API has no partial update
    assert sent == [("SUCCESS", "AccountPasswordPolicy", {})]


def test_delete_restores_the_default_and_tolerates_a_missing_policy(run):
    assert run("Delete") == ([("delete", {})], [("SUCCESS", "AccountPasswordPolicy", {})])
    calls, sent = run("Delete", fail=NoSuchEntityException("gone"))
    assert sent == [("SUCCESS", "AccountPasswordPolicy", {})]


def test_an_iam_error_fails_the_resource_with_its_reason(run):
    _, sent = run("Update", fail=RuntimeError("MalformedPolicyDocument: MinimumPasswordLength too small"))
    assert sent == [("FAILED", "AccountPasswordPolicy", {"reason": "MalformedPolicyDocument: MinimumPasswordLength too small"})]
