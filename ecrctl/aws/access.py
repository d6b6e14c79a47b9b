"""The ECR access helpers every workflow shares: the registry-id argument,
botocore's paginators, and the AWS error code of an exception.

Pure helpers over a client; botocore is never imported here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# maxResults limits of the API model
PAGE_SIZES = {
    "describe_repositories": 1000,
    "describe_images": 1000,
    "list_images": 1000,
    "get_lifecycle_policy_preview": 100,
}


def registry_kwargs(registry_id: str | None) -> dict[str, Any]:
    """``{"registryId": ...}`` for another account's registry, else nothing (the caller's)."""
    return {"registryId": registry_id} if registry_id else {}


def error_code(exc: BaseException) -> str:
    """The AWS error code of a botocore ClientError ('' for anything else)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def error_message(exc: BaseException) -> str:
    """The AWS error message of a botocore ClientError ('' for anything else)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Message", "")).strip()
    return ""


def pages(
    client: Any, operation: str, *, page_size: int | None = None, **kwargs: Any
) -> Iterator[dict[str, Any]]:
    """Every page of ``operation`` through botocore's paginator (``nextToken`` followed).

    ``page_size`` (default: the API's maximum) goes out as ``maxResults``; pass
    ``page_size=0`` where the API forbids it (DescribeRepositories with names).
    """
    size = PAGE_SIZES.get(operation) if page_size is None else page_size
    config = {"PageSize": size} if size else {}
    paginator = client.get_paginator(operation)
    yield from paginator.paginate(**kwargs, PaginationConfig=config)


def items(
    client: Any, operation: str, key: str, *, page_size: int | None = None, **kwargs: Any
) -> Iterator[dict[str, Any]]:
    """Every item under ``key`` of every page of ``operation``."""
    for page in pages(client, operation, page_size=page_size, **kwargs):
        for item in page.get(key) or []:
            yield dict(item)
