"""``repo copy``: every tag (and, from ECR, optionally every untagged image) of
a repository into another repository, on the same or another registry.

One :class:`~ecrctl.distribution.blobs.BlobMover` serves the whole run, so a blob
shared by many tags is sent once. Images already at the destination with the
same digest are ``unchanged``: a rerun after an interruption finishes the rest
and moves nothing twice. The report lists each item as done, failed (with its
error code) or not attempted; this JSON shape is the one every batch command
reports (``complete`` and the three lists).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import items, registry_kwargs
from ecrctl.distribution.blobs import BlobCallback, BlobMover
from ecrctl.distribution.content import tags as list_tags
from ecrctl.distribution.reference import ImageReference, parse_reference
from ecrctl.errors import AuthError, EcrctlError, Interrupted, InvalidInput, Signalled
from ecrctl.image.copy import (
    DEFAULT_JOBS,
    Destination,
    ImageCopier,
    check_destination,
    open_destination,
)
from ecrctl.login.endpoint import endpoint

if TYPE_CHECKING:
    from ecrctl.image.copy import CopyResult
    from ecrctl.login.registries import Registries

ItemCallback = Callable[[str, str], None]  # item, status


@dataclass
class BatchReport:
    """Items done, failed (with their code) and not attempted."""

    done: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    notAttempted: list[str] = field(default_factory=list)
    interrupted: bool = False
    stopped_by: Interrupted | None = None  # the signal's error (SIGINT 130, SIGTERM 143)

    @property
    def complete(self) -> bool:
        return not self.failed and not self.notAttempted

    def to_dict(self) -> dict[str, Any]:
        return {
            "complete": self.complete,
            "done": self.done,
            "failed": self.failed,
            "notAttempted": self.notAttempted,
        }


@dataclass
class RepoCopyReport(BatchReport):
    source: str = ""
    destination: str = ""
    bytesMoved: int = 0
    blobs: dict[str, int] = field(default_factory=dict)
    repositoryCreated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "destination": self.destination,
            "repositoryCreated": self.repositoryCreated,
            "bytesMoved": self.bytesMoved,
            "blobs": self.blobs,
            **super().to_dict(),
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
    *,
    pattern: str | None = None,
    include_untagged: bool = False,
    create: bool = False,
    on_event: BlobCallback | None = None,
    on_item: ItemCallback | None = None,
    jobs: int = DEFAULT_JOBS,
) -> RepoCopyReport:
    src_ref = _repository_ref(source, "source repository")
    dst_ref = _repository_ref(destination, "destination repository")
    src_ep = endpoint(registries, src_ref.host)
    if src_ep.is_ecr:
        src_ref.for_ecr()
    if include_untagged and src_ep.aws is None:
        raise InvalidInput(
            f"--include-untagged needs an ECR source: {src_ep.host} lists tags only",
            hint="drop --include-untagged, or copy untagged images one by one by digest",
        )
    dst_ep = endpoint(registries, dst_ref.host, write=True)
    dest = open_destination(
        check_destination(dst_ep, dst_ref.repository), create=create, dry_run=False
    )
    source_client = src_ep.client()
    tags = sorted(t for t in list_tags(source_client, src_ref.repository) if _wanted(t, pattern))
    work: list[str] = list(tags)
    if include_untagged:
        work += _untagged(src_ep.aws, src_ref.repository, src_ep.registry_id)
    report = RepoCopyReport(
        source=f"{src_ep.host}/{src_ref.repository}",
        destination=f"{dst_ep.host}/{dst_ref.repository}",
        repositoryCreated=dest.created,
    )
    mover = BlobMover(on_event)
    copier = ImageCopier(source_client, mover, jobs=jobs)
    _run(copier, src_ref.with_host(src_ep.host), dest, work, report, on_item)
    report.bytesMoved = mover.bytes_sent
    report.blobs = dict(mover.counts)
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
    """Copy each item in turn; stop at Ctrl-C (wherever it lands) or a refused credential."""
    index = 0
    try:
        for index, item in enumerate(work):
            if not _copy_one(copier, src, dest, item, report, on_item):
                report.notAttempted.extend(work[index + 1 :])
                return
    except (KeyboardInterrupt, Signalled) as stop:
        report.interrupted = True
        report.stopped_by = stop.as_error() if isinstance(stop, Signalled) else None
        accounted = {d["item"] for d in report.done} | {f["item"] for f in report.failed}
        report.notAttempted.extend(item for item in work[index:] if item not in accounted)


def _copy_one(
    copier: ImageCopier,
    src: ImageReference,
    dest: Destination,
    item: str,
    report: RepoCopyReport,
    on_item: ItemCallback | None,
) -> bool:
    """Copy one tag or digest into the report; False when nothing more can be copied."""
    by_digest = item.startswith("sha256:")
    ref = ImageReference(
        src.host, src.repository, None if by_digest else item, item if by_digest else None
    )
    try:
        result: CopyResult = copier.copy(ref, dest, None if by_digest else item)
    except EcrctlError as exc:
        report.failed.append({"item": item, "code": type(exc).__name__, "message": exc.one_line()})
        if on_item:
            on_item(item, "failed")
        return not isinstance(exc, AuthError)
    report.done.append(
        {
            "item": item,
            "digest": result.digest,
            "status": result.status,
            "bytesMoved": result.bytesMoved,
        }
    )
    if on_item:
        on_item(item, result.status)
    return True
