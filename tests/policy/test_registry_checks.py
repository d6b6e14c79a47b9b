"""The registry policy's lint: the repository-policy checks, its Resources, and the
actions replication and pull-through cache need. Pure, no AWS."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecrctl.policy.registry_checks import Expected, Registry, lint_text

OWN = Registry("123456789012", "us-east-1")
RESOURCE = "arn:aws:ecr:us-east-1:123456789012:repository/*"
SOURCE = "arn:aws:iam::111122223333:root"


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(*actions: str, principal: Any = SOURCE, **extra: Any) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": principal if principal == "*" else {"AWS": principal},
        "Action": list(actions),
        "Resource": RESOURCE,
        **extra,
    }


REPLICATION = allow("ecr:ReplicateImage", "ecr:CreateRepository")


def texts(text: str, expected: Expected | None = None) -> tuple[list[str], list[str]]:
    report = lint_text(text, OWN, expected)
    return [str(f) for f in report.errors], [str(f) for f in report.warnings]


def test_the_guides_replication_policy_is_clean() -> None:
    assert texts(policy(REPLICATION), Expected(("111122223333",))) == ([], [])


def test_pull_through_for_a_role_is_clean() -> None:
    role = "arn:aws:iam::111122223333:role/ci"
    text = policy(allow("ecr:BatchImportUpstreamImage", "ecr:CreateRepository", principal=role))
    assert texts(text, Expected((), (role,))) == ([], [])


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (
            {**REPLICATION, "Resource": "arn:aws:s3:::b"},
            '"arn:aws:s3:::b" is not an ECR repository ARN',
        ),
        ({k: v for k, v in REPLICATION.items() if k != "Resource"}, "Resource: missing"),
        ({**REPLICATION, "Action": ["ecr:ReplicateImages"]}, 'did you mean "ecr:ReplicateImage"'),
        ({**REPLICATION, "Effect": "allow"}, '"allow" is not "Allow" or "Deny"'),
        ({**REPLICATION, "Principal": {"AWS": "1111"}}, '"1111" is not an AWS account id'),
    ],
)
def test_errors(statement: dict[str, Any], expected: str) -> None:
    errors, _ = texts(policy(statement))
    assert any(expected in e for e in errors), errors


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (
            {**REPLICATION, "Resource": "arn:aws:ecr:eu-west-1:123456789012:repository/*"},
            "names region eu-west-1, not this registry's repositories",
        ),
        (
            {**REPLICATION, "Resource": "arn:aws:ecr:us-east-1:999999999999:repository/*"},
            "names account 999999999999",
        ),
        (allow("ecr:*"), "grants every ECR action"),
        (
            allow("ecr:ReplicateImage", "ecr:CreateRepository", principal="*"),
            '"*" with no Condition',
        ),
        (
            allow("ecr:ReplicateImage"),
            "arn:aws:iam::111122223333:root may use replication (ecr:ReplicateImage) but not "
            "ecr:CreateRepository",
        ),
        (
            allow("ecr:BatchImportUpstreamImage"),
            "may use pull-through cache (ecr:BatchImportUpstreamImage) but not "
            "ecr:CreateRepository",
        ),
    ],
)
def test_warnings(statement: dict[str, Any], expected: str) -> None:
    errors, warnings = texts(policy(statement))
    assert errors == []
    assert any(expected in w for w in warnings), warnings


def test_same_account_principals_need_no_create_repository_here() -> None:
    # IAM in the registry's own account can grant what the policy does not
    same = allow("ecr:ReplicateImage", principal="arn:aws:iam::123456789012:role/r")
    assert texts(policy(same)) == ([], [])


@pytest.mark.parametrize(
    ("statements", "expected", "errors", "warnings"),
    [
        (
            [],
            Expected(("444455556666",)),
            ["needs ecr:ReplicateImage, which this policy does not grant"],
            ["ecr:CreateRepository is not granted"],
        ),
        (
            [REPLICATION, {**REPLICATION, "Effect": "Deny", "Action": "ecr:ReplicateImage"}],
            Expected(("111122223333",)),
            ["needs ecr:ReplicateImage, which this policy denies"],
            [],
        ),
        (
            [{**REPLICATION, "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}],
            Expected(("111122223333",)),
            [],
            ["replication for 111122223333: allowed only under a Condition"],
        ),
        (
            [REPLICATION],
            Expected((), ("111122223333",)),
            ["pull-through cache for 111122223333 needs ecr:BatchImportUpstreamImage"],
            [],
        ),
    ],
)
def test_expected_grants_name_the_missing_actions(
    statements: list[dict[str, Any]], expected: Expected, errors: list[str], warnings: list[str]
) -> None:
    text = policy(*statements) if statements else policy(allow("ecr:CreateRepository"))
    found_errors, found_warnings = texts(text, expected)
    for wanted in errors:
        assert any(wanted in e for e in found_errors), found_errors
    for wanted in warnings:
        assert any(wanted in w for w in found_warnings), found_warnings
    assert bool(found_errors) == bool(errors)


def test_length_is_checked_as_for_repository_policies() -> None:
    errors, _ = texts(policy(*[dict(REPLICATION, Sid=f"S{n}") for n in range(60)]))
    assert any("a registry policy is at most 10,240" in e for e in errors)
