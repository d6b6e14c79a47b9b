"""Repository-policy validation as data tables: the guide's examples are valid
(with the warnings listed), broken policies fail with the exact messages listed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecrctl.policy import actions
from ecrctl.policy.validate import validate_document, validate_text
from tests.policy import guide

REMINDER = (
    "Action: grants image push/pull actions; the principals also need "
    "ecr:GetAuthorizationToken from an IAM policy (a repository policy cannot grant it)"
)
PUBLIC = (
    'Principal: "*" with no Condition: anyone with an AWS account can use '
    "ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer"
    "; add a Condition (e.g. aws:PrincipalOrgID) to narrow it"
)

GUIDE_WARNINGS = {
    "describe-user": [],
    "describe-user-with-resource": [
        "statement #1: Resource: has no effect: a repository policy applies to its own repository"
    ],
    "push-pull-users": [f'statement "AllowPushPull": {REMINDER}'],
    "cross-account-push": [f'statement "AllowCrossAccountPush": {REMINDER}'],
    "public-pull": [f'statement "AllowPull": {PUBLIC}', f'statement "AllowPull": {REMINDER}'],
    "pull-and-admin": [f'statement "AllowPull": {REMINDER}'],
    "deny-pull-all": [],
}


@pytest.mark.parametrize("name", sorted(guide.REPOSITORY))
def test_guide_repository_examples_are_valid(name: str) -> None:
    report = validate_document(guide.REPOSITORY[name])
    assert report.errors == []
    assert [str(w) for w in report.warnings] == GUIDE_WARNINGS[name]


@pytest.mark.parametrize("name", sorted(guide.IAM))
def test_guide_iam_examples_are_valid_iam_policies(name: str) -> None:
    report = validate_document(guide.IAM[name], "iam")
    assert [str(f) for f in report.findings] == []


def _policy(*statements: dict[str, Any], version: Any = "2012-10-17") -> str:
    return json.dumps({"Version": version, "Statement": list(statements)})


def _stmt(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "Sid": "S",
        "Effect": "Allow",
        "Principal": {"AWS": "111122223333"},
        "Action": "ecr:DescribeImages",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


INVALID = [
    (
        "{",
        [
            "policy: JSON: not valid JSON: Expecting property name enclosed in double quotes"
            " at line 1 column 2"
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
        _policy(_stmt(), version="2012-10-18"),
        ['policy: Version: "2012-10-18" is not "2012-10-17" or "2008-10-17"'],
    ),
    (
        json.dumps({"Version": "2012-10-17", "Statment": [], "Statement": [_stmt()]}),
        ["policy: Statment: unknown element; a policy has Version, Id and Statement"],
    ),
    (_policy("oops"), ['statement #1: Statement: must be an object, not "oops"']),
    (
        _policy(_stmt(Effect="allow")),
        ['statement "S": Effect: "allow" is not "Allow" or "Deny" (write "Allow")'],
    ),
    (_policy(_stmt(Effect="Permit")), ['statement "S": Effect: "Permit" is not "Allow" or "Deny"']),
    (
        _policy(_stmt(Sid=None, Effect=None)),
        ['statement #1: Effect: missing: use "Allow" or "Deny"'],
    ),
    (
        _policy(_stmt(Principal=None)),
        [
            'statement "S": Principal: missing: name who the statement applies to, '
            'e.g. {"AWS": "111122223333"}'
        ],
    ),
    (
        _policy(_stmt(Principal="111122223333")),
        [
            'statement "S": Principal: "111122223333" must be "*" or an object such as '
            '{"AWS": "111122223333"}'
        ],
    ),
    (
        _policy(_stmt(Principal={"Federated": "cognito-identity.amazonaws.com"})),
        ['statement "S": Principal: unknown principal type "Federated": use "AWS" or "Service"'],
    ),
    (
        _policy(_stmt(Principal={"AWS": "1111"})),
        [
            'statement "S": Principal.AWS: "1111" is not an AWS account id, '
            'an IAM user or role ARN, or "*"'
        ],
    ),
    (
        _policy(_stmt(Principal={"AWS": ["arn:aws:iam::111122223333:group/devs"]})),
        [
            'statement "S": Principal.AWS: "arn:aws:iam::111122223333:group/devs" is an IAM group,'
            " which cannot be a principal: name its users or the account"
        ],
    ),
    (
        _policy(_stmt(Principal={"AWS": []})),
        ['statement "S": Principal.AWS: must be a string or a non-empty list of strings'],
    ),
    (
        _policy(_stmt(Principal={"Service": "ecs"})),
        [
            'statement "S": Principal.Service: "ecs" is not a service principal such as '
            '"ecs.amazonaws.com"'
        ],
    ),
    (
        _policy(_stmt(NotPrincipal={"AWS": "111122223333"})),
        ['statement "S": NotPrincipal: cannot be combined with Principal'],
    ),
    (
        _policy(_stmt(Action=None)),
        ['statement "S": Action: missing: list the ecr: actions, e.g. ecr:BatchGetImage'],
    ),
    (
        _policy(_stmt(Action="ecr:PushImage")),
        [
            'statement "S": Action: "ecr:PushImage" is not an ECR action '
            '(did you mean "ecr:PutImage"?)'
        ],
    ),
    (
        _policy(_stmt(Action="ecr:Frobnicate")),
        ['statement "S": Action: "ecr:Frobnicate" is not an ECR action'],
    ),
    (
        _policy(_stmt(Action=["s3:GetObject"])),
        [
            'statement "S": Action: "s3:GetObject" is not an ECR action: '
            "a repository policy takes ecr: actions only"
        ],
    ),
    (
        _policy(_stmt(Action="*")),
        ['statement "S": Action: "*" covers every AWS service: use "ecr:*"'],
    ),
    (
        _policy(_stmt(Action="ecr:Push*")),
        ['statement "S": Action: "ecr:Push*" matches no ECR action'],
    ),
    (
        _policy(_stmt(Action=[])),
        ['statement "S": Action: must be a string or a non-empty list of strings'],
    ),
    (
        _policy(_stmt(NotAction="ecr:PutImage")),
        ['statement "S": NotAction: cannot be combined with Action'],
    ),
    (
        _policy(_stmt(Condition="aws:SourceIp")),
        [
            'statement "S": Condition: must be an object such as '
            '{"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}'
        ],
    ),
    (
        _policy(_stmt(Condition={"StringEqual": {"aws:PrincipalOrgID": "o-1"}})),
        ['statement "S": Condition: unknown operator "StringEqual"'],
    ),
    (
        _policy(_stmt(Condition={"StringEquals": "o-1"})),
        ['statement "S": Condition.StringEquals: must map condition keys to values'],
    ),
    (
        _policy(_stmt(Condition={"StringEquals": {"aws:PrincipalOrgID": {"x": 1}}})),
        [
            'statement "S": Condition.StringEquals.aws:PrincipalOrgID: '
            "values must be strings, numbers or booleans"
        ],
    ),
    (
        _policy(_stmt(Resource=5)),
        ['statement "S": Resource: must be a string or a non-empty list of strings'],
    ),
    (
        _policy(_stmt(Effects="Allow")),
        [
            'statement "S": Effects: unknown element; a statement has Sid, Effect, Principal, '
            "NotPrincipal, Action, NotAction, Resource, NotResource, Condition"
        ],
    ),
    (_policy(_stmt(Sid=7)), ["statement #1: Sid: must be a string, not 7"]),
    (
        _policy(_stmt(), _stmt(Action="ecr:ListImages")),
        ['statement "S": Sid: duplicate: statement #1 has it too'],
    ),
]


@pytest.mark.parametrize(("text", "expected"), INVALID, ids=[e[0] for _, e in INVALID])
def test_invalid_policies_have_exact_messages(text: str, expected: list[str]) -> None:
    report = validate_text(text)
    assert not report.valid
    assert [str(e) for e in report.errors] == expected


def test_every_error_of_one_statement_is_reported() -> None:
    text = _policy(_stmt(Effect="maybe", Action="ecr:Nope", Principal={"AWS": "x"}))
    fields = [e.field for e in validate_text(text).errors]
    assert fields == ["Effect", "Principal.AWS", "Action"]


def test_length_limit_is_10240_characters() -> None:
    statement = _stmt(Sid=None, Condition={"StringEquals": {"aws:PrincipalOrgID": "o-x"}})
    text = _policy(statement)
    padded = text[:-1] + " " * (10_240 - len(text)) + text[-1]
    assert len(padded) == 10_240
    assert validate_text(padded).valid
    too_long = validate_text(padded + " ")
    assert [str(e) for e in too_long.errors] == [
        "policy: length: 10,241 characters; a repository policy is at most 10,240"
    ]


def test_warnings_do_not_make_a_policy_invalid() -> None:
    report = validate_text(_policy(_stmt(Principal="*", Action="ecr:*")))
    assert report.valid
    assert [str(w) for w in report.warnings] == [
        'statement "S": Principal: "*" with no Condition: anyone with an AWS account can use '
        "every ECR action; add a Condition (e.g. aws:PrincipalOrgID) to narrow it",
        f'statement "S": {REMINDER}',
    ]


def test_a_condition_silences_the_public_warning() -> None:
    condition = {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}
    report = validate_text(
        _policy(_stmt(Principal={"AWS": "*"}, Action="ecr:ListImages", Condition=condition))
    )
    assert report.findings == []


def test_missing_version_and_auth_token_in_a_repository_policy_are_warnings() -> None:
    text = json.dumps({"Statement": _stmt(Action=["ecr:GetAuthorizationToken"])})
    report = validate_text(text)
    assert report.valid
    assert [str(w) for w in report.warnings] == [
        'policy: Version: missing, so 2008-10-17 applies: add "2012-10-17"',
        'statement "S": Action: "ecr:GetAuthorizationToken" has no effect in a repository policy:'
        " grant it in an IAM policy",
    ]


def test_actions_are_case_insensitive_and_wildcards_match_iam_style() -> None:
    text = _policy(_stmt(Action=["ECR:describeimages", "ecr:Batch*", "ecr:?utImage"]))
    assert validate_text(text).valid


def test_the_action_list_is_botocore_s_ecr_model() -> None:
    import botocore.session

    model = botocore.session.get_session().get_service_model("ecr")
    for operation in model.operation_names:
        assert validate_text(_policy(_stmt(Action=f"ecr:{operation}"))).valid, operation
    assert set(actions.expand("ecr:*")) == {
        f"ecr:{n}" for n in [*model.operation_names, *actions.PERMISSION_ONLY]
    }


def test_iam_kind_wants_resource_and_no_principal() -> None:
    text = _policy({"Effect": "Allow", "Principal": "*", "Action": ["ecr:ListImages", "s3:*"]})
    assert [str(e) for e in validate_text(text, "iam").errors] == [
        "statement #1: Principal: an IAM policy has no principal: "
        "it applies to whoever it is attached to",
        'statement #1: Resource: missing: use "*" or repository ARNs',
    ]


def test_report_json_shape() -> None:
    data = validate_text(_policy(_stmt(Effect="x"))).to_dict()
    assert data["valid"] is False
    assert data["warnings"] == []
    assert data["errors"] == [
        {
            "severity": "error",
            "statement": 0,
            "sid": "S",
            "field": "Effect",
            "message": '"x" is not "Allow" or "Deny"',
            "text": 'statement "S": Effect: "x" is not "Allow" or "Deny"',
        }
    ]
