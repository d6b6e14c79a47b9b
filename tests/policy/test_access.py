"""``policy test``'s workflow below the command (the command itself:
tests/cli/policy/test_test.py): every input checked before any call, then the
repository, its policy and tags read from moto's ECR, the principal's policies
from moto's IAM (or a saved answer), every action decided, and IAM's simulator
asked beside it through the loopback stand-in (tests/policy/iam_standin.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.errors import InvalidInput
from ecrctl.policy import actions
from ecrctl.policy.access import Question, ask, evaluate_access, parse_context
from ecrctl.policy.principal_policies import parse_principal
from ecrctl.policy.simulate import IDENTITY_ONLY
from tests.conftest import ACCOUNT, REGION
from tests.policy.iam_standin import simulator_in_front_of
from tests.support.aws import role_keys

OTHER = "444455556666"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ci"
REPOSITORY_ARN = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/team/app"
TOKEN, PUT, GET = actions.AUTH_TOKEN, "ecr:PutImage", "ecr:BatchGetImage"


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


# -- the inputs --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([], {}),
        (["aws:SourceAccount=111122223333"], {"aws:SourceAccount": ("111122223333",)}),
        (["aws:TagKeys=team", "aws:TagKeys=cost"], {"aws:TagKeys": ("team", "cost")}),
        ([" aws:username =alice"], {"aws:username": ("alice",)}),
        (["aws:PrincipalTag/x=a=b"], {"aws:PrincipalTag/x": ("a=b",)}),
        (["ecr:ResourceTag/stage="], {"ecr:ResourceTag/stage": ("",)}),
    ],
)
def test_context_pairs(pairs: list[str], expected: dict[str, tuple[str, ...]]) -> None:
    assert parse_context(pairs) == expected


@pytest.mark.parametrize("pair", ["aws:SourceAccount", "SourceAccount=1", ":x=1", "aws:=1", "=1"])
def test_a_context_pair_needs_a_condition_key(pair: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_context(["aws:username=alice", pair])
    assert raised.value.one_line() == (
        f"invalid --context {pair!r}: expected KEY=VALUE with a condition key; "
        "e.g. --context aws:SourceAccount=111122223333"
    )


def test_by_default_the_token_pull_and_push() -> None:
    question = ask("team/app", principal=ROLE)
    assert question.actions == [TOKEN, *actions.PUSH_PULL]
    assert question.default_actions is True
    assert question.principal == parse_principal(ROLE)
    assert (question.context, question.details, question.simulate) == ({}, None, False)


def test_the_actions_asked_for() -> None:
    question = ask("team/app", requested=["pull", "PutImage"], context=["aws:username=a"])
    assert question.actions == [*actions.PULL, PUT]
    assert question.default_actions is False
    assert question.principal is None
    assert question.context == {"aws:username": ("a",)}


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"requested": ["ecr:Nope"]}, "unknown ECR action 'ecr:Nope'"),
        ({"principal": f"arn:aws:iam::{ACCOUNT}:group/devs"}, "--principal 'arn:aws:iam::"),
        ({"context": ["nope"]}, "invalid --context 'nope'"),
        ({"details_text": "{not json"}, "the IAM details file is not valid JSON"),
        (
            {"details_text": "{not json", "details_source": "iam.json"},
            "iam.json is not valid JSON",
        ),
        ({"details_text": '{"a": 1, "a": 2}'}, "the IAM details file is not valid JSON"),
        ({"details_text": "[]"}, "is not a GetAccountAuthorizationDetails answer"),
    ],
)
def test_every_input_is_checked_first(given: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        ask("team/app", **given)
    assert message in raised.value.one_line()


def test_a_saved_answer_is_read() -> None:
    text = json.dumps({"RoleDetailList": []})
    question = ask("team/app", principal=ROLE, details_text=text, details_source="iam.json")
    assert (question.details, question.details_source) == ({"RoleDetailList": []}, "iam.json")


# -- against moto ------------------------------------------------------------------


@pytest.fixture
def world(moto: None, ecr: Any) -> Any:
    """Role ci may log in, pull and delete images (IAM); team/app (tagged stage=prod)
    lets it push, and denies everyone deleting images while it is tagged prod."""
    import boto3

    iam = boto3.client("iam", region_name=REGION)
    iam.create_role(RoleName="ci", AssumeRolePolicyDocument="{}")
    pull = {
        "Effect": "Allow",
        "Action": [TOKEN, *actions.PULL, "ecr:BatchDeleteImage"],
        "Resource": "*",
    }
    iam.put_role_policy(RoleName="ci", PolicyName="pull", PolicyDocument=doc(pull))
    ecr.create_repository(repositoryName="team/app", tags=[{"Key": "stage", "Value": "prod"}])
    push = {
        "Sid": "Push",
        "Effect": "Allow",
        "Principal": {"AWS": ROLE},
        "Action": ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart"],
    }
    frozen = {
        "Sid": "Frozen",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "ecr:BatchDeleteImage",
        "Condition": {"StringEquals": {"ecr:ResourceTag/stage": "prod"}},
    }
    ecr.set_repository_policy(repositoryName="team/app", policyText=doc(push, frozen))
    return iam


def decisions(report: Any) -> dict[str, str]:
    return {d.action: d.decision for d in report.decisions}


def test_both_sides_read_and_every_action_decided(world: Any) -> None:
    report = evaluate_access(Aws(AwsSettings()), ask("team/app", principal=ROLE))
    assert (report.repository.arn, report.repository.registry_id) == (REPOSITORY_ARN, ACCOUNT)
    assert report.repository.tags == {"stage": "prod"}
    assert [p["name"] for p in report.policies()] == ["pull", "repository policy"]
    found = decisions(report)
    assert found[TOKEN] == found[GET] == found[PUT] == "allowed"
    assert found["ecr:CompleteLayerUpload"] == "implicitDeny"  # neither side allows it
    assert report.summary == {"pull": "allowed", "push": "implicitDeny"}
    assert report.notes == [] and report.simulation is None
    assert not report.allowed


def test_the_repositorys_tags_decide_its_conditions(world: Any) -> None:
    question = ask("team/app", principal=ROLE, requested=["BatchDeleteImage"])
    report = evaluate_access(Aws(AwsSettings()), question)
    (delete,) = report.decisions
    assert delete.decision == "explicitDeny"
    assert [m.label for m in delete.statements] == ['repository policy "Frozen"']
    assert report.summary == {}  # only for the default actions


def test_a_repository_without_a_policy(world: Any, ecr: Any) -> None:
    ecr.create_repository(repositoryName="solo")
    report = evaluate_access(Aws(AwsSettings()), ask("solo", principal=ROLE, requested=["pull"]))
    assert report.inputs.repository_policy is None
    assert report.repository.policy_text is None
    assert set(decisions(report).values()) == {"allowed"}  # the identity side alone


def test_the_caller_by_default_an_assumed_roles_session(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in role_keys(ROLE, "build-7").items():
        monkeypatch.setenv(name.upper(), value)
    report = evaluate_access(Aws(AwsSettings()), ask("team/app", requested=["PutImage"]))
    principal = report.inputs.principal
    assert (principal.arn, principal.kind) == (ROLE, "role")
    assert principal.session_arn == f"arn:aws:sts::{ACCOUNT}:assumed-role/ci/build-7"
    assert decisions(report) == {PUT: "allowed"}


def test_a_caller_that_is_no_user_or_role(world: Any) -> None:
    # moto's default credentials are of "user/moto" under sts: nothing IAM can test
    with pytest.raises(InvalidInput, match=r"the caller 'arn:aws:sts::\d+:user/moto' is not"):
        evaluate_access(Aws(AwsSettings()), ask("team/app"))


def test_without_sts_the_principal_must_be_named(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9")
    with pytest.raises(InvalidInput) as raised:
        evaluate_access(Aws(AwsSettings(max_attempts=1)), ask("team/app"))
    assert raised.value.one_line() == (
        "cannot ask STS who you are; name the principal with --principal ARN"
    )


def test_another_accounts_principal_needs_its_own_iam(world: Any) -> None:
    builder = f"arn:aws:iam::{OTHER}:role/builder"
    with pytest.raises(InvalidInput) as raised:
        evaluate_access(Aws(AwsSettings()), ask("team/app", principal=builder))
    assert raised.value.one_line().startswith(
        f"{builder} is in account {OTHER}, but the IAM credentials are of account {ACCOUNT}: "
        "IAM answers only for its own account; pass --iam-profile PROFILE"
    )


def other_account_details() -> str:
    """A saved answer of account OTHER: role builder may use ECR anywhere."""
    answer = {
        "RoleDetailList": [
            {
                "RoleName": "builder",
                "Arn": f"arn:aws:iam::{OTHER}:role/builder",
                "RolePolicyList": [
                    {
                        "PolicyName": "ecr",
                        "PolicyDocument": {
                            "Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]
                        },
                    }
                ],
            }
        ]
    }
    return json.dumps(answer)


def test_a_saved_answer_for_another_account(world: Any, ecr: Any) -> None:
    builder = f"arn:aws:iam::{OTHER}:role/builder"
    question = ask(
        "team/app", principal=builder, requested=["push"], details_text=other_account_details()
    )
    denied = evaluate_access(Aws(AwsSettings()), question)
    assert set(decisions(denied).values()) == {"implicitDeny"}  # the repository side says no
    grant = {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "ecr:*"}
    ecr.set_repository_policy(repositoryName="team/app", policyText=doc(grant))
    allowed = evaluate_access(Aws(AwsSettings()), question)
    assert allowed.allowed
    assert [p["attachedTo"] for p in allowed.policies()] == ["role/builder", "repository team/app"]


def test_unreadable_tags_leave_their_conditions_open(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto checks the caller's IAM policies once the set-up calls are counted out:
    this caller may read the repository and its policy, not its tags."""
    from moto.core import set_initial_no_auth_action_count

    @set_initial_no_auth_action_count(3)
    def run() -> Any:
        world.create_user(UserName="viewer")
        allowed = {
            "Effect": "Allow",
            "Action": [
                "ecr:DescribeRepositories",
                "ecr:GetRepositoryPolicy",
                "iam:Get*",
                "iam:List*",
            ],
            "Resource": "*",
        }
        world.put_user_policy(UserName="viewer", PolicyName="read", PolicyDocument=doc(allowed))
        keys = world.create_access_key(UserName="viewer")["AccessKey"]
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", keys["AccessKeyId"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", keys["SecretAccessKey"])
        question = ask("team/app", principal=ROLE, requested=["BatchDeleteImage"])
        return evaluate_access(Aws(AwsSettings()), question)

    report = run()
    assert report.repository.tags is None
    # moto's refusal has no error type, only HTTP 403 (ECR: AccessDeniedException)
    (note,) = report.notes
    assert note.startswith("the repository's tags could not be read (")
    assert note.endswith("): conditions on ecr:ResourceTag stay open")
    (delete,) = report.decisions
    assert delete.decision == "depends"
    assert delete.conditions and "ecr:ResourceTag/stage" in delete.conditions[0]


