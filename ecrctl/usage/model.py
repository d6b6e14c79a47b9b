"""The usage scan's results: image references as the runners write them, who uses
each image and how, what the scan covered, and why some usage is unknown.

Pure data and string handling; no AWS call here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecrctl.distribution.hosts import parse_ecr_host
from ecrctl.distribution.reference import parse_reference, partial_reference
from ecrctl.errors import InvalidInput
from ecrctl.usage.causes import Gap, Missing
from ecrctl.usage.scope import ScanScope, Scope
from ecrctl.usage.users import Use, User, short_text

__all__ = [
    "BY_DIGEST",
    "BY_TAG",
    "IN_USE",
    "NOT_IN_USE",
    "RUNNING",
    "UNKNOWN",
    "Gap",
    "ImageUri",
    "Missing",
    "Reference",
    "RepositoryUsage",
    "ScanScope",
    "Scope",
    "Unreadable",
    "Usage",
    "Use",
    "User",
    "parse_image_uri",
    "read_image_uri",
    "short_text",
]

IN_USE = "in use"
NOT_IN_USE = "not in use"
UNKNOWN = "unknown"

# how a user names the image
BY_TAG = "tag"
BY_DIGEST = "digest"
RUNNING = "running"  # the digest ECS reports for a task's container, or Lambda's resolved one

RepositoryKey = tuple[str, str, str]  # registry id, region, repository name


@dataclass(frozen=True)
class ImageUri:
    """An ECR image reference: ``ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME[:TAG][@DIGEST]``."""

    registry_id: str
    region: str
    repository: str
    tag: str | None
    digest: str | None

    @property
    def key(self) -> RepositoryKey:
        return (self.registry_id, self.region, self.repository)


@dataclass(frozen=True)
class Unreadable:
    """Text on an ECR registry host that is no image reference ecrctl can read: the
    image it means cannot be known, so its repository's usage is unknown."""

    registry_id: str
    region: str
    repository: str | None  # the name as far as it reads; None: any of the registry's
    why: str  # the parser's complaint

    def covers(self, key: RepositoryKey) -> bool:
        if (self.registry_id, self.region) != key[:2]:
            return False
        return self.repository is None or self.repository == key[2]


def read_image_uri(uri: str) -> ImageUri | Unreadable | None:
    """An ECR image reference's parts; :class:`Unreadable` for text on an ECR host that
    does not parse (one emulator answers ``REPO@sha256@sha256:<hex>``); ``None`` for
    any other registry's image, and for text that names no ECR host at all."""
    text = uri.strip()
    if not text:
        return None
    try:
        ref = parse_reference(text, tag_and_digest=True)
    except InvalidInput as exc:
        return _unreadable(text, exc)
    parsed = parse_ecr_host(ref.host) if ref.host else None
    if parsed is None:
        return None
    tag = ref.tag if ref.tag or ref.digest else "latest"  # what docker and ECS pull
    return ImageUri(parsed.account, parsed.region, ref.repository, tag, ref.digest)


def _unreadable(text: str, exc: InvalidInput) -> Unreadable | None:
    partial = partial_reference(text)
    if partial.name == partial.repository:  # no host: nothing of ECR's
        return None
    host = partial.name[: len(partial.name) - len(partial.repository) - 1]
    parsed = parse_ecr_host(host)
    if parsed is None:
        return None
    try:
        name: str | None = parse_reference(partial.repository).repository
    except InvalidInput:
        name = None
    return Unreadable(parsed.account, parsed.region, name, exc.one_line())


def parse_image_uri(uri: str) -> ImageUri | None:
    """The parts of an ECR image reference; ``None`` for anything else (see
    :func:`read_image_uri` for what tells an unreadable one apart)."""
    found = read_image_uri(uri)
    return found if isinstance(found, ImageUri) else None


