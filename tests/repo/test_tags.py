"""Resource tags of a repository: ``KEY=VALUE`` checked by ECR's rules before any call,
then tag, untag and list against moto's ECR, by name or by ARN, with the limit of 50
counting the tags already there."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.errors import InvalidInput
from ecrctl.repo.tags import (
    check_name_or_arn,
    check_tag_keys,
    parse_tags,
    repository_arn,
    tag,
    tags_of,
    untag,
)
from tests.conftest import REGION

ARN = "arn:aws:ecr:us-east-1:123456789012:repository/team/app"


def test_pairs_become_ecrs_tags() -> None:
    assert parse_tags(["env=dev", "note=a=b", "empty="]) == [
        {"Key": "env", "Value": "dev"},
        {"Key": "note", "Value": "a=b"},
        {"Key": "empty", "Value": ""},
    ]


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (["novalue"], "malformed tag 'novalue': expected KEY=VALUE"),
        (["=v"], "invalid tag key in '=v': a key is 1 to 128 characters"),
        (["k" * 129 + "=v"], "a key is 1 to 128 characters"),
        (["aws:team=x"], "invalid tag key 'aws:team': the aws: prefix is reserved for AWS"),
        (["k!=v"], "invalid tag key 'k!'"),
        (["k=" + "v" * 257], "invalid value for tag 'k': 257 characters, at most 256"),
        (["k=v;"], "invalid value 'v;' for tag 'k'"),
        (["k=1", "k=2"], "duplicate tag key 'k'"),
        ([f"k{i}=v" for i in range(51)], "51 tags given: a repository takes at most 50"),
    ],
)
def test_bad_pairs_are_refused(pairs: list[str], message: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_tags(pairs)
    assert message in info.value.one_line()


def test_keys_are_checked_once_each() -> None:
    assert check_tag_keys(["env", "owner"]) == ["env", "owner"]
    with pytest.raises(InvalidInput, match="duplicate tag key 'env'"):
        check_tag_keys(["env", "env"])
    with pytest.raises(InvalidInput, match="the aws: prefix is reserved"):
        check_tag_keys(["AWS:x"])


def test_a_name_is_checked_and_an_arn_passes() -> None:
    check_name_or_arn(ARN)
    check_name_or_arn("team/app")
    with pytest.raises(InvalidInput, match="invalid repository name 'Team/App'"):
        check_name_or_arn("Team/App")


@pytest.mark.usefixtures("moto")
def test_tag_untag_and_list_by_name_and_by_arn() -> None:
    aws = Aws(AwsSettings(region=REGION))
    arn = aws.ecr.create_repository(repositoryName="team/app")["repository"]["repositoryArn"]
    assert repository_arn(aws.ecr, "team/app") == arn
    assert repository_arn(aws.ecr, arn) == arn
    assert tag(aws, "team/app", ["env=dev", "owner=ops"]) == [
        {"Key": "env", "Value": "dev"},
        {"Key": "owner", "Value": "ops"},
    ]
    assert tag(aws, arn, ["env=prod"]) == [
        {"Key": "env", "Value": "prod"},
        {"Key": "owner", "Value": "ops"},
    ]
    assert untag(aws, arn, ["env"]) == [{"Key": "owner", "Value": "ops"}]
    assert tags_of(aws, "team/app") == [{"Key": "owner", "Value": "ops"}]


def test_the_limit_counts_the_tags_already_there(ecr: Any) -> None:
    ecr.create_repository(
        repositoryName="team/app", tags=[{"Key": f"k{i}", "Value": "v"} for i in range(49)]
    )
    aws = Aws(AwsSettings(region=REGION))
    assert len(tag(aws, "team/app", ["k0=new", "x=1"])) == 50  # k0 is replaced, x added
    with pytest.raises(InvalidInput, match="has 50 tags; 1 more would exceed 50"):
        tag(aws, "team/app", ["y=2"])


def test_bad_input_stops_before_any_call(stubbed: tuple[Any, Any]) -> None:
    from tests.support.aws import app_with_ecr

    aws = app_with_ecr(stubbed[0]).aws  # nothing queued: a call would fail the test
    with pytest.raises(InvalidInput, match="malformed tag"):
        tag(aws, "team/app", ["novalue"])
    with pytest.raises(InvalidInput, match="invalid repository name"):
        untag(aws, "Bad/Name", ["k"])
    with pytest.raises(InvalidInput, match="invalid repository name"):
        tags_of(aws, "Bad/Name")
