"""What an image copy writes besides its tags: the blobs its manifests point at,
and, with ``--format``, the manifests rewritten in the asked format (children
first, the index after them with their new digests)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ecrctl.distribution.content import Manifest, put_manifest
from ecrctl.distribution.convert import convert_image
from ecrctl.errors import InvalidInput

if TYPE_CHECKING:
    from ecrctl.distribution.client import RegistryClient

Children = list[tuple[str, Manifest]]  # (platform or "", manifest), depth first


def in_format(
    top: Manifest, fmt: str | None, read_children: Callable[[Manifest], Children]
) -> tuple[Manifest, Children | None]:
    """``top`` and its children in ``fmt`` (``oci``|``docker``); without ``fmt``,
    ``top`` as it is and no children read (the copier reads them when it needs them)."""
    if not fmt:
        return top, None
    return convert_image(top, read_children(top), fmt)


def blobs_of(manifests: list[Manifest]) -> dict[str, int]:
    """Every blob (config, layers) of the image manifests: digest -> size."""
    blobs: dict[str, int] = {}
    for item in manifests:
        if item.is_index:
            continue
        document = item.document
        if document.get("schemaVersion") == 1:
            raise InvalidInput(
                f"manifest {item.digest} is Docker schema 1, which has no blob sizes",
                hint="copy it with docker pull and docker push",
            )
        descriptors = [document.get("config") or {}, *document.get("layers", [])]
        for desc in descriptors:
            if desc.get("digest") and not desc.get("urls"):  # foreign layers stay out
                blobs[str(desc["digest"])] = int(desc.get("size", 0))
    return blobs


def put_image(
    client: RegistryClient, repository: str, ref: str, top: Manifest, children: Iterable[Manifest]
) -> None:
    """Put the children by digest, then the top manifest as ``ref`` (a tag or its
    digest): a registry takes an index only once the manifests it lists are there."""
    for child in children:
        put_manifest(client, repository, child.digest, child)
    put_manifest(client, repository, ref, top)
