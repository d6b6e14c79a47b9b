"""Condition checks with the exact messages they give."""

from __future__ import annotations

import pytest

from ecrctl.policy.validate import validate_text
from tests.policy.samples import policy, stmt

INVALID = [
    (
        policy(stmt(Condition="aws:SourceIp")),
        [
            'statement "S": Condition: must be an object such as '
            '{"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}'
        ],
    ),
    (
        policy(stmt(Condition={"StringEqual": {"aws:PrincipalOrgID": "o-1"}})),
        ['statement "S": Condition: unknown operator "StringEqual"'],
    ),
    (
        policy(stmt(Condition={"StringEquals": "o-1"})),
        ['statement "S": Condition.StringEquals: must map condition keys to values'],
    ),
    (
        policy(stmt(Condition={"StringEquals": {"aws:PrincipalOrgID": {"x": 1}}})),
        [
            'statement "S": Condition.StringEquals.aws:PrincipalOrgID: '
            "values must be strings, numbers or booleans"
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), INVALID, ids=[e[0] for _, e in INVALID])
def test_invalid_policies_have_exact_messages(text: str, expected: list[str]) -> None:
    report = validate_text(text)
    assert not report.valid
    assert [str(e) for e in report.errors] == expected
