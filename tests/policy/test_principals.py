"""Principal values: which are valid AWS principals, whose account they name, the caller
parsed from ``--principal``, and whether a policy principal covers that caller."""

from __future__ import annotations

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.policy.principals import (
    Caller,
    account_of,
    is_account,
    match,
    parse_caller,
    principal_problem,
)

A = "111122223333"
USER = f"arn:aws:iam::{A}:user/alice"
ROLE = f"arn:aws:iam::{A}:role/path/deployer"
SESSION = f"arn:aws:sts::{A}:assumed-role/deployer/ci-run-7"
ROOT = f"arn:aws:iam::{A}:root"
OTHER = "arn:aws:iam::444455556666:user/alice"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("*", None),
        (A, None),
        (ROOT, None),
        (USER, None),
        (ROLE, None),
        (SESSION, None),
        (f"arn:aws-cn:iam::{A}:user/bob", None),
        (f"arn:aws:sts::{A}:federated-user/bob", None),
        ("11112222333", 'is not an AWS account id, an IAM user or role ARN, or "*"'),
        ("alice", 'is not an AWS account id, an IAM user or role ARN, or "*"'),
        (f"arn:aws:s3::{A}:bucket", 'is not an AWS account id, an IAM user or role ARN, or "*"'),
        (
            f"arn:aws:iam::{A}:group/devs",
            "is an IAM group, which cannot be a principal: name its users or the account",
        ),
        (f"arn:aws:iam::{A}:policy/p", "is not an account root, user, role or assumed-role ARN"),
    ],
)
def test_principal_problem(value: str, problem: str | None) -> None:
    assert principal_problem(value) == problem


@pytest.mark.parametrize(
    ("value", "account", "whole"),
    [(A, A, True), (ROOT, A, True), (USER, A, False), (SESSION, A, False), ("*", None, False)],
)
def test_account_of_and_is_account(value: str, account: str | None, whole: bool) -> None:
    assert account_of(value) == account
    assert is_account(value) is whole


@pytest.mark.parametrize(
    ("value", "caller", "label"),
    [
        (A, Caller(A), f"account {A}"),
        (ROOT, Caller(A), f"account {A}"),
        (USER, Caller(A, USER), USER),
        (ROLE, Caller(A, ROLE, "deployer"), ROLE),
        (SESSION, Caller(A, SESSION, "deployer"), SESSION),
    ],
)
def test_parse_caller(value: str, caller: Caller, label: str) -> None:
    assert parse_caller(value) == caller
    assert parse_caller(value).label == label


@pytest.mark.parametrize("value", ["*", "alice", f"arn:aws:iam::{A}:group/devs"])
def test_parse_caller_refuses_what_is_no_single_caller(value: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_caller(value)
    assert caught.value.one_line() == (
        f"invalid principal {value!r}: expected a 12-digit account id or an IAM ARN; "
        "e.g. 111122223333 or arn:aws:iam::111122223333:user/alice"
    )


@pytest.mark.parametrize(
    ("caller", "principal", "answer"),
    [
        (USER, "*", "yes"),
        (USER, A, "yes"),
        (USER, ROOT, "yes"),
        (USER, USER, "yes"),
        (USER, f"arn:aws:iam::{A}:user/bob", "no"),
        (USER, OTHER, "no"),
        (USER, "not-a-principal", "no"),
        (A, USER, "some"),
        (A, ROOT, "yes"),
        (A, OTHER, "no"),
        (SESSION, f"arn:aws:iam::{A}:role/deployer", "yes"),  # the session's role
        (SESSION, f"arn:aws:iam::{A}:role/other", "no"),
        (ROLE, f"arn:aws:iam::{A}:role/deployer", "yes"),  # the role's name, path aside
    ],
)
def test_match(caller: str, principal: str, answer: str) -> None:
    assert match(parse_caller(caller), principal) == answer
