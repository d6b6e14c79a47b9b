"""The ECR access helpers: the registry-id argument, error codes and messages of any
exception, and botocore's paginators with the API's page sizes (through Stubber:
moto does not paginate)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecrctl.aws.access import error_code, error_message, items, pages, registry_kwargs


@pytest.mark.parametrize(
    ("registry_id", "kwargs"),
    [(None, {}), ("", {}), ("111122223333", {"registryId": "111122223333"})],
)
def test_registry_kwargs(registry_id: str | None, kwargs: dict[str, Any]) -> None:
    assert registry_kwargs(registry_id) == kwargs


@pytest.mark.parametrize(
    ("exc", "code", "message"),
    [
        (
            ClientError({"Error": {"Code": "Throttling", "Message": " Rate exceeded \n"}}, "X"),
            "Throttling",
            "Rate exceeded",
        ),
        (ClientError({"Error": {}}, "X"), "", ""),
        (ValueError("not AWS"), "", ""),
    ],
)
def test_error_code_and_message(exc: BaseException, code: str, message: str) -> None:
    assert error_code(exc) == code
    assert error_message(exc) == message


def _repository(name: str) -> dict[str, Any]:
    return {
        "repositoryName": name,
        "repositoryArn": f"arn:aws:ecr:us-east-1:123456789012:repository/{name}",
        "registryId": "123456789012",
        "repositoryUri": f"123456789012.dkr.ecr.us-east-1.amazonaws.com/{name}",
    }


def test_pages_follow_next_token_with_the_apis_largest_page(stubbed: tuple[Any, Any]) -> None:
    client, stub = stubbed
    first = {"repositories": [_repository("aa")], "nextToken": "t"}
    stub.add_response("describe_repositories", first, {"maxResults": 1000})
    second = {"repositories": [_repository("bb")]}
    stub.add_response("describe_repositories", second, {"maxResults": 1000, "nextToken": "t"})
    found = [r["repositoryName"] for r in items(client, "describe_repositories", "repositories")]
    assert found == ["aa", "bb"]


def test_page_size_zero_sends_no_max_results(stubbed: tuple[Any, Any]) -> None:
    client, stub = stubbed
    expected = {"repositoryNames": ["aa"]}
    stub.add_response("describe_repositories", {"repositories": [_repository("aa")]}, expected)
    listed = list(pages(client, "describe_repositories", page_size=0, repositoryNames=["aa"]))
    assert [p["repositories"][0]["repositoryName"] for p in listed] == ["aa"]


def test_a_given_page_size_goes_out_as_max_results(stubbed: tuple[Any, Any]) -> None:
    client, stub = stubbed
    expected = {"repositoryName": "aa", "maxResults": 5}
    stub.add_response("list_images", {"imageIds": [{"imageTag": "v1"}]}, expected)
    found = list(items(client, "list_images", "imageIds", page_size=5, repositoryName="aa"))
    assert found == [{"imageTag": "v1"}]
