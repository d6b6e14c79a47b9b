"""``image inspect``: what is inside an image, read through the registry API
without pulling it: the manifest, and the image config blob it points at.

For an index (manifest list) without a platform, its platforms; with one,
the image of that platform. And the referrers of what is shown (an index's
children's too): signatures, SBOMs, attestations, as a copy finds them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl.distribution import manifest as mt
from ecrctl.distribution.content import get_small_blob, read_manifest
from ecrctl.distribution.convert import by_digest, by_tag, stored_format
from ecrctl.distribution.reference import parse_reference
from ecrctl.distribution.referrers import Finder, check_artifact_type
from ecrctl.errors import NotFound, ServiceError
from ecrctl.image.copy import check_platform
from ecrctl.jsonrecord import record_json
from ecrctl.login.endpoint import endpoint

if TYPE_CHECKING:
    from ecrctl.distribution.client import RegistryClient
    from ecrctl.distribution.reference import ImageReference
    from ecrctl.login.registries import Registries


@dataclass
class Inspection:
    """The manifest (and, for an image, its config) as the registry returned them."""

    reference: str
    digest: str
    mediaType: str
    manifest: dict[str, Any]
    config: dict[str, Any] | None = None
    platforms: list[dict[str, Any]] = field(default_factory=list)
    layers: list[dict[str, Any]] = field(default_factory=list)
    referrers: list[dict[str, Any]] = field(default_factory=list)
    referrers_error: str = ""  # why they could not all be read

    def to_dict(self) -> dict[str, Any]:
        return {
            **record_json(self, "reference", "digest", "mediaType", "manifest", "config"),
            "storedFormat": stored_format(self.mediaType),
            "byTag": by_tag(self.mediaType),
            "byDigest": by_digest(self.mediaType),
            "referrers": self.referrers,
        }

    def summary(self) -> dict[str, Any]:
        """The config's fields people look at (for the table view)."""
        config = self.config or {}
        inner = config.get("config") or {}
        return {
            "created": config.get("created"),
            "platform": "/".join(
                str(p)
                for p in (config.get("os"), config.get("architecture"), config.get("variant"))
                if p
            ),
            "entrypoint": inner.get("Entrypoint"),
            "cmd": inner.get("Cmd"),
            "workingDir": inner.get("WorkingDir") or None,
            "user": inner.get("User") or None,
            "env": inner.get("Env") or [],
            "labels": inner.get("Labels") or {},
            "exposedPorts": sorted(inner.get("ExposedPorts") or {}),
            "history": config.get("history") or [],
        }


def inspect_image(
    registries: Registries,
    reference: str,
    *,
    platform: str | None = None,
    artifact_type: str | None = None,
) -> Inspection:
    """Read REF's manifest (and config) from its registry, and its referrers (only
    those of ``artifact_type``, if given)."""
    ref = parse_reference(reference)
    if platform:
        check_platform(platform)
    if artifact_type:
        check_artifact_type(artifact_type)
    inspection, client = _read(registries, ref, platform)
    shown = [inspection.digest, *(str(p["digest"]) for p in inspection.platforms)]
    finder = Finder(client, ref.repository, artifact_type=artifact_type)
    referrers, failures = finder.walk(shown)
    inspection.referrers = [r.to_dict() for r in referrers]
    if failures:
        inspection.referrers_error = "; ".join(f"{d}: {e.one_line()}" for d, e in failures)
    return inspection


def _read(
    registries: Registries, ref: ImageReference, platform: str | None
) -> tuple[Inspection, RegistryClient]:
    """The manifest and config of ``ref`` (of ``platform`` in an index), and the client."""
    ep = endpoint(registries, ref.host)
    if ep.is_ecr:
        ref.for_ecr()
    client = ep.client()
    name = str(ref.with_host(ep.host))
    top = read_manifest(client, ref.repository, ref.ref)
    document = top.document
    if top.is_index:
        entries = document.get("manifests", [])
        platforms = [
            {
                "platform": mt.platform_text(e.get("platform")),
                "digest": e.get("digest"),
                "size": e.get("size"),
                "mediaType": e.get("mediaType"),
            }
            for e in entries
        ]
        if not platform:
            shown = Inspection(name, top.digest, top.media_type, document, platforms=platforms)
            return shown, client
        chosen = [
            e
            for e in entries
            if mt.platform_text(e.get("platform")) in (platform,)
            or mt.platform_text(e.get("platform")).startswith(platform + "/")
        ]
        if not chosen:
            offered = ", ".join(p["platform"] for p in platforms)
            raise NotFound(
                f"{name} has no image for {platform}", hint=f"it has: {offered or 'none'}"
            )
        top = read_manifest(client, ref.repository, chosen[0]["digest"])
        document = top.document
        name = f"{name} ({platform})"
    config_desc = document.get("config") or {}
    config: dict[str, Any] | None = None
    if config_desc.get("digest"):
        raw = get_small_blob(client, ref.repository, str(config_desc["digest"]))
        try:
            config = json.loads(raw)
        except ValueError:
            raise ServiceError(f"the config blob of {name} is not JSON") from None
    layers = [
        {
            "digest": layer.get("digest"),
            "size": layer.get("size"),
            "mediaType": layer.get("mediaType"),
        }
        for layer in document.get("layers", [])
    ]
    return Inspection(name, top.digest, top.media_type, document, config, layers=layers), client
