"""Images in one repository: list, show, resolve references, delete.

Pure functions over an ECR client; no click, no rich.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from ecrctl.aws.access import error_code, items, registry_kwargs
from ecrctl.errors import InvalidInput, NotFound, ServiceError
from ecrctl.registry.manifest import ACCEPTED_MEDIA_TYPES, digest_of, parse_manifest
from ecrctl.registry.refs import check_digest, check_image_tag

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

DELETE_BATCH = 100  # BatchDeleteImage takes 1-100 image ids
GET_BATCH = 100  # BatchGetImage takes 1-100 image ids

SortKey = Literal["pushed", "size", "tag"]
TagStatus = Literal["TAGGED", "UNTAGGED", "ANY"]


# -- references -------------------------------------------------------------------


@dataclass(frozen=True)
class ImageRef:
    """A tag or a digest naming one image of a repository."""

    tag: str | None = None
    digest: str | None = None

    @property
    def image_id(self) -> dict[str, str]:
        return {"imageDigest": self.digest} if self.digest else {"imageTag": str(self.tag)}

    def __str__(self) -> str:
        return self.digest or str(self.tag)


def parse_ref(ref: str) -> ImageRef:
    """``TAG``, ``sha256:<64 hex>`` or ``@sha256:...`` as an ImageRef (checked)."""
    text = ref[1:] if ref.startswith("@") else ref
    if ":" in text or text.startswith("sha256"):
        if not text.startswith("sha256:"):
            raise InvalidInput(
                f"invalid image reference {ref!r}: only sha256 digests are used by ECR",
                hint="give a tag, or a digest sha256:<64 hex digits>",
            )
        return ImageRef(digest=check_digest(text))
    return ImageRef(tag=check_image_tag(text))


# -- listing -----------------------------------------------------------------------


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


def _not_found(repository: str, ref: ImageRef) -> NotFound:
    kind = "digest" if ref.digest else "tag"
    return NotFound(
        f"no image with {kind} {ref} in repository {repository!r}",
        hint=f"list its images with: ecrctl image list {repository}",
    )


def describe_image(
    ecr: ECRClient, repository: str, ref: ImageRef, *, registry_id: str | None = None
) -> dict[str, Any]:
    """The imageDetail of one image (NotFound names the tag or digest)."""
    try:
        page = ecr.describe_images(
            repositoryName=repository,
            imageIds=[ref.image_id],  # type: ignore[list-item]
            **registry_kwargs(registry_id),
        )
    except Exception as exc:
        if error_code(exc) == "ImageNotFoundException":
            raise _not_found(repository, ref) from None
        raise
    details = page.get("imageDetails", [])
    if not details:
        raise _not_found(repository, ref)
    return dict(details[0])


@dataclass
class StoredManifest:
    digest: str
    manifest: str  # the exact text ECR stores
    media_type: str | None  # imageManifestMediaType as ECR recorded it


def get_manifest(
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
        raise _not_found(repository, ImageRef(digest=digest))
    raise ServiceError(f"cannot read the manifest of {digest} in {repository!r}: {reason}")


def tag_digests(
    ecr: ECRClient, repository: str, tags: list[str], *, registry_id: str | None = None
) -> dict[str, str]:
    """Which digest each tag points at now (tags that do not exist are left out)."""
    current: dict[str, str] = {}
    for start in range(0, len(tags), GET_BATCH):
        chunk = tags[start : start + GET_BATCH]
        response = ecr.batch_get_image(
            repositoryName=repository,
            imageIds=[{"imageTag": t} for t in chunk],
            acceptedMediaTypes=ACCEPTED_MEDIA_TYPES,
            **registry_kwargs(registry_id),
        )
        for image in response.get("images", []):
            image_id = image.get("imageId", {})
            tag, digest = image_id.get("imageTag"), image_id.get("imageDigest")
            if tag in chunk and digest:
                current[tag] = digest
    return current


def show_image(
    ecr: ECRClient, repository: str, ref: ImageRef, *, registry_id: str | None = None
) -> dict[str, Any]:
    """imageDetail, the parsed manifest and the raw manifest text of one image."""
    detail = describe_image(ecr, repository, ref, registry_id=registry_id)
    stored = get_manifest(ecr, repository, detail["imageDigest"], registry_id=registry_id)
    declared = stored.media_type or detail.get("imageManifestMediaType")
    info = parse_manifest(stored.manifest, declared)
    return {
        "imageDetail": detail,
        "imageManifestMediaType": stored.media_type or info.mediaType,
        "manifest": info.to_dict(),
        "manifestDigest": digest_of(stored.manifest),
        "imageManifest": stored.manifest,
    }


# -- delete ------------------------------------------------------------------------

TAG_REMOVED = "TAG_REMOVED"
IMAGE_DELETED = "IMAGE_DELETED"


@dataclass
class DeleteItem:
    """One image id sent to BatchDeleteImage, and what it does."""

    image_id: dict[str, str]
    digest: str
    action: str  # TAG_REMOVED or IMAGE_DELETED
    tags_lost: list[str] = field(default_factory=list)
    status: str = "planned"  # planned, done or failed
    failure_code: str | None = None
    failure_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "imageId": dict(self.image_id, imageDigest=self.digest),
            "action": self.action,
            "tagsRemoved": list(self.tags_lost),
            "status": self.status,
        }
        if self.failure_code:
            data["failureCode"] = self.failure_code
            data["failureReason"] = self.failure_reason
        return data


@dataclass
class DeletePlan:
    repository: str
    items: list[DeleteItem]

    @property
    def by_digest(self) -> list[DeleteItem]:
        return [i for i in self.items if "imageDigest" in i.image_id]

    @property
    def failed(self) -> list[DeleteItem]:
        return [i for i in self.items if i.status == "failed"]

    def to_dict(self, *, dry_run: bool = False, batches: int = 0) -> dict[str, Any]:
        return {
            "repositoryName": self.repository,
            "dryRun": dry_run,
            "batchDeleteImageCalls": batches,
            "results": [i.to_dict() for i in self.items],
        }


def plan_delete(
    ecr: ECRClient,
    repository: str,
    refs: list[ImageRef],
    *,
    untagged: bool = False,
    registry_id: str | None = None,
) -> DeletePlan:
    """What deleting ``refs`` (and, with ``untagged``, every untagged image) does.

    A tag whose image keeps other tags only loses that tag; the last tag of an
    image takes the image with it. A digest deletes the image and all its tags.
    Unknown tags or digests fail here, before anything is deleted.
    """
    if not refs and not untagged:
        raise InvalidInput("nothing to delete", hint="give tags or digests, or --untagged")
    images = list(iter_image_details(ecr, repository, registry_id=registry_id))
    tags_of = {d["imageDigest"]: list(d.get("imageTags") or []) for d in images}
    digest_of_tag = {t: digest for digest, tags in tags_of.items() for t in tags}

    whole: dict[str, None] = {}  # digests deleted outright, in order
    tag_refs: dict[str, str] = {}  # tag -> digest
    for ref in refs:
        if ref.digest:
            if ref.digest not in tags_of:
                raise _not_found(repository, ref)
            whole[ref.digest] = None
        else:
            digest = digest_of_tag.get(str(ref.tag))
            if digest is None:
                raise _not_found(repository, ref)
            tag_refs[str(ref.tag)] = digest
    if untagged:
        for digest, tags in tags_of.items():
            if not tags:
                whole[digest] = None

    items = [
        DeleteItem({"imageDigest": d}, d, IMAGE_DELETED, tags_lost=sorted(tags_of[d]))
        for d in whole
    ]
    removed: dict[str, set[str]] = {}
    for tag, digest in tag_refs.items():
        if digest not in whole:
            removed.setdefault(digest, set()).add(tag)
    # Tags of one image go one by one: the one that leaves it with no tag takes the
    # image (and is reported with every tag the image lost in this call).
    left = {digest: set(tags_of[digest]) for digest in removed}
    for tag, digest in tag_refs.items():
        if digest in whole:
            continue  # the digest deletes the image and this tag with it
        left[digest].discard(tag)
        if left[digest]:
            items.append(DeleteItem({"imageTag": tag}, digest, TAG_REMOVED, tags_lost=[tag]))
        else:
            lost = [t for t in tag_refs if tag_refs[t] == digest]
            items.append(DeleteItem({"imageTag": tag}, digest, IMAGE_DELETED, tags_lost=lost))
    return DeletePlan(repository, items)


def _match_failure(failure: dict[str, Any], pending: list[DeleteItem]) -> DeleteItem | None:
    failed_id = failure.get("imageId", {})
    for item in pending:
        if item.status != "planned":
            continue
        if "imageTag" in item.image_id and failed_id.get("imageTag") == item.image_id["imageTag"]:
            return item
        if "imageDigest" in item.image_id and failed_id.get("imageDigest") == item.digest:
            return item
    for item in pending:  # a failure that names only the digest of a tag's image
        if item.status == "planned" and failed_id.get("imageDigest") == item.digest:
            return item
    return None


def execute_delete(ecr: ECRClient, plan: DeletePlan, *, registry_id: str | None = None) -> int:
    """Run the plan in BatchDeleteImage calls of at most 100 ids; mark every
    item done or failed (with ECR's failureCode and reason). Returns the number
    of calls made."""
    calls = 0
    for start in range(0, len(plan.items), DELETE_BATCH):
        batch = plan.items[start : start + DELETE_BATCH]
        response = ecr.batch_delete_image(
            repositoryName=plan.repository,
            imageIds=[i.image_id for i in batch],  # type: ignore[misc]
            **registry_kwargs(registry_id),
        )
        calls += 1
        for failure in response.get("failures", []):
            item = _match_failure(dict(failure), batch)
            if item is not None:
                item.status = "failed"
                item.failure_code = str(failure.get("failureCode", ""))
                item.failure_reason = str(failure.get("failureReason", ""))
        for item in batch:
            if item.status == "planned":
                item.status = "done"
    return calls
