"""Region codes are checked against the regions CDK knows, not only their shape."""

from __future__ import annotations

import pytest

from iam_baseline.config import ConfigError, parse_config
from iam_baseline.config.regions import KNOWN_REGIONS


def test_known_regions_are_the_regions_cdk_knows():
    from aws_cdk.region_info import RegionInfo

    assert KNOWN_REGIONS == {region.name for region in RegionInfo.regions}


@pytest.mark.parametrize(
    ("region", "message"),
    [
        ("eu-wset-1", "'eu-wset-1' is not an AWS region (a region code such as 'eu-west-1'); did you mean 'eu-west-1'"),
        ("us-moon-9", "'us-moon-9' is not an AWS region (a region code such as 'eu-west-1')"),
    ],
)
def test_a_misspelt_region_is_refused_with_a_suggestion(region, message):
    with pytest.raises(ConfigError) as error:
        parse_config(f'account_id: "111122223333"\nregion: {region}\n', "typo.yaml")
    assert f"  - region (line 2, column 1): {message}" in str(error.value)
