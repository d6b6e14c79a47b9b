"""Repositories against moto's ECR: create with its options, list by prefix, describe
one, and show one with its image count, size, tags and policies; pagination (which
moto does not do) under botocore's Stubber."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.stub import Stubber

from ecrctl.errors import InvalidInput, NotFound
from ecrctl.lifecycle.templates import render
from ecrctl.policy.templates import repository_template
from ecrctl.repo.repository import (
    create_repository,
    describe_repository,
    image_stats,
    iter_repositories,
    list_repositories,
    show_repository,
)
from tests import image_samples as s
from tests.conftest import ACCOUNT
from tests.support.aws import repository_answer


def test_create_applies_every_option(ecr: Any) -> None:
    created = create_repository(
        ecr,
        "team/app",
        tags=[{"Key": "env", "Value": "dev"}],
        immutable=True,
        scan_on_push=True,
        encryption="KMS",
        kms_key="arn:aws:kms:us-east-1:123456789012:key/k1",
    )
    assert created["repositoryName"] == "team/app"
    assert created["imageTagMutability"] == "IMMUTABLE"
    assert created["imageScanningConfiguration"] == {"scanOnPush": True}
    assert created["encryptionConfiguration"] == {
        "encryptionType": "KMS",
        "kmsKey": "arn:aws:kms:us-east-1:123456789012:key/k1",
    }
    tags = ecr.list_tags_for_resource(resourceArn=created["repositoryArn"])["tags"]
    assert tags == [{"Key": "env", "Value": "dev"}]


def test_create_defaults_to_mutable_without_scanning(ecr: Any) -> None:
    created = create_repository(ecr, "team/app")
    assert created["imageTagMutability"] == "MUTABLE"
    assert created["imageScanningConfiguration"] == {"scanOnPush": False}


def test_a_kms_key_without_kms_is_refused_before_any_call(stubbed: tuple[Any, Stubber]) -> None:
    client, _ = stubbed  # nothing queued: a call would fail the test
    with pytest.raises(InvalidInput, match="--kms-key 'k1' needs --encryption KMS"):
        create_repository(client, "team/app", kms_key="k1", encryption="AES256")


def test_list_keeps_the_prefix_sorted(ecr: Any) -> None:
    for name in ("team/web", "other/app", "team/api"):
        ecr.create_repository(repositoryName=name)
    assert [r["repositoryName"] for r in list_repositories(ecr, "team/")] == [
        "team/api",
        "team/web",
    ]
    assert len(list_repositories(ecr)) == 3


def test_every_page_is_read_1000_at_a_time(stubbed: tuple[Any, Stubber]) -> None:
    client, stub = stubbed
    stub.add_response(
        "describe_repositories",
        {"repositories": [repository_answer("bb")], "nextToken": "t1"},
        {"maxResults": 1000, "registryId": ACCOUNT},
    )
    stub.add_response(
        "describe_repositories",
        {"repositories": [repository_answer("aa")]},
        {"maxResults": 1000, "registryId": ACCOUNT, "nextToken": "t1"},
    )
    assert [r["repositoryName"] for r in list_repositories(client, registry_id=ACCOUNT)] == [
        "aa",
        "bb",
    ]


def test_named_repositories_are_asked_without_a_page_size(stubbed: tuple[Any, Stubber]) -> None:
    client, stub = stubbed
    stub.add_response(
        "describe_repositories",
        {"repositories": [repository_answer("aa")]},
        {"repositoryNames": ["aa"]},
    )
    assert [r["repositoryName"] for r in iter_repositories(client, names=["aa"])] == ["aa"]


def test_describe_one_repository(ecr: Any, repo: str) -> None:
    assert describe_repository(ecr, repo)["repositoryName"] == repo


def test_an_empty_answer_is_not_found(stubbed: tuple[Any, Stubber]) -> None:
    client, stub = stubbed
    stub.add_response("describe_repositories", {"repositories": []}, {"repositoryNames": ["x1"]})
    with pytest.raises(NotFound, match="repository 'x1' not found"):
        describe_repository(client, "x1")


def test_image_stats_count_images_and_add_their_sizes(ecr: Any, repo: str) -> None:
    assert (image_stats(ecr, repo).count, image_stats(ecr, repo).total_size) == (0, 0)
    s.put(ecr, repo, s.schema2("a", (1000, 2048)), s.m.DOCKER_SCHEMA2, tag="v1")
    s.put(ecr, repo, s.schema2("b", (100,)), s.m.DOCKER_SCHEMA2, tag="v2")
    stats = image_stats(ecr, repo)
    sizes = [
        d["imageSizeInBytes"] for d in ecr.describe_images(repositoryName=repo)["imageDetails"]
    ]
    assert (stats.count, stats.total_size) == (2, sum(sizes))


def test_show_says_which_policies_are_set(ecr: Any) -> None:
    ecr.create_repository(repositoryName="team/app", tags=[{"Key": "env", "Value": "dev"}])
    shown = show_repository(ecr, "team/app")
    assert shown["repository"]["repositoryName"] == "team/app"
    assert (shown["imageCount"], shown["totalSizeInBytes"]) == (0, 0)
    assert shown["tags"] == [{"Key": "env", "Value": "dev"}]
    assert (shown["hasRepositoryPolicy"], shown["hasLifecyclePolicy"]) == (False, False)
    policy = repository_template("public-pull")
    ecr.set_repository_policy(repositoryName="team/app", policyText=json.dumps(policy))
    lifecycle = render("keep-untagged", {"count": "1"})
    ecr.put_lifecycle_policy(repositoryName="team/app", lifecyclePolicyText=json.dumps(lifecycle))
    shown = show_repository(ecr, "team/app")
    assert (shown["hasRepositoryPolicy"], shown["hasLifecyclePolicy"]) == (True, True)


def test_a_refusal_to_read_a_policy_is_not_taken_for_none(stubbed: tuple[Any, Stubber]) -> None:
    from botocore.exceptions import ClientError

    client, stub = stubbed
    stub.add_response(
        "describe_repositories",
        {"repositories": [repository_answer("aa")]},
        {"repositoryNames": ["aa"]},
    )
    stub.add_response("describe_images", {"imageDetails": []})
    stub.add_response("list_tags_for_resource", {"tags": []})
    stub.add_client_error("get_repository_policy", "AccessDeniedException", "not allowed")
    with pytest.raises(ClientError, match="AccessDeniedException"):
        show_repository(client, "aa")
