"""Deleting images: plan what BatchDeleteImage will do to each tag and digest,
then run the plan in batches and account for every item.

The image graph (:mod:`ecrctl.image.graph`) is one unit: an image's referrers go
with it, an index's untagged children that no other index references go with it,
and the calls run in passes ECR accepts (referrers, then indexes and plain images,
then children: never ``ImageReferencedByManifestList``). ``--untagged`` leaves out
the children and referrers of images that stay.

Pure functions over an ECR client; no click, no rich.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl import batch
from ecrctl.aws.access import registry_kwargs
from ecrctl.distribution.refs import ImageRef
from ecrctl.errors import InvalidInput
from ecrctl.image.graph import IMAGES, Graph, read_graph
from ecrctl.image.query import image_not_found
from ecrctl.repo.images import iter_image_details

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

DELETE_BATCH = 100  # BatchDeleteImage takes 1-100 image ids

# -- delete ------------------------------------------------------------------------

TAG_REMOVED = "TAG_REMOVED"
IMAGE_DELETED = "IMAGE_DELETED"


# BatchDeleteImage failure codes that mean "this id is not there (any more)": for an
# id the plan saw a moment ago, that is a deletion (ours, answered to a retried call
# whose first answer was lost, or somebody else's), never a failure.
GONE_CODES = {"ImageNotFound", "ImageNotFoundException"}


@dataclass
class DeleteItem(batch.Item):
    """One image id sent to BatchDeleteImage, and what it does."""

    image_id: dict[str, str] = field(default_factory=dict)
    digest: str = ""
    action: str = IMAGE_DELETED  # TAG_REMOVED or IMAGE_DELETED
    tags_lost: list[str] = field(default_factory=list)
    step: int = IMAGES  # the pass it is deleted in (see ecrctl.image.graph)
    goes_with: str = ""  # the image it goes with (a child's index, a referrer's subject)

    def detail(self) -> dict[str, Any]:
        data = {
            "imageId": dict(self.image_id, imageDigest=self.digest),
            "action": self.action,
            "tagsRemoved": list(self.tags_lost),
        }
        if self.goes_with:
            data["goesWith"] = self.goes_with
        return data

    def to_dict(self, *, dry_run: bool = False) -> dict[str, Any]:
        data = self.detail()
        data["status"] = "planned" if dry_run else self.status
        data.update(self.failure_fields())
        return data


@dataclass
class DeletePlan:
    repository: str
    items: list[DeleteItem]
    calls: int = 0  # BatchDeleteImage calls made
    graph: Graph = field(default_factory=Graph)
    kept: list[tuple[str, str]] = field(default_factory=list)  # untagged, (digest, holder)

    @property
    def by_digest(self) -> list[DeleteItem]:
        return [i for i in self.items if "imageDigest" in i.image_id]

    @property
    def failed(self) -> list[DeleteItem]:
        return [i for i in self.items if i.status == batch.FAILED]

    def to_dict(self, *, dry_run: bool = False) -> dict[str, Any]:
        data = {
            "repositoryName": self.repository,
            "dryRun": dry_run,
            "batchDeleteImageCalls": self.calls,
            "results": [i.to_dict(dry_run=dry_run) for i in self.items],
        }
        if not dry_run:
            data.update(batch.report(self.items))
        return data


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
    graph = read_graph(ecr, repository, images, registry_id=registry_id)
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
    kept: list[tuple[str, str]] = []
    if untagged:
        for digest, tags in tags_of.items():
            holders = [h for h in graph.holders(digest) if h not in whole]
            if holders and not tags:
                kept.append((digest, holders[0]))
            elif not tags:
                whole[digest] = None

    items = [delete_item({"imageDigest": d}, d, IMAGE_DELETED, sorted(tags_of[d])) for d in whole]
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
            items.append(delete_item({"imageTag": tag}, digest, TAG_REMOVED, [tag]))
        else:
            lost = [t for t in tag_refs if tag_refs[t] == digest]
            items.append(delete_item({"imageTag": tag}, digest, IMAGE_DELETED, lost))
    return _with_graph(DeletePlan(repository, items, graph=graph, kept=kept), tags_of)


def _with_graph(plan: DeletePlan, tags_of: dict[str, list[str]]) -> DeletePlan:
    """The plan with what goes with its images, every item in its pass."""
    graph = plan.graph
    doomed = [i.digest for i in plan.items if i.action == IMAGE_DELETED]
    for digest, (step, holder) in graph.goes_with(doomed).items():
        item = delete_item({"imageDigest": digest}, digest, IMAGE_DELETED, sorted(tags_of[digest]))
        item.step, item.goes_with = step, holder
        plan.items.append(item)
    for item in plan.items:
        if not item.goes_with and item.action == IMAGE_DELETED:
            item.step = graph.pass_of(item.digest)
    plan.items.sort(key=lambda item: item.step)  # stable: the order given within a pass
    return plan


def delete_item(image_id: dict[str, str], digest: str, action: str, lost: list[str]) -> DeleteItem:
    key = image_id.get("imageTag") or digest
    return DeleteItem(key, image_id=image_id, digest=digest, action=action, tags_lost=lost)


def _match_failure(failure: dict[str, Any], pending: list[DeleteItem]) -> DeleteItem | None:
    failed_id = failure.get("imageId", {})
    for item in pending:
        if item.settled:
            continue
        if "imageTag" in item.image_id and failed_id.get("imageTag") == item.image_id["imageTag"]:
            return item
        if "imageDigest" in item.image_id and failed_id.get("imageDigest") == item.digest:
            return item
    for item in pending:  # a failure that names only the digest of a tag's image
        if not item.settled and failed_id.get("imageDigest") == item.digest:
            return item
    return None


class _Deleter:
    """The BatchDeleteImage calls of one plan, and reading back what they did."""

    def __init__(self, ecr: ECRClient, plan: DeletePlan, registry_id: str | None) -> None:
        self.ecr = ecr
        self.plan = plan
        self.registry = registry_kwargs(registry_id)

    def call(self, chunk: list[DeleteItem]) -> None:
        """One BatchDeleteImage per pass in ``chunk``, in order; every id settled
        from its answer."""
        for step in sorted({item.step for item in chunk}):
            group = [item for item in chunk if item.step == step]
            self._call(group)
            batch.settle_unsettled(group, batch.DONE)

    def _call(self, chunk: list[DeleteItem]) -> None:
        self.plan.calls += 1
        response = self.ecr.batch_delete_image(
            repositoryName=self.plan.repository,
            imageIds=[i.image_id for i in chunk],  # type: ignore[misc]
            **self.registry,
        )
        for failure in response.get("failures", []):
            item = _match_failure(dict(failure), chunk)
            if item is None:
                continue
            code = str(failure.get("failureCode", ""))
            if code in GONE_CODES:
                item.settle(batch.DONE)
            else:
                item.settle(batch.FAILED, code, str(failure.get("failureReason", "")))

    def reconcile(self, chunk: list[DeleteItem]) -> None:
        """After a call whose answer never came: what the repository holds now says
        which ids of ``chunk`` are gone (done) and which are not (not done)."""
        images = iter_image_details(self.ecr, self.plan.repository, **_registry_id(self.registry))
        tags_of = {d["imageDigest"]: set(d.get("imageTags") or []) for d in images}
        for item in chunk:
            tag = item.image_id.get("imageTag")
            if tag is not None:
                gone = tag not in tags_of.get(item.digest, set())
            else:
                gone = item.digest not in tags_of
            if gone:
                item.settle(batch.DONE)
            else:
                item.settle(
                    batch.FAILED, batch.CALL_FAILED, "the call failed; the id is still there"
                )


def _registry_id(registry: dict[str, Any]) -> dict[str, Any]:
    return {"registry_id": registry.get("registryId")}


def execute_delete(ecr: ECRClient, plan: DeletePlan, *, registry_id: str | None = None) -> int:
    """Run the plan in BatchDeleteImage calls of at most 100 ids; settle every item
    done, failed (with ECR's failureCode and reason), not attempted or unknown.
    Returns the number of calls; a call that raises stops the batch with an error
    that counts what was done (the plan holds the rest)."""
    deleter = _Deleter(ecr, plan, registry_id)
    batch.run_chunks(plan.items, DELETE_BATCH, deleter.call, deleter.reconcile, verb="deleted")
    return plan.calls
