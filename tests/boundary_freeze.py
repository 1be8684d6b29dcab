"""The developer permissions boundaries an assembly deploys, read from its templates, and the
frozen copies that tests/test_boundary_equivalence.py compares them with.

``python tests/boundary_freeze.py OUTDIR CONFIG...`` synthesizes each config (in-process, as
``cdk synth`` does, without the nag packs: they change no template) and writes
``OUTDIR/<folder>-<stem>.json``: the config's distinct ``DeveloperBoundary`` documents,
normalized by :func:`normalized`. Run it in a checkout of the commit whose boundary is the
reference (tests/fixtures/boundary-before-compaction/README.md says which one and how).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: A StackSet member's name is chosen by CloudFormation; every stack gets this one, so that a
#: boundary is compared whatever stack it sits in (the name only appears inside ARN patterns).
STACK_NAME = "StackSet-IamBaseline-member-0c9e8d2a"
BOUNDARY_NAME = "DeveloperBoundary"


def boundary_documents(assembly: Path) -> dict[str, dict]:
    """Template file (relative to ``assembly``, nested assemblies included) -> the raw policy
    document of its ``DeveloperBoundary`` managed policy (intrinsics unresolved)."""
    found = {}
    for path in sorted(Path(assembly).rglob("*.template.json")):
        template = json.loads(path.read_text())
        for resource in template.get("Resources", {}).values():
            properties = resource.get("Properties", {})
            if resource.get("Type") == "AWS::IAM::ManagedPolicy" and properties.get("ManagedPolicyName") == BOUNDARY_NAME:
                found[path.relative_to(assembly).as_posix()] = properties["PolicyDocument"]
    return found


def normalized(document: dict) -> dict:
    """``document`` with ``Fn::Join`` and the pseudo parameters resolved as the suite resolves
    them (:func:`template_tools.resolve`: partition ``aws``, account ``111122223333``) and
    ``AWS::StackName`` as :data:`STACK_NAME` (the boundary holds no other intrinsic)."""
    from template_tools import resolve

    return resolve(document, stack_name=STACK_NAME)


def distinct(documents: dict[str, dict]) -> list[dict]:
    """The distinct normalized documents of :func:`boundary_documents`' result, each with the
    templates it came from: ``[{"templates": [...], "document": {...}}]``."""
    by_text: dict[str, dict] = {}
    for key, raw in documents.items():
        document = normalized(raw)
        entry = by_text.setdefault(json.dumps(document, sort_keys=True), {"templates": [], "document": document})
        entry["templates"].append(key)
    return list(by_text.values())


#: The frozen file of :func:`build_unit_boundary`'s boundary.
UNIT_FROZEN = "unit-custom-parameters.json"


def build_unit_boundary(stack: Any) -> None:
    """A boundary with what no config of the suite sets: other paths, opted-in CDK qualifiers,
    one stack prefix, protected names, and two service roles a bounded persona may pass."""
    from iam_baseline.identity import DeveloperPermissionsBoundary
    from iam_baseline.identity.protection import PassableServiceRole, ProtectedResources

    DeveloperPermissionsBoundary(
        stack, "Boundary", path="/platform/", workload_role_path="/apps/team-a/",
        assumable_cdk_qualifiers=("apps1", "apps2"), developer_stack_prefixes=("team-a-",),
        protected=ProtectedResources(topic_names=("alerts",), analyzer_names=("external", "unused"),
                                     log_group_names=("org-trail",)),
        passable_service_roles=(PassableServiceRole("/service/", "AppInstance", "ec2.amazonaws.com"),
                                PassableServiceRole("/service/", "AuditTask", "ecs-tasks.amazonaws.com"),
                                PassableServiceRole("/service/", "Batch", "ec2.amazonaws.com")),
    )


def frozen_name(config: Path) -> str:
    """``tests/fixtures/hub-and-spoke.yaml`` -> ``fixtures-hub-and-spoke.json``."""
    config = Path(config)
    return f"{config.parent.name}-{config.stem}.json"


def freeze(outdir: Path, configs: list[Path]) -> None:
    """Synthesize each of ``configs`` and write its distinct boundaries to ``outdir``."""
    import subprocess
    import tempfile

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    from app import build_app
    from iam_baseline.config import load_config
    from template_tools import CDK_CONTEXT

    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    outdir.mkdir(parents=True, exist_ok=True)
    for config in configs:
        with tempfile.TemporaryDirectory() as assembly:
            build_app(load_config(config), outdir=assembly, context=CDK_CONTEXT, nag=False).synth()
            entries = distinct(boundary_documents(Path(assembly)))
        relative = Path(config).resolve().relative_to(ROOT).as_posix()
        data = {"config": relative, "boundary_code_commit": commit, "boundaries": entries}
        (outdir / frozen_name(config)).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        print(f"{relative}: {len(entries)} distinct boundaries", file=sys.stderr)
    with tempfile.TemporaryDirectory() as assembly:
        from template_tools import synth_unit_stack

        synth_unit_stack(build_unit_boundary, Path(assembly))
        entries = distinct(boundary_documents(Path(assembly)))
    data = {"config": "tests/boundary_freeze.py build_unit_boundary", "boundary_code_commit": commit, "boundaries": entries}
    (outdir / UNIT_FROZEN).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    freeze(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
