"""CDK's construct-path metadata in a synthesized template (no CDK import: the analysis uses it too).

``aws:cdk:path`` only lets the CDK CLI name the construct of a failed resource. A StackSet's
``TemplateBody`` leaves it out (the CLI never deploys the stack instances, and it costs about
100 bytes per resource of the 51,200-byte body), so the analysis compares templates without it.
"""

from __future__ import annotations

from typing import Any

PATH_METADATA = "aws:cdk:path"


def without_path_metadata(template: dict[str, Any]) -> dict[str, Any]:
    """``template`` without the ``aws:cdk:path`` metadata of its resources (a resource left with
    no metadata loses its ``Metadata`` key); ``template`` itself is not changed."""
    resources = {}
    for logical_id, resource in template.get("Resources", {}).items():
        metadata = {k: v for k, v in resource.get("Metadata", {}).items() if k != PATH_METADATA}
        resources[logical_id] = {k: v for k, v in resource.items() if k != "Metadata"} | ({"Metadata": metadata} if metadata else {})
    return {**template, "Resources": resources}
