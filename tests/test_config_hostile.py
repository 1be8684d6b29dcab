"""Malformed and hostile configs: one test per class of issue 18, each with its exact message.

Every config here is written in the test (no value of the user's config file is read); files
a config names are created in ``tmp_path``, the config's folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from config_fuzz import IDENTITY_CENTER, MINIMAL
from iam_baseline.config import ConfigError, load_config, parse_config

HERE = Path(__file__).resolve().parent
if str(HERE / "federation") not in sys.path:
    sys.path.insert(0, str(HERE / "federation"))

ORGANIZATION = (
    "organization: {management_account_id: '111122223333', baselines: {a: {}}, "
    "organizational_units: [{path: X, id: ou-ab12-34cd56ef, baseline: a}]}\n"
)


def refusal(text: str, folder: Path | None = None) -> str:
    """The one problem line ``text`` is refused with (asserts there is exactly one)."""
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "bad.yaml", folder=folder)
    assert len(caught.value.problems) == 1, str(caught.value)
    return str(caught.value.problems[0]).strip()


def policy(statement: str) -> str:
    """A config whose read-only permission set has ``statement`` as its inline policy."""
    return MINIMAL + IDENTITY_CENTER + f"        inline_policy: {{Version: '2012-10-17', Statement: [{statement}]}}\n"


# --- Unicode where AWS wants ASCII ------------------------------------------------------
UNICODE = {
    "full-width digits in an account id": (
        'account_id: "１１１１２２２２３３３３"\nregion: eu-west-1\n',
        "- account_id (line 1, column 1): not allowed: expected an AWS account id: exactly 12 digits 0-9, quoted, "
        "e.g. '123456789012'; it contains the non-ASCII character '１' U+FF11 FULLWIDTH DIGIT ONE at position 1 "
        "[got: \"\\uff11\\uff11\\uff11\\uff11\\uff12\\uff12\\uff12\\uff12\\uff13\\uff13\\uff13\\uff13\"]",
    ),
    "Cyrillic look-alike in a role name": (
        MINIMAL + "roles:\n  admin:\n    name: Аdmin\n",
        "- roles.admin.name (line 5, column 5): not allowed: expected Role name (1-64 characters of "
        "[A-Za-z0-9+=,.@_-]); it contains the non-ASCII character 'А' U+0410 CYRILLIC CAPITAL LETTER A at "
        'position 1 [got: "\\u0410dmin"]',
    ),
    "duration with a trailing newline": (
        MINIMAL + IDENTITY_CENTER + '        session_duration: "PT1H\\n"\n',
        "- federation.identity_center.permission_sets[0].session_duration (line 12, column 9): session duration "
        "'PT1H\\n' is not an ISO-8601 duration from PT1H to PT12H (e.g. PT1H, PT8H, PT1H30M); IAM Identity Center "
        'refuses other forms [got: "PT1H\\n"]',
    ),
    "control character in a description": (
        MINIMAL + 'roles:\n  admin:\n    description: "a\\u0007b"\n',
        "- roles.admin.description (line 5, column 5): character 2 (U+0007) is not allowed: printable ASCII or "
        'Latin-1 only [got: "a\\u0007b"]',
    ),
    "whitespace-only account name": (
        MINIMAL + ORGANIZATION.replace("baseline: a}", "baseline: a, accounts: [{name: '   ', id: '222233334444'}]}"),
        "- organization.organizational_units[0].accounts[0].name (line 3, column 155): not allowed: expected Account "
        'name: 1-50 printable ASCII characters, not blank [got: "   "]',
    ),
    "newline in an OU path": (
        MINIMAL + ORGANIZATION.replace("path: X", 'path: "X\\nY"'),
        "- organization.organizational_units[0].path (line 3, column 99): not allowed: expected OU names from the "
        "root separated by '/', each 1-128 printable ASCII characters, not blank [got: \"X\\nY\"]",
    ),
    "non-ASCII relay state": (
        MINIMAL + IDENTITY_CENTER + '        relay_state: "https://console.aws.amazon.com/é"\n',
        "- federation.identity_center.permission_sets[0].relay_state (line 12, column 9): not allowed: expected a "
        "console URL: 1-240 of A-Z, a-z, 0-9 and &$@#\\/%?=~-_'\"|!:,.;*+[]() {}; it contains the non-ASCII "
        "character 'é' U+00E9 LATIN SMALL LETTER E WITH ACUTE at position 32 "
        '[got: "https://console.aws.amazon.com/\\u00e9"]',
    ),
    "newline in a principal name": (
        MINIMAL
        + IDENTITY_CENTER
        + '    assignments:\n      - {permission_set: ReadOnly, principal_type: GROUP, principal_name: "a\\nb", '
        'account_ids: ["111122223333"]}\n',
        "- federation.identity_center.assignments[0].principal_name (line 13, column 59): character 2 (U+000A) is a "
        'control or invisible character [got: "a\\nb"]',
    ),
    "blank principal name": (
        MINIMAL
        + IDENTITY_CENTER
        + '    assignments:\n      - {permission_set: ReadOnly, principal_type: GROUP, principal_name: "  ", '
        'account_ids: ["111122223333"]}\n',
        "- federation.identity_center.assignments[0].principal_name (line 13, column 59): a name must not be blank "
        '[got: "  "]',
    ),
}


# --- hostile YAML -----------------------------------------------------------------------
YAML = {
    "YAML 1.1 sexagesimal number": (
        MINIMAL + "mfa:\n  max_age_seconds: 1:00:00\n",
        '- mfa.max_age_seconds (line 4, column 3): Input should be a valid integer: expected a whole number from 1 to '
        '129600, e.g. 3600; max_age_seconds: Maximum age of the MFA authentication, in seconds (1-129600) '
        '[got: "1:00:00"]',
    ),
    "YAML 1.1 hex number": (
        MINIMAL + "mfa:\n  max_age_seconds: 0x20\n",
        '- mfa.max_age_seconds (line 4, column 3): Input should be a valid integer: expected a whole number from 1 to '
        '129600, e.g. 3600; max_age_seconds: Maximum age of the MFA authentication, in seconds (1-129600) '
        '[got: "0x20"]',
    ),
    "YAML 1.1 underscore number": (
        MINIMAL + "mfa:\n  max_age_seconds: 1_4\n",
        '- mfa.max_age_seconds (line 4, column 3): Input should be a valid integer: expected a whole number from 1 to '
        '129600, e.g. 3600; max_age_seconds: Maximum age of the MFA authentication, in seconds (1-129600) '
        '[got: "1_4"]',
    ),
    "YAML 1.1 boolean yes": (
        MINIMAL + "password_policy:\n  require_symbols: yes\n",
        "- password_policy.require_symbols (line 4, column 3): Input should be a valid boolean: expected true or false "
        "(YAML 1.2: yes, no, on and off are text); require_symbols: Require at least one non-alphanumeric character "
        '[got: "yes"]',
    ),
    "1 beside '1'": (
        MINIMAL + "tags:\n  '1': a\n  '1': b\n",
        "- tags.1 (line 5, column 3): duplicate key '1' (first defined on line 4): a later one would silently "
        "replace the first; keep one",
    ),
    "a number as a key": (
        MINIMAL + "tags:\n  1: a\n",
        "- tags (line 4, column 3): key 1 is read as a number, not a name: quote it ('1') if it is meant as text",
    ),
    "a boolean as a key": (
        MINIMAL + "true: 1\n",
        "- <document> (line 3, column 1): key true is read as a boolean, not a name: quote it ('true') if it is "
        "meant as text",
    ),
    "merge key": (
        MINIMAL + "roles:\n  admin: &a {name: Admin}\n  support:\n    <<: *a\n",
        "- roles.support (line 6, column 5): merge keys (<<) are not supported: write the keys out in this mapping",
    ),
    "tag": (
        MINIMAL + "stack_name: !Ref X\n",
        "- stack_name (line 3, column 13): YAML tag !Ref is not supported: write the value plainly (quote it to make "
        "it text)",
    ),
    "tab indentation": (
        MINIMAL + "mfa:\n\tmax_age_seconds: 60\n",
        "- <document> (line 4, column 1): YAML syntax: a tab character in the indentation; YAML indents with "
        "spaces only: replace it with spaces",
    ),
    "two documents": (
        MINIMAL + "---\nregion: us-east-1\n",
        "- <document> (line 3, column 1): the file holds more than one YAML document (a second one starts here); "
        "keep one config per file: remove the '---' line and what follows, or move it to its own file",
    ),
    "control character": (
        MINIMAL + "stack_name: a\x07b\n",
        "- <document> (line 3, column 14): a control character (U+0007) is not allowed in YAML: remove it, or "
        "write it escaped in double quotes",
    ),
    "thousands of nested lists": (
        MINIMAL + "tags: " + "[" * 5000 + "]" * 5000 + "\n",
        "- <document> (line 3, column 1006): YAML syntax: nesting deeper than 64 levels; no config key needs that",
    ),
    "alias bomb": (
        MINIMAL
        + "".join(
            f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}" if i else "x"] * 10) + "]\n" for i in range(7)
        ),
        "- <document> (line 8, column 20): aliases expand the file to more than 400,000 values; write the values "
        "out instead of nesting anchors",
    ),
    "recursive alias": (
        MINIMAL + "tags: &t {a: *t}\n",
        "- tags.a (line 3, column 14): alias *t is inside its own anchor &t: the value would contain itself",
    ),
    "unquoted ': ' in a value": (
        MINIMAL + "stack_name: a: b\n",
        "- <document> (line 3, column 14): YAML syntax: a ':' followed by a space inside a value: quote the value",
    ),
}


def test_yaml_1_2_keeps_text_as_text():
    """What YAML 1.1 converts silently stays the text the user wrote."""
    config = parse_config(MINIMAL + "tags:\n  a: 1:00:00\n  b: 0x20\n  c: 1_4\n  2024-01-01: on\n")
    assert config.tags == {"a": "1:00:00", "b": "0x20", "c": "1_4", "2024-01-01": "on"}


def test_a_file_that_is_not_utf8_is_refused_with_line_and_column(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(MINIMAL.encode() + "tags:\n  owner: Jos\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value.problems[0]).strip() == (
        "- <document> (line 4, column 13): byte 0xe9 is not UTF-8 text: save the file as UTF-8 (an editor's "
        "'encoding' setting), or remove the character"
    )


def test_a_config_that_is_not_a_regular_file_is_refused(tmp_path):
    fifo = tmp_path / "config.yaml"
    os.mkfifo(fifo)  # an open() without O_NONBLOCK would wait forever for a writer
    with pytest.raises(ConfigError) as caught:
        load_config(fifo)
    assert "not a regular file (a directory, device or pipe): name a file" in str(caught.value)


def test_an_oversized_config_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_bytes(MINIMAL.encode() + b"#" * (4 * 1024 * 1024))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "larger than 4,194,304 bytes, the most a config file may be" in str(caught.value)


# --- files named by the config ------------------------------------------------------------
def _saml(metadata_file: str) -> str:
    return MINIMAL + f"federation:\n  saml:\n    providers:\n      - {{name: X, metadata_file: '{metadata_file}'}}\n"


@pytest.mark.parametrize("name", ["/etc/passwd", "../outside.xml", "/dev/zero"])
def test_a_file_outside_the_configs_folder_is_refused_with_its_resolved_path(tmp_path, name):
    folder = tmp_path / "config"
    folder.mkdir()
    resolved = (folder / name).resolve()
    assert refusal(_saml(name), folder) == (
        f"- federation.saml.providers[0].metadata_file (line 6, column 19): outside the config's folder {folder}: a "
        "config may only name files in its own folder or below (copy the file there and give its path relative to "
        f'the config file) (resolved: {resolved}) [got: "{name}"]'
    )


def test_a_symbolic_link_out_of_the_folder_is_refused(tmp_path):
    folder = tmp_path / "config"
    folder.mkdir()
    (tmp_path / "secret.xml").write_text("<x/>")
    (folder / "idp.xml").symlink_to(tmp_path / "secret.xml")
    assert f"outside the config's folder {folder}" in refusal(_saml("idp.xml"), folder)


def test_a_named_file_that_is_a_pipe_is_refused(tmp_path):
    os.mkfifo(tmp_path / "idp.xml")
    assert "not a regular file (a directory, device or pipe): name a file" in refusal(_saml("idp.xml"), tmp_path)


def test_a_relative_path_starts_from_the_configs_folder(tmp_path):
    from saml_fixtures import certificate_b64, okta_metadata

    folder = tmp_path / "config"
    (folder / "saml").mkdir(parents=True)
    (folder / "saml" / "idp.xml").write_text(okta_metadata(certificate_b64()))
    (folder / "baseline.yaml").write_text(_saml("saml/idp.xml"))
    config = load_config(folder / "baseline.yaml")
    assert config.federation.saml.providers[0].metadata_file == str(folder / "saml" / "idp.xml")
    # The same name from the working directory's point of view is not found, and says where it looked.
    (folder / "baseline.yaml").write_text(_saml("config/saml/idp.xml"))
    with pytest.raises(ConfigError) as caught:
        load_config(folder / "baseline.yaml")
    assert (
        f"no such file; a relative path starts from the config file's folder {folder} "
        f"(resolved: {folder / 'config' / 'saml' / 'idp.xml'})"
    ) in str(caught.value)


# --- errors at their key ------------------------------------------------------------------
AT_KEY = {
    "break-glass without detection": (
        MINIMAL + "detection: null\nbreak_glass:\n  users: [bg1]\n",
        "- break_glass (line 4, column 1): break_glass needs detection: every break-glass use must raise an alert "
        "on the alert topic",
    ),
    "misspelt top-level key": (
        MINIMAL + "pasword_policy: {}\n",
        "- pasword_policy (line 3, column 1): unknown key (did you mean 'password_policy'?); allowed keys: "
        "access_matrix, account_alias, account_id, break_glass, detection, developer_cdk_qualifiers, "
        "developer_service_linked_roles, developer_stack_prefixes, federation, groups, iam_path, machine_roles, mfa, organization, "
        "password_policy, personas, policies, protection_tag, quotas, region, roles, service_roles, stack_name, tags, "
        "termination_protection, users, workload_role_path "
        "[got: {}]",
    ),
    "long value shortened": (
        MINIMAL + "stack_name: " + "x" * 500 + "\n",
        "- stack_name (line 3, column 1): not allowed: expected a letter, then letters, digits and hyphens (ASCII), "
        'at most 128 characters [got: "' + "x" * 76 + '... (500 characters)]',
    ),
    "a section given as a single value": (
        MINIMAL + "roles: 5\n",
        "- roles (line 3, column 1): expected a mapping (indented 'key: value' lines) with the keys admin, developer, "
        "read_only, support, read_only_managed_policy, not a single value or a list; roles: The built-in persona "
        "roles. 'admin' is the only built-in role with '*:*' [got: 5]",
    ),
    "duplicate role across sections at the second one": (
        MINIMAL + "roles:\n  support:\n    name: admin\n",
        "- roles.support.name (line 5, column 5): duplicate role name 'admin' (roles.admin and roles.support); IAM "
        'role names must be unique in an account, ignoring case [got: "admin"]',
    ),
}


# --- refusals that keep the proof meaningful ---------------------------------------------
SECURITY = {
    "wildcard admin principal": (
        MINIMAL + "access_matrix:\n  admin_principals: ['role:*']\n",
        "- access_matrix.admin_principals[0] (line 4, column 22): 'role:*' is a pattern: admin principals are "
        "exempt from the escalation search, so each must be named exactly (a wildcard would exempt every principal "
        'it matches) [got: "role:*"]',
    ),
    "misspelt admin principal": (
        MINIMAL + "access_matrix:\n  admin_principals: ['persona:admin', 'role:Admn']\n",
        "- access_matrix.admin_principals[1] (line 4, column 39): 'role:Admn' names no role of this config (did you "
        "mean 'role:Admin'?); declared: Admin, Developer, ReadOnly, Support [got: \"role:Admn\"]",
    ),
    "misspelt expectation principal": (
        MINIMAL
        + "access_matrix:\n  expectations:\n    - {id: a, principal: 'group:Admns', action: 's3:GetObject', "
        "expect: denied, because: x}\n",
        "- access_matrix.expectations[0].principal (line 5, column 15): 'group:Admns' names no group of this config "
        "(did you mean 'group:Admins'?); declared: Admins, Developers, ReadOnly [got: \"group:Admns\"]",
    ),
    "* on * in a read-only permission set": (
        policy("{Effect: Allow, Action: '*', Resource: '*'}"),
        "- federation.identity_center.permission_sets[0].inline_policy (line 12, column 9): the inline policy allows "
        "'*' on '*' (every action on every resource), but the permission set's persona is read_only: only persona "
        "admin may be admin-equivalent; narrow the statement, or set persona: admin",
    ),
    "Condtion": (
        policy("{Effect: Allow, Action: 's3:GetObject', Resource: '*', Condtion: {}}"),
        "- federation.identity_center.permission_sets[0].inline_policy.Statement[0].Condtion (line 12, column 115): "
        "unknown statement element 'Condtion' (did you mean 'Condition'?)",
    ),
    "Statment": (
        MINIMAL + IDENTITY_CENTER + "        inline_policy: {Version: '2012-10-17', Statment: []}\n",
        "- federation.identity_center.permission_sets[0].inline_policy.Statment (line 12, column 48): unknown "
        "policy element 'Statment' (did you mean 'Statement'?)",
    ),
    "Principal in an identity-based policy": (
        policy("{Effect: Allow, Principal: '*', Action: 's3:GetObject', Resource: '*'}"),
        "- federation.identity_center.permission_sets[0].inline_policy.Statement[0].Principal (line 12, column "
        '76): Principal has no place in an identity-based policy: remove it [got: "*"]',
    ),
    "misspelt operator": (
        policy("{Effect: Allow, Action: 's3:GetObject', Resource: '*', Condition: {StringEqual: {'aws:SourceAccount': '1'}}}"),
        "- federation.identity_center.permission_sets[0].inline_policy.Statement[0].Condition.StringEqual (line 12, "
        "column 127): unknown condition operator 'StringEqual' (did you mean 'StringEquals'?)",
    ),
    "misspelt global condition key": (
        policy("{Effect: Allow, Action: 's3:GetObject', Resource: '*', Condition: {Bool: {'aws:MultiFactorAuthPresnt': 'true'}}}"),
        "- federation.identity_center.permission_sets[0].inline_policy.Statement[0].Condition.Bool."
        "aws:MultiFactorAuthPresnt (line 12, column 134): unknown global condition key 'aws:MultiFactorAuthPresnt' "
        "(did you mean 'aws:MultiFactorAuthPresent'?) [got: \"true\"]",
    ),
    "misspelt key in an expectation's context": (
        MINIMAL
        + "access_matrix:\n  expectations:\n    - {id: a, principal: 'persona:admin', action: 's3:GetObject', "
        "context: {keys: {'aws:SourceAcount': '1'}}, expect: denied, because: x}\n",
        "- access_matrix.expectations[0].context.keys.aws:SourceAcount (line 5, column 84): unknown global "
        "condition key 'aws:SourceAcount' (did you mean 'aws:SourceAccount'?) [got: \"1\"]",
    ),
    "aws: tag on a permission set": (
        MINIMAL + IDENTITY_CENTER + "        tags: {'aws:x': y}\n",
        "- federation.identity_center.permission_sets[0].tags.aws:x (line 12, column 16): invalid key: the tag key "
        'prefix \'aws:\' is reserved for AWS [got: "aws:x"]',
    ),
    "aws: tag on a baseline variant": (
        MINIMAL + ORGANIZATION.replace("a: {}", "a: {tags: {'aws:x': y}}"),
        "- organization.baselines.a.tags.aws:x (line 3, column 78): invalid key: the tag key prefix 'aws:' is "
        'reserved for AWS [got: "aws:x"]',
    ),
    "the same account twice in one assignment": (
        MINIMAL
        + IDENTITY_CENTER
        + "    assignments:\n      - {permission_set: ReadOnly, principal_type: GROUP, principal_name: Ops, "
        'account_ids: ["111122223333", "111122223333"]}\n',
        "- federation.identity_center.assignments[0].account_ids[1] (line 13, column 110): duplicate account id "
        "'111122223333' (also item 0): list each once [got: \"111122223333\"]",
    ),
    "the same grant in two assignments": (
        MINIMAL
        + IDENTITY_CENTER
        + "    assignments:\n"
        + "      - {permission_set: ReadOnly, principal_type: GROUP, principal_name: Ops, account_ids: ['111122223333']}\n"
        + "      - {permission_set: ReadOnly, principal_type: GROUP, principal_name: Ops, account_ids: ['111122223333']}\n",
        "- federation.identity_center.assignments[1].account_ids[0] (line 14, column 94): assignments[0] already "
        "grants ReadOnly to GROUP Ops in account 111122223333: list each grant once [got: \"111122223333\"]",
    ),
    "the same persona twice in a group": (
        MINIMAL + "groups:\n  admins: {name: Admins, assumable_roles: [admin, admin]}\n",
        "- groups.admins.assumable_roles[1] (line 4, column 51): duplicate persona 'admin' (also item 0): list each "
        'once [got: "admin"]',
    ),
}


def test_an_admin_persona_permission_set_may_hold_star_on_star():
    """The negative control of the '*' on '*' refusal: the admin persona is admin-equivalent by design."""
    text = policy("{Effect: Allow, Action: '*', Resource: '*'}").replace("persona: read_only", "persona: admin")
    config = parse_config(text)
    assert config.federation.identity_center.permission_sets[0].persona == "admin"


def test_known_condition_keys_operators_and_issuer_keys_are_accepted():
    """The negative control of the policy checks: IAM's own names pass, with set and IfExists forms."""
    statement = (
        "{Effect: Deny, NotAction: 'iam:*', Resource: '*', Condition: {"
        "BoolIfExists: {'aws:MultiFactorAuthPresent': 'false'}, "
        "'ForAnyValue:StringLike': {'aws:PrincipalTag/team': ['a*'], 'token.actions.githubusercontent.com:sub': 'x'}}}"
    )
    assert parse_config(policy(statement)).federation.identity_center.permission_sets[0].inline_policy


