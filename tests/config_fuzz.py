"""Valid configs and their mutations, for the property-based tests and ``make fuzz``.

Seeds are small configs written here and the suite's fixture configs (``tests/fixtures``).
A mutation changes one thing as a careless or hostile editor would: a value's type or range,
Unicode where AWS wants ASCII, a misspelt or extra key, or the YAML text itself (a stray
character, a tab, a second document, an anchor, a tag, bytes that are not UTF-8).
:func:`outcome` runs the loader and names the class of what happened: ``valid``, the kind of
refusal, or ``crash:<exception>`` (the one outcome that must never occur).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

MINIMAL = 'account_id: "111122223333"\nregion: eu-west-1\n'
#: An Identity Center section with one permission set (its item open for more keys).
IDENTITY_CENTER = """federation:
  identity_center:
    instance_arn: arn:aws:sso:::instance/ssoins-0123456789abcdef
    identity_store_id: d-0123456789
    account_id: "111122223333"
    region: eu-west-1
    permission_sets:
      - name: ReadOnly
        persona: read_only
"""
SMALL = MINIMAL + """\
stack_name: Fuzz
password_policy: {minimum_length: 16, max_age_days: null}
mfa: {max_age_seconds: 1800, allow_password_change_without_mfa: true}
roles:
  admin: {name: Admin, max_session_duration_seconds: 7200, description: "Full access"}
groups:
  developers: {name: Devs, assumable_roles: [developer, read_only]}
users:
  - {name: ann, groups: [admins]}
tags: {owner: platform, cost-centre: "42"}
detection:
  alerts: {emails: [sec@example.org], alarm_period_seconds: 300}
break_glass: {users: [bg.one]}
account_alias: fuzz-account
access_matrix:
  admin_principals: [persona:admin, group:Admins, group:BreakGlass]
  expectations:
    - {id: dev-no-users, principal: role:Developer, action: iam:CreateUser, expect: denied, because: no users}
""" + IDENTITY_CENTER + """        session_duration: PT8H
        relay_state: https://console.aws.amazon.com/
        tags: {team: ops}
        inline_policy:
          Version: "2012-10-17"
          Statement:
            - {Effect: Deny, Action: "s3:DeleteBucket", Resource: "*", Condition: {Bool: {"aws:SecureTransport": "false"}}}
    assignments:
      - {permission_set: ReadOnly, principal_type: GROUP, principal_name: Ops, account_ids: ["111122223333"]}
  oidc:
    providers: [{name: github, kind: github}]
    deploy_roles:
      - name: Deploy
        provider: github
        github: {organization: acme, repository: infra, branches: [main]}
"""
ORGANIZATION = MINIMAL + """\
organization:
  management_account_id: "111122223333"
  baselines:
    workloads: {description: Workload accounts, tags: {tier: prod}}
  organizational_units:
    - path: Workloads/Prod
      id: ou-ab12-34cd56ef
      baseline: workloads
      accounts: [{name: Prod One, id: "222233334444"}]
"""


def seeds() -> dict[str, tuple[str, Path]]:
    """Seed configs by name: (YAML text, folder the files it names are in)."""
    found = {"minimal": (MINIMAL, ROOT), "small": (SMALL, ROOT), "organization": (ORGANIZATION, ROOT)}
    for name in ("baseline", "organization"):
        path = FIXTURES / f"{name}.yaml"
        if path.exists():
            found[f"fixture-{name}"] = (path.read_text(encoding="utf-8"), FIXTURES)
    return found


SEEDS = seeds()
SMALL_SEEDS = ("minimal", "small", "organization")


def paths_of(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path (keys and indexes) of ``data``, the document itself included."""
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths_of(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths_of(value, prefix + (index,))
    return found


#: Strings an editor or attacker might type: Unicode look-alikes, controls, blanks, long text.
HOSTILE_TEXT = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["１１１１２２２２３３３３", "Аdmin", "PT1H\n", " ", "\t", "a\u0000b", "\u202eevil", "aws:tag", "*", "role:*",
         "../../etc/passwd", "/dev/zero", "1:00:00", "0x20", "1_4", "yes", "~", "null", "2024-01-01", "x" * 3000]
    ),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40),
)
NUMBERS = st.one_of(
    st.sampled_from([-1, 0, 1, 59, 60, 3599, 3600, 43200, 43201, 129600, 2**31, 2**63, 10**30]),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
)
VALUES = st.recursive(
    st.none() | st.booleans() | NUMBERS | HOSTILE_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(HOSTILE_TEXT, children, max_size=3),
    max_leaves=6,
)


