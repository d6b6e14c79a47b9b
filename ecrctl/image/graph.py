"""The image graph of a repository: an image index (manifest list) and its
children, an OCI referrer (signature, SBOM, attestation) and its subject.

A referrer is known by its manifest's ``subject`` (DescribeImages'
``subjectManifestDigest``, else the manifest itself) or by cosign's tag schema,
``sha256-<hex>.sig``, ``.att`` or ``.sbom`` in the same repository. Children are
read from the indexes' manifests (BatchGetImage, 100 at a time, every media type
accepted so that ECR converts nothing).

:func:`read_graph` reads it through an ECR client; :class:`Graph` itself is pure:
what goes with a deletion, in which order ECR accepts it (referrers, then indexes
and plain images, then the children nothing else references: a child an index
still references is refused with ``ImageReferencedByManifestList``), and which
digests stand together for the usage scan.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import registry_kwargs
from ecrctl.distribution.manifest import ACCEPTED_MEDIA_TYPES, LIST_TYPES, OCI_MANIFEST

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

COSIGN_TAG = re.compile(r"sha256-([a-f0-9]{64})\.(sig|att|sbom)")
READ_BATCH = 100  # BatchGetImage takes 1-100 image ids

# deletion passes, in the order ECR accepts them
REFERRERS, IMAGES, CHILDREN = 0, 1, 2


def cosign_subject(tag: str) -> str | None:
    """The subject digest a cosign tag names (``sha256-<hex>.sig`` -> ``sha256:<hex>``)."""
    found = COSIGN_TAG.fullmatch(tag)
    return f"sha256:{found.group(1)}" if found else None


@dataclass
class Graph:
    """Indexes and their children, referrers and their subjects, among the images
    present (a child or subject that is not in the repository is left out)."""

    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)  # every image's tags
    children: dict[str, list[str]] = field(default_factory=dict)  # index -> children
    subjects: dict[str, str] = field(default_factory=dict)  # referrer -> its subject
    unread: list[str] = field(default_factory=list)  # indexes whose manifest did not come

    @cached_property
    def _parents(self) -> dict[str, list[str]]:
        """child -> its indexes (built once the graph is read: a repository may hold
        tens of thousands of images)."""
        found: dict[str, list[str]] = {}
        for index, kids in self.children.items():
            for kid in kids:
                found.setdefault(kid, []).append(index)
        return found

    @cached_property
    def _referrers(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for referrer, subject in self.subjects.items():
            found.setdefault(subject, []).append(referrer)
        return found

    def parents(self, digest: str) -> list[str]:
        return list(self._parents.get(digest, []))

    def referrers(self, digest: str) -> list[str]:
        return list(self._referrers.get(digest, []))

    def holders(self, digest: str) -> list[str]:
        """What an image stands with: the indexes it is a child of, the subject it refers to."""
        found = self.parents(digest)
        subject = self.subjects.get(digest)
        return found + ([subject] if subject else [])

    def links(self) -> dict[str, list[str]]:
        """digest -> digests whose users count as its users: a child and its indexes both
        ways (an in-use child keeps its index, an in-use index its children), and a
        referrer its subject's."""
        found: dict[str, list[str]] = {}
        for index, kids in self.children.items():
            for kid in kids:
                found.setdefault(kid, []).append(index)
                found.setdefault(index, []).append(kid)
        for referrer, subject in self.subjects.items():
            found.setdefault(referrer, []).append(subject)
        return found

    def goes_with(self, doomed: Iterable[str]) -> dict[str, tuple[int, str]]:
        """What else goes when ``doomed`` go, as digest -> (pass, the image it goes with):
        their referrers (untagged, or with only cosign tags), and the untagged children
        of doomed indexes that no index that stays references, recursively."""
        gone = set(doomed)
        extra: dict[str, tuple[int, str]] = {}
        queue = list(gone)
        while queue:
            digest = queue.pop()
            for ref in self.referrers(digest):
                if ref not in gone and all(cosign_subject(t) for t in self.tags.get(ref, ())):
                    gone.add(ref)
                    extra[ref] = (REFERRERS, digest)
                    queue.append(ref)
            for kid in self.children.get(digest, []):
                staying = [p for p in self.parents(kid) if p not in gone]
                if kid not in gone and not self.tags.get(kid) and not staying:
                    gone.add(kid)
                    extra[kid] = (CHILDREN, digest)
                    queue.append(kid)
        return extra

    def pass_of(self, digest: str) -> int:
        """The deletion pass of an image deleted for itself: a child after its indexes."""
        if digest in self.subjects:
            return REFERRERS
        return CHILDREN if self.parents(digest) else IMAGES