#: Every class above: Unicode, YAML, errors at their key, refusals that keep the proof meaningful.
CLASSES = {"unicode": UNICODE, "yaml": YAML, "at-key": AT_KEY, "proof": SECURITY}
CASES = {f"{group}: {name}": case for group, cases in CLASSES.items() for name, case in cases.items()}


@pytest.mark.parametrize("text, expected", CASES.values(), ids=CASES.keys())
def test_each_class_is_refused_with_its_exact_message(text, expected):
    assert refusal(text) == expected


# --- no traceback from the entry points ---------------------------------------------------
def test_an_unexpected_failure_of_synth_prints_one_line_and_exits_2(tmp_path, monkeypatch, capsys):
    import app

    config_file = tmp_path / "baseline.yaml"
    config_file.write_text(MINIMAL)
    monkeypatch.setenv("CDK_CONTEXT_JSON", f'{{"config": "{config_file}"}}')
    monkeypatch.setattr(app, "build_app", lambda *a, **k: {}["boom"])
    monkeypatch.delenv("IAM_BASELINE_DEBUG", raising=False)
    assert app.run([]) == 2
    assert capsys.readouterr().err == (
        f"error: unexpected failure with config {config_file}: KeyError: 'boom' "
        "(set IAM_BASELINE_DEBUG=1 for the traceback)\n"
    )
    monkeypatch.setenv("IAM_BASELINE_DEBUG", "1")  # the debug flag: the exception itself
    with pytest.raises(KeyError):
        app.run([])


