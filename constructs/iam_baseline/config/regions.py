"""The AWS regions a config may name.

A region code that only looks right (``eu-wset-1``) would synthesize a stack for a region
that does not exist, so the config checks codes against this list. It is the list of
regions CDK knows (``aws_cdk.region_info.RegionInfo.regions``, the AWS General Reference's
"Service endpoints" per partition); a test keeps the two equal, so a CDK upgrade that adds a
region shows up as a test failure to copy the new code here. It lives here, not looked up
at load time, so the config loads without starting jsii.
"""

from __future__ import annotations

from difflib import get_close_matches
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

KNOWN_REGIONS: frozenset[str] = frozenset(
    {
        "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
        "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
        "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "cn-north-1",
        "cn-northwest-1", "eu-central-1", "eu-central-2", "eu-isoe-west-1", "eu-north-1", "eu-south-1",
        "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "eusc-de-east-1", "il-central-1", "me-central-1",
        "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1",
        "us-iso-east-1", "us-iso-west-1", "us-isob-east-1", "us-isob-west-1", "us-isof-east-1",
        "us-isof-south-1", "us-west-1", "us-west-2",
    }
)  # fmt: skip


def known_region(code: str) -> str:
    """Return ``code`` if it is a known AWS region.

    Raises:
        ValueError: an unknown code, with the closest known codes as a suggestion.
    """
    if code in KNOWN_REGIONS:
        return code
    # Suggest public regions only: an isolated-partition code is rarely the one meant.
    public = sorted(r for r in KNOWN_REGIONS if "iso" not in r)
    close = get_close_matches(code, public, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ValueError(f"{code!r} is not an AWS region (a region code such as 'eu-west-1'){hint}")


#: An AWS region code such as ``eu-west-1`` or ``us-gov-west-1``, one of :data:`KNOWN_REGIONS`.
RegionName = Annotated[
    str,
    AfterValidator(known_region),
    WithJsonSchema({"type": "string", "enum": sorted(KNOWN_REGIONS)}),
]
