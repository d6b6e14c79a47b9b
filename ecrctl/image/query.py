"""Images in one repository: list, describe, read manifests, show.

Pure functions over an ECR client; no click, no rich.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from ecrctl.aws.access import error_code, registry_kwargs
from ecrctl.distribution.manifest import ACCEPTED_MEDIA_TYPES, digest_of, parse_manifest
from ecrctl.distribution.refs import ImageRef
from ecrctl.errors import InvalidInput, NotFound, ServiceError
from ecrctl.repo.images import TagStatus, iter_image_details

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

GET_BATCH = 100  # BatchGetImage takes 1-100 image ids

SortKey = Literal["pushed", "size", "tag"]


# -- listing -----------------------------------------------------------------------


def _epoch(value: Any) -> float:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return float(value.timestamp())
    return 0.0


def sort_images(images: list[dict[str, Any]], key: SortKey) -> list[dict[str, Any]]:
    """pushed: newest first; size: largest first; tag: by first tag, untagged last."""
    if key == "size":
        return sorted(images, key=lambda d: -int(d.get("imageSizeInBytes") or 0))
    if key == "tag":
        return sorted(
            images,
            key=lambda d: (
                not d.get("imageTags"),
                sorted(d.get("imageTags") or [""])[0],
                d["imageDigest"],
            ),
        )
    return sorted(images, key=lambda d: -_epoch(d.get("imagePushedAt")))


def list_images(
    ecr: ECRClient,
    repository: str,
    *,
    registry_id: str | None = None,
    tag_status: TagStatus = "ANY",
    sort: SortKey = "pushed",
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """imageDetails of a repository, sorted, at most ``limit`` of them."""
    if limit is not None and limit < 1:
        raise InvalidInput(f"--limit {limit} is not a whole number >= 1")
    found = list(
        iter_image_details(ecr, repository, registry_id=registry_id, tag_status=tag_status)
    )
    ordered = sort_images(found, sort)
    return ordered[:limit] if limit is not None else ordered


# -- one image ---------------------------------------------------------------------


def image_not_found(repository: str, ref: ImageRef) -> NotFound:
    kind = "digest" if ref.digest else "tag"
    return NotFound(
        f"no image with {kind} {ref} in repository {repository!r}",
        hint=f"list its images with: ecrctl image list {repository}",
    )


def describe_image(
    ecr: ECRClient, repository: str, ref: ImageRef, *, registry_id: str | None = None
) -> dict[str, Any]:
    """The imageDetail of one image (NotFound names the tag or digest); ``ecr`` may
    also be ECR Public's client, whose DescribeImages takes and answers the same."""
    try:
        page = ecr.describe_images(
            repositoryName=repository,
            imageIds=[ref.image_id],  # type: ignore[list-item]
            **registry_kwargs(registry_id),
        )
    except Exception as exc:
        if error_code(exc) == "ImageNotFoundException":
            raise image_not_found(repository, ref) from None
        raise
    details = page.get("imageDetails", [])
    if not details:
        raise image_not_found(repository, ref)
    return dict(details[0])


@dataclass
class StoredManifest:
    digest: str
    manifest: str  # the exact text ECR stores
    media_type: str | None  # imageManifestMediaType as ECR recorded it


def stored_manifest(
    ecr: ECRClient, repository: str, digest: str, *, registry_id: str | None = None
) -> StoredManifest:
    """The manifest stored under ``digest``, asked for in every format so that
    ECR never converts it (it converts only when asked by tag)."""
    response = ecr.batch_get_image(
        repositoryName=repository,
        imageIds=[{"imageDigest": digest}],
        acceptedMediaTypes=ACCEPTED_MEDIA_TYPES,
        **registry_kwargs(registry_id),
    )
    for image in response.get("images", []):
        text = image.get("imageManifest")
        if text is None:
            continue
        return StoredManifest(
            digest=digest, manifest=text, media_type=image.get("imageManifestMediaType")
        )
    failures = response.get("failures", [])
    reason = failures[0].get("failureReason", "") if failures else "no manifest returned"
    code = failures[0].get("failureCode", "") if failures else ""
    if code in {"ImageNotFound", "ImageTagDoesNotMatchDigest"}:
        raise image_not_found(repository, ImageRef(digest=digest))
    raise ServiceError(f"cannot read the manifest of {digest} in {repository!r}: {reason}")


def show_image(
    ecr: ECRClient, repository: str, ref: ImageRef, *, registry_id: str | None = None
) -> dict[str, Any]:
    """imageDetail, the parsed manifest and the raw manifest text of one image."""
    detail = describe_image(ecr, repository, ref, registry_id=registry_id)
    stored = stored_manifest(ecr, repository, detail["imageDigest"], registry_id=registry_id)
    declared = stored.media_type or detail.get("imageManifestMediaType")
    info = parse_manifest(stored.manifest, declared)
    return {
        "imageDetail": detail,
        "imageManifestMediaType": stored.media_type or info.mediaType,
        "manifest": info.to_dict(),
        "manifestDigest": digest_of(stored.manifest),
        "imageManifest": stored.manifest,
    }