@dataclass(frozen=True)
class Reference:
    """One user's reference to one image, as written (``uri``) and read."""

    user: User
    uri: str
    image: ImageUri | Unreadable
    how: str  # BY_TAG, BY_DIGEST or RUNNING


def references_to(user: User, uris: list[str], *, running: bool = False) -> list[Reference]:
    """``user``'s references to each ECR image in ``uris`` (other registries' skipped;
    text on an ECR host that does not read is kept, as :class:`Unreadable`)."""
    found = []
    for uri in uris:
        image = read_image_uri(uri)
        if image is None:
            continue
        if running or isinstance(image, Unreadable):
            how = RUNNING if running else BY_TAG
        else:
            how = BY_DIGEST if image.digest else BY_TAG
        found.append(Reference(user, uri, image, how))
    return found


@dataclass
class Usage:
    """Every reference the scan found, what it covered and what it could not read."""

    scope: Scope  # the registry's own account and region
    references: list[Reference] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    # (registry id, region, repository) -> tag -> digest, for references by tag
    tags: dict[RepositoryKey, dict[str, str]] = field(default_factory=dict)
    # (registry id, region, repository) -> every digest listed (ACTIVE and ARCHIVED)
    digests: dict[RepositoryKey, set[str]] = field(default_factory=dict)
    others: list[Scope] = field(default_factory=list)  # other regions and accounts
    # a repository -> its replicas (replication destinations): their users count too
    replicas: dict[RepositoryKey, list[RepositoryKey]] = field(default_factory=dict)
    external: dict[str, int] | None = None  # --usage-from: what it held

    @property
    def complete(self) -> bool:
        return not self.gaps

    @property
    def scan_scope(self) -> ScanScope:
        return ScanScope([self.scope, *self.others], self.external)


@dataclass
class RepositoryUsage:
    """The users of one repository's images, by digest and by tag, and the reasons
    its usage is unknown (each a :class:`Gap`)."""

    repository: str
    registry_id: str
    usage: Usage
    by_digest: dict[str, list[Use]] = field(default_factory=dict)
    by_tag: dict[str, list[Use]] = field(default_factory=dict)
    gaps: list[Gap] | None = None  # None: every gap of the scan
    missing: list[Missing] = field(default_factory=list)
    # digest -> digests it stands with (an index and its children, a subject and its
    # referrers): one of them in use keeps the others in use
    linked: dict[str, list[str]] = field(default_factory=dict)

    @property
    def causes(self) -> list[Gap]:
        return self.usage.gaps if self.gaps is None else self.gaps

    @property
    def complete(self) -> bool:
        return not self.causes

    def users(self, digest: str) -> list[Use]:
        found = list(self.by_digest.get(digest, []))
        for other in self.linked.get(digest, []):
            found += [u for u in self.by_digest.get(other, []) if u not in found]
        return found

    def status(self, digest: str) -> str:
        """IN_USE, NOT_IN_USE, or UNKNOWN when the scan missed something."""
        if self.users(digest):
            return IN_USE
        return NOT_IN_USE if self.complete else UNKNOWN

    def in_use_json(self, digest: str) -> bool | None:
        """``inUse`` in JSON: true, false, or null for unknown."""
        status = self.status(digest)
        return None if status == UNKNOWN else status == IN_USE

    def users_text(self, digest: str) -> str:
        """The cell of an IN USE column: who uses it, in short, ``-``, or ``unknown``."""
        uses = self.users(digest)
        if not uses:
            return "-" if self.complete else UNKNOWN
        return short_text([use.user for use in uses])

    def to_json(self) -> dict[str, Any]:
        """The scan's scope and what it could not see, as ``usage`` in JSON output."""
        causes = self.causes
        return {
            "complete": self.complete,
            "scope": self.usage.scan_scope.to_json(),
            "missingPermissions": sorted({g.action for g in causes if g.reason == "denied"}),
            "unknown": [gap.to_json() for gap in causes],
            "notFound": [missing.to_json() for missing in self.missing],
        }
