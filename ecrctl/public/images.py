"""Images in ECR Public repositories: DescribeImages, BatchDeleteImage, and one
image's manifest.

Deleting there is by digest only: ECR Public has no tag-only delete (removing
a tag takes the image and all its tags), so a tag is refused before any call.
ECR Public has no BatchGetImage either: ``show_image`` reads the manifest
through the registry API, by digest, with no login needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import error_code, items, registry_kwargs
from ecrctl.distribution.refs import ImageRef
from ecrctl.errors import InvalidInput
from ecrctl.public.repository import LACKS

if TYPE_CHECKING:
    from ecrctl.login.registries import Registries

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


def describe_image(
    client: Any, repository: str, ref: ImageRef, *, registry_id: str | None = None
) -> dict[str, Any]:
    """The imageDetail of one public image (NotFound names the tag or digest)."""
    from ecrctl.image.query import image_not_found

    try:
        page = client.describe_images(
            repositoryName=repository, imageIds=[ref.image_id], **registry_kwargs(registry_id)
        )
    except Exception as exc:
        if error_code(exc) == "ImageNotFoundException":
            raise image_not_found(repository, ref) from None
        raise
    details = page.get("imageDetails") or []
    if not details:
        raise image_not_found(repository, ref)
    return dict(details[0])


def show_image(
    registries: Registries,
    repository: str,
    ref: ImageRef,
    *,
    registry_id: str | None = None,
    registry_url: str | None = None,
) -> dict[str, Any]:
    """``image show --public``: the imageDetail (DescribeImages) and the manifest,
    read by digest through the registry API; the shape of ``image show``."""
    from ecrctl.distribution.content import read_manifest
    from ecrctl.distribution.manifest import parse_manifest
    from ecrctl.login.endpoint import endpoint
    from ecrctl.public.location import PublicImage, locate_image
    from ecrctl.public.repository import public_client

    client = public_client(registries.aws)
    image, _ = locate_image(
        registries,
        client,
        PublicImage(repository),
        registry_id=registry_id,
        registry_url=registry_url,
        action="show",
    )
    detail = describe_image(client, repository, ref, registry_id=registry_id)
    registry = endpoint(registries, image.address).client()
    stored = read_manifest(registry, image.path, detail["imageDigest"])
    text = stored.body.decode("utf-8")
    info = parse_manifest(text, stored.media_type)
    return {
        "imageDetail": detail,
        "imageManifestMediaType": stored.media_type,
        "manifest": info.to_dict(),
        "manifestDigest": stored.digest,
        "imageManifest": text,
    }
