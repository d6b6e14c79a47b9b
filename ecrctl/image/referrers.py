"""An image copy's referrers: the signatures, SBOMs and attestations that name
what the copy wrote, carried with it (``image copy``, ``repo copy``; off with
``--no-referrers``).

Once an image is at the destination (copied or already there), the referrers of
each manifest it wrote (its index and children too) and their own referrers are
found at the source (:class:`~ecrctl.distribution.referrers.Finder`). Each is
copied by digest with its blobs (cosign's as its tag), then, where the
destination has no referrers API, listed in the destination's tag-schema index
``sha256-<hex>``, merged with what that lists already. Each referrer is an item of
the one batch report (:mod:`ecrctl.batch`): one the destination refuses (ECR
answers 405 to some referrers of an index) is failed with its reason, never
dropped. A copy rewritten by ``--format`` has other digests than its referrers
name: they are failed too (``DigestChanged``), not carried.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ecrctl import batch
from ecrctl.distribution.blobs import Route
from ecrctl.distribution.content import Manifest, manifest_digest, read_manifest, walk_index
from ecrctl.distribution.referrers import COSIGN, Finder, Referrer, schema_tag
from ecrctl.distribution.tagschema import has_api, merge_tag_schema
from ecrctl.errors import EcrctlError
from ecrctl.image.copy_manifests import blobs_of, put_image

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ecrctl.distribution.blobs import BlobMover
    from ecrctl.distribution.client import RegistryClient
    from ecrctl.distribution.reference import ImageReference

Children = list[tuple[str, Manifest]]


class CopyTarget(Protocol):
    """Where a copy goes: a registry's client and a repository."""

    client: RegistryClient
    repository: str


class Copied(Protocol):
    """What an image copy reports (``CopyResult``)."""

    digest: str
    sourceDigest: str
    referrers: dict[str, Any]


class CarriedCopy(Protocol):
    """An image copy whose referrers are carried (``CopyPlan``)."""

    @property
    def src(self) -> ImageReference: ...

    @property
    def top(self) -> Manifest: ...

    @property
    def written(self) -> Children | None:
        """The children the copy wrote; None when it read none (it found the image)."""

    @property
    def result(self) -> Copied: ...


@dataclass
class ReferrerItem(batch.Item):
    """One referrer (its digest is the key) and what its copy did; or a manifest
    (``referrer`` None) whose referrers could not be read."""

    subject: str = ""
    referrer: Referrer | None = None
    outcome: str | None = None  # copied | unchanged | would-copy, once done

    def detail(self) -> dict[str, Any]:
        found = self.referrer
        return {
            "subject": self.subject,
            "artifactType": (found.artifact_type or None) if found else None,
            "mediaType": found.media_type if found else None,
            "size": found.size if found else None,
            "via": found.via if found else None,
            "tag": (found.tag or None) if found else None,
            "outcome": self.outcome,
        }


@dataclass(frozen=True)
class Carried:
    """What became of a referrer's tag or digest, for the ``repo copy`` item of that
    name: its digest, outcome, and status (with the failure, if failed)."""

    digest: str
    outcome: str | None
    status: str = batch.DONE
    code: str | None = None
    reason: str | None = None

    @classmethod
    def of(cls, item: ReferrerItem) -> Carried:
        return cls(item.key, item.outcome, item.status, item.failure_code, item.failure_reason)


class NoReferrers:
    """Referrers left where they are (``--no-referrers``)."""

    def carried(
        self, source: RegistryClient, copy: CarriedCopy, dest: CopyTarget, dry_run: bool
    ) -> None:
        """The referrers of what ``copy`` wrote, carried too, in its result."""

    def landed(self, key: str) -> Carried | None:
        """What became of the referrer (or tag-schema index) of this tag or digest,
        when its subject was carried in this run."""
        return None

    def report(self) -> dict[str, Any] | None:
        return None


