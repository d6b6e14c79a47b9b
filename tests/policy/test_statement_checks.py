"""Statement-level checks (Sid, elements, Effect, Action, Resource and the
warnings an Allow earns) with the exact messages they give."""

from __future__ import annotations

import pytest

from ecrctl.policy.validate import validate_text
from tests.policy.samples import REMINDER, policy, stmt

INVALID = [
    (policy("oops"), ['statement #1: Statement: must be an object, not "oops"']),
    (
        policy(stmt(Effect="allow")),
        ['statement "S": Effect: "allow" is not "Allow" or "Deny" (write "Allow")'],
    ),
    (policy(stmt(Effect="Permit")), ['statement "S": Effect: "Permit" is not "Allow" or "Deny"']),
    (
        policy(stmt(Sid=None, Effect=None)),
        ['statement #1: Effect: missing: use "Allow" or "Deny"'],
    ),
    (
        policy(stmt(Action=None)),
        ['statement "S": Action: missing: list the ecr: actions, e.g. ecr:BatchGetImage'],
    ),
    (
        policy(stmt(Action="ecr:PushImage")),
        [
            'statement "S": Action: "ecr:PushImage" is not an ECR action '
            '(did you mean "ecr:PutImage"?)'
        ],
    ),
    (
        policy(stmt(Action="ecr:Frobnicate")),
        ['statement "S": Action: "ecr:Frobnicate" is not an ECR action'],
    ),
    (
        policy(stmt(Action=["s3:GetObject"])),
        [
            'statement "S": Action: "s3:GetObject" is not an ECR action: '
            "a repository policy takes ecr: actions only"
        ],
    ),
    (
        policy(stmt(Action="*")),
        ['statement "S": Action: "*" covers every AWS service: use "ecr:*"'],
    ),
    (
        policy(stmt(Action="ecr:Push*")),
        ['statement "S": Action: "ecr:Push*" matches no ECR action'],
    ),
    (
        policy(stmt(Action=[])),
        ['statement "S": Action: must be a string or a non-empty list of strings'],
    ),
    (
        policy(stmt(NotAction="ecr:PutImage")),
        ['statement "S": NotAction: cannot be combined with Action'],
    ),
    (
        policy(stmt(Resource=5)),
        ['statement "S": Resource: must be a string or a non-empty list of strings'],
    ),
    (
        policy(stmt(Effects="Allow")),
        [
            'statement "S": Effects: unknown element; a statement has Sid, Effect, Principal, '
            "NotPrincipal, Action, NotAction, Resource, NotResource, Condition"
        ],
    ),
    (policy(stmt(Sid=7)), ["statement #1: Sid: must be a string, not 7"]),
    (
        policy(stmt(), stmt(Action="ecr:ListImages")),
        ['statement "S": Sid: duplicate: statement #1 has it too'],
    ),
]


@pytest.mark.parametrize(("text", "expected"), INVALID, ids=[e[0] for _, e in INVALID])
def test_invalid_policies_have_exact_messages(text: str, expected: list[str]) -> None:
    report = validate_text(text)
    assert not report.valid
    assert [str(e) for e in report.errors] == expected


def test_every_error_of_one_statement_is_reported() -> None:
    text = policy(stmt(Effect="maybe", Action="ecr:Nope", Principal={"AWS": "x"}))
    fields = [e.field for e in validate_text(text).errors]
    assert fields == ["Effect", "Principal.AWS", "Action"]


def test_warnings_do_not_make_a_policy_invalid() -> None:
    report = validate_text(policy(stmt(Principal="*", Action="ecr:*")))
    assert report.valid
    assert [str(w) for w in report.warnings] == [
        'statement "S": Principal: "*" with no Condition: anyone with an AWS account can use '
        "every ECR action; add a Condition (e.g. aws:PrincipalOrgID) to narrow it",
        f'statement "S": {REMINDER}',
    ]


def test_a_condition_silences_the_public_warning() -> None:
    condition = {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}
    report = validate_text(
        policy(stmt(Principal={"AWS": "*"}, Action="ecr:ListImages", Condition=condition))
    )
    assert report.findings == []


def test_actions_are_case_insensitive_and_wildcards_match_iam_style() -> None:
    text = policy(stmt(Action=["ECR:describeimages", "ecr:Batch*", "ecr:?utImage"]))
    assert validate_text(text).valid


def test_iam_kind_wants_resource_and_no_principal() -> None:
    text = policy({"Effect": "Allow", "Principal": "*", "Action": ["ecr:ListImages", "s3:*"]})
    assert [str(e) for e in validate_text(text, "iam").errors] == [
        "statement #1: Principal: an IAM policy has no principal: "
        "it applies to whoever it is attached to",
        'statement #1: Resource: missing: use "*" or repository ARNs',
    ]
