"""``image copy``: an image from one registry to another through the registry
API, without a Docker Engine.

The source manifest is read as bytes; for an index (or manifest list) every
child is copied too (or only those of ``platforms``); then every blob is made
to exist at the destination (skipped, mounted or streamed, in parallel, by a
:class:`~ecrctl.distribution.blobs.BlobMover`), then the children are put by
digest and the top manifest by tag, byte for byte. A copy that finds the tag
already at the same digest moves nothing (``unchanged``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl.batch import InFlight
from ecrctl.distribution import manifest as mt
from ecrctl.distribution.blobs import BlobCallback, BlobMover, Route
from ecrctl.distribution.blobsource import SMALL_BLOB
from ecrctl.distribution.content import Manifest, manifest_digest, read_manifest, walk_index
from ecrctl.distribution.reference import ImageReference, parse_reference
from ecrctl.errors import Conflict, EcrctlError, Interrupted, Signalled
from ecrctl.image.copy_destination import Destination, check_destination, open_destination
from ecrctl.image.copy_manifests import blobs_of, in_format, put_image
from ecrctl.image.copy_platforms import check_platform as check_platform  # image inspect's
from ecrctl.image.copy_platforms import select_platforms
from ecrctl.image.referrers import Carrier, NoReferrers
from ecrctl.login.endpoint import endpoint

if TYPE_CHECKING:
    from ecrctl.distribution.client import RegistryClient
    from ecrctl.login.registries import Registries

DEFAULT_JOBS = 4
_OMITTED = ("sourceDigest", "referrers")  # left out of the JSON when empty


@dataclass
class CopyResult:
    """What one image copy did (``status``: copied|unchanged|would-copy)."""

    source: str
    destination: str
    digest: str
    mediaType: str
    status: str
    imageUri: str = ""  # HOST/REPO@DIGEST at the destination
    platforms: list[str] = field(default_factory=list)
    manifests: int = 0
    blobs: dict[str, int] = field(default_factory=dict)
    blobBytes: int = 0
    bytesMoved: int = 0
    repositoryCreated: bool = False
    sourceDigest: str = ""  # with --format only: the digest before the conversion
    referrers: dict[str, Any] = field(default_factory=dict)  # their batch report, if carried

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v or k not in _OMITTED}


@dataclass
class CopyPlan:
    """One image's copy as read before anything is written: its manifests and blobs,
    which blobs the destination was seen to hold, and (as it runs) what moved."""

    src: ImageReference  # the source image
    ref: str  # what the top manifest is put as: the tag, else its digest
    top: Manifest
    children: list[tuple[str, Manifest]]
    blobs: dict[str, int]
    result: CopyResult
    present: dict[str, bool] = field(default_factory=dict)  # asked ahead (``probe``)
    done: dict[str, int] = field(default_factory=dict)  # copied|mounted|exists: how many
    sent: int = 0  # bytes

    @property
    def repository(self) -> str:
        """The source repository."""
        return self.src.repository

    @property
    def to_write(self) -> bool:
        return self.result.status != "unchanged"

    @property
    def written(self) -> list[tuple[str, Manifest]] | None:
        """The children written (or to be); None when the image was found unchanged:
        no children were read, and its referrers are those of what the index lists."""
        return self.children if self.to_write else None


@dataclass(frozen=True)
class CopyOptions:
    """What an image copy and a repository copy both take: whether to create the
    destination repository, how many blobs move at once, whether each image's
    referrers go with it, and who hears of each blob."""

    create: bool = False
    jobs: int = DEFAULT_JOBS
    referrers: bool = True
    on_event: BlobCallback | None = None

    def copier(self, source: RegistryClient, tags: Iterable[str] | None = None) -> ImageCopier:
        """The copier of one run from ``source`` (``tags``: the source's own, when listed)."""
        copier = ImageCopier(source, BlobMover(self.on_event), jobs=self.jobs)
        if self.referrers:
            copier.carrier = Carrier(copier.mover, tags=tags)
        return copier


def copy_image(
    registries: Registries,
    source: str,
    destination: str,
    options: CopyOptions,
    *,
    platforms: Iterable[str] = (),
    dry_run: bool = False,
    fmt: str | None = None,
) -> CopyResult:
    """Copy SOURCE to DESTINATION (both ``[HOST/]REPO[:TAG|@DIGEST]``), in ``fmt`` if given."""
    src_ref = parse_reference(source, what="source")
    dst_ref = parse_reference(destination, what="destination", digest=False)
    wanted = [check_platform(p) for p in platforms]
    tag = dst_ref.tag or (src_ref.tag if not src_ref.digest else None)
    if tag is None and not src_ref.digest:
        tag = "latest"
    # the destination's token, repository and tag are read while the source's token
    # and manifest are (the resolver builds each AWS side, and asks each host's
    # token, once however many threads ask); its errors are told after the source's
    beside = InFlight(
        lambda: check_destination(
            endpoint(registries, dst_ref.host, write=True), dst_ref.repository, tag
        )
    )
    src_ep = endpoint(registries, src_ref.host)
    if src_ep.is_ecr:
        src_ref.for_ecr()
    source_client = src_ep.client()
    top = read_manifest(source_client, src_ref.repository, src_ref.ref)  # a missing source first
    # created only now: a missing source leaves no new repository behind
    dest = open_destination(beside.result(), create=options.create, dry_run=dry_run)
    copier = options.copier(source_client)
    origin = src_ref.with_host(src_ep.host)
    return copier.copy(origin, dest, tag, platforms=wanted, dry_run=dry_run, top=top, fmt=fmt)


class ImageCopier:
    """Copies images from one source registry, sharing one BlobMover."""

    carrier: NoReferrers = NoReferrers()  # what carries each image's referrers

    def __init__(self, source: RegistryClient, mover: BlobMover, *, jobs: int = DEFAULT_JOBS):
        self.source = source
        self.mover = mover
        self.jobs = max(1, jobs)
        self._lock = threading.Lock()

    def copy(
        self,
        src: ImageReference,
        dest: Destination,
        tag: str | None,
        *,
        platforms: list[str] | None = None,
        dry_run: bool = False,
        top: Manifest | None = None,
        fmt: str | None = None,
    ) -> CopyResult:
        """``top``: the source manifest, when the caller has read it already."""
        plan = self.plan(src, dest, tag, platforms=platforms, top=top, fmt=fmt)
        if dry_run and plan.to_write:
            plan.result.status = "would-copy"
            plan.result.blobs = {"total": len(plan.blobs)}
            return self.carried(plan, dest, dry_run=True)
        try:
            return self.write(plan, dest)
        except (KeyboardInterrupt, Signalled) as stop:  # the blobs in flight have ended
            why = stop.as_error() if isinstance(stop, Signalled) else Interrupted("interrupted")
            raise self.mover.stopped(why, plan.done, plan.sent, len(plan.blobs)) from None

    def plan(
        self,
        src: ImageReference,
        dest: Destination,
        tag: str | None,
        *,
        platforms: list[str] | None = None,
        top: Manifest | None = None,
        fmt: str | None = None,
        probe: bool = False,
    ) -> CopyPlan:
        """What the copy reads before it writes anything (safe to run ahead of other
        copies' writes). ``probe``: also ask which blobs the destination lacks."""
        top = top or read_manifest(self.source, src.repository, src.ref)
        top = select_platforms(self.source, src.repository, top, platforms or [])
        source_digest = top.digest if fmt else ""  # rewritten before anything is compared
        top, children = in_format(top, fmt, lambda m: self._children(src.repository, m))
        dst_name = f"{dest.client.host}/{dest.repository}"
        result = CopyResult(
            source=str(src),
            destination=f"{dst_name}:{tag}" if tag else f"{dst_name}@{top.digest}",
            digest=top.digest,
            mediaType=top.media_type,
            status="copied",
            imageUri=f"{dst_name}@{top.digest}",
            repositoryCreated=dest.created,
            sourceDigest=source_digest,
        )
        plan = CopyPlan(src, tag or top.digest, top, [], {}, result)
        seen = dest.seen.pop(plan.ref, "")  # read beside the source: not asked twice
        existing = manifest_digest(dest.client, dest.repository, plan.ref) if seen == "" else seen
        if existing == top.digest:
            result.status = "unchanged"
            return plan
        if existing and tag and dest.immutable():
            raise Conflict(
                f"tag {tag!r} of the immutable repository {dest.repository!r} already points "
                f"at {existing}, not {top.digest}",
                hint="copy to another tag, or make the repository mutable",
            )
        plan.children = self._children(src.repository, top) if children is None else children
        result.platforms = [p for p, _ in plan.children if p]
        plan.blobs = blobs_of([m for _, m in plan.children] or [top])
        result.blobBytes = sum(plan.blobs.values())
        result.manifests = len(plan.children) + 1
        if probe:  # blobs an earlier image of this run moved or asked about: not asked again
            client, repository = dest.client, dest.repository
            probed = {d: self.mover.probe(client, repository, d) for d in plan.blobs}
            plan.present = {d: present for d, present in probed.items() if present is not None}
        return plan

    def write(self, plan: CopyPlan, dest: Destination) -> CopyResult:
        """Make every blob of ``plan`` exist at the destination, then put the children
        by digest and the top manifest by its tag (or digest); then its referrers."""
        if not plan.to_write:
            return self.carried(plan, dest)
        try:
            self._move(plan, dest)
            children = (child for _, child in plan.children)
            put_image(dest.client, dest.repository, plan.ref, plan.top, children)
        except EcrctlError as exc:  # say what is at the destination already
            raise self.mover.stopped(exc, plan.done, plan.sent, len(plan.blobs)) from None
        plan.result.blobs = {how: plan.done.get(how, 0) for how in ("copied", "mounted", "exists")}
        plan.result.bytesMoved = plan.sent
        return self.carried(plan, dest)

    def carried(self, plan: CopyPlan, dest: Destination, *, dry_run: bool = False) -> CopyResult:
        """The plan's result, with the referrers of what it wrote (or found) carried too."""
        self.carrier.carried(self.source, plan, dest, dry_run)
        return plan.result

    def _children(self, repository: str, top: Manifest) -> list[tuple[str, Manifest]]:
        """The manifests an index points at (depth first, each once), with their platforms."""
        return [
            (mt.platform_text(platform) if platform else "", child)
            for platform, child in walk_index(self.source, repository, top)
        ]

    def _move(self, plan: CopyPlan, dest: Destination) -> None:
        """Every blob of ``plan``, ``jobs`` at a time: the small ones (a config, whose
        few requests would otherwise wait for a free worker and end the copy last), then
        the largest first; what each became (and the bytes sent) is counted on the plan
        as it ends."""
        order = sorted(plan.blobs.items(), key=lambda item: (item[1] > SMALL_BLOB, -item[1]))
        pool = ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="blob")
        stop = threading.Event()
        route = Route(self.source, plan.repository, dest.client, dest.repository)

        def move(digest: str, size: int) -> None:
            present = plan.present.get(digest)
            how = self.mover.move(route, digest, size, present, stop)
            with self._lock:
                plan.done[how] = plan.done.get(how, 0) + 1
                plan.sent += size if how == "copied" else 0

        try:
            futures = [pool.submit(move, d, s) for d, s in order]
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
            for future in done:
                future.result()  # the first failure, if any
        finally:  # on a failure or Ctrl-C, start nothing more, and let the blobs in
            stop.set()  # flight end and cancel their uploads before saying what is there
            pool.shutdown(wait=True, cancel_futures=True)
