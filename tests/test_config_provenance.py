"""Synth findings are reported at the config key that produced their construct."""

from __future__ import annotations

from types import SimpleNamespace

from iam_baseline.compliance.report import unacknowledged_findings
from iam_baseline.config.provenance import config_key_for, record, with_config_key


def _construct(path: str) -> SimpleNamespace:
    return SimpleNamespace(node=SimpleNamespace(path=path))


def test_a_construct_path_maps_to_its_nearest_recorded_ancestor():
    record(_construct("ProvenanceTest/SupportRole"), "roles.support")
    assert config_key_for("ProvenanceTest/SupportRole/Role/Resource") == "roles.support"
    assert config_key_for("ProvenanceTest/SupportRoleX/Resource") is None  # whole segments only
    assert with_config_key("AwsSolutions-IAM4 at ProvenanceTest/Other") == (
        "AwsSolutions-IAM4 at ProvenanceTest/Other (config: the baseline itself, not a config key)"
    )


def test_nag_findings_of_a_persona_role_name_its_config_key(unacknowledged_variants):
    """The registry off, the default config's findings on the Admin role point at roles.admin."""
    outdir, _ = unacknowledged_variants["DefaultConfig"]
    findings = unacknowledged_findings(outdir)
    on_admin = [f for f in findings if " at AccountBaseline/AdminRole/" in f]
    assert on_admin, findings
    assert {with_config_key(f).rpartition(" (config: ")[2] for f in on_admin} == {"roles.admin)"}
