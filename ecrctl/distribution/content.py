"""Registry API operations on manifests, tags and small blobs, over a
:class:`~ecrctl.distribution.client.RegistryClient`.

Manifests travel as the exact bytes the registry returned: their digest is
sha256 of those bytes, checked against the name they were asked by and
against ``Docker-Content-Digest`` on every write.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from ecrctl.distribution import manifest as mt
from ecrctl.distribution.client import MANIFEST_ACCEPT, DigestMismatch, RegistryClient
from ecrctl.errors import NotFound, ServiceError

CONFIG_LIMIT = 16 << 20  # an image config is JSON of a few KiB; refuse to hold more


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def scope(repository: str, actions: str = "pull") -> str:
    return f"repository:{repository}:{actions}"


@dataclass(frozen=True)
class Manifest:
    """A manifest as stored: exact bytes, media type, digest."""

    body: bytes
    media_type: str
    digest: str

    @property
    def document(self) -> dict[str, Any]:
        data = json.loads(self.body)
        if not isinstance(data, dict):
            raise ServiceError(f"manifest {self.digest} is not a JSON object")
        return data

    @property
    def is_index(self) -> bool:
        return self.media_type in mt.LIST_TYPES


def read_manifest(client: RegistryClient, repository: str, ref: str) -> Manifest:
    """GET a manifest by tag or digest; a digest reference is verified."""
    try:
        response = client.request(
            "GET",
            f"/v2/{repository}/manifests/{ref}",
            scope=scope(repository),
            headers={"Accept": MANIFEST_ACCEPT},
        )
    except NotFound:
        sep = "@" if ref.startswith("sha256:") else ":"
        raise NotFound(
            f"no image {client.host}/{repository}{sep}{ref}",
            hint="check the name, tag or digest (ecrctl registry api "
            f"--registry {client.host} /v2/{repository}/tags/list lists the tags)",
        ) from None
    body = response.content
    digest = sha256_digest(body)
    if ref.startswith("sha256:") and digest != ref:
        raise DigestMismatch(
            f"{client.host}/{repository}@{ref}: the registry returned a manifest "
            f"whose digest is {digest}"
        )
    media = response.headers.get("Content-Type", "").split(";")[0].strip()
    try:
        document = json.loads(body)
    except ValueError:
        raise ServiceError(f"{client.host}/{repository}:{ref} is not a JSON manifest") from None
    if not isinstance(document, dict):
        raise ServiceError(f"{client.host}/{repository}:{ref} is not a JSON manifest")
    media = mt.detect_media_type(document, None if media in ("", "application/json") else media)
    return Manifest(body, media, digest)


def manifest_digest(client: RegistryClient, repository: str, ref: str) -> str | None:
    """The digest a tag or digest names at the registry, ``None`` when it names nothing."""
    response = client.request(
        "HEAD",
        f"/v2/{repository}/manifests/{ref}",
        scope=scope(repository),
        headers={"Accept": MANIFEST_ACCEPT},
        ok=(200, 404),
    )
    if response.status_code == 404:
        return None
    digest = response.headers.get("Docker-Content-Digest")
    if digest:
        return digest
    return read_manifest(client, repository, ref).digest


def put_manifest(client: RegistryClient, repository: str, ref: str, manifest: Manifest) -> None:
    """PUT the exact bytes under a tag or digest; the registry must agree on the digest."""
    response = client.request(
        "PUT",
        f"/v2/{repository}/manifests/{ref}",
        scope=scope(repository, "pull,push"),
        headers={"Content-Type": manifest.media_type},
        data=manifest.body,
        ok=(200, 201, 202),
    )
    echoed = response.headers.get("Docker-Content-Digest")
    if echoed and echoed != manifest.digest:
        raise DigestMismatch(
            f"{client.host}/{repository}: the registry stored the manifest as {echoed}, "
            f"not {manifest.digest}"
        )


def get_small_blob(client: RegistryClient, repository: str, digest: str) -> bytes:
    """A config blob's bytes (bounded), verified against its digest."""
    response = client.request(
        "GET", f"/v2/{repository}/blobs/{digest}", scope=scope(repository), stream=True
    )
    with response:
        data = response.raw.read(CONFIG_LIMIT + 1, decode_content=False)
    if len(data) > CONFIG_LIMIT:
        raise ServiceError(f"blob {digest} is larger than {CONFIG_LIMIT} bytes: not a config")
    if sha256_digest(data) != digest:
        raise DigestMismatch(f"{client.host}/{repository}: blob {digest} does not match its digest")
    return data


def tags(client: RegistryClient, repository: str) -> list[str]:
    """Every tag of a repository (``Link`` pagination followed)."""
    found: list[str] = []
    for page in link_pages(client, f"/v2/{repository}/tags/list?n=1000", scope(repository)):
        found.extend(page.json().get("tags") or [])
    return found


def link_pages(
    client: RegistryClient, path: str, scope_: str, method: str = "GET"
) -> Iterator[Any]:
    """The responses of a paginated GET, following ``Link: <...>; rel="next"``."""
    url: str | None = path
    while url:
        try:
            response = client.request(method, url, scope=scope_)
        except NotFound:
            if url == path and "/tags/list" in path:
                raise NotFound(
                    f"no repository {path.split('/v2/', 1)[1].rsplit('/tags', 1)[0]} "
                    f"at {client.host}",
                    hint="check the repository name",
                ) from None
            raise
        yield response
        url = next_link(response.headers.get("Link", ""), client.url(url))


def next_link(header: str, current: str) -> str | None:
    for part in header.split(","):
        target, _, params = part.partition(";")
        if 'rel="next"' in params.replace(" ", "") or "rel=next" in params.replace(" ", ""):
            return urljoin(current, target.strip().strip("<>"))
    return None
