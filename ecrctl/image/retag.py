"""Retag by manifest: BatchGetImage, then PutImage of the same manifest string
under each new tag. No pull, no push, no layer moves.

The manifest goes back byte for byte (it is never decoded and re-encoded),
``imageManifestMediaType`` is forwarded (OCI manifests may have no top-level
mediaType), and ``imageDigest`` is passed so that ECR checks the bytes. After
the puts, every new tag is checked to resolve to the source digest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl import batch
from ecrctl.aws.access import error_code, error_message, registry_kwargs
from ecrctl.distribution.manifest import digest_of
from ecrctl.distribution.reference import parse_tag_or_reference
from ecrctl.distribution.refs import ImageRef
from ecrctl.errors import InvalidInput, ServiceError
from ecrctl.image.query import StoredManifest, describe_image, stored_manifest
from ecrctl.image.tagstate import Mutability, tag_digests

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

MAX_WORKERS = 12
# moto answers a re-put of an existing tag with ImageAlreadyExistsException where
# ECR says ImageTagAlreadyExistsException; neither name decides anything here.
TAG_EXISTS_CODES = {"ImageAlreadyExistsException", "ImageTagAlreadyExistsException"}

# what a tag did (a done tag), or would do (--dry-run): the ``status`` of ``tags``
CREATED = "created"
MOVED = "moved"
UNCHANGED = "unchanged"
WOULD_CREATE = "would-create"
WOULD_MOVE = "would-move"
WOULD_BE_REFUSED = "would-be-refused"
FAILED = batch.FAILED
NOT_ATTEMPTED = batch.NOT_ATTEMPTED
UNKNOWN = batch.UNKNOWN


@dataclass
class TagOutcome(batch.Item):
    """One new tag (the item's key) and what happened to it: ``status`` is the
    batch status; ``change`` says what a done tag did, or a dry run would do."""

    previous_digest: str | None = None
    change: str | None = None

    @property
    def tag(self) -> str:
        return self.key

    @property
    def reason(self) -> str | None:
        return self.failure_reason

    @property
    def shown(self) -> str:
        """The tag's status in ``tags`` and the table: its change, else its batch status."""
        return self.change or self.status

    def done(self, change: str) -> None:
        self.settle(batch.DONE)
        self.change = change

    def fail(self, code: str, reason: str) -> None:
        self.settle(FAILED, code, reason)
        self.change = None

    def detail(self) -> dict[str, Any]:
        return {
            "previousDigest": self.previous_digest,
            "outcome": self.change if self.status == batch.DONE else None,
        }

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "imageTag": self.tag,
            "status": self.shown,
            "previousDigest": self.previous_digest,
        }
        if self.failure_code:
            data["failureCode"] = self.failure_code
        if self.failure_reason:
            data["reason"] = self.failure_reason
        return data


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
        return [o for o in self.outcomes if o.status == FAILED or o.change == WOULD_BE_REFUSED]

    def items(self) -> list[TagOutcome]:
        return self.outcomes

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
            data.update(batch.report(self.outcomes))
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


def retag(job: RetagJob, max_workers: int = MAX_WORKERS) -> RetagResult:
    """Run the plan: point every new tag at the image (with ``dry_run``, say what
    each would become)."""
    if job.result.dry_run:
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
        outcome.previous_digest = previous
        where = f"points at {previous}" if previous else "exists"
        why = self.mutability.why_pinned(outcome.tag)
        reason = f"tag {outcome.tag!r} already {where} and {why}"
        if dry_run:  # a dry run is never failed: it would be refused
            outcome.settle(NOT_ATTEMPTED, "ImageTagAlreadyExistsException", reason)
            outcome.change = WOULD_BE_REFUSED
        else:
            outcome.fail("ImageTagAlreadyExistsException", reason)

    def preview(self) -> None:
        """``--dry-run``: what each tag would become, with no PutImage."""
        for outcome in self.result.outcomes:
            previous = self.current.get(outcome.tag)
            if previous == self.digest:
                outcome.change, outcome.previous_digest = UNCHANGED, None
            elif previous is None:
                outcome.change = WOULD_CREATE
            elif self.mutability.pinned(outcome.tag):
                self.conflict(outcome, previous, dry_run=True)
            else:
                outcome.change = WOULD_MOVE

    def run(self, max_workers: int = MAX_WORKERS) -> None:
        """PutImage for every tag not already on the image (concurrently), then verify.

        A put that raises, or a signal, stops the batch (:func:`ecrctl.batch.run_each`):
        puts not started are not attempted, those in flight are waited for (briefly),
        and what could not be settled is read back from ECR, else unknown."""
        for outcome in self.result.outcomes:
            if self.current.get(outcome.tag) == self.digest:
                outcome.done(UNCHANGED)
                outcome.previous_digest = None
        batch.run_each(self.result.outcomes, self.put, self._reconcile, workers=max_workers)
        _verify(self, [o for o in self.result.outcomes if o.status == batch.DONE])

    def _reconcile(self, unsettled: list[TagOutcome], exc: BaseException) -> None:
        """Tags whose put raised or never answered: done when ECR says the tag is ours.
        After a signal, one not on the image stays unknown (its put may still land)."""
        if not unsettled:
            return
        now = tag_digests(
            self.ecr, self.repository, [o.tag for o in unsettled], registry_id=self.registry_id
        )
        for outcome in unsettled:
            if now.get(outcome.tag) == self.digest:
                outcome.done(MOVED if outcome.previous_digest else CREATED)
            elif outcome.status == UNKNOWN and isinstance(exc, Exception):
                code = error_code(exc) or type(exc).__name__
                outcome.fail(
                    batch.CALL_FAILED, f"PutImage failed ({code}); the tag is not on the image"
                )

    def put(self, outcome: TagOutcome) -> None:
        """One PutImage; the tag settled from its answer (a call that cannot be
        answered, with no AWS error code, raises and stops the batch)."""
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
                outcome.fail(code, error_message(exc) or code)
                return
            self._already_exists(outcome)
            return
        outcome.done(MOVED if outcome.previous_digest else CREATED)

    def _already_exists(self, outcome: TagOutcome) -> None:
        """The tag exists: ours (a retried put whose first answer was lost, or a
        concurrent retag) is done; another image's is the mutability conflict."""
        now = tag_digests(self.ecr, self.repository, [outcome.tag], registry_id=self.registry_id)
        if now.get(outcome.tag) == self.digest:
            outcome.done(MOVED if outcome.previous_digest else CREATED)
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
            outcome.fail(
                "VerificationFailed",
                f"after PutImage, tag {outcome.tag!r} resolves to "
                f"{resolved.get(outcome.tag) or 'nothing'}, not {job.digest}",
            )
