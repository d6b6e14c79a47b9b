"""Images in ECR Public repositories: DescribeImages, BatchDeleteImage, and one
image's manifest.

Deleting there is by digest only: ECR Public has no tag-only delete (removing
a tag takes the image and all its tags), so a tag is refused before any call.
ECR Public has no BatchGetImage either: ``show_image`` reads the manifest
through the registry API, by digest, with no login needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl import batch
from ecrctl.aws.access import items, registry_kwargs
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


@dataclass
class PublicDelete:
    """Images deleted by digest (each a batch item), with BatchDeleteImage's own
    ``imageIds`` and ``failures`` as it answered them."""

    repository: str
    items: list[batch.Item]
    deleted: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "repositoryName": self.repository,
            "deleted": self.deleted,
            "failures": self.failures,
            **batch.report(self.items),
        }


def refuse_tags(repository: str, refs: list[ImageRef]) -> None:
    """ECR Public has no tag-only delete: a tag is refused before any call."""
    tags = [ref.tag for ref in refs if not ref.digest]
    if tags:
        raise InvalidInput(
            f"{LACKS['tag_delete']} (asked for tag {tags[0]!r})",
            hint=f"ecrctl image list --public {repository} shows the digests",
        )


def plan_delete(repository: str, refs: list[ImageRef]) -> PublicDelete:
    """The digests to delete (a tag is refused before any call)."""
    refuse_tags(repository, refs)
    digests = dict.fromkeys(str(ref.digest) for ref in refs if ref.digest)
    return PublicDelete(repository, [batch.Item(d) for d in digests])


def execute_delete(client: Any, plan: PublicDelete, *, registry_id: str | None = None) -> None:
    """Delete the plan's digests, 100 per call; every item settled done, failed (with
    ECR Public's failureCode), not attempted or unknown (see :mod:`ecrctl.batch`)."""

    def call(chunk: list[batch.Item]) -> None:
        answer = client.batch_delete_image(
            repositoryName=plan.repository,
            imageIds=[{"imageDigest": i.key} for i in chunk],
            **registry_kwargs(registry_id),
        )
        plan.deleted += answer.get("imageIds", [])
        by_digest = {i.key: i for i in chunk}
        for failure in answer.get("failures", []):
            plan.failures.append(failure)
            item = by_digest.get(failure.get("imageId", {}).get("imageDigest"))
            if item is not None:
                code = str(failure.get("failureCode", ""))
                item.settle(batch.FAILED, code, str(failure.get("failureReason", "")))

    def reconcile(chunk: list[batch.Item]) -> None:
        found = list_images(client, plan.repository, registry_id=registry_id)
        present = {d["imageDigest"] for d in found}
        for item in chunk:
            if item.key in present:
                reason = "the call failed; the image is still there"
                item.settle(batch.FAILED, batch.CALL_FAILED, reason)
            else:
                item.settle(batch.DONE)

    batch.run_chunks(plan.items, BATCH, call, reconcile, verb="deleted")


def delete_images(
    client: Any, repository: str, refs: list[ImageRef], *, registry_id: str | None = None
) -> PublicDelete:
    """Delete images by digest, 100 per call (the caller reports failures)."""
    plan = plan_delete(repository, refs)
    execute_delete(client, plan, registry_id=registry_id)
    return plan


def show_image(
    registries: Registries, repository: str, ref: ImageRef, *, registry_id: str | None = None
) -> dict[str, Any]:
    """``image show --public``: the imageDetail (DescribeImages) and the manifest,
    read by digest through the registry API; the shape of ``image show``."""
    from ecrctl.distribution.content import read_manifest
    from ecrctl.distribution.manifest import parse_manifest
    from ecrctl.image.query import describe_image
    from ecrctl.login.endpoint import endpoint
    from ecrctl.public.location import PublicImage, locate_image
    from ecrctl.public.repository import public_client

    client = public_client(registries.aws)
    image, _ = locate_image(
        registries,
        client,
        PublicImage(repository),
        registry_id=registry_id,
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
