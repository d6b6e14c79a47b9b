"""Retag by manifest: BatchGetImage, then PutImage of the same manifest string
under each new tag. No pull, no push, no layer moves.

The manifest goes back byte for byte (it is never decoded and re-encoded),
``imageManifestMediaType`` is forwarded (OCI manifests may have no top-level
mediaType), and ``imageDigest`` is passed so that ECR checks the bytes. After
the puts, every new tag is checked to resolve to the source digest.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import error_code, error_message, registry_kwargs
from ecrctl.errors import InvalidInput, ServiceError
from ecrctl.image.query import StoredManifest, describe_image, get_manifest, tag_digests
from ecrctl.registry.manifest import digest_of
from ecrctl.registry.refs import ImageRef, check_image_tag, check_repository_name

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
WOULD_CREATE = "would-create"
WOULD_MOVE = "would-move"


@dataclass
class TagOutcome:
    tag: str
    status: str
    previous_digest: str | None = None
    failure_code: str | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"imageTag": self.tag, "status": self.status}
        if self.previous_digest:
            data["previousDigest"] = self.previous_digest
        if self.failure_code:
            data["failureCode"] = self.failure_code
        if self.reason:
            data["reason"] = self.reason
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
        return [o for o in self.outcomes if o.status == FAILED]

    def to_dict(self) -> dict[str, Any]:
        return {
            "repositoryName": self.repository,
            "source": self.source,
            "imageDigest": self.digest,
            "imageManifestMediaType": self.media_type,
            "dryRun": self.dry_run,
            "tags": [o.to_dict() for o in self.outcomes],
        }


def parse_new_tag(value: str, repository: str) -> str:
    """A new tag, also given as ``REPO:TAG`` or ``HOST/REPO:TAG`` for the same
    repository; another repository is refused (PutImage cannot copy layers)."""
    if ":" not in value and "/" not in value:
        return check_image_tag(value)
    target, _, tag = value.rpartition(":")
    if not target:
        target, tag = value, ""
    parts = target.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    target_repo = "/".join(parts)
    if target_repo != repository:
        check_repository_name(target_repo)
        raise InvalidInput(
            f"cannot retag into another repository ({target_repo!r}, source {repository!r}): "
            "PutImage only adds tags to manifests whose layers are already in the repository",
            hint="copy the image with: ecrctl image pull, then ecrctl image push "
            f"LOCAL {target_repo}:{tag or 'TAG'}",
        )
    if not tag:
        raise InvalidInput(f"no tag in {value!r}", hint=f"e.g. {repository}:v2")
    return check_image_tag(tag)


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
    tags = list(dict.fromkeys(new_tags))
    if not tags:
        raise InvalidInput("no new tag given", hint="e.g. ecrctl image retag REPO latest v2")
    detail = describe_image(ecr, repository, source, registry_id=registry_id)
    digest: str = detail["imageDigest"]
    stored = get_manifest(ecr, repository, digest, registry_id=registry_id)
    actual = digest_of(stored.manifest)
    if actual != digest:
        raise ServiceError(
            f"the manifest ECR returned for {digest} hashes to {actual}; nothing was retagged"
        )
    job = _Retag(ecr, repository, stored, registry_id)
    job.current = tag_digests(ecr, repository, tags, registry_id=registry_id)
    result = RetagResult(repository, str(source), digest, stored.media_type, dry_run)
    result.outcomes = job.preview(tags) if dry_run else job.run(tags, max_workers)
    return result


class _Retag:
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
        self._mutability: str | None = None

    def mutability(self) -> str:
        if self._mutability is None:
            repo = self.ecr.describe_repositories(
                repositoryNames=[self.repository], **registry_kwargs(self.registry_id)
            )
            self._mutability = str(repo["repositories"][0].get("imageTagMutability", "MUTABLE"))
        return self._mutability

    def conflict(self, tag: str, previous: str) -> TagOutcome:
        return TagOutcome(
            tag,
            FAILED,
            previous_digest=previous,
            failure_code="ImageTagAlreadyExistsException",
            reason=f"tag {tag!r} already points at {previous} and repository "
            f"{self.repository!r} is {self.mutability()}: its tags cannot be moved",
        )

    def preview(self, tags: list[str]) -> list[TagOutcome]:
        """``--dry-run``: what each tag would become, with no PutImage."""
        todo = [t for t in tags if self.current.get(t) != self.digest]
        immutable = bool(todo) and self.mutability().startswith("IMMUTABLE")
        outcomes = []
        for tag in tags:
            previous = self.current.get(tag)
            if previous == self.digest:
                outcomes.append(TagOutcome(tag, UNCHANGED))
            elif previous is None:
                outcomes.append(TagOutcome(tag, WOULD_CREATE))
            elif immutable:
                outcomes.append(self.conflict(tag, previous))
            else:
                outcomes.append(TagOutcome(tag, WOULD_MOVE, previous))
        return outcomes

    def run(self, tags: list[str], max_workers: int) -> list[TagOutcome]:
        """PutImage for every tag not already on the image (concurrently), then verify."""
        todo = [t for t in tags if self.current.get(t) != self.digest]
        done = {t: TagOutcome(t, UNCHANGED) for t in tags if t not in todo}
        if todo:
            workers = max(1, min(max_workers, len(todo)))
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for outcome in pool.map(self.put, todo):
                    done[outcome.tag] = outcome
        _verify(self.ecr, self.repository, self.digest, done, registry_id=self.registry_id)
        return [done[t] for t in tags]

    def put(self, tag: str) -> TagOutcome:
        previous = self.current.get(tag)
        kwargs: dict[str, Any] = {
            "repositoryName": self.repository,
            "imageManifest": self.stored.manifest,
            "imageTag": tag,
            "imageDigest": self.digest,
            **registry_kwargs(self.registry_id),
        }
        if self.stored.media_type:
            kwargs["imageManifestMediaType"] = self.stored.media_type
        try:
            self.ecr.put_image(**kwargs)
        except Exception as exc:
            code = error_code(exc)
            if code not in TAG_EXISTS_CODES:
                if not code:
                    raise
                return TagOutcome(tag, FAILED, previous, code, error_message(exc) or code)
            now = tag_digests(self.ecr, self.repository, [tag], registry_id=self.registry_id)
            if now.get(tag) == self.digest:
                return TagOutcome(tag, UNCHANGED)
            return self.conflict(tag, now.get(tag) or previous or "another image")
        return TagOutcome(tag, MOVED if previous else CREATED, previous)


def _verify(
    ecr: ECRClient,
    repository: str,
    digest: str,
    outcomes: dict[str, TagOutcome],
    *,
    registry_id: str | None,
) -> None:
    """Every tag reported as done must now resolve to ``digest``."""
    claimed = [t for t, o in outcomes.items() if o.status in {CREATED, MOVED, UNCHANGED}]
    if not claimed:
        return
    detail = describe_image(ecr, repository, ImageRef(digest=digest), registry_id=registry_id)
    present = set(detail.get("imageTags") or [])
    missing = [t for t in claimed if t not in present]
    if missing:
        # DescribeImages may truncate a very long tag list: ask for those tags directly
        resolved = tag_digests(ecr, repository, missing, registry_id=registry_id)
        for tag in missing:
            if resolved.get(tag) != digest:
                outcomes[tag] = TagOutcome(
                    tag,
                    FAILED,
                    outcomes[tag].previous_digest,
                    "VerificationFailed",
                    f"after PutImage, tag {tag!r} resolves to {resolved.get(tag) or 'nothing'}, "
                    f"not {digest}",
                )