def from_details(details: Iterable[Mapping[str, Any]]) -> Graph:
    """What DescribeImages alone says: tags, ``subjectManifestDigest``, cosign tags."""
    listed = list(details)
    graph = Graph(tags={str(d["imageDigest"]): tuple(d.get("imageTags") or ()) for d in listed})
    for detail in listed:
        digest = str(detail["imageDigest"])
        named = (cosign_subject(tag) for tag in graph.tags[digest])
        subject = detail.get("subjectManifestDigest") or next(filter(None, named), None)
        if subject and subject in graph.tags and subject != digest:
            graph.subjects[digest] = str(subject)
    return graph


def read_graph(
    ecr: ECRClient,
    repository: str,
    details: list[dict[str, Any]],
    *,
    registry_id: str | None = None,
) -> Graph:
    """The graph of ``repository`` whose images are ``details``: indexes' manifests
    read, and the untagged OCI manifests that are no index's child (a referrer's
    ``subject`` may only be in its manifest)."""
    graph = from_details(details)
    media = {str(d["imageDigest"]): d.get("imageManifestMediaType") for d in details}
    indexes = [digest for digest, kind in media.items() if kind in LIST_TYPES]
    for digest, document in _manifests(ecr, repository, indexes, registry_id, graph):
        kids = [str(m.get("digest")) for m in document.get("manifests") or []]
        graph.children[digest] = [kid for kid in kids if kid in graph.tags]
        _subject(graph, digest, document)
    children = {kid for kids in graph.children.values() for kid in kids}
    loose = [
        digest
        for digest, kind in media.items()
        if kind == OCI_MANIFEST
        and not graph.tags.get(digest)
        and digest not in children
        and digest not in graph.subjects
    ]
    for digest, document in _manifests(ecr, repository, loose, registry_id, None):
        _subject(graph, digest, document)
    return graph


def usage_links(
    ecr: ECRClient,
    repository: str,
    details: list[dict[str, Any]],
    *,
    complete: bool,
    registry_id: str | None = None,
) -> dict[str, list[str]]:
    """Which digests share their users (:meth:`Graph.links`) among the images of
    ``repository``; ``details`` are all of them when ``complete``, else (a filtered or
    limited listing) the repository's images are listed again, as an index and its
    children may fall on either side of the filter."""
    if not complete:
        from ecrctl.repo.images import iter_image_details

        details = list(iter_image_details(ecr, repository, registry_id=registry_id))
    return read_graph(ecr, repository, details, registry_id=registry_id).links()


def _subject(graph: Graph, digest: str, document: dict[str, Any]) -> None:
    subject = (document.get("subject") or {}).get("digest")
    if subject and subject in graph.tags and subject != digest:
        graph.subjects[digest] = str(subject)


def _manifests(
    ecr: ECRClient,
    repository: str,
    digests: list[str],
    registry_id: str | None,
    graph: Graph | None,
) -> Iterable[tuple[str, dict[str, Any]]]:
    """Each manifest of ``digests`` that came and reads as a JSON object; the indexes
    that did not are kept in ``graph.unread``."""
    for start in range(0, len(digests), READ_BATCH):
        batch = digests[start : start + READ_BATCH]
        response = ecr.batch_get_image(
            repositoryName=repository,
            imageIds=[{"imageDigest": d} for d in batch],
            acceptedMediaTypes=ACCEPTED_MEDIA_TYPES,
            **registry_kwargs(registry_id),
        )
        came: set[str] = set()
        for image in response.get("images", []):
            digest = str((image.get("imageId") or {}).get("imageDigest"))
            try:
                document = json.loads(image.get("imageManifest") or "")
            except ValueError:
                continue
            if isinstance(document, dict):
                came.add(digest)
                yield digest, document
        if graph is not None:
            graph.unread += [d for d in batch if d not in came]