def test_iams_simulator_beside_ecrctls_answer(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """IAM is asked only for the simulation here (the policies come from a saved answer),
    so the stand-in needs no IAM behind it."""
    saved = world.get_account_authorization_details()
    saved.pop("ResponseMetadata")
    details = json.dumps(saved, default=str)
    with simulator_in_front_of("http://127.0.0.1:9") as (url, simulator):
        simulator.decisions = {PUT: "implicitDeny", GET: "explicitDeny"}
        monkeypatch.setenv("AWS_ENDPOINT_URL_IAM", url)
        question = ask(
            "team/app",
            principal=ROLE,
            requested=[TOKEN, "BatchGetImage", "PutImage"],
            details_text=details,
            simulate=True,
        )
        assert isinstance(question, Question)
        report = evaluate_access(Aws(AwsSettings()), question, iam_aws=Aws(AwsSettings()))
    assert report.simulation is not None and report.simulation.scope == IDENTITY_ONLY
    assert decisions(report)[PUT] == "allowed"  # the repository policy lets the role push
    # compared over the identity policies only, as IAM was asked for a role
    assert report.ecrctl_compared == {TOKEN: "allowed", GET: "allowed", PUT: "implicitDeny"}
    assert report.differences() == [GET]
    on_repository, token = simulator.requests
    assert on_repository["ResourceArns.member.1"] == [REPOSITORY_ARN]
    assert "ResourceArns.member.1" not in token
