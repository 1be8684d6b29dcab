"""Policy text reaches z3 as the characters written (engine/z3_patterns.literal).

z3 reads ``\\u{..}`` escapes inside a string literal (SMT-LIB 2.6 strings); IAM compares the
characters of a policy as written. Without ``literal`` a Deny on ``b\\u{41}`` would be read as a
Deny on ``bA``: a refusal IAM does not make, proven.
"""

from __future__ import annotations

import z3

from iam_baseline.analysis.engine.z3_patterns import glob_regex, literal, one_of

WRITTEN = r"arn:aws:s3:::b\u{41}"  # eighteen characters as written, a backslash among them
READ_AS = "arn:aws:s3:::bA"  # what z3 would make of it


def _satisfiable(*constraints: z3.BoolRef) -> bool:
    solver = z3.Solver()
    solver.add(*constraints)
    return solver.check() == z3.sat


def test_z3_reads_the_escape_itself_the_reason_for_literal():
    # The negative control: the plain StringVal collapses the escape.
    assert z3.simplify(z3.StringVal(WRITTEN) == z3.StringVal(READ_AS))


def test_an_exact_text_is_its_own_characters():
    x = z3.String("x")
    assert not _satisfiable(x == literal(WRITTEN), x == z3.StringVal(READ_AS))
    assert z3.simplify(z3.Length(literal(WRITTEN))).as_long() == len(WRITTEN)


def test_a_listed_text_is_its_own_characters():
    x = z3.String("x")
    listed = one_of(x, [WRITTEN, "arn:aws:s3:::other"])
    assert not _satisfiable(listed, x == z3.StringVal(READ_AS))
    assert _satisfiable(listed, z3.Length(x) == len(WRITTEN))


def test_a_wildcard_pattern_keeps_the_backslash():
    x = z3.String("x")
    pattern = glob_regex(WRITTEN + "*")
    assert not _satisfiable(z3.InRe(x, pattern), x == z3.StringVal(READ_AS + "/key"))
    assert _satisfiable(z3.InRe(x, pattern), z3.PrefixOf(literal(WRITTEN), x))
