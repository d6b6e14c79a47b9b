"""What lifecycle validation reports: a problem's line, the error carrying them all and
its hint, and the small wording helpers the checks share."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.errors import ExitCode, InvalidInput
from ecrctl.lifecycle.problems import (
    PolicyInvalid,
    Problem,
    case_fix,
    every_finding_hint,
    is_int,
    quoted,
    unknown_keys,
)


def test_a_problem_reads_path_colon_message() -> None:
    assert str(Problem("rules[0].action", "required")) == "rules[0].action: required"


def test_one_problem_is_the_whole_line_without_a_hint() -> None:
    error = PolicyInvalid([Problem("rules", "must be a list")])
    assert error.one_line() == "invalid lifecycle policy: rules: must be a list"
    assert error.hint is None
    assert isinstance(error, InvalidInput) and error.exit_code == ExitCode.USAGE


@pytest.mark.parametrize(
    ("source", "hint"),
    [
        ("p.json", "see every problem with: ecrctl policy lifecycle validate p.json"),
        (
            "my policy.json",
            "see every problem with: ecrctl policy lifecycle validate 'my policy.json'",
        ),
        (
            "-",
            "see every problem by piping the same document to: ecrctl policy lifecycle validate -",
        ),
        (
            None,
            "see every problem by piping the same document to: ecrctl policy lifecycle validate -",
        ),
    ],
)
def test_more_problems_are_counted_and_the_hint_says_where_to_see_them(
    source: str | None, hint: str
) -> None:
    problems = [Problem("a", "one"), Problem("b", "two"), Problem("c", "three")]
    error = PolicyInvalid(problems, name="lifecycle policy in x", source=source)
    assert error.problems == problems
    assert error.message == "invalid lifecycle policy in x: a: one (and 2 more)"
    assert error.hint == hint


def test_the_hint_names_the_kind_of_policy() -> None:
    assert every_finding_hint("repo", "p.json") == (
        "see every problem with: ecrctl policy repo validate p.json"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, True), (0, True), (-3, True), (True, False), (False, False), (1.0, False), ("1", False)],
)
def test_is_int_refuses_bools_floats_and_strings(value: Any, expected: bool) -> None:
    assert is_int(value) is expected


@pytest.mark.parametrize(
    ("value", "text"),
    [("x", '"x"'), (True, "true"), (None, "null"), (1.5, "1.5"), ("ü", '"ü"'), ([1], "[1]")],
)
def test_show_writes_a_value_as_json(value: Any, text: str) -> None:
    assert quoted(value) == text


@pytest.mark.parametrize(
    ("value", "fix"),
    [
        ("TAGGED", "; use 'tagged'"),
        ("Expire", "; use 'expire'"),
        ("tagged", "; use 'tagged'"),
        ("tag", ""),
        (3, ""),
    ],
)
def test_case_fix_offers_the_lower_case_form_only_when_it_is_allowed(value: Any, fix: str) -> None:
    assert case_fix(value, ("tagged", "untagged", "expire")) == fix


def test_unknown_keys_suggest_the_closest_or_list_the_allowed() -> None:
    found = unknown_keys(
        {"rulePriority": 1, "priority": 1, "zzz": 2}, ("rulePriority", "action"), "rules[0]"
    )
    assert [str(p) for p in found] == [
        "rules[0].priority: unknown key; did you mean rulePriority?",
        "rules[0].zzz: unknown key; allowed: rulePriority, action",
    ]


def test_unknown_keys_at_the_top_have_no_leading_dot() -> None:
    assert [str(p) for p in unknown_keys({"rule": []}, ("rules",), "")] == [
        "rule: unknown key; did you mean rules?"
    ]
