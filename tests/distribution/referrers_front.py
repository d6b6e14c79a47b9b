"""Referrers for the tests: manifests that sign or describe an image, written into
a real docker-registry the ways clients write them (with ``subject``, the tag
schema's ``sha256-<hex>`` index, cosign's ``.sig`` tag), and
:class:`ReferrersFront`, a registry that offers the OCI 1.1 referrers API.

docker-registry 2.8 stores manifests with ``subject`` and serves tags, but has no
referrers API (it answers 404): so the front, a fake written for the tests on the
hostile server of :mod:`tests.distribution.hostile`, stands before it. It forwards
every request to the registry as received (the registry stores everything), notes
each manifest with a ``subject`` PUT through it (answering ``OCI-Subject``, as a
registry with the API does), answers ``GET /v2/NAME/referrers/DIGEST`` from those
notes (``page`` entries a page, ``Link`` to the next; ``artifactType`` filtered and
``OCI-Filters-Applied`` sent when ``filters``), and refuses with 405 the PUT of the
manifests in ``refuse``, as ECR answers some referrers of an index
(aws/containers-roadmap#2783; the body is the registry API's error shape, its
words made up here).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote

from tests.distribution.hostile import Answer, Hostile, Seen
from tests.distribution.images import Pushed, Registry, digest

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
EMPTY = "application/vnd.oci.empty.v1+json"
COSIGN_SIG = "application/vnd.dev.cosign.simplesigning.v1+json"
# the artifact types of the referrers the tests push
SBOM = "application/spdx+json"
SIGNATURE = "application/vnd.example.signature.v1+json"
PROVENANCE = "application/vnd.in-toto+json"
HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}
REFERRERS_PATH = re.compile(r"^/v2/(?P<name>.+)/referrers/(?P<digest>sha256:[a-f0-9]{64})")


def push_referrer(
    registry: Registry,
    repository: str,
    subject: Pushed,
    artifact_type: str,
    payload: bytes,
    *,
    subject_type: str = OCI_MANIFEST,
) -> Pushed:
    """An OCI 1.1 artifact (empty config, one layer) whose ``subject`` is ``subject``,
    pushed by digest."""
    config = registry.put_blob(repository, b"{}")
    layer = registry.put_blob(repository, payload)
    document = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": artifact_type,
        "config": {"mediaType": EMPTY, "digest": config, "size": 2},
        "layers": [{"mediaType": artifact_type, "digest": layer, "size": len(payload)}],
        "subject": {"mediaType": subject_type, "digest": subject.digest, "size": len(subject.body)},
        "annotations": {"org.opencontainers.image.created": "2026-12-01T00:00:00Z"},
    }
    body = json.dumps(document, indent=2).encode()
    registry.put_manifest(repository, digest(body), body, OCI_MANIFEST)
    return Pushed(repository, digest(body), digest(body), body, {config: 2, layer: len(payload)})


def entry(referrer: Pushed) -> dict[str, Any]:
    """A referrer's descriptor in a referrers index."""
    document = json.loads(referrer.body)
    return {
        "mediaType": document["mediaType"],
        "digest": referrer.digest,
        "size": len(referrer.body),
        "artifactType": document["artifactType"],
        "annotations": document["annotations"],
    }


def push_tag_schema(
    registry: Registry, repository: str, subject: str, referrers: list[Pushed]
) -> Pushed:
    """The tag schema's index of ``subject`` (``sha256-<hex>``), as a client writes it
    where the registry has no referrers API."""
    document = {
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [entry(r) for r in referrers],
    }
    body = json.dumps(document, indent=2).encode()
    tag = subject.replace(":", "-")
    registry.put_manifest(repository, tag, body, OCI_INDEX)
    return Pushed(repository, tag, digest(body), body)


