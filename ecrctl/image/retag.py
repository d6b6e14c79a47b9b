"""Retag by manifest: BatchGetImage, then PutImage of the same manifest string
under each new tag. No pull, no push, no layer moves.

The manifest goes back byte for byte (it is never decoded and re-encoded),
``imageManifestMediaType`` is forwarded (OCI manifests may have no top-level
mediaType), and ``imageDigest`` is passed so that ECR checks the bytes. After
the puts, every new tag is checked to resolve to the source digest.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl import batch
from ecrctl.aws.access import error_code, error_message, registry_kwargs
from ecrctl.distribution.manifest import digest_of
from ecrctl.distribution.reference import parse_tag_or_reference
from ecrctl.distribution.refs import ImageRef
from ecrctl.errors import InvalidInput, ServiceError, Signalled
from ecrctl.image.query import StoredManifest, describe_image, stored_manifest
from ecrctl.image.tagstate import Mutability, tag_digests

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

MAX_WORKERS = 12
# moto answers a re-put of an existing tag with ImageAlreadyExistsException where
# ECR says ImageTagAlreadyExistsException; neither name decides anything here.
TAG_EXISTS_CODES = {"ImageAlreadyExistsException", "ImageTagAlreadyExistsException"}

CREATED = "created"
MOVED = "moved"
UNCHANGED = "unchanged"
FAILED = "failed"
NOT_ATTEMPTED = batch.NOT_ATTEMPTED
UNKNOWN = batch.UNKNOWN
WOULD_CREATE = "would-create"
WOULD_MOVE = "would-move"
WOULD_BE_REFUSED = "would-be-refused"
DONE_STATES = {CREATED, MOVED, UNCHANGED}


@dataclass
class TagOutcome:
    tag: str
    status: str = NOT_ATTEMPTED
    previous_digest: str | None = None
    failure_code: str | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "imageTag": self.tag,
            "status": self.status,
            "previousDigest": self.previous_digest,
        }
        if self.failure_code:
            data["failureCode"] = self.failure_code
        if self.reason:
            data["reason"] = self.reason
        return data

    def item(self) -> batch.Item:
        """This tag as a batch item (created, moved and unchanged are done)."""
        status = batch.DONE if self.status in DONE_STATES else self.status
        return batch.Item(self.tag, status, self.failure_code, self.reason)


@dataclass
class RetagResult:
    repository: str
    source: str
    digest: str
    media_type: str | None
    dry_run: bool
    outcomes: list[TagOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[TagOutcome]:
        return [o for o in self.outcomes if o.status in {FAILED, WOULD_BE_REFUSED}]

    def items(self) -> list[batch.Item]:
        return [o.item() for o in self.outcomes]

    def to_dict(self) -> dict[str, Any]:
        data = {
            "repositoryName": self.repository,
            "source": self.source,
            "imageDigest": self.digest,
            "imageManifestMediaType": self.media_type,
            "dryRun": self.dry_run,
            "tags": [o.to_dict() for o in self.outcomes],
        }
        if not self.dry_run:
            data.update(batch.report(self.items()))
        return data


def parse_new_tag(value: str, repository: str) -> str:
    """A new tag, also given as ``REPO:TAG`` or ``HOST/REPO:TAG`` for the same
    repository; another repository is refused (PutImage cannot copy layers)."""
    parsed = parse_tag_or_reference(value, what="new tag")
    if isinstance(parsed, str):
        return parsed
    if parsed.repository != repository:
        target_repo = parsed.for_ecr().repository
        raise InvalidInput(
            f"cannot retag into another repository ({target_repo!r}, source {repository!r}): "
            "PutImage only adds tags to manifests whose layers are already in the repository",
            hint="copy the image with: ecrctl image pull, then ecrctl image push "
            f"LOCAL {target_repo}:{parsed.tag or 'TAG'}",
        )
    if parsed.tag is None:
        raise InvalidInput(f"no tag in {value!r}", hint=f"e.g. {repository}:v2")
    return parsed.tag


def plan_retag(
    ecr: ECRClient,
    repository: str,
    source: ImageRef,
    new_tags: list[str],
    *,
    registry_id: str | None = None,
    dry_run: bool = False,
) -> RetagJob:
    """The source manifest, checked, and what each tag points at now; nothing put."""
    tags = list(dict.fromkeys(new_tags))
    if not tags:
        raise InvalidInput("no new tag given", hint="e.g. ecrctl image retag REPO latest v2")
    detail = describe_image(ecr, repository, source, registry_id=registry_id)
    digest: str = detail["imageDigest"]
    stored = stored_manifest(ecr, repository, digest, registry_id=registry_id)
    actual = digest_of(stored.manifest)
    if actual != digest:
        raise ServiceError(
            f"the manifest ECR returned for {digest} hashes to {actual}; nothing was retagged"
        )
    job = RetagJob(ecr, repository, stored, registry_id)
    job.current = tag_digests(ecr, repository, tags, registry_id=registry_id)
    job.result = RetagResult(repository, str(source), digest, stored.media_type, dry_run)
    job.result.outcomes = [TagOutcome(t, previous_digest=job.current.get(t)) for t in tags]
    return job


def retag(
    ecr: ECRClient,
    repository: str,
    source: ImageRef,
    new_tags: list[str],
    *,
    registry_id: str | None = None,
    dry_run: bool = False,
    max_workers: int = MAX_WORKERS,
) -> RetagResult:
    """Point every tag in ``new_tags`` at the image ``source`` names."""
    job = plan_retag(ecr, repository, source, new_tags, registry_id=registry_id, dry_run=dry_run)
    if dry_run:
        job.preview()
    else:
        job.run(max_workers)
    return job.result


class RetagJob:
    """One retag: the source manifest, what each tag points at now, and the puts."""

    def __init__(
        self, ecr: ECRClient, repository: str, stored: StoredManifest, registry_id: str | None
    ) -> None:
        self.ecr = ecr
        self.repository = repository
        self.stored = stored
        self.digest = stored.digest
        self.registry_id = registry_id
        self.current: dict[str, str] = {}
        self.result = RetagResult(repository, "", stored.digest, stored.media_type, False)
        self.mutability = Mutability(ecr, repository, registry_id)

    def conflict(self, outcome: TagOutcome, previous: str | None, *, dry_run: bool) -> None:
        outcome.status = WOULD_BE_REFUSED if dry_run else FAILED
        outcome.previous_digest = previous
        outcome.failure_code = "ImageTagAlreadyExistsException"
        where = f"points at {previous}" if previous else "exists"
        why = self.mutability.why_pinned(outcome.tag)
        outcome.reason = f"tag {outcome.tag!r} already {where} and {why}"

    def preview(self) -> None:
        """``--dry-run``: what each tag would become, with no PutImage."""
        for outcome in self.result.outcomes:
            previous = self.current.get(outcome.tag)
            if previous == self.digest:
                outcome.status, outcome.previous_digest = UNCHANGED, None
            elif previous is None:
                outcome.status = WOULD_CREATE
            elif self.mutability.pinned(outcome.tag):
                self.conflict(outcome, previous, dry_run=True)
            else:
                outcome.status = WOULD_MOVE

    def run(self, max_workers: int = MAX_WORKERS) -> None:
        """PutImage for every tag not already on the image (concurrently), then verify.

        A put that raises, or a signal, stops the batch: puts not started are
        not attempted, those in flight are waited for (briefly), and what could
        not be settled is read back from ECR, else unknown."""
        todo = [o for o in self.result.outcomes if self.current.get(o.tag) != self.digest]
        for outcome in self.result.outcomes:
            if outcome not in todo:
                outcome.status, outcome.previous_digest = UNCHANGED, None
        if todo:
            self._put_all(todo, max(1, min(max_workers, len(todo))))
        _verify(self, [o for o in self.result.outcomes if o.status in DONE_STATES])

    def _put_all(self, todo: list[TagOutcome], workers: int) -> None:
        """The puts, ``workers`` at a time; each tag is marked unknown as it is taken, so
        none is ever in flight while reported not attempted. A stop (a put that raised,
        a signal) ends the taking, waits briefly and reads back what is unsettled."""
        waiting = list(todo)
        lock = threading.Lock()
        stop = threading.Event()
        errors: list[BaseException] = []

        go = threading.Event()  # every worker starts at once, so the work spreads

        def worker() -> None:
            go.wait()
            while not stop.is_set():
                with lock:
                    if not waiting:
                        return
                    outcome = waiting.pop(0)
                    outcome.status, outcome.failure_code = UNKNOWN, "Unconfirmed"
                    outcome.reason = batch.UNKNOWN_REASON
                try:
                    self.put(outcome)
                except BaseException as exc:  # handed to the main thread below
                    errors.append(exc)
                    stop.set()
                    return

        # daemon threads: a put still hanging must not hold the exit once the report is out
        threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
        for thread in threads:
            thread.start()
        go.set()
        try:
            for thread in threads:
                while thread.is_alive():
                    thread.join(0.1)  # short joins: a signal is handled at once
            if errors:
                raise errors[0]
        except (Exception, KeyboardInterrupt, Signalled) as exc:
            stop.set()
            deadline = time.monotonic() + batch.IN_FLIGHT_WAIT
            for thread in threads:
                thread.join(max(0.0, deadline - time.monotonic()))
            # read back every tag not known to be done: a put counts only by ECR's own state
            self._reconcile([o for o in todo if o.status in (UNKNOWN, NOT_ATTEMPTED)], exc)
            raise batch.stopped(exc, self.result.items()) from exc

    def _reconcile(self, unsettled: list[TagOutcome], exc: BaseException) -> None:
        """Tags whose put raised or never answered: done when ECR says the tag is ours.
        After a signal, one not on the image stays unknown (its put may still land)."""
        if not unsettled:
            return
        try:
            now = tag_digests(
                self.ecr, self.repository, [o.tag for o in unsettled], registry_id=self.registry_id
            )
        except Exception:
            return
        for outcome in unsettled:
            if now.get(outcome.tag) == self.digest:
                outcome.status = MOVED if outcome.previous_digest else CREATED
                outcome.failure_code = outcome.reason = None
            elif outcome.status == UNKNOWN and isinstance(exc, Exception):
                code = error_code(exc) or type(exc).__name__
                outcome.status, outcome.failure_code = FAILED, batch.CALL_FAILED
                outcome.reason = f"PutImage failed ({code}); the tag is not on the image"

    def put(self, outcome: TagOutcome) -> None:
        outcome.status, outcome.failure_code = UNKNOWN, "Unconfirmed"
        outcome.reason = batch.UNKNOWN_REASON
        kwargs: dict[str, Any] = {
            "repositoryName": self.repository,
            "imageManifest": self.stored.manifest,
            "imageTag": outcome.tag,
            "imageDigest": self.digest,
            **registry_kwargs(self.registry_id),
        }
        if self.stored.media_type:
            kwargs["imageManifestMediaType"] = self.stored.media_type
        try:
            self.ecr.put_image(**kwargs)
        except Exception as exc:
            code = error_code(exc)
            if not code:
                raise
            if code not in TAG_EXISTS_CODES:
                outcome.status, outcome.failure_code = FAILED, code
                outcome.reason = error_message(exc) or code
                return
            self._already_exists(outcome)
            return
        outcome.status = MOVED if outcome.previous_digest else CREATED
        outcome.failure_code = outcome.reason = None

    def _already_exists(self, outcome: TagOutcome) -> None:
        """The tag exists: ours (a retried put whose first answer was lost, or a
        concurrent retag) is done; another image's is the mutability conflict."""
        now = tag_digests(self.ecr, self.repository, [outcome.tag], registry_id=self.registry_id)
        if now.get(outcome.tag) == self.digest:
            outcome.status = MOVED if outcome.previous_digest else CREATED
            outcome.failure_code = outcome.reason = None
            return
        self.conflict(outcome, now.get(outcome.tag) or outcome.previous_digest, dry_run=False)


def _verify(job: RetagJob, claimed: list[TagOutcome]) -> None:
    """Every tag reported as done must now resolve to the source digest."""
    if not claimed:
        return
    detail = describe_image(
        job.ecr, job.repository, ImageRef(digest=job.digest), registry_id=job.registry_id
    )
    present = set(detail.get("imageTags") or [])
    missing = [o for o in claimed if o.tag not in present]
    if not missing:
        return
    # DescribeImages may truncate a very long tag list: ask for those tags directly
    resolved = tag_digests(
        job.ecr, job.repository, [o.tag for o in missing], registry_id=job.registry_id
    )
    for outcome in missing:
        if resolved.get(outcome.tag) != job.digest:
            outcome.status, outcome.failure_code = FAILED, "VerificationFailed"
            outcome.reason = (
                f"after PutImage, tag {outcome.tag!r} resolves to "
                f"{resolved.get(outcome.tag) or 'nothing'}, not {job.digest}"
            )
