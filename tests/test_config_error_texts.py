"""The exact error texts a user meets, through the loader, for the config mistakes the hub keys
invite: a value of the wrong type in each section (what is allowed: the form, the range, an
example, the key's rule), look-alike Unicode in names and files named outside the config's
folder (one clear error, never a traceback); and no error text holds a double space or a stray
mark.

Each case edits one line of a fixture (tests/fixtures/hub-and-spoke.yaml, personas.yaml) and
writes it to ``tmp_path`` beside a copy of the files it names, as a user's config sits, then
calls :func:`load_config`, what ``app.py`` calls.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from iam_baseline.config import ConfigError, load_config
from template_tools import FIXTURES, HUB_DETECTION as DETECTION

ROOT = Path(__file__).resolve().parent.parent
LAST_SCP = "    deny_iam_users: {targets: [Workloads, Sandbox], exclude: [orders-dev]}"

#: name -> (fixture, line(s) replaced or None to append, replacement, the one problem line).
WRONG_TYPES = {
    "personas: a mapping for a role name": (
        "personas.yaml", "    name: DataEngineer\n", "    name: {en: DataEngineer}\n",
        "  - personas.data.name (line {line}, column 5): Input should be a valid string: expected 1-64 characters of "
        "A-Z, a-z, 0-9 and +=,.@_-; name: Role name (1-64 characters of [A-Za-z0-9+=,.@_-]) "
        '[got: {"en": "DataEngineer"}]',
    ),
    "personas: a boolean for a session duration": (
        "personas.yaml", "    max_session_duration_seconds: 14400\n", "    max_session_duration_seconds: true\n",
        "  - personas.data.max_session_duration_seconds (line {line}, column 5): Input should be a valid integer: "
        "expected a whole number from 3600 to 43200, e.g. 3600; max_session_duration_seconds: Maximum session "
        "duration in seconds (3600-43200, i.e. 1-12 h) [got: true]",
    ),
    "personas: a string for a list of policies": (
        "personas.yaml", "    aws_managed_policies: [SecurityAudit]\n", "    aws_managed_policies: SecurityAudit\n",
        "  - personas.audit.aws_managed_policies (line {line}, column 5): Input should be a valid array: expected a "
        'list, each item printable ASCII without spaces, e.g. ["SecurityAudit"]; aws_managed_policies: AWS '
        'managed policies by name (job-function/Billing, SecurityAudit) or ARN [got: "SecurityAudit"]',
    ),
    "federation: a boolean for a permission set's session duration": (
        "baseline.yaml", "        session_duration: PT8H\n", "        session_duration: true\n",
        "  - federation.identity_center.permission_sets[1].session_duration (line {line}, column 9): session duration "
        "true is not an ISO-8601 duration from PT1H to PT12H (e.g. PT1H, PT8H, PT1H30M); IAM Identity Center "
        "refuses other forms [got: true]",
    ),
    "federation: a boolean for a provider's MFA declaration (a key no line of the loader names)": (
        "hub-and-spoke.yaml",
        "        mfa_at_identity_provider:\n          reason: The IdP's sign-on policy for the AWS application requires "
        "phishing-resistant MFA (FIDO2) at every sign-in.\n",
        "        mfa_at_identity_provider: true\n",
        "  - federation.saml.providers[0].mfa_at_identity_provider (line {line}, column 9): expected a mapping "
        "(indented 'key: value' lines) with the key reason, not a single value or a list; mfa_at_identity_provider: "
        "Declares that this IdP requires MFA before it signs an assertion for AWS, with the reason (AWS sees no MFA "
        "in a SAML session). Required when a SAML role trusting the provider is an administrator or reaches member "
        "accounts; null: not declared [got: true]",
    ),
    "machine_roles: a number for an external id": (
        "hub-and-spoke.yaml", "external_id: example-org-7f3c2a91", "external_id: 12345678",
        "  - machine_roles[0].third_party.external_id (line {line}, column 7): Input should be a valid string: "
        'expected text of 2-1224 characters (YAML read a number: write "12345678"); external_id: The external id '
        "the third party sends (2-1224 characters of [\\w+=,.@:/-]) [got: 12345678]",
    ),
    "machine_roles: a list for a reason": (
        "hub-and-spoke.yaml",
        "    reason: The third-party cloud security posture scanner reads configuration in every member account.\n",
        "    reason: [scans]\n",
        "  - machine_roles[0].reason (line {line}, column 5): Input should be a valid string: expected text of 1-1000 "
        'characters (a list was given: write "scans"); reason: Why this principal needs MFA-less access (shown '
        'in the access report; 1-1000 characters) [got: ["scans"]]',
    ),
    "machine_roles: a mapping for a list of policies": (
        "hub-and-spoke.yaml", "    aws_managed_policies: [SecurityAudit]\n", "    aws_managed_policies: {SecurityAudit: true}\n",
        "  - machine_roles[0].aws_managed_policies (line {line}, column 5): Input should be a valid array: expected a "
        "list, each item printable ASCII without spaces; aws_managed_policies: AWS managed policies by name "
        "(SecurityAudit, job-function/ViewOnlyAccess) or ARN; none allowing '*' on '*' "
        '[got: {"SecurityAudit": true}]',
    ),
    "service_roles: a string for passed_by": (
        "hub-and-spoke.yaml", "passed_by: [developer]", "passed_by: developer",
        "  - service_roles[0].passed_by (line {line}, column 5): Input should be a valid array: expected a list, each "
        "item a key: a lowercase letter, then at most 63 lowercase letters, digits and _, e.g. 'read_only', as a "
        'list: ["developer"]; passed_by: Personas whose roles may pass this role to its service (iam:PassRole '
        'with iam:PassedToService) [got: "developer"]',
    ),
    "organization: a number for an account id": (
        "hub-and-spoke.yaml", '  management_account_id: "111111111111"', "  management_account_id: 111111111111",
        "  - organization.management_account_id (line {line}, column 3): Input should be a valid string: expected an "
        "AWS account id: exactly 12 digits 0-9, quoted, e.g. '123456789012' (YAML read a number: write "
        "\"111111111111\"); management_account_id: The organization's management account [got: 111111111111]",
    ),
    "organization: a list for identity_account": (
        "hub-and-spoke.yaml", "identity_account: identity", "identity_account: [identity]",
        "  - organization.identity_account (line {line}, column 3): Input should be a valid string: expected printable "
        'ASCII (letters, digits, punctuation and spaces) (a list was given: write "identity"); identity_account: '
        "Where people sign in (IAM users in groups, SAML providers and roles): a member account name or id, or the "
        "management account id. Personas then reach member accounts through their reach (README.md, 'Hub and "
        "spoke: the identity account') [got: [\"identity\"]]",
    ),
    "organization: a boolean for a guard rail": (
        "hub-and-spoke.yaml", "    deny_root_user: {targets: [root]}", "    deny_root_user: true",
        "  - organization.service_control_policies.deny_root_user (line {line}, column 5): expected a mapping "
        "(indented 'key: value' lines) with the keys accounts, exclude, enabled, targets, not a single value or a "
        "list; deny_root_user: Deny every action of member accounts' root users, except sts:AssumeRoot sessions "
        "[got: true]",
    ),
    "federation: a string for a SAML role's providers": (
        "hub-and-spoke.yaml", "        providers: [ExampleIdP]\n      - name: FederatedReadOnly",
        "        providers: ExampleIdP\n      - name: FederatedReadOnly",
        "  - federation.saml.roles[0].providers (line {line}, column 9): Input should be a valid array: expected a list "
        'of text items, e.g. ["ExampleIdP"]; providers: Names of the SAML providers (federation.saml.providers) '
        'the role trusts [got: "ExampleIdP"]',
    ),
    "detection: a string for a number of days": (
        "hub-and-spoke.yaml", None, DETECTION.replace("{unused_access_age_days: 90}", "{unused_access_age_days: ninety}"),
        "  - detection.access_analyzer.unused_access.unused_access_age_days (line {line}, column 21): Input should be "
        "a valid integer: expected a whole number from 1 to 365, e.g. 45; unused_access_age_days: Days without use "
        'before a finding (1-365) [got: "ninety"]',
    ),
    "detection: a string for a list of regions": (
        "hub-and-spoke.yaml", None, DETECTION.replace("regions: [eu-west-1, eu-central-1]", "regions: eu-central-1"),
        "  - detection.access_analyzer.regions (line {line}, column 5): Input should be a valid array: expected a "
        'list, each item one of 46 values (config/baseline.schema.json), e.g. ["eu-central-1"]; regions: Regions '
        "besides the home region where every account gets an external-access analyzer (analyzers are regional); "
        'the home region may be listed too [got: "eu-central-1"]',
    ),
    "reach: a string for a list of OUs": (
        "hub-and-spoke.yaml", "reach: {ous: [Workloads, Sandbox]}", "reach: {ous: Workloads}",
        "  - roles.developer.reach.ous (line {line}, column 40): Input should be a valid array: expected a list, each "
        'item printable ASCII (letters, digits, punctuation and spaces), e.g. ["Workloads"]; ous: OU paths (the '
        "OU and every OU below it), or 'root' for every member account [got: \"Workloads\"]",
    ),
    "reach: a string for the mapping": (
        "hub-and-spoke.yaml", "reach: {ous: [Workloads, Sandbox]}", "reach: Workloads",
        "  - roles.developer.reach (line {line}, column 32): expected a mapping (indented 'key: value' lines) with the "
        "keys accounts, ous, exclude, not a single value or a list; reach: Member accounts where the persona's "
        "role exists, assumed from organization.identity_account only (accounts, ous, exclude; needs "
        'identity_account). Null: the role is created as before [got: "Workloads"]',
    ),
    "targets: a number for an account name": (
        "hub-and-spoke.yaml", "      exclude: [Sandbox]", "      exclude: [555500000001]",
        "  - machine_roles[0].targets.exclude[0] (line {line}, column 17): Input should be a valid string: expected "
        'printable ASCII (letters, digits, punctuation and spaces) (YAML read a number: write "555500000001"); '
        "exclude: Account names (or ids) or OU paths taken out of accounts and ous [got: 555500000001]",
    ),
}

#: Look-alike Unicode in the hub keys and files named outside the config's folder ({folder}:
#: the config's folder).
LOOK_ALIKES_AND_FILES = {
    "reach: a Cyrillic letter in an OU": (
        "hub-and-spoke.yaml", "reach: {ous: [Workloads, Sandbox]}", "reach: {ous: [Workloads, S\u0430ndbox]}",
        "  - roles.developer.reach.ous[1] (line {line}, column 57): not allowed: expected printable ASCII (letters, "
        "digits, punctuation and spaces); ous: OU paths (the OU and every OU below it), or 'root' for every member "
        "account; it contains the non-ASCII character '\u0430' U+0430 CYRILLIC SMALL LETTER A at position 2 "
        '[got: "S\\u0430ndbox"]',
    ),
    "targets: a zero-width space in an account name": (
        "hub-and-spoke.yaml", "      exclude: [Sandbox]", "      exclude: [Sand\u200bbox]",
        "  - machine_roles[0].targets.exclude[0] (line {line}, column 17): not allowed: expected printable ASCII "
        "(letters, digits, punctuation and spaces); exclude: Account names (or ids) or OU paths taken out of "
        "accounts and ous; it contains the non-ASCII character '\\u200b' U+200B ZERO WIDTH SPACE at position 5 "
        '[got: "Sand\\u200bbox"]',
    ),
    "machine_roles: a Cyrillic letter in the name": (
        "hub-and-spoke.yaml", "  - name: CspmScanner", "  - name: Csp\u043cScanner",
        "  - machine_roles[0].name (line {line}, column 5): not allowed: expected Role name (1-64 characters of "
        "[A-Za-z0-9+=,.@_-]); it contains the non-ASCII character '\u043c' U+043C CYRILLIC SMALL LETTER EM at "
        'position 4 [got: "Csp\\u043cScanner"]',
    ),
    "machine_roles: full-width digits in the third party's account id": (
        "hub-and-spoke.yaml", 'account_id: "999988887777"', 'account_id: "\uff19\uff19\uff19\uff19\uff18\uff18\uff18\uff18\uff17\uff17\uff17\uff17"',
        "  - machine_roles[0].third_party.account_id (line {line}, column 7): not allowed: expected an AWS account id: "
        "exactly 12 digits 0-9, quoted, e.g. '123456789012'; it contains the non-ASCII character '\uff19' U+FF19 "
        'FULLWIDTH DIGIT NINE at position 1 [got: "\\uff19\\uff19\\uff19\\uff19\\uff18\\uff18\\uff18\\uff18\\uff17'
        '\\uff17\\uff17\\uff17"]',
    ),
    "identity_account: a Cyrillic letter": (
        "hub-and-spoke.yaml", "identity_account: identity", "identity_account: identit\u0443",
        "  - organization.identity_account (line {line}, column 3): not allowed: expected printable ASCII (letters, "
        "digits, punctuation and spaces); identity_account: Where people sign in (IAM users in groups, SAML "
        "providers and roles): a member account name or id, or the management account id. Personas then reach "
        "member accounts through their reach (README.md, 'Hub and spoke: the identity account'); it contains the "
        "non-ASCII character '\u0443' U+0443 CYRILLIC SMALL LETTER U at position 8 [got: \"identit\\u0443\"]",
    ),
    "metadata_file: outside the config's folder": (
        "hub-and-spoke.yaml", "metadata_file: saml/example-idp.xml", "metadata_file: ../example-idp.xml",
        "  - federation.saml.providers[0].metadata_file (line {line}, column 9): outside the config's folder {folder}: "
        "a config may only name files in its own folder or below (copy the file there and give its path relative "
        'to the config file) (resolved: {parent}/example-idp.xml) [got: "../example-idp.xml"]',
    ),
    "metadata_file: a Cyrillic letter in the folder's name": (
        "hub-and-spoke.yaml", "metadata_file: saml/example-idp.xml", "metadata_file: s\u0430ml/example-idp.xml",
        "  - federation.saml.providers[0].metadata_file (line {line}, column 9): no such file; a relative path starts "
        "from the config file's folder {folder}; it contains the non-ASCII character '\u0430' U+0430 CYRILLIC SMALL "
        'LETTER A at position 2 (resolved: {folder}/s\u0430ml/example-idp.xml) [got: "s\\u0430ml/example-idp.xml"]',
    ),
    "metadata_file: a name too long for the file system": (
        "hub-and-spoke.yaml", "metadata_file: saml/example-idp.xml", "metadata_file: " + "b" * 300 + ".xml",
        "  - federation.saml.providers[0].metadata_file (line {line}, column 9): cannot use this path (File name too "
        "long) (resolved: {folder}/" + "b" * 300 + '.xml) [got: "' + "b" * 76 + '... (304 characters)]',
    ),
    "metadata_file: a name over 1,024 characters": (
        "hub-and-spoke.yaml", "metadata_file: saml/example-idp.xml", "metadata_file: " + "a/" * 600 + "x.xml",
        "  - federation.saml.providers[0].metadata_file (line {line}, column 9): a file name of at most 1,024 "
        "characters, relative to the config's folder (resolved: " + "a/" * 30 + '... (1,205 characters)) [got: "'
        + "a/" * 38 + '... (1205 characters)]',
    ),
    "custom SCP file: a NUL character": (
        "hub-and-spoke.yaml", LAST_SCP, LAST_SCP + '\n    custom:\n      - {name: Mine, file: "policies/x\\0.json"}',
        "  - organization.service_control_policies.custom[0].file (line {line}, column 22): a file name cannot contain "
        "a NUL character (\\0) (resolved: {folder}/policies/x\\0.json) [got: \"policies/x\\u0000.json\"]",
    ),
    "custom SCP file: a missing file is refused at its key": (
        "hub-and-spoke.yaml", LAST_SCP, LAST_SCP + "\n    custom:\n      - {name: Mine, file: policies/no-such.json}",
        "  - organization.service_control_policies.custom[0].file (line {line}, column 22): no such file; a relative "
        "path starts from the config file's folder {folder} (resolved: {folder}/policies/no-such.json) "
        '[got: "policies/no-such.json"]',
    ),
}
#: Errors composed of pieces (a list of names cut at 20), in the organization fixture.
RCP_EXCLUDE = "      third_party_accounts: []\n"
COMPOSED = {
    "resource_control_policies: an unknown name in exclude lists 20 names and how many more": (
        "organization.yaml", RCP_EXCLUDE, RCP_EXCLUDE + "      exclude: [nosuch]\n",
        "  - organization.resource_control_policies.data_perimeter.exclude[0] (line {line}, column 17): unknown account "
        "or OU 'nosuch'; declared: ['Sandbox', 'Security', 'Workloads', 'Workloads/Dev', 'Workloads/Prod', 'audit', "
        "'catalog-dev', 'catalog-prod', 'data-dev', 'data-prod', 'edge-dev', 'edge-prod', 'identity-dev', "
        "'identity-prod', 'log-archive', 'orders-dev', 'orders-prod', 'payments-dev', 'payments-prod', "
        "'sandbox-alice'] and 5 more [got: \"nosuch\"]",
    ),
    "resource_control_policies: root excluded": (
        "organization.yaml", RCP_EXCLUDE, RCP_EXCLUDE + "      exclude: [root]\n",
        "  - organization.resource_control_policies.data_perimeter.exclude[0] (line {line}, column 17): 'root' cannot "
        "be excluded (it names every member account): exclude accounts or OU paths, or leave the item out "
        "[got: \"root\"]",
    ),
    "resource_control_policies: a name excluded twice is refused at the second, with its line": (
        "organization.yaml", RCP_EXCLUDE, RCP_EXCLUDE + "      exclude: [Sandbox, Sandbox]\n",
        "  - organization.resource_control_policies.data_perimeter.exclude[1] (line {line}, column 26): duplicate "
        "exclusion 'Sandbox' (also item 0): list each once [got: \"Sandbox\"]",
    ),
}
CASES = {**WRONG_TYPES, **LOOK_ALIKES_AND_FILES, **COMPOSED}


def write(folder: Path, fixture: str, old: str | None, new: str) -> Path:
    """The fixture with ``old`` replaced by ``new`` (appended when ``old`` is None), in ``folder``."""
    for files in ("saml", "policies"):
        if not (folder / files).exists():
            shutil.copytree(FIXTURES / files, folder / files)
    text = (FIXTURES / fixture).read_text()
    if old is None:
        text += new
    else:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = folder / "bad.yaml"
    path.write_text(text)
    return path


def error_line(path: Path, old: str | None, new: str) -> int:
    """The line of ``path`` holding the last line of ``new`` that the fixture did not have (of
    ``DETECTION`` when ``new`` is appended): where the mistake is, wherever the fixture puts it."""
    before = (old if old is not None else DETECTION).splitlines()
    changed = [line.strip() for line in new.splitlines() if line not in before][-1]
    lines = path.read_text().splitlines()
    (number,) = [i for i, line in enumerate(lines, 1) if changed in line]
    return number


def refused(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return caught.value


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_mistake_is_one_error_with_its_exact_text(tmp_path, case):
    fixture, old, new, line = case
    path = write(tmp_path / "config", fixture, old, new)
    error = refused(path)
    folder = path.parent.resolve()
    expected = line.replace("{folder}", str(folder)).replace("{parent}", str(folder.parent))
    expected = expected.replace("{line}", str(error_line(path, old, new)))
    assert str(error) == f"invalid baseline config {path}: 1 problem\n" + expected


def test_the_app_refuses_a_file_name_the_file_system_refuses_without_a_traceback(tmp_path):
    """The one case above that was a traceback (OSError from the file system) as app.py runs it."""
    fixture, old, new, _ = LOOK_ALIKES_AND_FILES["metadata_file: a name too long for the file system"]
    path = write(tmp_path, fixture, old, new)
    run = subprocess.run(
        [sys.executable, "app.py"], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "CDK_CONTEXT_JSON": json.dumps({"config": str(path)}), "CDK_OUTDIR": str(tmp_path / "out")},
    )
    assert run.returncode == 2 and "Traceback" not in run.stdout + run.stderr
    assert run.stderr.startswith(f"error: invalid baseline config {path}: 1 problem\n")
    assert "cannot use this path (File name too long)" in run.stderr
    assert not (tmp_path / "out").exists()


# --- typography of every error text -----------------------------------------------------
#: Slips a composed message can make: two spaces where pieces meet, a space before a comma or
#: semicolon, a doubled mark, two full stops that are not an ellipsis, a repeated word.
SLIPS = {
    "double space": re.compile(r"\S  "),
    "space before a mark": re.compile(r" [,;]"),
    "doubled mark": re.compile(r";;|,,|(?<!\.)\.\.(?!\.)"),
    "repeated word": re.compile(r"\b(the|a|an|of|to|in|is|and|or)\s+\1\b", re.IGNORECASE),
}


def slips(text: str) -> list[str]:
    """The names of :data:`SLIPS` found in ``text``."""
    return [name for name, pattern in SLIPS.items() if pattern.search(text)]


def test_the_slip_scanner_finds_what_it_looks_for():
    """The negative control of the scan below: the RCP exclude error as it was ("... 'sandbox-alice']  [got:",
    an ellipsis cut to a space) is caught there; here, each slip on a line of its own."""
    assert slips("declared: ['a', 'b']  and more") == ["double space"]
    assert slips("unknown key ; allowed") == ["space before a mark"]
    assert slips("expected the the value..") == ["doubled mark", "repeated word"]
    assert slips("e.g. '/segment/.../' or 'a'") == []


def _broken_configs(tmp_path: Path) -> dict[str, Path]:
    """Every broken config of this module and of tests/test_config_errors.py and
    tests/test_config_hostile.py, written to files."""
    from test_config_errors import BAD_CONFIGS
    from test_config_hostile import CASES as HOSTILE

    texts = {f"errors: {name}": bad.yaml for name, bad in BAD_CONFIGS.items()}
    texts.update({f"hostile: {name}": text for name, (text, _) in HOSTILE.items()})
    found = {}
    for index, (name, text) in enumerate(texts.items()):
        found[name] = tmp_path / f"plain{index}.yaml"
        found[name].write_text(text, encoding="utf-8")
    for index, (name, (fixture, old, new, _)) in enumerate(CASES.items()):
        found[name] = write(tmp_path / f"hub{index}", fixture, old, new)
    return found


def test_no_error_text_holds_a_double_space_or_a_stray_mark(tmp_path):
    """Every problem of every broken config above, as printed, minus the value quoted after
    "got:" (the user's own text). A text composed of pieces (a sentence, a list of names, an
    ellipsis, a hint) is where a double space hides."""
    checked, found = 0, {}
    for name, path in _broken_configs(tmp_path).items():
        try:
            load_config(path)
        except ConfigError as error:
            for problem in error.problems:
                text = str(problem).removeprefix("  - ")
                # Up to the value's bracket, its space kept: "rule [got:" reads "rule ", a slip "rule  ".
                text = text[: text.rindex("[got: ")] if problem.value else text
                checked += 1
                if slips(text):
                    found[name] = (slips(text), text)
    assert checked > 100 and not found, found


def test_the_readme_shows_what_the_loader_prints():
    """README.md's example of a refused config is the loader's output for this config, so the
    documented format (a wrong type answered with what is allowed) cannot drift."""
    from iam_baseline.config import parse_config

    text = (
        'account_id: "111122223333"\nregion: eu-west-1\nroles:\n  admin:\n    max_session_duration_seconds: 99999\n'
        "    nmae: Admin\n  developer:\n    reach: {ous: Workloads}\n"
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "bad.yaml")
    readme = (ROOT / "README.md").read_text()
    assert f"```text\nerror: {caught.value}\n```" in readme
