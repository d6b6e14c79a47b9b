"""Validation entry points and document-level checks as data tables: the
guide's examples are valid (with the warnings listed), broken documents fail
with the exact messages listed, and ``check`` turns errors into a usage error."""

from __future__ import annotations

import json

import pytest

from ecrctl.errors import InvalidInput
from ecrctl.policy.validate import check, validate_document, validate_text
from tests.policy import guide
from tests.policy.samples import PUBLIC, REMINDER, policy, stmt

GUIDE_WARNINGS = {
    "describe-user": [],
    "push-pull-users": [f'statement "AllowPushPull": {REMINDER}'],
    "cross-account-push": [f'statement "AllowCrossAccountPush": {REMINDER}'],
    "public-pull": [f'statement "AllowPull": {PUBLIC}', f'statement "AllowPull": {REMINDER}'],
    "pull-and-admin": [f'statement "AllowPull": {REMINDER}'],
    "deny-pull-all": [],
}


@pytest.mark.parametrize("name", sorted(GUIDE_WARNINGS))
def test_guide_repository_examples_are_valid(name: str) -> None:
    report = validate_document(guide.REPOSITORY[name])
    assert report.errors == []
    assert [str(w) for w in report.warnings] == GUIDE_WARNINGS[name]


def test_resource_in_a_repository_policy_is_an_error_as_in_ecr() -> None:
    # the guide's 2019 example with Resource: ECR now answers "Invalid repository policy
    # provided", and AWS removed the line from the example
    report = validate_document(guide.REPOSITORY["describe-user-with-resource"])
    assert [f"{e.field}: {e.message}" for e in report.errors] == [
        "Resource: not allowed in a repository policy (ECR answers 'Invalid repository policy "
        "provided'): it applies to its own repository; remove it"
    ]


def test_service_principals_get_no_get_authorization_token_reminder() -> None:
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": "codebuild.amazonaws.com"},
        "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
    }
    report = validate_document({"Version": "2012-10-17", "Statement": [statement]})
    assert report.findings == []


def test_duplicate_keys_are_errors_with_their_path() -> None:
    text = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Effect": "Allow",'
        ' "Principal": "*", "Action": "ecr:BatchGetImage"}]}'
    )
    assert [str(e) for e in validate_text(text).errors] == [
        "policy: JSON: not valid JSON: Statement[0].Effect: "
        "this key appears twice; keep one of them"
    ]


@pytest.mark.parametrize("name", sorted(guide.IAM))
def test_guide_iam_examples_are_valid_iam_policies(name: str) -> None:
    report = validate_document(guide.IAM[name], "iam")
    assert [str(f) for f in report.findings] == []


INVALID = [
    (
        "{",
        [
            "policy: JSON: not valid JSON: line 1, column 2: "
            "Expecting property name enclosed in double quotes"
        ],
    ),
    ("[]", ["policy: JSON: the policy must be a JSON object"]),
    (
        json.dumps({"Version": "2012-10-17"}),
        ["policy: Statement: missing: a policy needs at least one statement"],
    ),
    (
        json.dumps({"Version": "2012-10-17", "Statement": []}),
        ["policy: Statement: empty: a policy needs at least one statement"],
    ),
    (
        json.dumps({"Version": "2012-10-17", "Statement": "x"}),
        ["policy: Statement: must be an object or a list of objects"],
    ),
    (
        policy(stmt(), version="2012-10-18"),
        ['policy: Version: "2012-10-18" is not "2012-10-17" or "2008-10-17"'],
    ),
    (
        json.dumps({"Version": "2012-10-17", "Statment": [], "Statement": [stmt()]}),
        ["policy: Statment: unknown element; a policy has Version, Id and Statement"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), INVALID, ids=[e[0] for _, e in INVALID])
def test_invalid_policies_have_exact_messages(text: str, expected: list[str]) -> None:
    report = validate_text(text)
    assert not report.valid
    assert [str(e) for e in report.errors] == expected


def test_length_limit_is_10240_characters() -> None:
    statement = stmt(Sid=None, Condition={"StringEquals": {"aws:PrincipalOrgID": "o-x"}})
    text = policy(statement)
    padded = text[:-1] + " " * (10_240 - len(text)) + text[-1]
    assert len(padded) == 10_240
    assert validate_text(padded).valid
    too_long = validate_text(padded + " ")
    assert [str(e) for e in too_long.errors] == [
        "policy: length: 10,241 characters; a repository policy is at most 10,240"
    ]


def test_missing_version_and_auth_token_in_a_repository_policy_are_warnings() -> None:
    text = json.dumps({"Statement": stmt(Action=["ecr:GetAuthorizationToken"])})
    report = validate_text(text)
    assert report.valid
    assert [str(w) for w in report.warnings] == [
        'policy: Version: missing, so 2008-10-17 applies: add "2012-10-17"',
        'statement "S": Action: "ecr:GetAuthorizationToken" has no effect in a repository policy:'
        " grant it in an IAM policy",
    ]


def test_check_names_the_first_error_and_counts_the_rest() -> None:
    check(validate_text(policy(stmt())))
    with pytest.raises(InvalidInput) as info:
        check(validate_text(policy(stmt(Effect="x", Action="ecr:Nope"))), "policy.json")
    assert info.value.message == (
        'policy.json is invalid: statement "S": Effect: "x" is not "Allow" or "Deny" (and 1 more)'
    )
    assert info.value.hint == (
        "see every problem by piping the same document to: ecrctl policy repo validate -"
    )
