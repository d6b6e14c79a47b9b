"""Repositories created, listed and shown through an ECR client: against moto's ECR
(in-process), and botocore's Stubber for what moto cannot do (pages, an emulator
that answers a name with nothing). The commands: tests/cli/test_repo.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecrctl.distribution import manifest as m
from ecrctl.errors import InvalidInput, NotFound
from ecrctl.repo.repository import (
    ImageStats,
    create_repository,
    describe_repository,
    image_stats,
    iter_repositories,
    list_repositories,
    show_repository,
)
from tests import image_samples as s
from tests.conftest import ACCOUNT, REGION

KMS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_create_with_every_option(ecr: Any) -> None:
    created = create_repository(
        ecr,
        "team/app",
        tags=[{"Key": "env", "Value": "dev"}],
        immutable=True,
        scan_on_push=True,
        encryption="KMS",
        kms_key=KMS_KEY,
        registry_id=ACCOUNT,
    )
    assert created["repositoryName"] == "team/app"
    assert created["repositoryUri"] == f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/team/app"
    found = ecr.describe_repositories(repositoryNames=["team/app"])["repositories"][0]
    assert found["imageTagMutability"] == "IMMUTABLE"
    assert found["imageScanningConfiguration"] == {"scanOnPush": True}
    assert found["encryptionConfiguration"] == {"encryptionType": "KMS", "kmsKey": KMS_KEY}
    tags = ecr.list_tags_for_resource(resourceArn=found["repositoryArn"])["tags"]
    assert tags == [{"Key": "env", "Value": "dev"}]


def test_create_with_the_defaults(ecr: Any) -> None:
    create_repository(ecr, "app")
    found = ecr.describe_repositories(repositoryNames=["app"])["repositories"][0]
    assert found["imageTagMutability"] == "MUTABLE"
    assert found["imageScanningConfiguration"] == {"scanOnPush": False}
    assert ecr.list_tags_for_resource(resourceArn=found["repositoryArn"])["tags"] == []


@pytest.mark.parametrize("encryption", [None, "AES256"])
def test_a_kms_key_needs_kms_encryption_before_any_call(
    stubbed: tuple[Any, Any], encryption: str | None
) -> None:
    client, _ = stubbed  # no answer queued: any call would fail the test
    with pytest.raises(InvalidInput) as raised:
        create_repository(client, "app", encryption=encryption, kms_key=KMS_KEY)
    assert raised.value.one_line() == (
        f"--kms-key {KMS_KEY!r} needs --encryption KMS; add --encryption KMS, or drop --kms-key"
    )


def test_the_request_create_sends(stubbed: tuple[Any, Any]) -> None:
    client, stub = stubbed
    stub.add_response(
        "create_repository",
        {"repository": {"repositoryName": "app"}},
        {
            "repositoryName": "app",
            "imageTagMutability": "MUTABLE",
            "imageScanningConfiguration": {"scanOnPush": False},
            "encryptionConfiguration": {"encryptionType": "AES256"},
        },
    )
    assert create_repository(client, "app", encryption="AES256") == {"repositoryName": "app"}


def test_list_sorted_and_by_prefix(ecr: Any) -> None:
    for name in ("b/two", "a/one", "b/three", "bb"):
        ecr.create_repository(repositoryName=name)
    assert [r["repositoryName"] for r in list_repositories(ecr)] == [
        "a/one",
        "b/three",
        "b/two",
        "bb",
    ]
    assert [r["repositoryName"] for r in list_repositories(ecr, "b/")] == ["b/three", "b/two"]
    assert list_repositories(ecr, "c") == []
    assert len(list_repositories(ecr, registry_id=ACCOUNT)) == 4


def test_every_page_is_read(stubbed: tuple[Any, Any]) -> None:
    client, stub = stubbed
    stub.add_response(
        "describe_repositories",
        {"repositories": [{"repositoryName": "team/b"}], "nextToken": "page-2"},
        {"maxResults": 1000},
    )
    stub.add_response(
        "describe_repositories",
        {"repositories": [{"repositoryName": "team/a"}]},
        {"maxResults": 1000, "nextToken": "page-2"},
    )
    assert [r["repositoryName"] for r in list_repositories(client)] == ["team/a", "team/b"]


def test_by_name_no_page_size_is_sent(stubbed: tuple[Any, Any]) -> None:
    client, stub = stubbed
    stub.add_response(
        "describe_repositories",
        {"repositories": [{"repositoryName": "app"}]},
        {"repositoryNames": ["app"], "registryId": ACCOUNT},
    )
    found = list(iter_repositories(client, names=["app"], registry_id=ACCOUNT))
    assert found == [{"repositoryName": "app"}]


def test_describe_a_repository(ecr: Any) -> None:
    ecr.create_repository(repositoryName="team/app")
    found = describe_repository(ecr, "team/app")
    assert found["repositoryArn"] == f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/team/app"
    with pytest.raises(ecr.exceptions.RepositoryNotFoundException):
        describe_repository(ecr, "team/nope")


def test_a_name_answered_with_nothing_is_not_found(stubbed: tuple[Any, Any]) -> None:
    """Some emulators answer an unknown name with an empty list, not an error."""
    client, stub = stubbed
    stub.add_response("describe_repositories", {"repositories": []})
    with pytest.raises(NotFound, match="repository 'ghost' not found"):
        describe_repository(client, "ghost")


def policy(**rule: Any) -> str:
    selection = {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 1}
    body = {"rulePriority": 1, "selection": selection, "action": {"type": "expire"}, **rule}
    return json.dumps({"rules": [body]})


def test_show_counts_sizes_and_says_which_policies_are_set(ecr: Any) -> None:
    ecr.create_repository(repositoryName="app", tags=[{"Key": "env", "Value": "dev"}])
    s.put(ecr, "app", s.schema2("one", (1000,)), m.DOCKER_SCHEMA2, tag="v1")
    s.put(ecr, "app", s.schema2("two", (2000, 48)), m.DOCKER_SCHEMA2)
    assert image_stats(ecr, "app") == ImageStats(2, (1000 + 1470) + (2000 + 48 + 1470))
    shown = show_repository(ecr, "app")
    assert shown["repository"]["repositoryName"] == "app"
    assert (shown["imageCount"], shown["totalSizeInBytes"]) == (2, 5988)
    assert shown["tags"] == [{"Key": "env", "Value": "dev"}]
    assert (shown["hasRepositoryPolicy"], shown["hasLifecyclePolicy"]) == (False, False)
    ecr.put_lifecycle_policy(repositoryName="app", lifecyclePolicyText=policy())
    grant = {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "ecr:BatchGetImage"}
    ecr.set_repository_policy(
        repositoryName="app", policyText=json.dumps({"Version": "2012-10-17", "Statement": [grant]})
    )
    again = show_repository(ecr, "app", registry_id=ACCOUNT)
    assert (again["hasRepositoryPolicy"], again["hasLifecyclePolicy"]) == (True, True)


def test_an_empty_repository(ecr: Any) -> None:
    ecr.create_repository(repositoryName="empty")
    assert image_stats(ecr, "empty") == ImageStats(0, 0)
    assert show_repository(ecr, "empty")["tags"] == []


def test_show_passes_on_any_other_error(stubbed: tuple[Any, Any]) -> None:
    client, stub = stubbed
    arn = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/app"
    stub.add_response("describe_repositories", {"repositories": [{"repositoryArn": arn}]})
    stub.add_response("describe_images", {"imageDetails": [{"imageSizeInBytes": 5}, {}]})
    stub.add_response("list_tags_for_resource", {"tags": []})
    stub.add_client_error("get_repository_policy", "AccessDeniedException", "no")
    with pytest.raises(client.exceptions.ClientError, match="AccessDeniedException"):
        show_repository(client, "app")
