"""Registry API operations on manifests, tags and small blobs, over a
:class:`~ecrctl.distribution.client.RegistryClient`.

Manifests travel as the exact bytes the registry returned: their digest is
sha256 of those bytes, checked against the name they were asked by and
against ``Docker-Content-Digest`` on every write. A manifest is read up to
4 MiB; an index's children are read once per digest, at most ``INDEX_DEPTH``
levels and ``INDEX_MANIFESTS`` manifests deep; ``Link`` pagination stays on
the registry's origin, never reads a page twice and stops after ``MAX_PAGES``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ecrctl.distribution import manifest as mt
from ecrctl.distribution.client import MANIFEST_ACCEPT, DigestMismatch, RegistryClient
from ecrctl.distribution.refs import DIGEST
from ecrctl.distribution.transport import Answer, join_url, origin_of
from ecrctl.errors import NotFound, ServiceError

CONFIG_LIMIT = 16 << 20  # an image config is JSON of a few KiB; refuse to hold more
MANIFEST_LIMIT = 4 << 20  # distribution's and containerd's cap (ECR's manifest limit too)
PAGE_LIMIT = 16 << 20  # one page of tags or repositories
MAX_PAGES = 10_000
INDEX_DEPTH = 8  # indexes inside indexes: real images nest one or two levels
INDEX_MANIFESTS = 1000  # distinct manifests under one index


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
            limit=MANIFEST_LIMIT,
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


def get_blob(client: RegistryClient, repository: str, digest: str, **options: Any) -> Answer:
    """The answer to a GET of one blob of ``repository`` (a redirect to storage
    followed); ``options``: the request's (``stream``, ``limit``, ``deadline``)."""
    return client.request(
        "GET", f"/v2/{repository}/blobs/{digest}", scope=scope(repository), **options
    )


def get_small_blob(client: RegistryClient, repository: str, digest: str) -> bytes:
    """A config blob's bytes (bounded), verified against its digest."""
    data = get_blob(client, repository, digest, limit=CONFIG_LIMIT, decode=False).content
    if sha256_digest(data) != digest:
        raise DigestMismatch(f"{client.host}/{repository}: blob {digest} does not match its digest")
    return data


def tags(client: RegistryClient, repository: str) -> list[str]:
    """Every tag of a repository (``Link`` pagination followed)."""
    found: list[str] = []
    for page in link_pages(client, f"/v2/{repository}/tags/list?n=1000", scope(repository)):
        data = _json_object(page, client.host)
        listed = data.get("tags") or []
        if not isinstance(listed, list) or not all(isinstance(t, str) for t in listed):
            raise ServiceError(f"registry {client.host} listed tags that are not strings")
        found.extend(listed)
    return found


def _json_object(response: Any, host: str) -> dict[str, Any]:
    try:
        data = json.loads(response.content)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise ServiceError(f"registry {host} answered a list request with no JSON object")
    return data


def link_pages(
    client: RegistryClient, path: str, scope_: str, method: str = "GET"
) -> Iterator[Any]:
    """The responses of a paginated GET, following ``Link: <...>; rel="next"``."""
    try:
        first = client.request(method, path, scope=scope_, limit=PAGE_LIMIT)
    except NotFound:
        if "/tags/list" in path:
            raise NotFound(
                f"no repository {path.split('/v2/', 1)[1].rsplit('/tags', 1)[0]} at {client.host}",
                hint="check the repository name",
            ) from None
        raise
    yield first
    yield from next_pages(client, first, scope_)


def next_pages(
    client: RegistryClient,
    response: Any,
    scope_: str,
    ok: tuple[int, ...] = (200,),
    *,
    limit: int = PAGE_LIMIT,
) -> Iterator[Any]:
    """The pages after ``response``: each ``Link: <...>; rel="next"`` on the registry's
    own origin (another is refused, and nothing from it used), never one page twice,
    at most ``MAX_PAGES``."""
    seen = {client.url(response.url)}
    while True:
        url = next_link(response.headers.get("Link", ""), response.url, client.host)
        if url is None:
            return
        if not client.authorizes(url):
            raise ServiceError(
                f"registry {client.host} sent a Link to the next page on another origin "
                f"({origin_of(url)}): refused, nothing from it was read",
                hint="check the registry, or any proxy in front of it",
            )
        if url in seen or len(seen) >= MAX_PAGES:
            why = "a page already read" if url in seen else f"more than {MAX_PAGES} pages"
            raise ServiceError(
                f"registry {client.host}: its Link pagination leads to {why}; stopped",
                hint="check the registry, or any proxy in front of it",
            )
        seen.add(url)
        response = client.request("GET", url, scope=scope_, ok=ok, limit=limit)
        yield response


def next_link(header: str, current: str, host: str) -> str | None:
    for part in header.split(","):
        target, _, params = part.partition(";")
        if 'rel="next"' in params.replace(" ", "") or "rel=next" in params.replace(" ", ""):
            return join_url(current, target.strip().strip("<>"), host, "a Link")
    return None


def walk_index(
    client: RegistryClient, repository: str, top: Manifest
) -> list[tuple[dict[str, Any] | None, Manifest]]:
    """The manifests an index points at, depth first (a child index after its own
    children), each with the platform its entry names; every digest read once."""
    found: dict[str, tuple[dict[str, Any] | None, Manifest]] = {}

    def visit(index: Manifest, depth: int) -> None:
        if depth > INDEX_DEPTH:
            raise ServiceError(
                f"{client.host}/{repository}@{top.digest}: indexes nested more than "
                f"{INDEX_DEPTH} deep (at {index.digest}): refused",
                hint="a real image index nests one or two levels",
            )
        for entry in index.document.get("manifests", []):
            digest = str(entry.get("digest", "")) if isinstance(entry, dict) else ""
            if not DIGEST.fullmatch(digest):
                raise ServiceError(
                    f"{client.host}/{repository}@{index.digest} lists a manifest without a "
                    f"sha256 digest ({digest[:80]!r})"
                )
            if digest in found:
                continue
            if len(found) >= INDEX_MANIFESTS:
                raise ServiceError(
                    f"{client.host}/{repository}@{top.digest}: more than {INDEX_MANIFESTS} "
                    "manifests under one index: refused"
                )
            child = read_manifest(client, repository, digest)
            if child.is_index:
                visit(child, depth + 1)
            platform = entry.get("platform")
            found[digest] = (platform if isinstance(platform, dict) else None, child)

    if top.is_index:
        visit(top, 1)
    return list(found.values())
