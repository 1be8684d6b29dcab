"""Identity Center directory as config: identity source, users, groups, members, and the
names assignments may use. Each refusal is checked with its exact message and YAML path, and
each has an accepted twin (the same config with the mistake fixed)."""

from __future__ import annotations

import pytest
from federation_helpers import config_error, parse_federation

CENTER = """
identity_center:
  instance_arn: arn:aws:sso:::instance/ssoins-0123456789abcdef
  identity_store_id: d-0123456789
  account_id: "444455556666"
  region: eu-west-1
  permission_sets:
    - name: Admin
      persona: admin
  identity_store:
    groups:
      - name: Platform Admins
        description: Administrators of the platform accounts.
        members: [{member}]
    users:
      - user_name: alice
        display_name: Alice Example
        given_name: Alice
        family_name: Example
        email: {email}
        title: Platform engineer
      - user_name: {second}
        display_name: Bob Example
        given_name: Bob
        family_name: Example
        email: bob@example.com
    existing_groups: [Auditors]
  assignments:
    - permission_set: Admin
      principal_type: {principal_type}
      principal_name: {principal}
      account_ids: ["111122223333"]
"""

GOOD = dict(member="alice", email="alice@example.com", second="bob", principal_type="GROUP", principal="Platform Admins")


def _config(**changes: str) -> str:
    return CENTER.format(**{**GOOD, **changes})


def test_a_declared_directory_is_accepted():
    center = parse_federation(_config()).federation.identity_center
    assert center.identity_source.value == "identity_center_directory"
    store = center.identity_store
    assert [u.user_name for u in store.users] == ["alice", "bob"]
    assert store.users[0].title == "Platform engineer" and store.users[1].department is None
    assert store.groups[0].members == ("alice",)
    assert store.declared("GROUP", "Platform Admins") and not store.declared("GROUP", "Auditors")
    assert store.has("GROUP", "Auditors")


def test_unknown_member():
    message = config_error(_config(member="carol"))
    assert (
        "federation.identity_center.identity_store.groups[0].members[0] (line 16, column 21): unknown user 'carol' in "
        "group 'Platform Admins'; a member must be one of identity_store.users ['alice', 'bob'] [got: \"carol\"]"
    ) in message


def test_member_with_another_case_gets_a_hint():
    assert "a member must be one of identity_store.users ['alice', 'bob']; did you mean 'alice'?" in config_error(
        _config(member="Alice")
    )


def test_duplicate_user_name_whatever_the_case():
    message = config_error(_config(second="Alice"))
    assert (
        "federation.identity_center.identity_store.users[1].user_name (line 24, column 11): duplicate user name 'Alice' "
        "(also users[0].user_name): UserName is unique in an identity store, whatever the case"
    ) in message
    assert parse_federation(_config(second="alice2")).federation.identity_center.identity_store


@pytest.mark.parametrize("email", ["alice", "alice@example", "alice@@example.com", "'alice @example.com'"])
def test_bad_email(email):
    message = config_error(_config(email=email))
    assert (
        "federation.identity_center.identity_store.users[0].email (line 22, column 11): not an e-mail address: expected "
        "name@domain.tld in ASCII (at most 254 characters)"
    ) in message


def test_reserved_user_name():
    message = config_error(_config(second="Administrator"))
    assert "federation.identity_center.identity_store.users[1].user_name (line 24, column 11): 'Administrator' is reserved by the Identity Store" in message


def test_external_identity_source_refuses_the_directory():
    config = _config().replace("  identity_store:\n", "  identity_source: external\n  identity_store:\n")
    message = config_error(config)
    assert (
        "federation.identity_center.identity_store (line 13, column 5): the identity source is external: the external IdP "
        "provisions users and groups (SCIM) and would overwrite what the baseline writes"
    ) in message
    # Without identity_store, an external source is fine: names are looked up at deploy time.
    start, end = config.index("  identity_store:"), config.index("  assignments:")
    center = parse_federation(config[:start] + config[end:]).federation.identity_center
    assert center.identity_source.value == "external" and center.identity_store is None


def test_unknown_identity_source():
    message = config_error(_config().replace("  identity_store:\n", "  identity_source: okta\n  identity_store:\n"))
    assert "federation.identity_center.identity_source (line 12, column 5): Input should be 'identity_center_directory' or 'external'" in message


def test_assignment_names_a_declared_or_existing_principal():
    assert parse_federation(_config(principal="Auditors")).federation.identity_center.assignments
    assert parse_federation(_config(principal_type="USER", principal="bob")).federation.identity_center.assignments
    message = config_error(_config(principal="Platform Admin"))
    assert (
        "federation.identity_center.assignments[0].principal_name (line 33, column 9): unknown group 'Platform Admin': declare it in "
        "identity_store.groups ['Platform Admins'] or, if it exists outside the baseline, list it in "
        "identity_store.existing_groups ['Auditors']"
    ) in message
    # A user name is not a group name.
    assert "assignments[0].principal_name (line 33, column 9): unknown user 'Platform Admins': declare it in identity_store.users ['alice', 'bob']" in config_error(
        _config(principal_type="USER")
    )


def test_existing_and_declared_at_once():
    message = config_error(_config().replace("existing_groups: [Auditors]", "existing_groups: [platform admins]"))
    assert (
        "federation.identity_center.identity_store.existing_groups[0] (line 29, column 25): 'platform admins' is also "
        "declared in identity_store.groups: a group is either created here or exists elsewhere"
    ) in message
