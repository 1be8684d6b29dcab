"""One snapshot of the default template, a diff aid for reviews: `pytest --snapshot-update`
after an intended change, then read the .ambr diff. Behaviour is asserted elsewhere."""

from __future__ import annotations

import json
import re

#: Asset hashes (sha256 hex) change with every CDK upgrade of the bundled function code.
ASSET_HASH = re.compile(r"\b[0-9a-f]{64}\b")


def test_default_template_snapshot(baseline_template, snapshot):
    normalised = json.loads(ASSET_HASH.sub("<asset-hash>", json.dumps(baseline_template)))
    assert normalised == snapshot
