"""The referrers of a manifest on the wire: what signs, attests or describes it
(an OCI 1.1 manifest whose ``subject`` names it), found where a registry keeps them.

- The referrers API, ``GET /v2/NAME/referrers/DIGEST``: an image index of
  descriptors, paginated by ``Link`` (on the registry's origin, each page once, at
  most ``MAX_PAGES``), filtered by ``artifactType`` when asked (``OCI-Filters-Applied``
  says whether the registry did; else the filter is applied here). A registry
  without the API answers 404, which :class:`Finder` remembers.
- The referrers tag schema, where there is no API: an index tagged ``sha256-<hex>``
  in the same repository, kept up to date by the clients that push referrers
  (:mod:`ecrctl.distribution.tagschema` is that update).
- cosign's tags ``sha256-<hex>.sig``, ``.att`` and ``.sbom``: one manifest each.

The tags come from one ``tags/list`` per repository (given, or read once); where
listing is denied (ECR without ``ecr:ListImages``) each candidate tag is asked for.
The referrers of referrers (a signature of an SBOM) are followed as an index's
manifests are: each digest once, at most ``INDEX_DEPTH`` levels and
``INDEX_MANIFESTS`` referrers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ecrctl.distribution import manifest as mt
from ecrctl.distribution.client import RegistryClient
from ecrctl.distribution.content import (
    INDEX_DEPTH,
    INDEX_MANIFESTS,
    MANIFEST_LIMIT,
    Manifest,
    next_pages,
    read_manifest,
    scope,
)
from ecrctl.distribution.content import tags as list_tags
from ecrctl.distribution.refs import DIGEST, fullmatched
from ecrctl.errors import AccessDenied, EcrctlError, NotFound, ServiceError

API = "referrers-api"
TAG_SCHEMA = "tag-schema"
COSIGN = "cosign-tag"
COSIGN_KINDS = ("sig", "att", "sbom")
REFERRER_TAG = re.compile(r"sha256-([a-f0-9]{64})(?:\.(?:sig|att|sbom))?")
# RFC 6838: type "/" subtype, each a restricted name of up to 127 characters
MEDIA_TYPE = re.compile(r"[A-Za-z0-9][\w!#$&^.+-]{0,126}/[A-Za-z0-9][\w!#$&^.+-]{0,126}")
# configs that say nothing of what an artifact is (cosign's are image configs)
PLAIN_CONFIGS = frozenset(
    {
        "application/vnd.oci.image.config.v1+json",
        "application/vnd.docker.container.image.v1+json",
        "application/vnd.oci.empty.v1+json",
    }
)


@dataclass(frozen=True)
class Referrer:
    """One referrer of ``subject``, as its index entry (or its cosign tag) describes it."""

    digest: str
    media_type: str
    size: int
    artifact_type: str
    subject: str
    via: str  # API, TAG_SCHEMA or COSIGN
    tag: str = ""  # cosign's tag
    annotations: dict[str, str] = field(default_factory=dict, compare=False)

    def descriptor(self) -> dict[str, Any]:
        """Its entry in a referrers index (the tag schema's)."""
        entry: dict[str, Any] = {"mediaType": self.media_type, "digest": self.digest}
        entry["size"] = self.size
        if self.artifact_type:
            entry["artifactType"] = self.artifact_type
        if self.annotations:
            entry["annotations"] = self.annotations
        return entry

    def to_dict(self) -> dict[str, Any]:
        return {
            "digest": self.digest,
            "artifactType": self.artifact_type or None,
            "mediaType": self.media_type,
            "size": self.size,
            "subject": self.subject,
            "via": self.via,
            "tag": self.tag or None,
            "annotations": self.annotations,
        }


def schema_tag(digest: str) -> str:
    """The referrers tag schema's tag for ``digest``: ``sha256-<hex>``."""
    return digest.replace(":", "-", 1)


def cosign_tags(digest: str) -> list[str]:
    return [f"{schema_tag(digest)}.{kind}" for kind in COSIGN_KINDS]


def is_referrer_tag(tag: str) -> bool:
    """A tag-schema or cosign tag (``sha256-<hex>``, ``.sig``, ``.att``, ``.sbom``)."""
    return REFERRER_TAG.fullmatch(tag) is not None


def check_artifact_type(value: str) -> str:
    return fullmatched(
        MEDIA_TYPE, value, "artifact type", "give a media type, e.g. application/spdx+json"
    )


def cosign_artifact_type(document: dict[str, Any]) -> str:
    """What a cosign manifest carries: its ``artifactType``, else a config that says,
    else its first layer's media type (``application/vnd.dev.cosign.simplesigning.v1+json``)."""
    own = document.get("artifactType")
    config = document.get("config")
    config_type = config.get("mediaType") if isinstance(config, dict) else None
    layers = document.get("layers")
    first = layers[0] if isinstance(layers, list) and layers else None
    layer_type = first.get("mediaType") if isinstance(first, dict) else None
    for candidate in (own, None if config_type in PLAIN_CONFIGS else config_type, layer_type):
        if isinstance(candidate, str) and candidate:
            return candidate
    return str(config_type or "")


def descriptors(document: Any, subject: str, via: str, where: str) -> list[Referrer]:
    """The entries of a referrers index (the API's answer or the tag schema's index)."""
    entries = document.get("manifests") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ServiceError(f"{where}: the referrers of {subject} are not an image index")
    found = []
    for entry in entries:
        entry = entry if isinstance(entry, dict) else {}
        digest, media, size = entry.get("digest"), entry.get("mediaType"), entry.get("size")
        kind, notes = entry.get("artifactType") or "", entry.get("annotations") or {}
        if (
            not isinstance(digest, str)
            or not DIGEST.fullmatch(digest)
            or not isinstance(media, str)
            or not isinstance(size, int)
            or isinstance(size, bool)
            or size < 0
            or not isinstance(kind, str)
            or not isinstance(notes, dict)
            or not all(isinstance(v, str) for v in notes.values())
        ):
            raise ServiceError(
                f"{where}: a referrer of {subject} without a sha256 digest, media type "
                f"and size ({json.dumps(entry)[:120]})"
            )
        found.append(Referrer(digest, media, size, kind, subject, via, annotations=dict(notes)))
    return found


class Finder:
    """The referrers of manifests in one repository of one registry (one thread at a time).

    ``tags``: the repository's tags when the caller has listed them already;
    ``artifact_type``: only referrers of that type."""

    def __init__(
        self,
        client: RegistryClient,
        repository: str,
        *,
        tags: Iterable[str] | None = None,
        artifact_type: str | None = None,
    ) -> None:
        self.client = client
        self.repository = repository
        self.artifact_type = artifact_type
        self.api: bool | None = None  # whether the registry has the referrers API, once asked
        self.manifests: dict[str, Manifest] = {}  # read while finding (cosign's): by digest
        self.indexes: dict[str, str] = {}  # subject -> the digest of its tag-schema index
        self._tags = set(tags) if tags is not None else None
        self._listing = tags is None  # False once listing is denied: each tag is asked for

    def walk(self, subjects: Iterable[str]) -> tuple[list[Referrer], list[tuple[str, EcrctlError]]]:
        """Every referrer of ``subjects`` and of their referrers, breadth first, each
        digest once; and the digests whose referrers could not be read, with why."""
        found: list[Referrer] = []
        failures: list[tuple[str, EcrctlError]] = []
        seen = set(subjects)
        level = list(dict.fromkeys(subjects))
        for depth in range(1, INDEX_DEPTH + 2):
            after: list[str] = []
            for subject in level:
                try:
                    listed = self.of(subject)
                except EcrctlError as exc:
                    failures.append((subject, exc))
                    continue
                if listed and depth > INDEX_DEPTH:
                    failures.append((subject, self._too_deep(subject)))
                    continue
                for referrer in listed:
                    if referrer.digest in seen:
                        continue
                    if len(found) >= INDEX_MANIFESTS:
                        failures.append((subject, self._too_many(subject)))
                        return found, failures
                    seen.add(referrer.digest)
                    found.append(referrer)
                    after.append(referrer.digest)
            level = after
        return found, failures

    def _too_deep(self, digest: str) -> ServiceError:
        return ServiceError(
            f"{self.client.host}/{self.repository}: referrers of referrers nested more than "
            f"{INDEX_DEPTH} deep (at {digest}): not followed further",
            hint="a real image's referrers nest one or two levels",
        )

    def _too_many(self, digest: str) -> ServiceError:
        return ServiceError(
            f"{self.client.host}/{self.repository}: more than {INDEX_MANIFESTS} referrers "
            f"(at {digest}): not followed further"
        )

    def of(self, digest: str) -> list[Referrer]:
        """The referrers of one manifest: the API's, the tag schema's, cosign's."""
        found = (self._from_api(digest) if self.api is not False else None) or []
        known = {r.digest for r in found}
        schema = self._tagged(schema_tag(digest))
        if schema is not None:
            if not schema.is_index:
                raise ServiceError(
                    f"{self.client.host}/{self.repository}:{schema_tag(digest)} is not an "
                    "image index, as the referrers tag schema has it"
                )
            self.indexes[digest] = schema.digest
            where = f"{self.client.host}/{self.repository}:{schema_tag(digest)}"
            listed = descriptors(schema.document, digest, TAG_SCHEMA, where)
            found += [r for r in self._wanted(listed) if r.digest not in known]
        for tag in cosign_tags(digest):
            signed = self._tagged(tag)
            if signed is None:
                continue
            self.manifests[signed.digest] = signed
            document = signed.document
            notes = document.get("annotations")
            referrer = Referrer(
                signed.digest,
                signed.media_type,
                len(signed.body),
                cosign_artifact_type(document),
                digest,
                COSIGN,
                tag,
                {k: v for k, v in notes.items() if isinstance(v, str)}
                if isinstance(notes, dict)
                else {},
            )
            found += self._wanted([referrer])
        return found

    def _wanted(self, found: list[Referrer]) -> list[Referrer]:
        if not self.artifact_type:
            return found
        return [r for r in found if r.artifact_type == self.artifact_type]

    def _from_api(self, digest: str) -> list[Referrer] | None:
        """The API's answer (every page); ``None`` where the registry has no API (404)."""
        path = f"/v2/{self.repository}/referrers/{digest}"
        if self.artifact_type:
            path += f"?artifactType={quote(self.artifact_type, safe='')}"
        scope_ = scope(self.repository)
        first = self.client.request(
            "GET",
            path,
            scope=scope_,
            headers={"Accept": mt.OCI_INDEX},
            ok=(200, 404),
            limit=MANIFEST_LIMIT,
        )
        if first.status_code == 404:
            self.api = False
            return None
        self.api = True
        applied = first.headers.get("OCI-Filters-Applied", "")
        filtered = "artifacttype" in [f.strip().lower() for f in applied.split(",")]
        where = f"registry {self.client.host}"
        found: list[Referrer] = []
        for page in [first, *next_pages(self.client, first, scope_, limit=MANIFEST_LIMIT)]:
            try:
                document = json.loads(page.content)
            except ValueError:
                document = None
            found += descriptors(document, digest, API, where)
        return found if filtered else self._wanted(found)

    def _tagged(self, tag: str) -> Manifest | None:
        """The manifest a tag names, ``None`` when the repository has no such tag."""
        if self._tags is None and self._listing:
            try:
                self._tags = set(list_tags(self.client, self.repository))
            except AccessDenied:  # a role that may pull but not list: ask for each tag
                self._listing = False
            except NotFound:  # no tags at all
                self._tags = set()
        if self._tags is not None and tag not in self._tags:
            return None
        try:
            return read_manifest(self.client, self.repository, tag)
        except NotFound:
            return None
