"""Property-based: any mutation of a valid config ends in a valid config or a clear refusal.

The mutations (tests/config_fuzz.py) change types, ranges, Unicode, keys and the YAML text
itself; no example may end in a traceback (any exception but ConfigError) or in a refusal
without a message. ``make fuzz`` runs thousands of the same examples and prints the counts
by class, the slowest example and the peak memory.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config_fuzz import SEEDS, SMALL_SEEDS, corrupted_text, mutated_document, outcome

FIXTURE_SEEDS = tuple(name for name in SEEDS if name.startswith("fixture-")) or SMALL_SEEDS


def quick(examples: int) -> settings:
    return settings(
        max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
    )


def _clear(result: str) -> None:
    assert result == "valid" or result.startswith("refused:"), result


def test_every_seed_is_valid():
    """The negative control: unmutated seeds load, so a refusal below is the mutation's."""
    assert {name: outcome(text, folder) for name, (text, folder) in SEEDS.items()} == {name: "valid" for name in SEEDS}


@quick(250)
@given(mutated_document(SMALL_SEEDS))
def test_a_mutated_small_config_is_valid_or_clearly_refused(case):
    _clear(outcome(*case))


@quick(25)
@given(mutated_document(FIXTURE_SEEDS))
def test_a_mutated_fixture_config_is_valid_or_clearly_refused(case):
    _clear(outcome(*case))


@quick(200)
@given(corrupted_text(SMALL_SEEDS))
def test_corrupted_yaml_is_valid_or_clearly_refused(case):
    _clear(outcome(*case))


@quick(150)
@given(st.text(max_size=80) | st.text(alphabet=":-[]{}&*!|>'\"%@`?,#<~ \n\t01ab", max_size=80))
def test_any_text_is_valid_or_clearly_refused(text):
    _clear(outcome(text, SEEDS["minimal"][1]))
