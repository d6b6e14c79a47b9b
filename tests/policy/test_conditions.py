"""A Condition block against what is known of a request, as tables: every operator
ecrctl evaluates, its Not- and IfExists forms, the ForAnyValue:/ForAllValues: set
prefixes, Null, keys the context does not know (unknown, and named), policy
variables, and ARN and wildcard matching."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.policy.conditions import (
    FALSE,
    TRUE,
    Context,
    Outcome,
    arn_like,
    both,
    evaluate_condition,
    substitute,
    wildcard,
)

ROLE = "arn:aws:iam::111122223333:role/team/ci"
CONTEXT = Context(
    values={
        "aws:principalarn": (ROLE,),
        "aws:principalaccount": ("111122223333",),
        "aws:securetransport": ("true",),
        "aws:username": ("alice",),
        "aws:principaltag/team": ("blue",),
        "aws:tagkeys": ("team", "cost"),
        "ecr:resourcetag/stage": ("prod",),
        "custom:count": ("7",),
        "custom:word": ("seven",),
    },
    absent=frozenset({"aws:principalservicename"}),
    complete=("aws:principaltag/",),
)


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        # String*
        ({"StringEquals": {"aws:username": "alice"}}, True),
        ({"StringEquals": {"aws:username": "Alice"}}, False),
        ({"StringEquals": {"AWS:UserName": "alice"}}, True),  # keys are case-insensitive
        ({"StringEquals": {"aws:username": ["bob", "alice"]}}, True),  # any of the values
        ({"StringNotEquals": {"aws:username": "bob"}}, True),
        ({"StringNotEquals": {"aws:username": ["bob", "alice"]}}, False),
        ({"StringEqualsIgnoreCase": {"aws:username": "ALICE"}}, True),
        ({"StringNotEqualsIgnoreCase": {"aws:username": "ALICE"}}, False),
        ({"StringLike": {"aws:username": "al*"}}, True),
        ({"StringLike": {"aws:username": "al?ce"}}, True),
        ({"StringLike": {"aws:username": "b*"}}, False),
        ({"StringNotLike": {"aws:username": "b*"}}, True),
        # Arn*
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/team/*"}}, True),
        ({"ArnEquals": {"aws:PrincipalArn": ROLE}}, True),
        ({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin"}}, True),
        ({"ArnNotEquals": {"aws:PrincipalArn": ROLE}}, False),
        # Bool, Numeric*
        ({"Bool": {"aws:SecureTransport": "false"}}, False),
        ({"Bool": {"aws:SecureTransport": True}}, True),  # JSON true reads as "true"
        ({"NumericEquals": {"custom:count": "7"}}, True),
        ({"NumericLessThan": {"custom:count": 8}}, True),
        ({"NumericLessThanEquals": {"custom:count": "7.0"}}, True),
        ({"NumericGreaterThan": {"custom:count": "7"}}, False),
        ({"NumericGreaterThanEquals": {"custom:count": "7"}}, True),
        ({"NumericNotEquals": {"custom:count": "7"}}, False),
        ({"NumericEquals": {"custom:word": "7"}}, False),  # not a number: no match
        # every operator and every key must hold
        ({"StringEquals": {"aws:username": "alice", "ecr:ResourceTag/stage": "prod"}}, True),
        (
            {
                "StringEquals": {"aws:username": "alice"},
                "StringLike": {"ecr:ResourceTag/stage": "dev*"},
            },
            False,
        ),
        # set prefixes over a multi-valued key
        ({"ForAnyValue:StringEquals": {"aws:TagKeys": ["cost", "owner"]}}, True),
        ({"ForAnyValue:StringEquals": {"aws:TagKeys": ["owner"]}}, False),
        ({"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost", "x"]}}, True),
        ({"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}, False),
        ({"ForAllValues:StringNotEquals": {"aws:TagKeys": ["owner"]}}, True),
        ({"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["team"]}}, True),
        ({"StringNotEquals": {"aws:TagKeys": ["team"]}}, False),  # every value must differ
        # a key known to be missing
        ({"StringEquals": {"aws:PrincipalServiceName": "x"}}, False),
        ({"StringNotEquals": {"aws:PrincipalServiceName": "x"}}, True),
        ({"StringEqualsIfExists": {"aws:PrincipalServiceName": "x"}}, True),
        ({"ForAllValues:StringEquals": {"aws:PrincipalServiceName": "x"}}, True),
        ({"ForAnyValue:StringEquals": {"aws:PrincipalServiceName": "x"}}, False),
        ({"ForAnyValue:StringNotEquals": {"aws:PrincipalServiceName": "x"}}, False),
        ({"StringEquals": {"aws:PrincipalTag/cost": "x"}}, False),  # complete prefix
        ({"StringEqualsIfExists": {"aws:username": "alice"}}, True),
        ({"StringEqualsIfExists": {"aws:username": "bob"}}, False),
        # Null
        ({"Null": {"aws:PrincipalServiceName": "true"}}, True),
        ({"Null": {"aws:PrincipalServiceName": "false"}}, False),
        ({"Null": {"aws:username": "false"}}, True),
        ({"Null": {"aws:PrincipalTag/cost": "TRUE"}}, True),
        # policy variables in the values
        ({"StringEquals": {"aws:PrincipalTag/team": "${aws:PrincipalTag/team}"}}, True),
        ({"StringLike": {"aws:username": "${aws:username}*"}}, True),
        ({"StringEquals": {"aws:username": "${*}"}}, False),  # an escaped *: literal
    ],
)
def test_known_keys_decide(block: dict[str, Any], expected: bool) -> None:
    assert evaluate_condition(block, CONTEXT) == Outcome(expected)


@pytest.mark.parametrize(
    ("block", "unknown"),
    [
        ({"StringEquals": {"aws:PrincipalOrgID": "o-1"}}, ("StringEquals aws:PrincipalOrgID",)),
        ({"Null": {"aws:SourceVpc": "true"}}, ("Null aws:SourceVpc",)),
        ({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, ("IpAddress aws:SourceIp",)),
        (
            {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}},
            ("DateGreaterThan aws:CurrentTime",),
        ),
        ({"BinaryEquals": {"custom:word": "c2V2ZW4="}}, ("BinaryEquals custom:word",)),
        ({"NullIfExists": {"aws:username": "true"}}, ("NullIfExists aws:username",)),
        ({"StringEquals": {"aws:ResourceTag/x": "y"}}, ("StringEquals aws:ResourceTag/x",)),
        (
            {"StringEquals": {"aws:username": "${aws:PrincipalOrgID}"}},
            ("StringEquals aws:username (${aws:PrincipalOrgID})",),
        ),
        (
            {"StringEquals": {"aws:username": "${aws:TagKeys}"}},  # several values: no text
            ("StringEquals aws:username (${aws:TagKeys})",),
        ),
        ("not a block", ("Condition (malformed)",)),
        ({"StringEquals": "aws:username"}, ("StringEquals (malformed)",)),
        (
            {
                "StringEquals": {"aws:PrincipalOrgID": "o-1", "aws:username": "alice"},
                "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
            },
            ("StringEquals aws:PrincipalOrgID", "IpAddress aws:SourceIp"),
        ),
    ],
)
def test_what_cannot_be_known_is_named(block: Any, unknown: tuple[str, ...]) -> None:
    assert evaluate_condition(block, CONTEXT) == Outcome(None, unknown)


def test_a_false_key_beats_an_unknown_one() -> None:
    block = {
        "StringEquals": {"aws:PrincipalOrgID": "o-1", "aws:username": "bob"},
    }
    assert evaluate_condition(block, CONTEXT) == FALSE


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([], TRUE),
        ([TRUE, TRUE], TRUE),
        ([TRUE, FALSE, Outcome(None, ("a",))], FALSE),
        ([Outcome(None, ("a",)), TRUE, Outcome(None, ("b", "a"))], Outcome(None, ("a", "b"))),
    ],
)
def test_both_is_a_tri_state_and(outcomes: list[Outcome], expected: Outcome) -> None:
    assert both(outcomes) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "arn:aws:ecr:*:*:repository/${aws:username}/*",
            ("arn:aws:ecr:*:*:repository/alice/*", ()),
        ),
        ("${ aws:username }-${aws:PrincipalTag/team}", ("alice-blue", ())),
        ("${*}${?}${$}", ("*?$", ())),
        ("no variables", ("no variables", ())),
        ("${aws:PrincipalOrgID}/${aws:SourceVpc}", (None, ("aws:PrincipalOrgID", "aws:SourceVpc"))),
        ("${aws:TagKeys}", (None, ("aws:TagKeys",))),
        ("${aws:PrincipalServiceName}", (None, ("aws:PrincipalServiceName",))),
    ],
)
def test_policy_variables(text: str, expected: tuple[str | None, tuple[str, ...]]) -> None:
    assert substitute(text, CONTEXT) == expected


def test_what_a_context_knows() -> None:
    assert CONTEXT.known("AWS:UserName") and CONTEXT.get("AWS:UserName") == ("alice",)
    assert CONTEXT.known("aws:principalservicename")
    assert CONTEXT.get("aws:principalservicename") is None
    assert CONTEXT.known("aws:PrincipalTag/anything")  # under a complete prefix: missing
    assert CONTEXT.get("aws:PrincipalTag/anything") is None
    assert not CONTEXT.known("aws:PrincipalOrgID")
    assert not Context().known("aws:username")


@pytest.mark.parametrize(
    ("pattern", "arn", "expected"),
    [
        ("*", "anything at all", True),
        (ROLE, ROLE, True),
        ("arn:aws:iam::*:role/*", ROLE, True),
        ("arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:user/alice", False),
        ("arn:aws:iam::111122223333:role/team/c?", ROLE, True),
        ("arn:aws:iam::111122223333:role/TEAM/ci", ROLE, False),  # case-sensitive
        ("arn:aws:ecr:*:111122223333:repository/team/*", ROLE, False),
        ("arn:*:iam::111122223333:role/team/ci", ROLE, True),
        # six parts: each on its own, so a * does not run across a colon
        ("arn:aws:iam:*:role:x", "arn:aws:iam:a:b:role:x", False),
        # parts that do not count six: the whole text
        ("arn:aws:iam::*", ROLE, True),
        ("arn:aws:iam*", ROLE, True),
        ("role/*", ROLE, False),
    ],
)
def test_arn_like(pattern: str, arn: str, expected: bool) -> None:
    assert arn_like(pattern, arn) is expected


@pytest.mark.parametrize(
    ("pattern", "text", "ignore_case", "expected"),
    [
        ("ecr:*", "ecr:PutImage", False, True),
        ("ecr:Put?mage", "ecr:PutImage", False, True),
        ("ecr:put*", "ecr:PutImage", False, False),
        ("ecr:put*", "ecr:PutImage", True, True),
        ("a.b", "axb", False, False),  # regular-expression characters are literal
        ("a*", "a\nb", False, True),  # * runs over a newline too
    ],
)
def test_wildcards(pattern: str, text: str, ignore_case: bool, expected: bool) -> None:
    assert (wildcard(pattern, ignore_case=ignore_case).fullmatch(text) is not None) is expected
