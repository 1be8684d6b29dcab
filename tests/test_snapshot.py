"""One snapshot file of the default app's templates (every stack), a diff aid for reviews:
`pytest --snapshot-update` after an intended change, then read the .ambr diff. Behaviour is
asserted elsewhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from template_tools import assembly_templates

#: Asset hashes (sha256 hex) change with every CDK upgrade of the bundled function code.
ASSET_HASH = re.compile(r"\b[0-9a-f]{64}\b")


@pytest.mark.parametrize("artifact_id", ["AccountBaseline", "GlobalEvents", "IdentityCenter"])
def test_default_template_snapshot(default_assembly, artifact_id, snapshot):
    template = assembly_templates(Path(default_assembly.directory))[artifact_id]
    normalised = json.loads(ASSET_HASH.sub("<asset-hash>", json.dumps(template)))
    assert normalised == snapshot
