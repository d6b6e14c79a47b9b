"""A repository's resource tags: ``KEY=VALUE`` and keys checked as ECR's rules say
(a table, pure), and tag, untag and list by name or ARN against moto's ECR
(in-process), with ECR's limit of 50 counted before any change. The commands:
tests/cli/test_repo.py."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.errors import InvalidInput
from ecrctl.repo.tags import (
    check_name_or_arn,
    check_tag_keys,
    list_tags,
    parse_tags,
    repository_arn,
    tag,
    tag_repository,
    tags_of,
    untag,
    untag_repository,
)
from tests.conftest import ACCOUNT, REGION

ARN = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/team/app"


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([], []),
        (["env=dev"], [{"Key": "env", "Value": "dev"}]),
        (["env="], [{"Key": "env", "Value": ""}]),
        (["a=b=c"], [{"Key": "a", "Value": "b=c"}]),
        (["cost center=team:42/a@b.c+-_"], [{"Key": "cost center", "Value": "team:42/a@b.c+-_"}]),
        (["Ünïcode=日本"], [{"Key": "Ünïcode", "Value": "日本"}]),
        (["k" * 128 + "=" + "v" * 256], [{"Key": "k" * 128, "Value": "v" * 256}]),
        (["b=1", "a=2"], [{"Key": "b", "Value": "1"}, {"Key": "a", "Value": "2"}]),
        ([f"k{i}=v" for i in range(50)], [{"Key": f"k{i}", "Value": "v"} for i in range(50)]),
    ],
)
def test_good_tags(pairs: list[str], expected: list[dict[str, str]]) -> None:
    assert parse_tags(pairs) == expected


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (["env"], "malformed tag 'env': expected KEY=VALUE; e.g. env=dev"),
        (["=v"], "invalid tag key in '=v': a key is 1 to 128 characters"),
        (["k" * 129 + "=v"], "a key is 1 to 128 characters"),
        (["aws:x=1"], "invalid tag key 'aws:x': the aws: prefix is reserved for AWS"),
        (["AWS:x=1"], "the aws: prefix is reserved for AWS"),
        (["bad!key=v"], "invalid tag key 'bad!key'; use letters, digits, spaces"),
        (["k=" + "v" * 257], "invalid value for tag 'k': 257 characters, at most 256"),
        (["k=bad*value"], "invalid value 'bad*value' for tag 'k'"),
        (["a=1", "a=2"], "duplicate tag key 'a'; give each key once"),
        ([f"k{i}=v" for i in range(51)], "51 tags given: a repository takes at most 50"),
    ],
)
def test_bad_tags(pairs: list[str], message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_tags(pairs)
    assert message in raised.value.one_line()


def test_keys_to_remove() -> None:
    assert check_tag_keys(["b", "a"]) == ["b", "a"]
    with pytest.raises(InvalidInput, match="duplicate tag key 'a'"):
        check_tag_keys(["a", "a"])
    with pytest.raises(InvalidInput, match="the aws: prefix is reserved"):
        check_tag_keys(["aws:createdBy"])
    with pytest.raises(InvalidInput, match="a key is 1 to 128 characters"):
        check_tag_keys([""])


@pytest.mark.parametrize(
    "value", ["team/app", ARN, "arn:aws-cn:ecr:cn-north-1:111122223333:repository/x1"]
)
def test_a_name_or_an_arn_passes(value: str) -> None:
    check_name_or_arn(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Team/App", "use lowercase: 'team/app'"),
        ("a", "it must be 2 to 256 characters long"),
        ("arn:aws:ecr:us-east-1:12:repository/app", "invalid repository name"),
    ],
)
def test_a_bad_name_is_refused(value: str, message: str) -> None:
    with pytest.raises(InvalidInput, match="invalid repository name") as raised:
        check_name_or_arn(value)
    assert message in raised.value.one_line()


@pytest.fixture
def repo(ecr: Any) -> str:
    """team/app, tagged env=dev; its ARN."""
    created = ecr.create_repository(
        repositoryName="team/app", tags=[{"Key": "env", "Value": "dev"}]
    )
    arn: str = created["repository"]["repositoryArn"]
    return arn


def test_the_arn_of_a_name(ecr: Any, repo: str) -> None:
    assert repo == ARN
    assert repository_arn(ecr, "team/app") == ARN
    assert repository_arn(ecr, ARN) == ARN
    other = "arn:aws:ecr:eu-west-1:210987654321:repository/theirs"
    assert repository_arn(ecr, other) == other  # an ARN is taken as given: no call
    with pytest.raises(ecr.exceptions.RepositoryNotFoundException):
        repository_arn(ecr, "team/nope")


def test_tag_and_untag_answer_the_tags_now(ecr: Any, repo: str) -> None:
    added = tag_repository(ecr, repo, [{"Key": "owner", "Value": "ops"}])
    assert added == [{"Key": "env", "Value": "dev"}, {"Key": "owner", "Value": "ops"}]
    replaced = tag_repository(ecr, repo, [{"Key": "env", "Value": "prod"}])
    assert {t["Key"]: t["Value"] for t in replaced} == {"env": "prod", "owner": "ops"}
    assert untag_repository(ecr, repo, ["env", "missing"]) == [{"Key": "owner", "Value": "ops"}]
    assert list_tags(ecr, repo) == [{"Key": "owner", "Value": "ops"}]


def test_the_limit_counts_the_tags_already_there(ecr: Any, repo: str) -> None:
    tag_repository(ecr, repo, [{"Key": f"k{i}", "Value": "v"} for i in range(48)])
    # a key already there is replaced, not added
    tag_repository(ecr, repo, [{"Key": "env", "Value": "x"}, {"Key": "k0", "Value": "w"}])
    full = tag_repository(ecr, repo, [{"Key": "last", "Value": "v"}])
    assert len(full) == 50
    with pytest.raises(InvalidInput) as raised:
        tag_repository(ecr, repo, [{"Key": "one", "Value": "v"}, {"Key": "env", "Value": "y"}])
    assert raised.value.one_line() == (
        "the repository has 50 tags; 1 more would exceed 50; "
        "remove tags first with: ecrctl repo untag NAME KEY..."
    )
    assert len(list_tags(ecr, repo)) == 50  # nothing changed


def test_the_commands_core_by_name_and_by_arn(repo: str) -> None:
    aws = Aws(AwsSettings())
    assert tag(aws, "team/app", ["owner=ops"]) == [
        {"Key": "env", "Value": "dev"},
        {"Key": "owner", "Value": "ops"},
    ]
    assert untag(aws, repo, ["env"]) == [{"Key": "owner", "Value": "ops"}]
    assert tags_of(aws, repo) == tags_of(aws, "team/app") == [{"Key": "owner", "Value": "ops"}]


@pytest.mark.parametrize(
    "call",
    [
        lambda aws: tag(aws, "team/app", ["novalue"]),
        lambda aws: tag(aws, "Bad/Name", ["k=v"]),
        lambda aws: untag(aws, "team/app", ["aws:x"]),
        lambda aws: untag(aws, "Bad/Name", ["k"]),
        lambda aws: tags_of(aws, "Bad/Name"),
    ],
)
def test_bad_input_before_any_call(call: Any) -> None:
    """ECR at a closed port: a call would fail with botocore's connection error."""
    with pytest.raises(InvalidInput):
        call(Aws(AwsSettings(endpoint_url="http://127.0.0.1:9")))
