"""Deleting images: plan what BatchDeleteImage will do to each tag and digest,
then run the plan in batches and account for every item.

Pure functions over an ECR client; no click, no rich.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import registry_kwargs
from ecrctl.errors import InvalidInput
from ecrctl.image.query import image_not_found, iter_image_details
from ecrctl.registry.refs import ImageRef

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

DELETE_BATCH = 100  # BatchDeleteImage takes 1-100 image ids

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
                raise image_not_found(repository, ref)
            whole[ref.digest] = None
        else:
            digest = digest_of_tag.get(str(ref.tag))
            if digest is None:
                raise image_not_found(repository, ref)
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
