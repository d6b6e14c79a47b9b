"""Lifecycle policies and images of a repository, through an ECR client."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import error_code, registry_kwargs
from ecrctl.errors import NotFound
from ecrctl.lifecycle.images import Image, from_details
from ecrctl.repo.images import iter_image_details

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient


def _policy_call(
    call: Callable[..., Any],
    repository: str,
    registry_id: str | None,
    missing: NotFound | None = None,
    **params: Any,
) -> dict[str, Any]:
    """One lifecycle-policy call on ``repository``: its response without
    ResponseMetadata; ``missing`` raised when the repository has no policy."""
    try:
        response = call(repositoryName=repository, **params, **registry_kwargs(registry_id))
    except Exception as exc:
        if missing is not None and error_code(exc) == "LifecyclePolicyNotFoundException":
            raise missing from exc
        raise
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def get_lifecycle_policy(
    ecr: ECRClient, repository: str, *, registry_id: str | None = None
) -> dict[str, Any]:
    """GetLifecyclePolicy's response (``lifecyclePolicyText`` and friends)."""
    missing = NotFound(
        f"repository {repository!r} has no lifecycle policy",
        hint=f"create one: ecrctl policy lifecycle put {repository} FILE",
    )
    return _policy_call(ecr.get_lifecycle_policy, repository, registry_id, missing)


def policy_document(response: dict[str, Any]) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(response["lifecyclePolicyText"])
    return document


def with_rules_sorted(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its rules in ascending rulePriority (as ECR shows it)."""
    rules = document.get("rules")
    if not isinstance(rules, list):
        return document
    ordered = sorted(rules, key=lambda r: r.get("rulePriority", 0) if isinstance(r, dict) else 0)
    return {**document, "rules": ordered}


def put_lifecycle_policy(
    ecr: ECRClient, repository: str, text: str, *, registry_id: str | None = None
) -> dict[str, Any]:
    return _policy_call(ecr.put_lifecycle_policy, repository, registry_id, lifecyclePolicyText=text)


def delete_lifecycle_policy(
    ecr: ECRClient, repository: str, *, registry_id: str | None = None
) -> dict[str, Any]:
    missing = NotFound(f"repository {repository!r} has no lifecycle policy to delete")
    return _policy_call(ecr.delete_lifecycle_policy, repository, registry_id, missing)


def repository_images(
    ecr: ECRClient, repository: str, *, registry_id: str | None = None
) -> list[Image]:
    return from_details(
        iter_image_details(ecr, repository, registry_id=registry_id), source="DescribeImages"
    )
