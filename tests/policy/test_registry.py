"""Registry-policy statements built from flags, merged into a policy, and the
checks of the flags and of the first error: pure, no AWS (the commands:
tests/cli/test_registry_policy.py)."""

from __future__ import annotations

import json

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.policy.registry import build_statements, check_expected, merged, raise_invalid
from ecrctl.policy.registry_checks import Expected, lint_text
from tests.policy.test_registry_checks import OWN, RESOURCE, SOURCE, texts


def test_built_statements_and_the_merge() -> None:
    expected = Expected(
        ("111122223333", "111122223333"), ("444455556666", "arn:aws:iam::444455556666:role/ci")
    )
    statements = build_statements(OWN, "aws", expected)
    assert statements == [
        {
            "Sid": "ReplicationFrom111122223333",
            "Effect": "Allow",
            "Principal": {"AWS": SOURCE},
            "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
            "Resource": RESOURCE,
        },
        {
            "Sid": "PullThroughCache444455556666",
            "Effect": "Allow",
            "Principal": {
                "AWS": ["arn:aws:iam::444455556666:root", "arn:aws:iam::444455556666:role/ci"]
            },
            "Action": ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
            "Resource": RESOURCE,
        },
    ]
    assert texts(json.dumps(merged(None, statements)), expected) == ([], [])
    current = {
        "Version": "2012-10-17",
        "Id": "x",
        "Statement": [{"Sid": "Keep"}, {"Sid": "ReplicationFrom111122223333"}],
    }
    assert merged(current, statements[:1]) == {
        "Version": "2012-10-17",
        "Id": "x",
        "Statement": [{"Sid": "Keep"}, statements[0]],
    }


def test_bad_expectations_and_the_first_error() -> None:
    with pytest.raises(InvalidInput, match="invalid --replication-from '12'"):
        check_expected(Expected(("12",)))
    with pytest.raises(InvalidInput, match="invalid --pull-through-for"):
        check_expected(Expected((), ("*",)))
    report = lint_text("{", OWN)
    with pytest.raises(InvalidInput) as caught:
        raise_invalid(report, "p.json")
    assert caught.value.message == (
        "registry policy 'p.json' is invalid: policy: JSON: not valid JSON: line 1, column 2: "
        "Expecting property name enclosed in double quotes"
    )
