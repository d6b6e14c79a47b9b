"""Principal and NotPrincipal checks with the exact messages they give."""

from __future__ import annotations

import pytest

from ecrctl.policy.validate import validate_text
from tests.policy.samples import policy, stmt

INVALID = [
    (
        policy(stmt(Principal=None)),
        [
            'statement "S": Principal: missing: name who the statement applies to, '
            'e.g. {"AWS": "111122223333"}'
        ],
    ),
    (
        policy(stmt(Principal="111122223333")),
        [
            'statement "S": Principal: "111122223333" must be "*" or an object such as '
            '{"AWS": "111122223333"}'
        ],
    ),
    (
        policy(stmt(Principal={"Federated": "cognito-identity.amazonaws.com"})),
        ['statement "S": Principal: unknown principal type "Federated": use "AWS" or "Service"'],
    ),
    (
        policy(stmt(Principal={"AWS": "1111"})),
        [
            'statement "S": Principal.AWS: "1111" is not an AWS account id, '
            'an IAM user or role ARN, or "*"'
        ],
    ),
    (
        policy(stmt(Principal={"AWS": ["arn:aws:iam::111122223333:group/devs"]})),
        [
            'statement "S": Principal.AWS: "arn:aws:iam::111122223333:group/devs" is an IAM group,'
            " which cannot be a principal: name its users or the account"
        ],
    ),
    (
        policy(stmt(Principal={"AWS": []})),
        ['statement "S": Principal.AWS: must be a string or a non-empty list of strings'],
    ),
    (
        policy(stmt(Principal={"Service": "ecs"})),
        [
            'statement "S": Principal.Service: "ecs" is not a service principal such as '
            '"ecs.amazonaws.com"'
        ],
    ),
    (
        policy(stmt(NotPrincipal={"AWS": "111122223333"})),
        ['statement "S": NotPrincipal: cannot be combined with Principal'],
    ),
]


@pytest.mark.parametrize(("text", "expected"), INVALID, ids=[e[0] for _, e in INVALID])
def test_invalid_policies_have_exact_messages(text: str, expected: list[str]) -> None:
    report = validate_text(text)
    assert not report.valid
    assert [str(e) for e in report.errors] == expected
