"""ECR Public's core, against botocore's Stubber (moto has no ecr-public):
pagination, catalog data, batches of 100, and what ECR Public lacks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.stub import Stubber

from ecrctl.distribution.reference import parse_image_ref
from ecrctl.errors import InvalidInput
from ecrctl.public import images, repository

ACCOUNT = "123456789012"
NOW = datetime(2026, 1, 2, tzinfo=UTC)


@pytest.fixture
def stubbed() -> Iterator[tuple[Any, Stubber]]:
    import botocore.session

    client = botocore.session.Session().create_client(
        "ecr-public",
        region_name="us-east-1",
        aws_access_key_id="k",
        aws_secret_access_key="s",
    )
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


def repo(name: str) -> dict[str, Any]:
    return {
        "repositoryArn": f"arn:aws:ecr-public::{ACCOUNT}:repository/{name}",
        "registryId": ACCOUNT,
        "repositoryName": name,
        "repositoryUri": f"public.ecr.aws/alias/{name}",
        "createdAt": NOW,
    }


def test_list_follows_next_token_and_filters_by_prefix(stubbed: tuple[Any, Stubber]) -> None:
    client, stub = stubbed
    stub.add_response(
        "describe_repositories",
        {"repositories": [repo("team/a"), repo("other")], "nextToken": "t1"},
        {"maxResults": 1000},
    )
    stub.add_response(
        "describe_repositories",
        {"repositories": [repo("team/b")]},
        {"nextToken": "t1", "maxResults": 1000},
    )
    found = repository.list_repositories(client, "team/")
    assert [r["repositoryName"] for r in found] == ["team/a", "team/b"]


def test_create_sends_the_catalog_data(stubbed: tuple[Any, Stubber]) -> None:
    client, stub = stubbed
    catalog = repository.catalog_data(
        description="tiny shell",
        about="# About",
        usage="docker pull ...",
        architectures=("arm 64", "x86-64", "ARM 64"),
        operating_systems=("linux",),
    )
    assert catalog == {
        "description": "tiny shell",
        "aboutText": "# About",
        "usageText": "docker pull ...",
        "architectures": ["ARM 64", "x86-64"],
        "operatingSystems": ["Linux"],
    }
    stub.add_response(
        "create_repository",
        {"repository": repo("shell"), "catalogData": {"description": "tiny shell"}},
        {"repositoryName": "shell", "catalogData": catalog, "tags": [{"Key": "k", "Value": "v"}]},
    )
    created = repository.create_repository(
        client, "shell", catalog, tags=[{"Key": "k", "Value": "v"}]
    )
    assert created["repositoryUri"] == "public.ecr.aws/alias/shell"
    assert created["catalogData"] == {"description": "tiny shell"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"architectures": ("arm64",)}, "architecture 'arm64' is not one ECR Public knows"),
        ({"operating_systems": ("BSD",)}, "operating system 'BSD' is not one ECR Public knows"),
        ({"description": "x" * 1025}, "description has 1025 characters"),
    ],
)
def test_bad_catalog_data_is_refused_before_any_call(kwargs: Any, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        repository.catalog_data(**kwargs)


def test_show_reads_the_catalog_and_counts_images(stubbed: tuple[Any, Stubber]) -> None:
    client, stub = stubbed
    stub.add_response(
        "describe_repositories", {"repositories": [repo("shell")]}, {"repositoryNames": ["shell"]}
    )
    stub.add_response(
        "get_repository_catalog_data",
        {"catalogData": {"description": "tiny", "architectures": ["ARM"]}},
        {"repositoryName": "shell"},
    )
    details = [
        {"imageDigest": "sha256:" + "a" * 64, "imageSizeInBytes": 10},
        {"imageDigest": "sha256:" + "b" * 64, "imageSizeInBytes": 32},
    ]
    stub.add_response(
        "describe_images",
        {"imageDetails": details, "nextToken": "n"},
        {"repositoryName": "shell", "maxResults": 1000},
    )
    stub.add_response(
        "describe_images",
        {"imageDetails": [{"imageDigest": "sha256:" + "c" * 64}]},
        {"repositoryName": "shell", "nextToken": "n", "maxResults": 1000},
    )
    info = repository.show_repository(client, "shell")
    assert info["catalogData"] == {"description": "tiny", "architectures": ["ARM"]}
    assert (info["imageCount"], info["totalSizeInBytes"]) == (3, 42)


def test_delete_sends_digests_100_per_call_and_reports_failures(
    stubbed: tuple[Any, Stubber],
) -> None:
    client, stub = stubbed
    digests = [f"sha256:{i:064x}" for i in range(150)]
    first = [{"imageDigest": d} for d in digests[:100]]
    rest = [{"imageDigest": d} for d in digests[100:]]
    stub.add_response(
        "batch_delete_image", {"imageIds": first}, {"repositoryName": "app", "imageIds": first}
    )
    failure = {"imageId": rest[0], "failureCode": "ImageNotFound", "failureReason": "gone"}
    stub.add_response(
        "batch_delete_image",
        {"imageIds": rest[1:], "failures": [failure]},
        {"repositoryName": "app", "imageIds": rest},
    )
    result = images.delete_images(client, "app", [parse_image_ref(d) for d in digests])
    assert len(result.deleted) == 149
    assert result.failures == [failure]


def test_a_tag_is_refused_before_any_call(stubbed: tuple[Any, Stubber]) -> None:
    client, _ = stubbed  # no response queued: any call would fail the test
    refs = [parse_image_ref("sha256:" + "a" * 64), parse_image_ref("v1")]
    with pytest.raises(InvalidInput, match="ECR Public has no tag-only delete") as caught:
        images.delete_images(client, "app", refs)
    assert "'v1'" in str(caught.value)


def test_list_images_is_newest_first(stubbed: tuple[Any, Stubber]) -> None:
    client, stub = stubbed
    old = {"imageDigest": "sha256:" + "a" * 64, "imagePushedAt": datetime(2025, 1, 1, tzinfo=UTC)}
    new = {"imageDigest": "sha256:" + "b" * 64, "imagePushedAt": NOW}
    stub.add_response(
        "describe_images",
        {"imageDetails": [old, new]},
        {"repositoryName": "app", "maxResults": 1000},
    )
    assert images.list_images(client, "app") == [new, old]
