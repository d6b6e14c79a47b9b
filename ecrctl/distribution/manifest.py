"""Image manifests: the media types ECR stores, and what ``image show`` reads
from a manifest (media type, config, layers, platforms).

The manifest text is only ever *read* here. Anything that sends a manifest
back to ECR sends the original string, never a re-encoding of the parsed JSON:
the digest is sha256 of the exact bytes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from ecrctl.errors import ServiceError

DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws"
DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json"
DOCKER_SCHEMA2 = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"

# BatchGetImage's acceptedMediaTypes: every format ECR stores, so that a
# manifest list or index comes back as itself and not converted to one platform.
ACCEPTED_MEDIA_TYPES = [
    DOCKER_SCHEMA1_SIGNED,
    DOCKER_SCHEMA2,
    DOCKER_LIST,
    OCI_MANIFEST,
    OCI_INDEX,
]

LIST_TYPES = frozenset({DOCKER_LIST, OCI_INDEX})


def digest_of(manifest: str) -> str:
    """``sha256:<hex>`` of the manifest's exact UTF-8 bytes (as ECR computes it)."""
    return "sha256:" + hashlib.sha256(manifest.encode("utf-8")).hexdigest()


@dataclass
class Descriptor:
    """A config, layer or child manifest that a manifest points at."""

    digest: str
    size: int | None = None
    mediaType: str | None = None  # the OCI field names
    platform: dict[str, Any] | None = None


@dataclass
class ManifestInfo:
    mediaType: str
    schemaVersion: int | None
    config: Descriptor | None = None
    layers: list[Descriptor] = field(default_factory=list)
    manifests: list[Descriptor] = field(default_factory=list)
    artifactType: str | None = None

    @property
    def is_list(self) -> bool:
        return self.mediaType in LIST_TYPES

    @property
    def layers_size(self) -> int:
        return sum(layer.size or 0 for layer in self.layers)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if not self.is_list:
            data.pop("manifests")
        else:
            data.pop("layers")
            data.pop("config")
        return {k: v for k, v in data.items() if v is not None}


def detect_media_type(document: dict[str, Any], declared: str | None = None) -> str:
    """The manifest's media type: its own ``mediaType``, else the one ECR
    recorded (imageManifestMediaType), else what its shape says (an OCI
    manifest or index may omit ``mediaType``)."""
    own = document.get("mediaType")
    if isinstance(own, str) and own:
        return own
    if declared:
        return declared
    if document.get("schemaVersion") == 1:
        return DOCKER_SCHEMA1_SIGNED if "signatures" in document else DOCKER_SCHEMA1
    if "manifests" in document:
        return OCI_INDEX
    return OCI_MANIFEST


def _descriptor(raw: Any) -> Descriptor:
    if not isinstance(raw, dict):
        return Descriptor(digest=str(raw))
    size = raw.get("size")
    platform = raw.get("platform")
    return Descriptor(
        digest=str(raw.get("digest", "")),
        size=int(size) if isinstance(size, int) else None,
        mediaType=raw.get("mediaType"),
        platform=dict(platform) if isinstance(platform, dict) else None,
    )


def parse_manifest(text: str, declared: str | None = None) -> ManifestInfo:
    """Read a manifest of any ECR format for display."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ServiceError(f"the stored manifest is not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise ServiceError("the stored manifest is not a JSON object")
    media_type = detect_media_type(document, declared)
    version = document.get("schemaVersion")
    info = ManifestInfo(
        mediaType=media_type,
        schemaVersion=version if isinstance(version, int) else None,
        artifactType=document.get("artifactType"),
    )
    if media_type in LIST_TYPES:
        info.manifests = [_descriptor(m) for m in document.get("manifests", [])]
    elif version == 1:
        # schema 1 lists layers newest first as fsLayers without sizes
        info.layers = [
            Descriptor(digest=str(layer.get("blobSum", "")))
            for layer in reversed(document.get("fsLayers", []))
        ]
    else:
        if "config" in document:
            info.config = _descriptor(document["config"])
        info.layers = [_descriptor(layer) for layer in document.get("layers", [])]
    return info


def platform_text(platform: dict[str, Any] | None) -> str:
    """``linux/arm64/v8`` for a platform object (``-`` when there is none)."""
    if not platform:
        return "-"
    parts = [platform.get("os"), platform.get("architecture"), platform.get("variant")]
    return "/".join(str(p) for p in parts if p)
