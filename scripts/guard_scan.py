"""Run cfn-guard with the AWS Control Tower proactive control rules on synthesized templates.

Usage: ``python scripts/guard_scan.py GUARD_PACKAGE_DIR TEMPLATE_DIR...`` (``make scan`` passes
``scan/node_modules/@cdklabs/cdk-validator-cfnguard`` and ``cdk.out.scan``).

The rules and the cfn-guard binary come from the npm package ``@cdklabs/cdk-validator-cfnguard``
(pinned in ``scan/package.json``): cdklabs packages the Control Tower proactive controls'
Guard rules there for CDK's policy validation. We run the bundled binary ourselves on every
``*.template.json`` (StackSet member templates included) instead of registering the plugin in
``app.py``: synth stays free of a third-party scanner, and the scan runs on the same templates
checkov and cfn-lint read.

Every finding is printed as ``control  rule  template  resource``. A finding listed in
:data:`REASONED` (control id and a logical-id prefix) is a registered design choice, printed
with its reason; anything else is new and makes the script exit 1. The same reasons are in
README.md, "Third-party scanners".

Source: AWS Control Tower Controls Reference, "Proactive controls"; cfn-guard 3.x
``validate --output-format json``.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from pathlib import Path

#: (Control Tower control, logical-id prefix) -> why the finding stays. The prefixes are the
#: baseline's construct ids (CDK appends a hash), so a new resource is never covered by accident.
REASONED: dict[tuple[str, str], str] = {
    ("CT.IAM.PR.3", "DeveloperBoundary"): (
        "a permissions boundary grants nothing by itself: its NotAction Allow is the ceiling "
        "(everything but IAM, Organizations and Account administration) and its Denies close the "
        "escalation paths (tests/test_developer_boundary.py; cdk-nag IAM5 acknowledged per finding)"
    ),
    ("CT.LAMBDA.PR.3", "AWS679f53fac002430cb0da5b7982bd2287"): (
        "CDK's AwsCustomResource function: invoked only by CloudFormation during a deployment, calls "
        "AWS APIs only and holds no data a VPC would protect (same as checkov CKV_AWS_117)"
    ),
    ("CT.LAMBDA.PR.3", "PasswordPolicyHandler"): (
        "the StackSet members' inline password-policy handler: same reason as CDK's custom resource function"
    ),
    ("CT.LAMBDA.PR.3", "IdentityStoreUserHandler"): (
        "the Identity Store user handler: same reason as CDK's custom resource function"
    ),
    ("CT.LAMBDA.PR.3", "OrganizationFeaturesHandler"): (
        "the centralized-root-access handler: same reason as CDK's custom resource function"
    ),
    ("CT.CLOUDWATCH.PR.3", "AWS679f53fac002430cb0da5b7982bd2287LogGroup"): (
        "the log group of CDK's custom resource function holds only its start/end lines, no secret; "
        "encrypted at rest by CloudWatch Logs (acknowledged for cdk-nag in the registry)"
    ),
}


def guard_binary(package: Path) -> Path:
    """The cfn-guard binary bundled for this machine (``bin/<os>/<arch>/cfn-guard``).

    Raises SystemExit with what is missing when the package is not installed or has no binary
    for this platform."""
    system = {"Linux": "ubuntu", "Darwin": "macos"}.get(platform.system())
    arch = {"x86_64": "x86_64", "AMD64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}.get(platform.machine())
    binary = package / "bin" / str(system) / str(arch) / "cfn-guard"
    if not binary.is_file():
        raise SystemExit(f"cfn-guard not found at {binary} (run `make scan`, which installs scan/package.json)")
    return binary


def _documents(raw: str) -> list[dict]:
    """cfn-guard prints one JSON document per data file; split them."""
    decoder, docs, index = json.JSONDecoder(), [], 0
    while True:
        while index < len(raw) and raw[index].isspace():
            index += 1
        if index >= len(raw):
            return docs
        doc, index = decoder.raw_decode(raw, index)
        docs.append(doc)


def _resources(node: object, found: set[str]) -> None:
    """Logical ids of every ``/Resources/<id>/...`` path in a cfn-guard check tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "path" and isinstance(value, str) and value.startswith("/Resources/"):
                found.add(value.split("/")[2])
            else:
                _resources(value, found)
    elif isinstance(node, list):
        for value in node:
            _resources(value, found)


def _control_of(rules_dir: Path) -> dict[str, str]:
    """Guard rule name -> Control Tower control id, read from the rule files' messages."""
    controls: dict[str, str] = {}
    for path in rules_dir.rglob("*.guard"):
        text = path.read_text(encoding="utf-8")
        # Each rule's message starts with "[CT.XXX.PR.N]:"; the rule name follows "rule ".
        control = text.split("[CT.", 1)[1].split("]", 1)[0] if "[CT." in text else ""
        for line in text.splitlines():
            if line.startswith("rule ") and " when " in line:
                controls[line.split()[1]] = f"CT.{control}"
    return controls


def findings(binary: Path, rules_dir: Path, template: Path) -> list[tuple[str, str]]:
    """(rule name, logical id) of every non-compliant resource of one template."""
    run = subprocess.run(
        [str(binary), "validate", "--rules", str(rules_dir), "--data", str(template),
         "--show-summary", "none", "--output-format", "json"],
        capture_output=True, text=True, check=False,
    )
    # Exit status 19 means "some rule failed"; anything but 0 and 19 is cfn-guard failing.
    if run.returncode not in (0, 19):
        raise SystemExit(f"cfn-guard failed on {template} ({run.returncode}): {run.stderr.strip()}")
    found: list[tuple[str, str]] = []
    for doc in _documents(run.stdout):
        for failure in doc.get("not_compliant", []):
            rule = failure.get("Rule", {})
            ids: set[str] = set()
            _resources(rule.get("checks", []), ids)
            found.extend((rule.get("name", "?"), logical_id) for logical_id in sorted(ids))
    return found


def reason_for(control: str, logical_id: str) -> str | None:
    """The registered reason for a finding, or None when it is new."""
    for (known_control, prefix), reason in REASONED.items():
        if control == known_control and logical_id.startswith(prefix):
            return reason
    return None


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    package = Path(argv[0])
    rules_dir = package / "rules" / "control-tower" / "cfn-guard"
    binary, controls = guard_binary(package), _control_of(rules_dir)
    templates = sorted(p for d in argv[1:] for p in Path(d).rglob("*.template.json"))
    new = 0
    for template in templates:
        for rule, logical_id in findings(binary, rules_dir, template):
            control = controls.get(rule, rule)
            reason = reason_for(control, logical_id)
            new += reason is None
            status = f"reasoned: {reason}" if reason else "NEW"
            print(f"{control:20} {rule:55} {template}  {logical_id}\n    {status}")
    print(f"cfn-guard (Control Tower rules, {len(controls)} rules) on {len(templates)} templates: "
          f"{new} new finding(s)")
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
