"""Property-based tests (Hypothesis) of wildcard matching and condition operators."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from iam_baseline.analysis.engine.conditions import key_matches, parse_operator
from iam_baseline.analysis.engine.patterns import action_matches, arn_matches, glob_match

settings.register_profile("analysis", max_examples=150, deadline=None)
settings.load_profile("analysis")

text = st.text(alphabet=st.characters(codec="ascii", exclude_characters="*?$\x00"), max_size=20)
words = st.text(alphabet="abcXYZ019-_/.:", min_size=0, max_size=16)


def _no_lookup(_key):
    return None


@given(words)
def test_a_string_without_wildcards_matches_only_itself(value):
    assert glob_match(value, value)
    assert not glob_match(value, value + "x")


@given(words, st.data())
def test_replacing_characters_with_question_marks_still_matches(value, data):
    positions = data.draw(st.sets(st.integers(0, max(len(value) - 1, 0))))
    pattern = "".join("?" if i in positions else c for i, c in enumerate(value))
    assert glob_match(pattern, value)


@given(words, st.data())
def test_replacing_any_substring_with_a_star_still_matches(value, data):
    start = data.draw(st.integers(0, len(value)))
    end = data.draw(st.integers(start, len(value)))
    assert glob_match(value[:start] + "*" + value[end:], value)


@given(words)
def test_star_matches_everything_and_question_mark_exactly_one(value):
    assert glob_match("*", value)
    assert glob_match("?" * len(value), value)
    assert not glob_match("?" * (len(value) + 1), value)


@given(st.from_regex(r"[a-z0-9-]{1,8}:[A-Za-z]{1,12}", fullmatch=True))
def test_actions_match_whatever_the_case(action):
    assert action_matches(action.upper(), action.lower())
    assert action_matches(action.split(":")[0] + ":*", action)


@given(st.from_regex(r"[a-z]{1,8}/[a-z]{1,8}", fullmatch=True))
def test_resources_are_case_sensitive(path):
    arn = f"arn:aws:s3:::{path}"
    assert arn_matches(arn, arn)
    assert not arn_matches(arn.upper().replace("ARN:AWS:S3", "arn:aws:s3"), arn)


@given(st.from_regex(r"[a-z]{1,8}", fullmatch=True), st.from_regex(r"[a-z]{1,8}", fullmatch=True))
def test_arn_wildcards_stay_within_their_segment_unless_they_end_it(region, name):
    arn = f"arn:aws:lambda:{region}:111122223333:function:{name}"
    assert arn_matches("arn:aws:lambda:*:111122223333:function:*", arn)
    # A "*" that does not end its segment cannot swallow the account segment...
    assert not arn_matches(f"arn:aws:lambda:*{region[-1]}:function:*", arn)
    # ...one that ends it "can expand to match beyond the colon boundaries" (IAM User Guide,
    # "IAM JSON policy elements: Resource" > "Using wildcards in resource ARNs").
    assert arn_matches("arn:aws:lambda:*:function:*", arn)


@given(words, st.lists(words, min_size=1, max_size=4))
def test_string_equals_and_not_equals_are_complements_for_present_keys(value, policy_values):
    equals = key_matches(parse_operator("StringEquals"), value, policy_values, _no_lookup)
    not_equals = key_matches(parse_operator("StringNotEquals"), value, policy_values, _no_lookup)
    assert equals != not_equals
    assert equals == (value in policy_values)


@given(st.lists(words, max_size=4), st.lists(words, min_size=1, max_size=4))
def test_for_all_values_implies_for_any_value_on_non_empty_sets(request_values, policy_values):
    all_ = key_matches(parse_operator("ForAllValues:StringEquals"), request_values, policy_values, _no_lookup)
    any_ = key_matches(parse_operator("ForAnyValue:StringEquals"), request_values, policy_values, _no_lookup)
    assert all_ == (set(request_values) <= set(policy_values))
    if request_values:
        assert any_ == bool(set(request_values) & set(policy_values))
        assert not all_ or any_
    else:
        assert all_ and not any_


OPERATORS = st.sampled_from(
    ["StringEquals", "StringLike", "NumericLessThan", "DateGreaterThan", "Bool", "IpAddress", "ArnLike",
     "StringNotEquals", "NotIpAddress", "ArnNotLike", "NumericNotEquals"]
)


@given(OPERATORS, words)
def test_absent_keys_match_only_negated_and_if_exists_operators(name, value):
    negated = "Not" in name
    assert key_matches(parse_operator(name), None, [value], _no_lookup) is negated
    assert key_matches(parse_operator(name + "IfExists"), None, [value], _no_lookup) is True


@given(st.integers(-10**6, 10**6), st.integers(-10**6, 10**6))
def test_numeric_operators_agree_with_arithmetic(left, right):
    def check(name):
        return key_matches(parse_operator(name), str(left), [str(right)], _no_lookup)

    assert check("NumericLessThan") == (Decimal(left) < Decimal(right))
    assert check("NumericLessThanEquals") == (left <= right)
    assert check("NumericGreaterThan") == (left > right)
    assert check("NumericEquals") != check("NumericNotEquals")


@given(st.integers(0, 2**31), st.integers(0, 2**31))
def test_dates_compare_epoch_and_iso_alike(left, right):
    from datetime import UTC, datetime

    iso = datetime.fromtimestamp(right, tz=UTC).isoformat().replace("+00:00", "Z")
    assert key_matches(parse_operator("DateLessThan"), str(left), [iso], _no_lookup) == (left < right)


@given(st.ip_addresses(v=4), st.integers(8, 32))
def test_an_address_is_in_its_own_network(address, prefix):
    import ipaddress

    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    assert key_matches(parse_operator("IpAddress"), str(address), [str(network)], _no_lookup)
    assert not key_matches(parse_operator("NotIpAddress"), str(address), [str(network)], _no_lookup)
