"""``repo copy``: every tag (and, from ECR, optionally every untagged image) of
a repository into another repository, on the same or another registry.

One :class:`~ecrctl.distribution.blobs.BlobMover` serves the whole run, so a blob
shared by many tags is sent once. Images already at the destination with the
same digest are ``unchanged``: a rerun after an interruption finishes the rest
and moves nothing twice. Every tag or digest is a :class:`ecrctl.batch.Item`
copied through :func:`ecrctl.batch.run_each`, so the report is the one every
batch command gives (done, failed with its code, not attempted, unknown), with
each copy's digest, outcome and bytes as the item's detail.
"""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl import batch
from ecrctl.aws.access import items, registry_kwargs
from ecrctl.batch import InFlight
from ecrctl.distribution.content import manifest_digest
from ecrctl.distribution.content import tags as list_tags
from ecrctl.distribution.reference import ImageReference, parse_reference
from ecrctl.distribution.referrers import is_referrer_tag
from ecrctl.errors import AuthError, EcrctlError, InvalidInput, ServiceError
from ecrctl.image.copy import CopyOptions, CopyPlan, ImageCopier
from ecrctl.image.copy_destination import Destination, check_destination, open_destination
from ecrctl.jsonrecord import record_json
from ecrctl.login.endpoint import endpoint

if TYPE_CHECKING:
    from ecrctl.image.copy import CopyResult
    from ecrctl.login.registries import Registries

ItemCallback = Callable[[str, str], None]  # item, status
LOOKAHEAD = 4  # images whose reads are made while an earlier one is written


@dataclass
class CopyItem(batch.Item):
    """One tag or digest of the source repository (the key) and what its copy did."""

    digest: str | None = None
    outcome: str | None = None  # copied | unchanged, once done
    bytes_moved: int = 0

    def detail(self) -> dict[str, Any]:
        return {"digest": self.digest, "outcome": self.outcome, "bytesMoved": self.bytes_moved}


@dataclass
class RepoCopyReport:
    """A repository copy: where from and to, what moved, and every item's account."""

    source: str = ""
    destination: str = ""
    repositoryCreated: bool = False
    bytesMoved: int = 0
    blobs: dict[str, int] = field(default_factory=dict)
    items: list[CopyItem] = field(default_factory=list)
    # what stopped the batch (Ctrl-C 130, SIGTERM 143, a call that raised): raised by
    # the caller once the report is out
    stopped: EcrctlError | None = None
    referrers: dict[str, Any] | None = None  # their batch report, when carried

    def to_dict(self) -> dict[str, Any]:
        head = ("source", "destination", "repositoryCreated", "bytesMoved", "blobs")
        return {
            **record_json(self, *head),
            **batch.report(self.items),
            **({} if self.referrers is None else {"referrers": self.referrers}),
        }


def _repository_ref(text: str, what: str) -> ImageReference:
    ref = parse_reference(text, what=what)
    if ref.tag or ref.digest:
        raise InvalidInput(
            f"{what} {text!r} names an image, not a repository",
            hint="give [HOST/]REPO without :TAG or @DIGEST (filter tags with --tags)",
        )
    return ref


def copy_repository(
    registries: Registries,
    source: str,
    destination: str,
    options: CopyOptions,
    *,
    pattern: str | None = None,
    include_untagged: bool = False,
    on_item: ItemCallback | None = None,
) -> RepoCopyReport:
    src_ref = _repository_ref(source, "source repository")
    dst_ref = _repository_ref(destination, "destination repository")
    # the destination's token and repository are read while the source's token and
    # tags are; its errors are told after the source's, and a missing source leaves
    # no new repository behind
    beside = InFlight(
        lambda: check_destination(
            endpoint(registries, dst_ref.host, write=True), dst_ref.repository
        )
    )
    src_ep = endpoint(registries, src_ref.host)
    if src_ep.is_ecr:
        src_ref.for_ecr()
    if include_untagged and src_ep.aws is None:
        raise InvalidInput(
            f"--include-untagged needs an ECR source: {src_ep.host} lists tags only",
            hint="drop --include-untagged, or copy untagged images one by one by digest",
        )
    source_client = src_ep.client()
    listed = list_tags(source_client, src_ref.repository)
    dest = open_destination(beside.result(), create=options.create, dry_run=False)
    dst_ep = dest.endpoint
    tags = sorted(t for t in listed if _wanted(t, pattern))
    work: list[str] = list(tags)
    if include_untagged:
        work += _untagged(src_ep.aws, src_ref.repository, src_ep.registry_id)
    if (
        options.referrers
    ):  # cosign's and the tag schema's tags after their subjects, which carry them
        work.sort(key=is_referrer_tag)
    report = RepoCopyReport(
        source=f"{src_ep.host}/{src_ref.repository}",
        destination=f"{dst_ep.host}/{dst_ref.repository}",
        repositoryCreated=dest.created,
    )
    copier = options.copier(source_client, tags=listed)
    _run(copier, src_ref.with_host(src_ep.host), dest, work, report, on_item)
    report.bytesMoved = copier.mover.bytes_sent
    report.blobs = dict(copier.mover.counts)
    report.referrers = copier.carrier.report()
    return report


