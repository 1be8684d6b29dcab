"""Registration of the cdk-nag v3 rule packs.

cdk-nag v3 runs as a CDK policy-validation plugin: registered with
``Validations.of(app).add_plugins(...)``, it checks every synthesized template, prints its
findings, writes them to the cloud assembly's validation report and fails the synthesis on
any finding that is not acknowledged (see :mod:`.acknowledgments`).
"""

from __future__ import annotations

from aws_cdk import Validations
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks
from constructs import Construct

#: The packs every baseline template must pass: AWS Solutions, NIST 800-53 rev 5,
#: HIPAA Security and PCI DSS 3.2.1.
NAG_PACKS = (AwsSolutionsChecks, NIST80053R5Checks, HIPAASecurityChecks, PCIDSS321Checks)


def register_nag_packs(scope: Construct) -> None:
    """Add the four cdk-nag packs to ``scope`` (an App or Stage) as validation plugins."""
    Validations.of(scope).add_plugins(*(pack(scope) for pack in NAG_PACKS))
