"""ECR Public's repositories (catalog data, list, create, show), against botocore's
Stubber (moto has no ecr-public): pagination, and catalog data checked before any call."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber

from ecrctl.errors import InvalidInput
from ecrctl.public import repository
from tests.public.conftest import public_repository_answer


def test_list_follows_next_token_and_filters_by_prefix(stubbed: tuple[Any, Stubber]) -> None:
    client, stub = stubbed
    stub.add_response(
        "describe_repositories",
        {
            "repositories": [public_repository_answer("team/a"), public_repository_answer("other")],
            "nextToken": "t1",
        },
        {"maxResults": 1000},
    )
    stub.add_response(
        "describe_repositories",
        {"repositories": [public_repository_answer("team/b")]},
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
        {
            "repository": public_repository_answer("shell"),
            "catalogData": {"description": "tiny shell"},
        },
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
        "describe_repositories",
        {"repositories": [public_repository_answer("shell")]},
        {"repositoryNames": ["shell"]},
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
