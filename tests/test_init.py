"""`make init`: a new account's config from the documented template, validated by the config's
own rules, that synthesizes and passes `make check`; an existing file is never overwritten."""

from __future__ import annotations

import sys

import pytest
from template_tools import CDK_CONTEXT, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import init_config  # noqa: E402

ACCOUNT, REGION = "123456789012", "eu-central-1"


@pytest.fixture(scope="module")
def initialized(tmp_path_factory):
    """(path, stdout) of a config written by `make init` into a fresh folder."""
    path = tmp_path_factory.mktemp("init") / "prod.yaml"
    assert init_config.main(["--account", ACCOUNT, "--region", REGION, "--config", str(path)]) == 0
    return path


def test_init_writes_the_account_and_region_and_no_example_value(initialized):
    from iam_baseline.config import load_config
    from iam_baseline.config.example_values import example_values_in

    config = load_config(initialized)
    assert (config.account_id, config.region) == (ACCOUNT, REGION)
    assert config.users == () and config.federation is None and config.detection is None
    assert example_values_in(config) == []


def test_the_optional_sections_are_present_but_commented(initialized):
    text = initialized.read_text()
    for section in ("# detection:", "# break_glass:", "# federation:", "#   identity_center:"):
        assert f"\n{section}\n" in text, section
    for needs in ("mail addresses", "metadata XML export", "GitHub organization and repository", "instance ARN"):
        assert needs in text, needs


def test_init_output_synthesizes_and_passes_the_access_check(initialized, tmp_path, capsys):
    from app import build_app

    from iam_baseline.analysis.check import main as check
    from iam_baseline.compliance.report import unacknowledged_findings
    from iam_baseline.config import load_config

    outdir = tmp_path / "cdk.out"
    build_app(load_config(initialized), outdir=str(outdir), context=CDK_CONTEXT).synth()
    assert unacknowledged_findings(outdir) == []
    assert check(["--out", str(outdir), "--config", str(initialized)]) == 0, capsys.readouterr().out


def test_init_prints_the_next_steps(tmp_path, capsys):
    path = tmp_path / "config" / "prod.yaml"
    assert init_config.main(["--account", ACCOUNT, "--region", REGION, "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"wrote {path} (account {ACCOUNT}, region {REGION})\nNext steps:\n")
    for step in (f"make synth CONFIG={path}", f"make check CONFIG={path}",
                 f"npx cdk bootstrap aws://{ACCOUNT}/{REGION}", f"make deploy CONFIG={path}"):  # fmt: skip
        assert step in out, step
    assert f"{str(path).removesuffix('.yaml')}.names.lock" in out  # the lock the first synth writes


def test_the_schema_line_points_at_the_committed_schema(tmp_path):
    path = tmp_path / "deep" / "prod.yaml"
    assert init_config.main(["--account", ACCOUNT, "--region", REGION, "--config", str(path)]) == 0
    first = path.read_text().splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    assert (path.parent / first.removeprefix(prefix)).resolve() == ROOT / "config" / "baseline.schema.json"


def test_init_never_overwrites(initialized, capsys):
    before = initialized.read_text()
    assert init_config.main(["--account", "210987654321", "--region", REGION, "--config", str(initialized)]) == 1
    assert capsys.readouterr().err == (
        f"error: {initialized} exists; `make init` never overwrites a config (choose another CONFIG=...)\n"
    )
    assert initialized.read_text() == before


@pytest.mark.parametrize(
    ("account", "region", "error"),
    [
        ("12345", REGION, "error: ACCOUNT='12345' is not an AWS account id: exactly 12 digits 0-9, e.g. ACCOUNT=123456789012\n"),
        (ACCOUNT, "europe-central-1", "error: REGION='europe-central-1' is not an AWS region (a region code such as "
                                      "'eu-west-1'); did you mean 'eu-central-1'?\n"),
        ("1234567890123", "eu-wset-1", "error: ACCOUNT='1234567890123' is not an AWS account id: exactly 12 digits 0-9, "
                                       "e.g. ACCOUNT=123456789012\nerror: REGION='eu-wset-1' is not an AWS region (a "
                                       "region code such as 'eu-west-1'); did you mean 'eu-west-1'?\n"),
    ],
)  # fmt: skip
def test_a_refused_account_or_region_is_named_with_what_is_allowed(tmp_path, capsys, account, region, error):
    """The error names the make variable, its value and what is allowed, and no file: none is written."""
    path = tmp_path / "prod.yaml"
    assert init_config.main(["--account", account, "--region", region, "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == error
    assert str(path) not in err and not path.exists()


def test_the_arguments_are_checked_by_the_config_rules():
    """Negative control of the pre-check: what it accepts, the config accepts (and the reverse)."""
    assert init_config.refused_arguments(ACCOUNT, REGION) == []
    assert init_config.refused_arguments(ACCOUNT, "us-gov-west-1") == []
    assert len(init_config.refused_arguments("12345678901a", REGION)) == 1


def test_without_config_init_writes_next_to_the_example():
    assert init_config.default_config_path(ACCOUNT) == f"config/account-{ACCOUNT}.yaml"


#: The commented blocks of the template (config/init-template.yaml.in) that work once uncommented:
#: each starts with `# <key>:` and continues with lines `#  ...` (its indented YAML).
BLOCKS = {
    "personas and policies": ("policies", "personas", "groups"),
    "users": ("users",),
    "machine and service roles": ("machine_roles", "service_roles"),
    "organization with an identity account": ("users", "roles", "organization"),
    "all at once": ("policies", "personas", "groups", "users", "machine_roles", "service_roles", "roles", "organization"),
}


def uncomment(text: str, keys: tuple[str, ...]) -> str:
    """``text`` with the commented blocks of top-level ``keys`` uncommented ("# " removed)."""
    lines, inside = [], False
    for line in text.splitlines():
        if any(line.startswith(f"# {key}:") for key in keys):
            inside = True
        elif not line.startswith("#  "):
            inside = False
        lines.append(line[2:] if inside else line)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("keys", BLOCKS.values(), ids=BLOCKS.keys())
def test_the_commented_blocks_load_once_uncommented(initialized, tmp_path, keys):
    from iam_baseline.config import load_config
    from iam_baseline.config.example_values import example_values_in

    text = initialized.read_text()
    uncommented = uncomment(text, keys)
    assert uncommented != text and f"\n{keys[0]}:" in uncommented  # a block was found (negative control)
    path = tmp_path / "uncommented.yaml"
    path.write_text(uncommented)
    config = load_config(path)
    assert example_values_in(config) == []
    for key in keys:
        assert getattr(config, key), key  # every block took effect
    if "organization" in keys:
        from iam_baseline.config.hub import persona_reach

        assert config.organization.identity_account == ACCOUNT
        assert sorted(persona_reach(config)) == ["admin", "read_only"]
