"""``--platform`` for the copies: the value checked, and the image (or the part of an
index) a copy takes for the platforms asked for."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ecrctl.distribution import manifest as mt
from ecrctl.distribution.content import Manifest, get_small_blob, read_manifest, sha256_digest
from ecrctl.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from ecrctl.distribution.client import RegistryClient


def check_platform(value: str) -> str:
    parts = value.split("/")
    if not 2 <= len(parts) <= 3 or not all(parts):
        raise InvalidInput(
            f"invalid platform {value!r}", hint="write OS/ARCH[/VARIANT], e.g. linux/arm64"
        )
    return value


def select_platforms(
    source: RegistryClient, repository: str, top: Manifest, platforms: list[str]
) -> Manifest:
    """The manifest to copy: ``top``, or its children for ``platforms``."""
    if not platforms:
        return top
    if not top.is_index:
        return _check_image(source, repository, top, platforms)
    document = top.document
    entries = [
        entry
        for entry in document.get("manifests", [])
        if any(matches(entry.get("platform"), p) for p in platforms)
    ]
    if not entries:
        offered = ", ".join(
            mt.platform_text(e.get("platform")) for e in document.get("manifests", [])
        )
        raise NotFound(
            f"{source.host}/{repository}@{top.digest} has no image for {', '.join(platforms)}",
            hint=f"it has: {offered or 'no platforms'}",
        )
    if len(entries) == 1:
        return read_manifest(source, repository, entries[0]["digest"])
    body = json.dumps({**document, "manifests": entries}, indent=3).encode()
    return Manifest(body, top.media_type, sha256_digest(body))


def _check_image(
    source: RegistryClient, repository: str, top: Manifest, platforms: list[str]
) -> Manifest:
    """A single image is copied for --platform only when its config says that platform."""
    config_digest = (top.document.get("config") or {}).get("digest")
    if not config_digest:
        return top
    config = json.loads(get_small_blob(source, repository, str(config_digest)))
    platform = {k: config.get(k) for k in ("os", "architecture", "variant")}
    if any(matches(platform, wanted) for wanted in platforms):
        return top
    raise NotFound(
        f"{source.host}/{repository}@{top.digest} is a single image for "
        f"{mt.platform_text(platform)}, not {', '.join(platforms)}",
        hint="drop --platform, or name the image of that platform",
    )


def matches(platform: dict[str, Any] | None, wanted: str) -> bool:
    """Whether ``platform`` is ``wanted`` (OS/ARCH matches every variant of it)."""
    text = mt.platform_text(platform)
    return text == wanted or text.startswith(wanted + "/")