def test_an_unexpected_failure_of_make_check_prints_one_line_and_exits_2(tmp_path, monkeypatch, capsys):
    from iam_baseline.analysis import check

    config_file = tmp_path / "baseline.yaml"
    config_file.write_text(MINIMAL)
    monkeypatch.setattr(check, "load_account", lambda *a, **k: [][0])
    monkeypatch.delenv("IAM_BASELINE_DEBUG", raising=False)
    argv = ["--out", str(tmp_path), "--config", str(config_file)]
    assert check.run(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: unexpected failure checking ") and err.endswith(
        "IndexError: list index out of range (set IAM_BASELINE_DEBUG=1 for the traceback)\n"
    )


def test_make_check_refuses_a_bad_config_with_its_problems(tmp_path, capsys):
    from iam_baseline.analysis import check

    config_file = tmp_path / "bad.yaml"
    config_file.write_text(MINIMAL + "colour: blue\n")
    assert check.run(["--out", str(tmp_path), "--config", str(config_file)]) == 2
    assert capsys.readouterr().err.startswith(f"error: invalid baseline config {config_file}: 1 problem\n  - colour")


def test_actions_and_service_keys_are_checked_against_the_action_catalog():
    """With the analysis's action catalog installed, a misspelt action or service condition key
    in a hand-written policy is refused; a listed one passes (the negative control)."""
    actions = pytest.importorskip("iam_baseline.analysis.model.actions")
    try:
        actions.catalog()
    except actions.CatalogError as error:
        pytest.skip(f"no action catalog: {error}")
    assert "unknown action 's3:GetObjct'" in refusal(policy("{Effect: Allow, Action: 's3:GetObjct', Resource: '*'}"))
    assert "unknown condition key 's3:prefx'" in refusal(
        policy("{Effect: Allow, Action: 's3:ListBucket', Resource: '*', Condition: {StringLike: {'s3:prefx': 'a/*'}}}")
    )
    known = policy("{Effect: Allow, Action: 's3:ListBucket', Resource: '*', Condition: {StringLike: {'s3:prefix': 'a/*'}}}")
    assert parse_config(known).federation.identity_center.permission_sets[0].inline_policy
