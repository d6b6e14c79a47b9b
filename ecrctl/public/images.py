"""Images in ECR Public repositories: DescribeImages and BatchDeleteImage.

Deleting there is by digest only: ECR Public has no tag-only delete (removing
a tag takes the image and all its tags), so a tag is refused before any call.
"""

from __future__ import annotations

from typing import Any

from ecrctl.aws.access import items, registry_kwargs
from ecrctl.errors import InvalidInput
from ecrctl.public.repository import LACKS
from ecrctl.registry.refs import ImageRef

BATCH = 100


def list_images(
    client: Any, repository: str, *, registry_id: str | None = None
) -> list[dict[str, Any]]:
    """Every image of a public repository, newest first."""
    found = list(
        items(
            client,
            "describe_images",
            "imageDetails",
            repositoryName=repository,
            **registry_kwargs(registry_id),
        )
    )
    found.sort(key=lambda i: i.get("imagePushedAt") or 0, reverse=True)
    return found


def delete_images(
    client: Any, repository: str, refs: list[ImageRef], *, registry_id: str | None = None
) -> dict[str, Any]:
    """Delete images by digest, 100 per call: ``{"deleted": [...], "failures": [...]}``
    (the caller reports failures)."""
    refuse_tags(repository, refs)
    digests = list(dict.fromkeys(ref.digest for ref in refs if ref.digest))
    deleted: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    for start in range(0, len(digests), BATCH):
        ids = [{"imageDigest": d} for d in digests[start : start + BATCH]]
        answer = client.batch_delete_image(
            repositoryName=repository, imageIds=ids, **registry_kwargs(registry_id)
        )
        deleted += answer.get("imageIds", [])
        failures += answer.get("failures", [])
    return {"repositoryName": repository, "deleted": deleted, "failures": failures}


def refuse_tags(repository: str, refs: list[ImageRef]) -> None:
    """ECR Public has no tag-only delete: a tag is refused before any call."""
    tags = [ref.tag for ref in refs if not ref.digest]
    if tags:
        raise InvalidInput(
            f"{LACKS['tag_delete']} (asked for tag {tags[0]!r})",
            hint=f"ecrctl image list --public {repository} shows the digests",
        )
