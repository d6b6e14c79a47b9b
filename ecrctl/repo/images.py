"""The images a repository holds, listed through DescribeImages: what ``repo delete``,
the image commands and the lifecycle preview read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from ecrctl.aws.access import items, registry_kwargs

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

TagStatus = Literal["TAGGED", "UNTAGGED", "ANY"]


def iter_image_details(
    ecr: ECRClient,
    repository: str,
    *,
    registry_id: str | None = None,
    tag_status: TagStatus = "ANY",
) -> Iterator[dict[str, Any]]:
    """Every image of a repository, page by page (maxResults 1000, nextToken followed)."""
    kwargs: dict[str, Any] = {"repositoryName": repository, **registry_kwargs(registry_id)}
    if tag_status != "ANY":
        kwargs["filter"] = {"tagStatus": tag_status}
    for detail in items(ecr, "describe_images", "imageDetails", **kwargs):
        tagged = bool(detail.get("imageTags"))
        # filtered again here: some emulators ignore the server-side filter
        if tag_status == "ANY" or tagged == (tag_status == "TAGGED"):
            yield detail
