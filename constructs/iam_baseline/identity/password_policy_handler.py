"""Inline Lambda handler of the account password policy (``AccountPasswordPolicy(inline_handler=True)``).

Shipped as ``Code.ZipFile``, so the template needs no asset bucket: CloudFormation provides
the ``cfnresponse`` module to inline Python code. Semantics, as with the AwsCustomResource
variant: Create/Update call UpdateAccountPasswordPolicy with every field (the API has no
partial update); Delete calls DeleteAccountPasswordPolicy, NoSuchEntity ignored; the
physical id is fixed. A failure is reported to CloudFormation with the IAM error as reason.
"""
import json

import boto3
import cfnresponse

PHYSICAL_RESOURCE_ID = "AccountPasswordPolicy"


def handler(event, context):
    iam = boto3.client("iam")
    try:
        if event["RequestType"] == "Delete":
            try:
                iam.delete_account_password_policy()
            except iam.exceptions.NoSuchEntityException:
                pass
        else:
            iam.update_account_password_policy(**json.loads(event["ResourceProperties"]["Policy"]))
    except Exception as error:
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, PHYSICAL_RESOURCE_ID, reason=str(error)[:1000])
        return
    cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, PHYSICAL_RESOURCE_ID)
