"""Repository workflows: create, list and show (delete: :mod:`ecrctl.repo.delete`).

Pure functions over an ECR client; no click, no rich. Inputs are checked in
:mod:`ecrctl.distribution.refs` before any call.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import error_code, items, registry_kwargs
from ecrctl.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient


def create_repository(
    ecr: ECRClient,
    name: str,
    *,
    tags: list[dict[str, str]] | None = None,
    immutable: bool = False,
    scan_on_push: bool = False,
    encryption: str | None = None,
    kms_key: str | None = None,
    registry_id: str | None = None,
) -> dict[str, Any]:
    if kms_key and encryption != "KMS":
        raise InvalidInput(
            f"--kms-key {kms_key!r} needs --encryption KMS",
            hint="add --encryption KMS, or drop --kms-key",
        )
    kwargs: dict[str, Any] = {
        "repositoryName": name,
        "imageTagMutability": "IMMUTABLE" if immutable else "MUTABLE",
        "imageScanningConfiguration": {"scanOnPush": scan_on_push},
        **registry_kwargs(registry_id),
    }
    if tags:
        kwargs["tags"] = tags
    if encryption:
        config: dict[str, str] = {"encryptionType": encryption}
        if kms_key:
            config["kmsKey"] = kms_key
        kwargs["encryptionConfiguration"] = config
    repository: dict[str, Any] = dict(ecr.create_repository(**kwargs)["repository"])
    return repository


def iter_repositories(
    ecr: ECRClient, *, registry_id: str | None = None, names: list[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Every repository, page by page (maxResults 1000, nextToken followed)."""
    if names:  # the API takes no maxResults with repositoryNames
        yield from items(
            ecr,
            "describe_repositories",
            "repositories",
            page_size=0,
            repositoryNames=names,
            **registry_kwargs(registry_id),
        )
        return
    yield from items(ecr, "describe_repositories", "repositories", **registry_kwargs(registry_id))


def list_repositories(
    ecr: ECRClient, prefix: str | None = None, *, registry_id: str | None = None
) -> list[dict[str, Any]]:
    repos = [
        r
        for r in iter_repositories(ecr, registry_id=registry_id)
        if not prefix or r["repositoryName"].startswith(prefix)
    ]
    return sorted(repos, key=lambda r: r["repositoryName"])


def describe_repository(
    ecr: ECRClient, name: str, *, registry_id: str | None = None
) -> dict[str, Any]:
    for repo in iter_repositories(ecr, registry_id=registry_id, names=[name]):
        return repo
    raise NotFound(f"repository {name!r} not found")  # ECR raises first; kept for emulators


@dataclass
class ImageStats:
    count: int
    total_size: int


def image_stats(ecr: ECRClient, name: str, *, registry_id: str | None = None) -> ImageStats:
    count = 0
    total = 0
    reg = registry_kwargs(registry_id)
    for image in items(ecr, "describe_images", "imageDetails", repositoryName=name, **reg):
        count += 1
        total += int(image.get("imageSizeInBytes") or 0)
    return ImageStats(count, total)


def _has_policy(call: Any, exc_name: str, **kwargs: Any) -> bool:
    try:
        call(**kwargs)
    except Exception as exc:
        if error_code(exc) == exc_name:
            return False
        raise
    return True


def show_repository(ecr: ECRClient, name: str, *, registry_id: str | None = None) -> dict[str, Any]:
    """The repository plus image count, total size, tags and which policies are set."""
    repo = describe_repository(ecr, name, registry_id=registry_id)
    stats = image_stats(ecr, name, registry_id=registry_id)
    tags = ecr.list_tags_for_resource(resourceArn=repo["repositoryArn"]).get("tags", [])
    reg = registry_kwargs(registry_id)
    return {
        "repository": repo,
        "imageCount": stats.count,
        "totalSizeInBytes": stats.total_size,
        "tags": [dict(t) for t in tags],
        "hasRepositoryPolicy": _has_policy(
            ecr.get_repository_policy,
            "RepositoryPolicyNotFoundException",
            repositoryName=name,
            **reg,
        ),
        "hasLifecyclePolicy": _has_policy(
            ecr.get_lifecycle_policy, "LifecyclePolicyNotFoundException", repositoryName=name, **reg
        ),
    }