def push_cosign(registry: Registry, repository: str, subject: str, kind: str = "sig") -> Pushed:
    """A manifest as cosign tags it (``sha256-<hex>.sig``): an image config and a
    simple-signing payload whose annotation carries the signature."""
    payload = json.dumps({"critical": {"image": {"docker-manifest-digest": subject}}}).encode()
    config = json.dumps({"architecture": "", "os": "", "rootfs": {"type": "layers"}}).encode()
    blobs = {registry.put_blob(repository, config): len(config)}
    blobs[registry.put_blob(repository, payload)] = len(payload)
    document = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "size": len(config),
            "digest": digest(config),
        },
        "layers": [
            {
                "mediaType": COSIGN_SIG,
                "size": len(payload),
                "digest": digest(payload),
                "annotations": {"dev.cosignproject.cosign/signature": "MEUCIQ..."},
            }
        ],
    }
    body = json.dumps(document).encode()
    tag = f"{subject.replace(':', '-')}.{kind}"
    registry.put_manifest(repository, tag, body, OCI_MANIFEST)
    return Pushed(repository, tag, digest(body), body, blobs)


@dataclass
class ReferrersFront:
    """The referrers API before the docker-registry at ``upstream``."""

    upstream: str
    page: int = 100
    filters: bool = True
    refuse: set[str] = field(default_factory=set)  # digests whose PUT is answered 405
    noted: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.server = Hostile()
        self.server.on("GET", REFERRERS_PATH.pattern, self._referrers)
        self.server.on("PUT", r"^/v2/.+/manifests/", self._put_manifest)
        self.server.on("*", r"", self._forward)
        self.host = self.server.host

    def __enter__(self) -> ReferrersFront:
        self.server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    def asked(self, method: str, part: str) -> list[str]:
        """The paths of the requests of ``method`` whose path contains ``part``."""
        return [s.path for s in self.server.seen if s.method == method and part in s.path]

    def _referrers(self, seen: Seen) -> Answer:
        found = REFERRERS_PATH.match(seen.path)
        assert found is not None
        query = parse_qs(seen.path.partition("?")[2])
        entries = self.noted.get((found["name"], found["digest"]), [])
        headers = {"Content-Type": OCI_INDEX}
        wanted = query.get("artifactType", [""])[0]
        if wanted and self.filters:
            entries = [e for e in entries if e.get("artifactType") == wanted]
            headers["OCI-Filters-Applied"] = "artifactType"
        number = int(query.get("p", ["0"])[0])
        shown = entries[number * self.page : (number + 1) * self.page]
        if len(entries) > (number + 1) * self.page:
            more = f"?p={number + 1}" + (f"&artifactType={quote(wanted)}" if wanted else "")
            headers["Link"] = f'<{seen.path.partition("?")[0]}{more}>; rel="next"'
        body = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": shown}
        return Answer(200, headers, json.dumps(body).encode())

    def _put_manifest(self, seen: Seen) -> Answer:
        if "sha256:" + hashlib.sha256(seen.body).hexdigest() in self.refuse:
            error = {"code": "UNSUPPORTED", "message": "this referrer is not supported here"}
            body = json.dumps({"errors": [error]}).encode()
            return Answer(405, {"Content-Type": "application/json"}, body)
        answer = self._forward(seen)
        document = json.loads(seen.body)
        subject = document.get("subject")
        if answer.status == 201 and isinstance(subject, dict):
            name = seen.path.split("/v2/", 1)[1].rsplit("/manifests/", 1)[0]
            kind = document.get("artifactType") or document["config"]["mediaType"]
            noted = {
                "mediaType": document.get("mediaType", OCI_MANIFEST),
                "digest": digest(seen.body),
                "size": len(seen.body),
                "artifactType": kind,
                "annotations": document.get("annotations", {}),
            }
            listed = self.noted.setdefault((name, subject["digest"]), [])
            if noted["digest"] not in [e["digest"] for e in listed]:
                listed.append(noted)
            answer.headers["OCI-Subject"] = subject["digest"]
        return answer

    def _forward(self, seen: Seen) -> Answer:
        connection = http.client.HTTPConnection(self.upstream, timeout=60)
        headers = {k: v for k, v in seen.headers.items() if k.lower() not in HOP}
        headers.pop("Content-Length", None)
        try:
            connection.request(seen.method, seen.path, body=seen.body or None, headers=headers)
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        kept = {k: v for k, v in response.getheaders() if k.lower() not in HOP}
        if seen.method != "HEAD":
            kept["Content-Length"] = str(len(body))
        return Answer(response.status, kept, body)