def _wanted(tag: str, pattern: str | None) -> bool:
    return pattern is None or fnmatch.fnmatchcase(tag, pattern)


def _untagged(aws: Any, repository: str, registry_id: str | None) -> list[str]:
    ids = items(
        aws.ecr,
        "list_images",
        "imageIds",
        repositoryName=repository,
        filter={"tagStatus": "UNTAGGED"},
        **registry_kwargs(registry_id),
    )
    return sorted({str(i["imageDigest"]) for i in ids})


def _run(
    copier: ImageCopier,
    src: ImageReference,
    dest: Destination,
    work: list[str],
    report: RepoCopyReport,
    on_item: ItemCallback | None,
) -> None:
    """Copy each item in turn (one at a time: an interruption leaves at most one image
    partly done; the next ones' reads are made meanwhile); a refused credential leaves
    the rest not attempted. Ctrl-C, SIGTERM or a call that raised stops the batch; the
    error is kept in ``report.stopped``."""
    report.items = [CopyItem(item) for item in work]
    run = _Copy(copier, src, dest, on_item, work)
    try:
        batch.run_each(report.items, run.one, run.reconcile, verb="copied")
    except EcrctlError as error:
        report.stopped = error


@dataclass
class _Copy:
    """The copy of each item, the reads of the next ones made ahead, and reading back
    where a copy landed."""

    copier: ImageCopier
    src: ImageReference
    dest: Destination
    on_item: ItemCallback | None
    work: list[str]
    ahead: dict[str, InFlight[CopyPlan]] = field(default_factory=dict)
    # each item's plan, once read: what it moved
    plans: dict[str, CopyPlan] = field(default_factory=dict)
    position: dict[str, int] = field(init=False)  # each item's place in ``work``

    def __post_init__(self) -> None:
        self.position = {key: index for index, key in enumerate(self.work)}

    def plan(self, key: str) -> CopyPlan:
        """An item's reads: its manifests, the destination's tag, the blobs it lacks."""
        tag, digest = (None, key) if key.startswith("sha256:") else (key, None)
        ref = ImageReference(self.src.host, self.src.repository, tag, digest)
        return self.copier.plan(ref, self.dest, tag, probe=True)

    def read_ahead(self, key: str) -> None:
        """Start the reads of the LOOKAHEAD items after ``key`` (reads only: writes stay
        one image at a time), each in a daemon thread that a signal never waits for."""
        start = self.position[key] + 1
        for later in self.work[start : start + LOOKAHEAD]:
            if later not in self.ahead and later not in self.plans:
                self.ahead[later] = InFlight(functools.partial(self.plan, later))

    def one(self, item: CopyItem) -> bool:
        """Copy one tag or digest; False when nothing more can be copied."""
        planned = self.ahead.pop(item.key, None)
        self.read_ahead(item.key)
        carried = self.copier.carrier.landed(item.key)  # with the image it refers to
        if carried is not None:
            item.digest, item.outcome = carried.digest or None, carried.outcome
            item.settle(carried.status, carried.code, carried.reason)
            self.tell(item)
            return True
        try:
            plan = planned.result() if planned is not None else self.plan(item.key)
            self.plans[item.key] = plan
            result: CopyResult = self.copier.write(plan, self.dest)
        except EcrctlError as exc:
            # the registry failing or unreachable may still have stored the manifest
            if not (isinstance(exc, ServiceError) and self.landed(item)):
                item.settle(batch.FAILED, type(exc).__name__, exc.one_line())
            self.tell(item)
            return not isinstance(exc, AuthError)
        item.digest, item.outcome = result.digest, result.status
        item.bytes_moved = result.bytesMoved
        item.settle(batch.DONE)
        self.tell(item)
        return True

    def tell(self, item: CopyItem) -> None:
        if self.on_item:
            self.on_item(item.key, item.outcome or item.status)

    def landed(self, item: CopyItem) -> bool:
        """Whether the destination holds the source's image under the item's tag or
        digest (read back); if so the item is done."""
        try:
            there = manifest_digest(self.dest.client, self.dest.repository, item.key)
            if item.key.startswith("sha256:"):
                wanted: str | None = item.key
            else:
                wanted = manifest_digest(self.copier.source, self.src.repository, item.key)
        except EcrctlError:
            return False
        if there is None or there != wanted:
            return False
        item.digest, item.outcome = there, "copied"
        plan = self.plans.get(item.key)
        item.bytes_moved = plan.sent if plan is not None else 0
        item.settle(batch.DONE)
        return True

    def reconcile(self, unsettled: list[CopyItem], exc: BaseException) -> None:
        """The copy in flight when the batch stopped: done when it landed; after a
        call that raised, failed; after a signal, unknown (its manifest may still land)."""
        for item in unsettled:
            if item.status != batch.UNKNOWN or self.landed(item):
                continue
            if isinstance(exc, Exception):
                reason = f"the copy failed ({type(exc).__name__}); it is not at the destination"
                item.settle(batch.FAILED, batch.CALL_FAILED, reason)
