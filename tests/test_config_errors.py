"""Bad configs are refused before any construct is built, each problem with its YAML path,
the value found and what is allowed; `python app.py` and `cdk synth` exit non-zero with no
traceback and write no template."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from iam_baseline.config import ConfigError, load_config, parse_config
from iam_baseline.config.files import DEFAULT_CONFIG

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = 'account_id: "111122223333"\nregion: eu-west-1\n'


@dataclass(frozen=True)
class Bad:
    """A bad config and the one problem it must be refused with."""

    yaml: str
    path: str  # the YAML path as printed, "" for the whole document
    value: str  # the value as printed after "got:", "" when none is shown
    allowed: str  # a fragment of the message that says what is allowed
    line: int | None = None


#: A machine role with every required key, for cases that break one of them.
_SCANNER = (
    "machine_roles:\n  - name: Scanner\n    reason: Scans every account.\n"
    "    third_party: {account_id: '999988887777', external_id: example-org-7f3c2a91}\n"
    "    aws_managed_policies: [SecurityAudit]\n"
)

BAD_CONFIGS = {
    "unknown top-level key": Bad(
        MINIMAL + "colour: blue\n",
        "colour",
        '"blue"',
        "unknown key; allowed keys: access_matrix, account_alias, account_id, break_glass, detection, "
        "developer_cdk_qualifiers, developer_service_linked_roles, developer_stack_prefixes, federation, groups, iam_path, machine_roles, mfa, organization, "
        "password_policy, personas, policies, protection_tag, quotas, region, roles, service_roles, stack_name, tags, termination_protection, users, "
        "workload_role_path",
        line=3,
    ),
    "access matrix: an MFA key set alone under keys": Bad(
        MINIMAL + "access_matrix:\n  expectations:\n    - {id: one-key, principal: role:Admin, action: s3:ListBucket, "
        "context: {keys: {aws:MultiFactorAuthAge: '60'}}, expect: allowed, because: x}\n",
        "access_matrix.expectations[0].context.keys.aws:MultiFactorAuthAge",
        '"60"',
        "is set by the row's context (auth: access_key leaves it absent; mfa: true/false; mfa_age_seconds: 0-129600), not under keys",
    ),
    "unknown nested key (typo)": Bad(
        MINIMAL + "password_policy:\n  min_length: 14\n",
        "password_policy.min_length",
        "14",
        "unknown key (did you mean 'minimum_length'?); allowed keys: allow_users_to_change_password, hard_expiry, "
        "max_age_days, minimum_length,",
        line=4,
    ),
    "developer CDK qualifiers: an unbounded deploy role": Bad(
        MINIMAL + "developer_cdk_qualifiers: [dev]\n",
        "developer_cdk_qualifiers",
        "",  # the message names the list
        "refused: the CDK bootstrap deploy role of ['dev'] may update any stack and passes CloudFormation its "
        "execution role (AdministratorAccess unless bootstrapped otherwise), and the baseline cannot bound a "
        "bootstrap it does not create, so developers would get an unbounded deploy role; deploy workloads "
        "through an OIDC deploy role (federation.oidc.deploy_roles) or as stacks under developer_stack_prefixes, "
        "and leave developer_cdk_qualifiers empty",
        line=3,
    ),
    "developer stack prefix covering the baseline's stack": Bad(
        MINIMAL + "stack_name: dev-baseline\n",
        "developer_stack_prefixes",
        '["dev-", "sandbox-"]',
        "['dev-'] would let developers write to the baseline's own stack 'dev-baseline'",
    ),
    "developer stack prefix not a stack name start": Bad(
        MINIMAL + "developer_stack_prefixes: [team_a]\n",
        "developer_stack_prefixes[0]",
        '"team_a"',
        "not allowed: expected a stack name prefix: a letter, then letters, digits and hyphens, at most 64",
        line=3,
    ),
    "wrong type: string for a boolean": Bad(
        MINIMAL + 'password_policy:\n  require_symbols: "yes"\n',
        "password_policy.require_symbols",
        '"yes"',
        "Input should be a valid boolean",
        line=4,
    ),
    "wrong type: unquoted account id": Bad(
        "account_id: 111122223333\nregion: eu-west-1\n",
        "account_id",
        "111122223333",
        "Input should be a valid string: expected an AWS account id: exactly 12 digits 0-9, quoted",
        line=1,
    ),
    "wrong type: mapping for a number": Bad(
        MINIMAL + "mfa:\n  max_age_seconds: {hours: 1}\n",
        "mfa.max_age_seconds",
        '{"hours": 1}',
        "Input should be a valid integer",
        line=4,
    ),
    "out of range: password shorter than 6": Bad(
        MINIMAL + "password_policy:\n  minimum_length: 5\n",
        "password_policy.minimum_length",
        "5",
        "greater than or equal to 6; allowed: Minimum password length in characters (6-128)",
        line=4,
    ),
    "out of range: password longer than 128": Bad(
        MINIMAL + "password_policy:\n  minimum_length: 129\n",
        "password_policy.minimum_length",
        "129",
        "less than or equal to 128; allowed: Minimum password length in characters (6-128)",
    ),
    "password reuse prevention 0 (null disables)": Bad(
        MINIMAL + "password_policy:\n  reuse_prevention: 0\n",
        "password_policy.reuse_prevention",
        "0",
        "greater than or equal to 1; allowed: Number of previous passwords that cannot be reused (1-24); "
        "null disables.",
    ),
    "password reuse prevention 25": Bad(
        MINIMAL + "password_policy:\n  reuse_prevention: 25\n",
        "password_policy.reuse_prevention",
        "25",
        "less than or equal to 24; allowed: Number of previous passwords that cannot be reused (1-24)",
    ),
    "password max age 0 (null disables)": Bad(
        MINIMAL + "password_policy:\n  max_age_days: 0\n",
        "password_policy.max_age_days",
        "0",
        "greater than or equal to 1; allowed: Days a password stays valid (1-1095); null means passwords never expire.",
    ),
    "password max age over 1095 days": Bad(
        MINIMAL + "password_policy:\n  max_age_days: 1096\n",
        "password_policy.max_age_days",
        "1096",
        "less than or equal to 1095; allowed: Days a password stays valid (1-1095)",
    ),
    "session duration under 1 h": Bad(
        MINIMAL + "roles:\n  admin:\n    name: Admin\n    max_session_duration_seconds: 1800\n",
        "roles.admin.max_session_duration_seconds",
        "1800",
        "greater than or equal to 3600; allowed: Maximum session duration in seconds (3600-43200, i.e. 1-12 h).",
        line=6,
    ),
    "session duration over 12 h": Bad(
        MINIMAL + "roles:\n  developer:\n    name: Developer\n    max_session_duration_seconds: 43201\n",
        "roles.developer.max_session_duration_seconds",
        "43201",
        "less than or equal to 43200; allowed: Maximum session duration in seconds (3600-43200, i.e. 1-12 h).",
    ),
    "MFA age 0": Bad(
        MINIMAL + "mfa:\n  max_age_seconds: 0\n",
        "mfa.max_age_seconds",
        "0",
        "greater than or equal to 1; allowed: Maximum age of the MFA authentication, in seconds (1-129600).",
    ),
    "bad account id": Bad(
        'account_id: "12345678901"\nregion: eu-west-1\n',
        "account_id",
        '"12345678901"',
        "not allowed: expected an AWS account id: exactly 12 digits 0-9, quoted, e.g. '123456789012'",
        line=1,
    ),
    "bad region": Bad(
        'account_id: "111122223333"\nregion: europe-west1\n',
        "region",
        '"europe-west1"',
        "'europe-west1' is not an AWS region (a region code such as 'eu-west-1'); did you mean 'eu-west-1'?",
        line=2,
    ),
    "missing required key": Bad(
        "region: eu-west-1\n",
        "account_id",
        "",
        "required key is missing",
    ),
    "duplicate group name": Bad(
        MINIMAL + "groups:\n  read_only:\n    name: Admins\n    assumable_roles: [read_only]\n",
        "groups.read_only.name",
        '"Admins"',
        "duplicate group name 'Admins' (groups.admins and groups.read_only); IAM group names must be unique "
        "in an account, ignoring case",
        line=5,
    ),
    "group names differing only in case": Bad(
        MINIMAL + "groups:\n  developers:\n    name: ADMINS\n    assumable_roles: [developer]\n",
        "groups.developers.name",
        '"ADMINS"',
        "duplicate group name 'ADMINS' (groups.admins and groups.developers); IAM group names must be unique "
        "in an account, ignoring case",
    ),
    "duplicate role name": Bad(
        MINIMAL + "roles:\n  support:\n    name: Admin\n",
        "roles.support.name",
        '"Admin"',
        "duplicate role name 'Admin' (roles.admin and roles.support); IAM role names must be unique",
        line=5,
    ),
    "duplicate user name": Bad(
        MINIMAL
        + "mfa: {allow_password_change_without_mfa: true}\n"
        + "users:\n  - {name: ann, groups: [admins]}\n  - {name: ann, groups: [read_only]}\n",
        "users[1].name",
        '"ann"',
        "duplicate user name 'ann' (also users[0]): IAM user names must be unique in an account, ignoring case",
        line=6,
    ),
    "user names differing only in case": Bad(
        MINIMAL
        + "mfa: {allow_password_change_without_mfa: true}\n"
        + "users:\n  - {name: Ann, groups: [admins]}\n  - {name: ann, groups: [read_only]}\n",
        "users[1].name",
        '"ann"',
        "duplicate user name 'ann' (also users[0]): IAM user names must be unique in an account, ignoring case",
    ),
    "unknown persona in a group": Bad(
        MINIMAL + "groups:\n  admins:\n    name: Admins\n    assumable_roles: [admin, root]\n",
        "groups.admins.assumable_roles[1]",
        '"root"',
        "unknown persona 'root'; personas with an MFA role: ['admin', 'developer', 'read_only', 'support']",
    ),
    "group with no role": Bad(
        MINIMAL + "groups:\n  admins:\n    name: Admins\n    assumable_roles: []\n",
        "groups.admins.assumable_roles",
        "[]",
        "should have at least 1 item",
        line=6,
    ),
    "read-only role given a write policy": Bad(
        MINIMAL + "roles:\n  read_only_managed_policy: AdministratorAccess\n",
        "roles.read_only_managed_policy",
        '"AdministratorAccess"',
        "Input should be 'ViewOnlyAccess', 'ReadOnlyAccess' or 'SecurityAudit'",
        line=4,
    ),
    "bad IAM name": Bad(
        MINIMAL + "roles:\n  admin:\n    name: Admin Role\n",
        "roles.admin.name",
        '"Admin Role"',
        "not allowed: expected Role name (1-64 characters of [A-Za-z0-9+=,.@_-]).",
        line=5,
    ),
    "users without allow_password_change_without_mfa": Bad(
        MINIMAL + "users:\n  - name: ann\n    groups: [admins]\n",
        "users",
        "",
        "mfa.allow_password_change_without_mfa is false, so the force-MFA policy would deny iam:ChangePassword "
        "and lock them out; set it to true or declare no users",
        line=3,
    ),
    "user in an unknown group": Bad(
        MINIMAL + "mfa: {allow_password_change_without_mfa: true}\nusers:\n  - {name: ann, groups: [ops]}\n",
        "users[0].groups[0]",
        '"ops"',
        "unknown group 'ops'; declared: ['admins', 'developers', 'read_only']",
    ),
    "overlapping paths": Bad(
        MINIMAL + "iam_path: /baseline/\nworkload_role_path: /baseline/apps/\n",
        "workload_role_path",
        '"/baseline/apps/"',
        "workload_role_path '/baseline/apps/' and iam_path '/baseline/' must not overlap",
        line=4,
    ),
    "overlapping paths with the default workload path": Bad(
        MINIMAL + "iam_path: /workload/team/\n",
        "workload_role_path",
        '"/workload/"',
        "workload_role_path '/workload/' and iam_path '/workload/team/' must not overlap",
    ),
    "root path": Bad(
        MINIMAL + "iam_path: /\n",
        "iam_path",
        '"/"',
        "must not be '/'",
        line=3,
    ),
    "path without trailing slash": Bad(
        MINIMAL + "workload_role_path: /workload\n",
        "workload_role_path",
        '"/workload"',
        "not allowed: expected '/segment/' or '/segment/.../' in printable ASCII, e.g. '/workload/'",
        line=3,
    ),
    "tag value not a string": Bad(
        MINIMAL + "tags:\n  cost-centre: 42\n",
        "tags.cost-centre",
        "42",
        "Input should be a valid string",
        line=4,
    ),
    "reserved tag key": Bad(
        MINIMAL + "tags:\n  aws:owner: me\n",
        "tags.aws:owner",
        '"aws:owner"',
        "invalid key: the tag key prefix 'aws:' is reserved for AWS",
        line=4,
    ),
    "tag value with a forbidden character": Bad(
        MINIMAL + "tags:\n  team: a;b\n",
        "tags.team",
        '"a;b"',
        "not allowed: expected a tag value: at most 256 of A-Z, a-z, 0-9, spaces and _.:/=+-@",
    ),
    "empty file": Bad("", "", "", f"the file is empty; see {DEFAULT_CONFIG}"),
    "comments only": Bad("# nothing here\n", "", "", "the file is empty"),
    "top level is a list": Bad("- account_id\n- region\n", "", '["account_id", "region"]', "must be a mapping", line=1),
    "malformed YAML": Bad(
        MINIMAL + "roles:\n  admin: {name: Admin\n  developer: {}\n",
        "",
        "",
        "YAML syntax: a mapping in braces is not closed: add '}'",
        line=5,
    ),
    "sequence as a key": Bad(
        MINIMAL + "tags:\n  ? [a, b]\n  : x\n",
        "tags",
        "",
        "a key must be a name, not a list",
        line=4,
    ),
    "recursive alias": Bad(
        MINIMAL + "tags: &t {a: *t}\n", "tags.a", "", "alias *t is inside its own anchor &t: the value would contain itself", 3
    ),
    "duplicate YAML key": Bad(
        MINIMAL + "region: us-east-1\n",
        "region",
        "",
        "duplicate key 'region' (first defined on line 2): a later one would silently replace the first; keep one",
        line=3,
    ),
    # One mistake, one line: the "required key is missing" line for `reason` is not repeated.
    "a misspelt required key": Bad(
        MINIMAL + _SCANNER.replace("reason:", "reasn:"),
        "machine_roles[0].reasn",
        '"Scans every account."',
        "unknown key (did you mean 'reason', a required key?); allowed keys: admin, automation,",
        line=5,
    ),
}


def _refusal(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "bad.yaml")
    return caught.value


@pytest.mark.parametrize("bad", BAD_CONFIGS.values(), ids=BAD_CONFIGS.keys())
def test_bad_config_is_refused_with_path_value_and_what_is_allowed(bad: Bad):
    error = _refusal(bad.yaml)
    assert len(error.problems) == 1, str(error)
    problem = error.problems[0]
    assert problem.path == bad.path
    assert problem.value == bad.value
    assert bad.allowed.rstrip(".") in problem.message  # no full stop before "[got: ...]"
    if bad.line is not None:
        assert problem.line == bad.line
    # The printed message carries all three, on one line per problem.
    where = (bad.path or "<document>") + (f" (line {problem.line}, column {problem.column})" if problem.line else "")
    shown = f"  - {where}: {problem.message}" + (f" [got: {bad.value}]" if bad.value else "")
    assert str(error) == f"invalid baseline config bad.yaml: 1 problem\n{shown}"


def test_every_problem_is_listed_at_once():
    text = (
        'account_id: "1"\nregion: mars\ncolour: blue\n'
        "password_policy:\n  minimum_length: 200\n  reuse_prevention: 0\n"
        "roles:\n  admin: {name: Admin, max_session_duration_seconds: 60}\n"
    )
    error = _refusal(text)
    assert [p.path for p in error.problems] == [
        "account_id",
        "region",
        "password_policy.minimum_length",
        "password_policy.reuse_prevention",
        "roles.admin.max_session_duration_seconds",
        "colour",
    ]
    assert [p.line for p in error.problems] == [1, 2, 5, 6, 8, 3]
    assert str(error).startswith("invalid baseline config bad.yaml: 6 problems\n")


def test_an_unknown_key_that_misspells_no_missing_key_leaves_the_missing_line():
    error = _refusal(MINIMAL + _SCANNER.replace("reason:", "colour:"))
    assert [(p.path, p.message.split(";")[0]) for p in error.problems] == [
        ("machine_roles[0].reason", "required key is missing"),
        ("machine_roles[0].colour", "unknown key"),
    ]


# Anything else is refused the same way: property-based in tests/test_config_fuzz.py.


def test_missing_file_is_refused():
    with pytest.raises(ConfigError) as caught:
        load_config(ROOT / "tests" / "fixtures" / "no-such-file.yaml")
    assert "cannot read the file" in str(caught.value)


def test_a_valid_config_is_immutable(default_config):
    with pytest.raises(Exception, match="frozen"):
        default_config.password_policy.minimum_length = 6  # type: ignore[misc]


# --- end to end: the app as the CDK CLI runs it --------------------------------------------

#: The bad configs run through `python app.py`: cheap (the config is refused before aws_cdk
#: is imported), so every one of them.
E2E_CASES = {**{name: bad.yaml for name, bad in BAD_CONFIGS.items()}, "missing file": None}


def _write(tmp_path: Path, text: str | None) -> Path:
    path = tmp_path / "bad.yaml"
    if text is not None:
        path.write_text(text)
    return path


def _assert_refused(run: subprocess.CompletedProcess, outdir: Path) -> None:
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert "Traceback" not in output
    assert "jsii" not in output.lower()
    # The CDK CLI logs to stdout when CI=true; the app itself writes to stderr (asserted below).
    assert f"invalid baseline config {outdir.parent / 'bad.yaml'}" in output
    assert not list(outdir.glob("**/*.template.json")), "a template was written"


@pytest.mark.parametrize("text", E2E_CASES.values(), ids=E2E_CASES.keys())
def test_app_refuses_bad_config_without_traceback_or_template(tmp_path, text):
    config = _write(tmp_path, text)
    outdir = tmp_path / "cdk.out"
    run = subprocess.run(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env={**os.environ, "CDK_CONTEXT_JSON": json.dumps({"config": str(config)}), "CDK_OUTDIR": str(outdir)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    _assert_refused(run, outdir)
    assert run.returncode == 2
    assert run.stderr.startswith("error: invalid baseline config")


def test_cdk_synth_refuses_bad_config(tmp_path):
    """One real `cdk synth -c config=...` through the pinned CLI (costs about a second)."""
    cdk = ROOT / "node_modules" / ".bin" / "cdk"
    assert cdk.exists(), "run `make install` first"
    config = _write(tmp_path, BAD_CONFIGS["bad region"].yaml)
    outdir = tmp_path / "cdk.out"
    env = {**os.environ, "PATH": f"{ROOT / 'node_modules' / '.bin'}{os.pathsep}{os.environ['PATH']}"}
    run = subprocess.run(
        [str(cdk), "synth", "--no-notices", "-c", f"config={config}", "--output", str(outdir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    _assert_refused(run, outdir)
    assert "region (line 2, column 1): 'europe-west1' is not an AWS region" in run.stdout + run.stderr


def test_a_section_given_in_part_keeps_the_defaults_of_the_keys_it_leaves_out():
    """Every key of the config is optional except account_id and region."""
    config = parse_config(
        'account_id: "111122223333"\nregion: eu-west-1\n'
        "roles:\n  admin:\n    max_session_duration_seconds: 7200\n"
        "groups:\n  admins:\n    name: Administrators\n",
        "partial.yaml",
    )
    assert (config.roles.admin.name, config.roles.admin.max_session_duration_seconds) == ("Admin", 7200)
    assert config.roles.developer.name == "Developer"
    assert (config.groups.admins.name, config.groups.admins.assumable_roles) == (
        "Administrators",
        ("admin", "support", "read_only"),
    )
