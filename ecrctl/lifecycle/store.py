"""Lifecycle policies and images of a repository, through an ECR client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ecrctl.errors import NotFound
from ecrctl.lifecycle.images import Image, from_details

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

PAGE_SIZE = 1000


def _registry(registry_id: str | None) -> dict[str, Any]:
    return {"registryId": registry_id} if registry_id else {}


def _code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


def get_policy(
    ecr: ECRClient, repository: str, *, registry_id: str | None = None
) -> dict[str, Any]:
    """GetLifecyclePolicy's response (``lifecyclePolicyText`` and friends)."""
    try:
        response = ecr.get_lifecycle_policy(repositoryName=repository, **_registry(registry_id))
    except Exception as exc:
        if _code(exc) == "LifecyclePolicyNotFoundException":
            raise NotFound(
                f"repository {repository!r} has no lifecycle policy",
                hint=f"create one: ecrctl policy lifecycle put {repository} FILE",
            ) from exc
        raise
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def policy_document(response: dict[str, Any]) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(response["lifecyclePolicyText"])
    return document


def canonical(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its rules in ascending rulePriority (as ECR shows it)."""
    rules = document.get("rules")
    if not isinstance(rules, list):
        return document
    ordered = sorted(rules, key=lambda r: r.get("rulePriority", 0) if isinstance(r, dict) else 0)
    return {**document, "rules": ordered}


def put_policy(
    ecr: ECRClient, repository: str, text: str, *, registry_id: str | None = None
) -> dict[str, Any]:
    response = ecr.put_lifecycle_policy(
        repositoryName=repository, lifecyclePolicyText=text, **_registry(registry_id)
    )
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def delete_policy(
    ecr: ECRClient, repository: str, *, registry_id: str | None = None
) -> dict[str, Any]:
    try:
        response = ecr.delete_lifecycle_policy(repositoryName=repository, **_registry(registry_id))
    except Exception as exc:
        if _code(exc) == "LifecyclePolicyNotFoundException":
            raise NotFound(f"repository {repository!r} has no lifecycle policy to delete") from exc
        raise
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def iter_image_details(
    ecr: ECRClient, repository: str, *, registry_id: str | None = None
) -> Iterator[dict[str, Any]]:
    """Every DescribeImages entry of the repository, page by page."""
    kwargs: dict[str, Any] = {
        "repositoryName": repository,
        "maxResults": PAGE_SIZE,
        **_registry(registry_id),
    }
    while True:
        page = ecr.describe_images(**kwargs)
        yield from (dict(d) for d in page.get("imageDetails", []))
        token = page.get("nextToken")
        if not token:
            return
        kwargs["nextToken"] = token


def repository_images(
    ecr: ECRClient, repository: str, *, registry_id: str | None = None
) -> list[Image]:
    return from_details(
        iter_image_details(ecr, repository, registry_id=registry_id), source="DescribeImages"
    )
