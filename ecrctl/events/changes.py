"""What an ECR event changed: a tag set or moved from one digest to another, an image
or a tag deleted, a policy replaced, a repository created or deleted, ...

:class:`Tracker` reads events oldest first and keeps what each tag points at, as far
as the events seen say: a PutImage that moves ``prod`` names the digest it left only
when an earlier event in the window put ``prod`` there. Pure: no AWS call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecrctl.events.model import Event, image_ids, put_image_digest, put_image_tag
from ecrctl.jsonrecord import record_json

Key = tuple[str | None, str]  # (registry id, repository)

# the events that change a setting of a repository or the registry, by what they set
SETTINGS = {
    "SetRepositoryPolicy": "repository-policy-set",
    "DeleteRepositoryPolicy": "repository-policy-deleted",
    "PutLifecyclePolicy": "lifecycle-policy-set",
    "DeleteLifecyclePolicy": "lifecycle-policy-deleted",
    "PutImageTagMutability": "tag-mutability-set",
    "PutImageScanningConfiguration": "scanning-configuration-set",
    "TagResource": "resource-tags-added",
    "UntagResource": "resource-tags-removed",
    "PutRegistryPolicy": "registry-policy-set",
    "DeleteRegistryPolicy": "registry-policy-deleted",
    "PutReplicationConfiguration": "replication-configuration-set",
    "PutRegistryScanningConfiguration": "registry-scanning-configuration-set",
    "CreatePullThroughCacheRule": "pull-through-cache-rule-created",
    "DeletePullThroughCacheRule": "pull-through-cache-rule-deleted",
}
# what a setting's change shows as its value
_VALUES = {
    "PutImageTagMutability": "imageTagMutability",
    "TagResource": "tags",
    "UntagResource": "tagKeys",
    "PutImageScanningConfiguration": "imageScanningConfiguration",
}


@dataclass(frozen=True)
class Change:
    """One thing an event changed. ``action`` is one of the names in docs/events.md."""

    action: str
    tag: str | None = None
    digest: str | None = None
    previous_digest: str | None = None
    value: Any = None

    def to_json(self) -> dict[str, Any]:
        return record_json(self, tag="imageTag", digest="imageDigest")

    def text(self) -> str:
        """The change in a few words, digests shortened (for tables)."""
        digest, previous = short(self.digest), short(self.previous_digest)
        texts = {
            "tag-moved": f"{self.tag} moved {previous} -> {digest}",
            "tag-set": f"{self.tag} -> {digest}",
            "image-put": f"image {digest} put (no tag)",
            "tag-deleted": f"tag {self.tag} deleted (was {digest})",
            "image-deleted": f"image {digest} deleted"
            + (f" with tag {self.tag}" if self.tag else ""),
        }
        text = texts.get(self.action) or self.action.replace("-", " ")
        if self.value is not None and self.action not in texts:
            text += f": {_value_text(self.value)}"
        return text


def short(digest: str | None) -> str:
    """``sha256:`` and the first 12 hex digits (``?`` when unknown)."""
    if not digest:
        return "?"
    return digest[:19] if digest.startswith("sha256:") else digest


def _value_text(value: Any) -> str:
    import json

    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


@dataclass
class Tracker:
    """The tags and digests of each repository, as the events read so far say."""

    tags: dict[Key, dict[str, str]] = field(default_factory=dict)
    digests: dict[Key, set[str]] = field(default_factory=dict)

    def key(self, event: Event) -> Key:
        return (event.registry_id, event.repository or "")

    def known(self, event: Event, digest: str) -> bool:
        """Whether an earlier event put ``digest`` in the event's repository."""
        return digest in self.digests.get(self.key(event), set())

    def points_at(self, event: Event, tag: str) -> str | None:
        return self.tags.get(self.key(event), {}).get(tag)

    def apply(self, event: Event) -> list[Change]:
        """What ``event`` changed; the tracker then reflects it. A failed call changed
        nothing."""
        if event.failed or event.read_only:
            return []
        if event.name == "PutImage":
            return self._put(event)
        if event.name == "BatchDeleteImage":
            return self._delete(event)
        if event.name == "CreateRepository":
            return [Change("repository-created")]
        if event.name == "DeleteRepository":
            key = self.key(event)
            self.tags.pop(key, None)
            self.digests.pop(key, None)
            return [Change("repository-deleted")]
        if event.name in SETTINGS:
            value = event.request.get(_VALUES.get(event.name, ""))
            return [Change(SETTINGS[event.name], value=value)]
        return []

    def _put(self, event: Event) -> list[Change]:
        digest = put_image_digest(event)
        tag = put_image_tag(event)
        key = self.key(event)
        if digest:
            self.digests.setdefault(key, set()).add(digest)
        if not tag:
            return [Change("image-put", digest=digest)]
        tags = self.tags.setdefault(key, {})
        previous = tags.get(tag)
        if digest:
            tags[tag] = digest
        if previous and previous != digest:
            return [Change("tag-moved", tag, digest, previous)]
        return [Change("tag-set", tag, digest, previous)]

    def _delete(self, event: Event) -> list[Change]:
        asked = image_ids(event.request.get("imageIds"))
        asked_tags = {tag for tag, _ in asked if tag}
        failed = set(image_ids(event.response.get("failures")))
        answered = image_ids(event.response.get("imageIds")) if event.response else None
        deleted = answered if answered is not None else [i for i in asked if i not in failed]
        changes: list[Change] = []
        for tag, digest in deleted:
            if tag and tag in asked_tags:
                changes.append(self._drop_tag(event, tag, digest))
            else:
                changes += self._drop_image(event, digest, tag)
        return _unique(changes)

    def _drop_tag(self, event: Event, tag: str, digest: str | None) -> Change:
        tags = self.tags.get(self.key(event), {})
        digest = digest or tags.get(tag)
        tags.pop(tag, None)
        return Change("tag-deleted", tag, digest)

    def _drop_image(self, event: Event, digest: str | None, tag: str | None) -> list[Change]:
        key = self.key(event)
        tags = self.tags.get(key, {})
        if digest is None and tag:
            digest = tags.get(tag)
        gone = sorted(t for t, d in tags.items() if d == digest)
        if tag and tag not in gone:
            gone.append(tag)
        for name in gone:
            tags.pop(name, None)
        self.digests.get(key, set()).discard(digest or "")
        return [Change("image-deleted", name, digest) for name in gone] or [
            Change("image-deleted", digest=digest)
        ]


def _unique(changes: list[Change]) -> list[Change]:
    seen: list[Change] = []
    for change in changes:
        if change not in seen:
            seen.append(change)
    return seen
