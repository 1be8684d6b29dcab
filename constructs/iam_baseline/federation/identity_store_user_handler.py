"""Inline Lambda handler of ``Custom::IdentityStoreUser`` (shipped as ``Code.ZipFile``).

CloudFormation provides ``cfnresponse`` to inline Python code, so the template needs no
asset bucket. Lifecycle (Identity Store API Reference: CreateUser, DescribeUser, UpdateUser,
DeleteUser):

* Create: ``CreateUser``; the physical id is the new ``UserId``. A user of that name that
  already exists is refused (``ConflictException``): the baseline never adopts a person
  created elsewhere silently (list it under ``existing_users`` instead).
* Update: ``DescribeUser``, then one ``UpdateUser`` replacing every attribute whose stored
  value differs from the wanted one (display name, given and family name, primary e-mail,
  title, department), and removing an optional attribute no longer wanted. Comparing with
  the stored user, not with the previous properties, also undoes edits made in the console.
  The user name is the identity: a different user name or identity store is a new user
  (``CreateUser``, new physical id; CloudFormation then deletes the old one).
* Delete: ``DeleteUser``; a user already gone is fine. A physical id that is not a user id
  (a create that failed) deletes nothing.

Every failure is reported to CloudFormation with the API's error as the reason.
"""
import json
import re

import boto3
import cfnresponse

#: The department lives in the Identity Store's only user extension.
ENTERPRISE = "aws:identitystore:enterprise"
NO_USER = "no-user-created"
USER_ID = re.compile(r"^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$")


def wanted_attributes(user):
    """AttributePath -> wanted value (None: the attribute must be absent) of a user property."""
    return {
        "displayName": user["DisplayName"],
        "name.givenName": user["GivenName"],
        "name.familyName": user["FamilyName"],
        "emails": [{"Value": user["Email"], "Type": "work", "Primary": True}],
        "title": user.get("Title"),
        ENTERPRISE: {"department": user["Department"]} if user.get("Department") else None,
    }


def stored_attributes(described):
    """AttributePath -> stored value of a ``DescribeUser`` response (same keys as :func:`wanted_attributes`)."""
    name = described.get("Name") or {}
    extension = (described.get("Extensions") or {}).get(ENTERPRISE) or None
    return {
        "displayName": described.get("DisplayName"),
        "name.givenName": name.get("GivenName"),
        "name.familyName": name.get("FamilyName"),
        "emails": described.get("Emails") or None,
        "title": described.get("Title"),
        ENTERPRISE: extension,
    }


def update_operations(wanted, stored):
    """The ``UpdateUser`` operations turning ``stored`` into ``wanted``: replace what differs,
    remove (an operation without a value) what is no longer wanted."""
    operations = []
    for path, value in wanted.items():
        if stored.get(path) == value:
            continue
        operations.append({"AttributePath": path} if value is None else {"AttributePath": path, "AttributeValue": value})
    return operations


def create(client, store_id, user):
    wanted = wanted_attributes(user)
    request = {
        "IdentityStoreId": store_id,
        "UserName": user["UserName"],
        "DisplayName": wanted["displayName"],
        "Name": {"GivenName": user["GivenName"], "FamilyName": user["FamilyName"]},
        "Emails": wanted["emails"],
    }
    if wanted["title"]:
        request["Title"] = wanted["title"]
    if wanted[ENTERPRISE]:
        request["Extensions"] = {ENTERPRISE: wanted[ENTERPRISE]}
    try:
        return client.create_user(**request)["UserId"]
    except client.exceptions.ConflictException as error:
        raise RuntimeError(
            f"user {user['UserName']!r} already exists in identity store {store_id} and was not created by this "
            f"stack; list it under identity_store.existing_users, or delete it first ({error})"
        ) from None


def update(client, store_id, user_id, user):
    described = client.describe_user(IdentityStoreId=store_id, UserId=user_id, Extensions=[ENTERPRISE])
    operations = update_operations(wanted_attributes(user), stored_attributes(described))
    if operations:
        client.update_user(IdentityStoreId=store_id, UserId=user_id, Operations=operations)


def delete(client, store_id, user_id):
    if not USER_ID.match(user_id):
        return
    try:
        client.delete_user(IdentityStoreId=store_id, UserId=user_id)
    except client.exceptions.ResourceNotFoundException:
        pass


def handle(event, client):
    """Run one CloudFormation request; return the physical id (the user id)."""
    props = event["ResourceProperties"]
    store_id, user = props["IdentityStoreId"], json.loads(props["User"])
    kind = event["RequestType"]
    if kind == "Create":
        return create(client, store_id, user)
    user_id = event["PhysicalResourceId"]
    if kind == "Delete":
        delete(client, store_id, user_id)
        return user_id
    old = event.get("OldResourceProperties") or {}
    old_user = json.loads(old.get("User") or "{}")
    if old.get("IdentityStoreId") != store_id or old_user.get("UserName") != user["UserName"] or not USER_ID.match(user_id):
        return create(client, store_id, user)  # a new user: CloudFormation deletes the old one
    update(client, store_id, user_id, user)
    return user_id


def handler(event, context):
    physical_id = event.get("PhysicalResourceId") or NO_USER
    try:
        physical_id = handle(event, boto3.client("identitystore"))
    except Exception as error:
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, physical_id, reason=str(error)[:1000])
        return
    cfnresponse.send(event, context, cfnresponse.SUCCESS, {"UserId": physical_id}, physical_id)