class Carrier(NoReferrers):
    """Carries referrers for every image of one run, each once per destination
    (one thread at a time). ``tags``: the source repository's, when listed already."""

    def __init__(self, mover: BlobMover, *, tags: Iterable[str] | None = None) -> None:
        self.mover = mover
        self.tags = tags
        self.items: list[ReferrerItem] = []
        self._finders: dict[tuple[str, str], Finder] = {}
        self._done: dict[tuple[str, str, str], ReferrerItem] = {}  # dest host, repo, digest
        self._subjects: set[tuple[str, str, str]] = set()
        self._landed: dict[str, Carried] = {}  # by tag and digest
        self._api: dict[str, bool] = {}  # destination host -> has the referrers API

    def carried(
        self, source: RegistryClient, copy: CarriedCopy, dest: CopyTarget, dry_run: bool
    ) -> None:
        result, top, children = copy.result, copy.top, copy.written
        finder = self._finder(source, copy.src.repository)
        changed = bool(result.sourceDigest) and result.sourceDigest != result.digest
        unread: list[tuple[str, EcrctlError]] = []
        if changed:  # the subjects as the source has them
            children = None
            try:
                top = read_manifest(source, copy.src.repository, result.sourceDigest)
            except EcrctlError as exc:
                unread.append((result.sourceDigest, exc))
        written = [m.digest for _, m in children] if children is not None else _listed(top)
        subjects = [top.digest, *written]
        items = self.carry(finder, subjects, dest, dry_run=dry_run, changed=changed, unread=unread)
        result.referrers = batch.report(items)

    def landed(self, key: str) -> Carried | None:
        return self._landed.get(key)

    def report(self) -> dict[str, Any]:
        return batch.report(self.items)

    def _finder(self, source: RegistryClient, repository: str) -> Finder:
        key = (source.host, repository)
        if key not in self._finders:
            self._finders[key] = Finder(source, repository, tags=self.tags)
        return self._finders[key]

    def carry(
        self,
        finder: Finder,
        subjects: list[str],
        dest: CopyTarget,
        *,
        dry_run: bool,
        changed: bool = False,
        unread: Iterable[tuple[str, EcrctlError]] = (),
    ) -> list[ReferrerItem]:
        """Find and copy the referrers of ``subjects`` (those not carried before in
        this run): this call's items, in the order found."""
        where = (dest.client.host, dest.repository)
        fresh = [s for s in subjects if (*where, s) not in self._subjects]
        self._subjects.update((*where, s) for s in fresh)
        found, failures = finder.walk(fresh)
        items: list[ReferrerItem] = []
        for subject, exc in [*unread, *failures]:
            item = ReferrerItem(subject, subject=subject)
            reason = f"its referrers could not be read: {exc.one_line()}"
            item.settle(batch.FAILED, type(exc).__name__, reason)
            items.append(item)
        for referrer in found:
            if (*where, referrer.digest) in self._done:
                continue
            item = ReferrerItem(referrer.digest, subject=referrer.subject, referrer=referrer)
            self._done[(*where, referrer.digest)] = item
            items.append(item)
            if changed:
                item.settle(batch.FAILED, "DigestChanged", _CHANGED.format(referrer.subject))
            else:
                self._copy(finder, item, referrer, dest, dry_run)
        if not dry_run and not changed:
            self._list_in_tag_schema(finder, dest, items)
        self.items.extend(items)
        return items

    def _copy(
        self,
        finder: Finder,
        item: ReferrerItem,
        referrer: Referrer,
        dest: CopyTarget,
        dry_run: bool,
    ) -> None:
        """Copy one referrer (its blobs, an index's children, then itself by digest
        or cosign's tag); a refusal fails the item with the destination's reason."""
        item.take()
        if dry_run:
            item.outcome = "would-copy"
            item.settle(batch.DONE)
            return
        source, repository = finder.client, finder.repository
        name = referrer.tag or referrer.digest
        try:
            if manifest_digest(dest.client, dest.repository, name) == referrer.digest:
                item.outcome = "unchanged"
            else:
                manifest = finder.manifests.get(referrer.digest) or read_manifest(
                    source, repository, referrer.digest
                )
                children = [m for _, m in walk_index(source, repository, manifest)]
                route = Route(source, repository, dest.client, dest.repository)
                for digest, size in blobs_of(children or [manifest]).items():
                    self.mover.move(route, digest, size)
                put_image(dest.client, dest.repository, name, manifest, children)
                item.outcome = "copied"
            item.settle(batch.DONE)
        except EcrctlError as exc:
            item.settle(batch.FAILED, type(exc).__name__, exc.one_line())
        self._landed[name] = self._landed[referrer.digest] = Carried.of(item)

    def _list_in_tag_schema(
        self, finder: Finder, dest: CopyTarget, items: list[ReferrerItem]
    ) -> None:
        """Where the destination has no referrers API, list the referrers carried
        (not cosign's: those are found by their tags) in each subject's tag-schema
        index; a referrer that cannot be listed there is failed. What became of
        each index is kept for the ``repo copy`` item of its tag."""
        by_subject: dict[str, list[ReferrerItem]] = {}
        for item in items:
            if item.referrer is not None and item.referrer.via != COSIGN:
                by_subject.setdefault(item.subject, []).append(item)
        for subject, group in by_subject.items():
            tag, done = schema_tag(subject), [i for i in group if i.status == batch.DONE]
            try:
                if done and self._has_api(dest, subject):  # its referrers list them there
                    self._landed[tag] = Carried(finder.indexes.get(subject, ""), "carried")
                    continue
                if not done:
                    why = "none of the referrers it lists was carried (see referrers)"
                    self._landed[tag] = Carried("", None, batch.FAILED, "NotCarried", why)
                    continue
                entries = [i.referrer.descriptor() for i in done if i.referrer]
                digest, written = merge_tag_schema(dest.client, dest.repository, subject, entries)
            except EcrctlError as exc:
                reason = f"copied, but not listed in {tag}: {exc.one_line()}"
                for item in done:
                    item.settle(batch.FAILED, type(exc).__name__, reason)
                    self._landed[item.key] = Carried.of(item)
                self._landed[tag] = Carried("", None, batch.FAILED, type(exc).__name__, reason)
                continue
            self._landed[tag] = Carried(digest, "copied" if written else "unchanged")

    def _has_api(self, dest: CopyTarget, subject: str) -> bool:
        host = dest.client.host
        if host not in self._api:
            self._api[host] = has_api(dest.client, dest.repository, subject)
        return self._api[host]


_CHANGED = "--format rewrote the copy, so its digest is not {}, the one this referrer names"


def _listed(top: Manifest) -> list[str]:
    """The digests an index lists (a copy found at the destination reads no child)."""
    if not top.is_index:
        return []
    entries = top.document.get("manifests")
    return [
        str(e["digest"])
        for e in (entries if isinstance(entries, list) else [])
        if isinstance(e, dict) and isinstance(e.get("digest"), str)
    ]
