"""The referrers tag schema at a registry that is written to: whether it has the
referrers API (then a manifest's ``subject`` is all it needs), and, where it has
not, the index tagged ``sha256-<hex>`` that lists the referrers of a manifest,
merged with what it lists already (the OCI distribution spec's procedure for a
client that pushes a referrer)."""

from __future__ import annotations

import json
from typing import Any

from ecrctl.distribution import manifest as mt
from ecrctl.distribution.client import RegistryClient
from ecrctl.distribution.content import (
    MANIFEST_LIMIT,
    Manifest,
    put_manifest,
    read_manifest,
    scope,
    sha256_digest,
)
from ecrctl.distribution.referrers import schema_tag
from ecrctl.errors import NotFound, ServiceError


def has_api(client: RegistryClient, repository: str, digest: str) -> bool:
    """Whether the registry answers the referrers API (200), or has none (404)."""
    answer = client.request(
        "GET",
        f"/v2/{repository}/referrers/{digest}",
        scope=scope(repository),
        headers={"Accept": mt.OCI_INDEX},
        ok=(200, 404),
        limit=MANIFEST_LIMIT,
    )
    return answer.status_code == 200


def merge_tag_schema(
    client: RegistryClient, repository: str, subject: str, entries: list[dict[str, Any]]
) -> tuple[str, bool]:
    """Add ``entries`` to the tag schema's index of ``subject`` (kept as it is, or a
    new one): the digest the tag then names, and whether it was written (not when it
    listed them all)."""
    tag = schema_tag(subject)
    try:
        current: Manifest | None = read_manifest(client, repository, tag)
    except NotFound:
        current = None
    if current is not None and not current.is_index:
        raise ServiceError(
            f"{client.host}/{repository}:{tag} is not an image index, so it cannot list "
            f"the referrers of {subject}",
            hint="the tag is the referrers tag schema's: move what it names elsewhere",
        )
    document = current.document if current else {"schemaVersion": 2, "mediaType": mt.OCI_INDEX}
    listed = document.get("manifests") or []
    if not isinstance(listed, list):
        raise ServiceError(f"{client.host}/{repository}:{tag} lists no manifests")
    known = {e.get("digest") for e in listed if isinstance(e, dict)}
    added = [e for e in entries if e["digest"] not in known]
    if current is not None and not added:
        return current.digest, False
    document["manifests"] = [*listed, *added]
    body = (json.dumps(document, indent=2) + "\n").encode()
    merged = Manifest(body, current.media_type if current else mt.OCI_INDEX, sha256_digest(body))
    put_manifest(client, repository, tag, merged)
    return merged.digest, True