@st.composite
def mutated_document(draw: Any, seed_names: tuple[str, ...] | None = None) -> tuple[str, Path]:
    """A seed config with one value, key or list changed; returns (YAML text, folder)."""
    name = draw(st.sampled_from(seed_names or sorted(SEEDS)))
    text, folder = SEEDS[name]
    data = copy.deepcopy(yaml.safe_load(text))
    path = draw(st.sampled_from(paths_of(data)[1:]))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    kind = draw(st.sampled_from(["value", "value", "rename", "delete", "extra", "duplicate"]))
    last = path[-1]
    if kind == "value":
        parent[last] = draw(VALUES)
    elif kind == "rename" and isinstance(parent, dict):
        key = str(last)
        typo = draw(st.sampled_from([key[:-1], key + "s", key.replace("_", ""), key.upper(), key[1:] + key[0]])) or "x"
        parent[typo] = parent.pop(last)
    elif kind == "delete":
        del parent[last]
    elif kind == "extra" and isinstance(parent, dict):
        parent[draw(HOSTILE_TEXT)] = draw(VALUES)
    elif kind == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    unicode = draw(st.booleans())
    return yaml.safe_dump(data, allow_unicode=unicode, sort_keys=False), folder


#: Fragments that change YAML's structure rather than a value.
YAML_FRAGMENTS = [
    "\t", "---\n", "...\n", "&a ", "*a", "<<: *a\n", "!!binary ", "!Ref ", "? ", ": ", "- ", "[", "]", "{", "}",
    "'", '"', "#", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "\\", "|", ">", "@", "`", "\u0007", "\ufeff",
    "1: x\n", "true: x\n", "2024-01-01: x\n", "[" * 200,
]  # fmt: skip


@st.composite
def corrupted_text(draw: Any, seed_names: tuple[str, ...] | None = None) -> tuple[str, Path]:
    """A seed config's text with a YAML-level corruption; returns (text, folder)."""
    name = draw(st.sampled_from(seed_names or sorted(SEEDS)))
    text, folder = SEEDS[name]
    at = draw(st.integers(0, len(text)))
    kind = draw(st.sampled_from(["insert", "insert", "delete", "duplicate-line", "tab", "truncate"]))
    if kind == "insert":
        text = text[:at] + draw(st.sampled_from(YAML_FRAGMENTS) | st.text(max_size=3)) + text[at:]
    elif kind == "delete":
        text = text[:at] + text[at + draw(st.integers(1, 20)) :]
    elif kind == "duplicate-line":
        lines = text.splitlines(keepends=True)
        index = draw(st.integers(0, len(lines) - 1))
        lines.insert(index, lines[index])
        text = "".join(lines)
    elif kind == "tab":
        text = text.replace("  ", "\t", draw(st.integers(1, 3)))
    else:
        text = text[:at]
    return text, folder


def outcome(text: str, folder: Path) -> str:
    """Load ``text`` as a config in ``folder``; return the class of the result.

    ``valid``; ``refused:<kind>`` for a :class:`ConfigError` whose every problem has a
    message (kind from the first problem's words); ``unclear`` for a ConfigError without a
    message; ``crash:<type>`` for any other exception.
    """
    from iam_baseline.config import ConfigError, parse_config

    try:
        parse_config(text, "fuzz.yaml", folder=folder)
    except ConfigError as error:
        if not error.problems or not all(p.message for p in error.problems):
            return "unclear"
        return f"refused:{refusal_kind(error.problems[0].message)}"
    except Exception as error:  # noqa: BLE001 - what the fuzzing looks for
        return f"crash:{type(error).__name__}"
    return "valid"


_KINDS = (
    ("YAML syntax", "yaml-syntax"),
    ("duplicate key", "yaml-duplicate-key"),
    ("not a name", "yaml-key-not-text"),
    ("merge keys", "yaml-merge-key"),
    ("YAML tag", "yaml-tag"),
    ("alias", "yaml-alias"),
    ("more than one YAML document", "yaml-documents"),
    ("nesting deeper", "yaml-depth"),
    ("control character", "yaml-control-character"),
    ("unknown key", "unknown-key"),
    ("required key", "missing-key"),
    ("Input should be a valid", "wrong-type"),
    ("than or equal", "out-of-range"),
    ("should have at", "length"),
    ("should have at most", "length"),
    ("not allowed", "not-allowed"),
    ("duplicate", "duplicate"),
    ("the file is empty", "empty"),
    ("top level", "not-a-mapping"),
)


def refusal_kind(message: str) -> str:
    """A short class name for a refusal message (for the counts ``make fuzz`` prints)."""
    return next((kind for words, kind in _KINDS if words in message), "rule")
