"""add-statement's options turned into a statement, checked before any call."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.policy.statement import build_statement
from tests.policy.guide import PULL, PUSH_PULL

ROLE = "arn:aws:iam::111122223333:role/ci"


@pytest.mark.parametrize(
    ("principals", "action_list", "principal", "expected_actions"),
    [
        (
            ["*"],
            ["pull"],
            "*",
            PULL,
        ),
        ([ROLE], ["PutImage", "ecr:PutImage"], {"AWS": ROLE}, ["ecr:PutImage"]),
        (
            [ROLE, "111122223333"],
            ["ecr:Describe*"],
            {"AWS": [ROLE, "111122223333"]},
            ["ecr:Describe*"],
        ),
        (
            ["ecs.amazonaws.com", ROLE],
            ["pull", "push"],
            {"AWS": ROLE, "Service": "ecs.amazonaws.com"},
            PUSH_PULL,
        ),
    ],
)
def test_build_statement(
    principals: list[str], action_list: list[str], principal: Any, expected_actions: list[str]
) -> None:
    statement = build_statement("S", "deny", principals, action_list)
    assert statement == {
        "Sid": "S",
        "Effect": "Deny",
        "Principal": principal,
        "Action": expected_actions,
    }


def test_condition_is_parsed() -> None:
    statement = build_statement(
        "S", "Allow", ["*"], ["pull"], '{"Bool": {"aws:SecureTransport": true}}'
    )
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": True}}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", "Allow", ["*"], ["pull"]), "--sid must not be empty"),
        (("S", "Maybe", ["*"], ["pull"]), "invalid --effect 'Maybe'"),
        (("S", "Allow", [], ["pull"]), "add-statement needs at least one --principal"),
        (("S", "Allow", ["*", ROLE], ["pull"]), '--principal "*" already covers everyone'),
        (
            ("S", "Allow", ["arn:aws:iam::1:user/x"], ["pull"]),
            "invalid --principal 'arn:aws:iam::1:user/x': it is not an AWS account id",
        ),
        (("S", "Allow", ["*"], []), "add-statement needs at least one --action"),
    ],
)
def test_bad_options(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(InvalidInput) as info:
        build_statement(*args)
    assert info.value.message.startswith(message)
