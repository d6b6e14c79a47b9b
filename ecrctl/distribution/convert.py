"""Manifest format conversion: Docker schema 2 ⇄ OCI image manifest, Docker
manifest list ⇄ OCI index, and the guide's table of what a client asking by
tag receives for each stored format.

A conversion rewrites only the media types (and, in a list or index, the
children's digests and sizes): every other byte of the manifest stays as it
was, key order and whitespace included, so the new digest is sha256 of the
old bytes with those values replaced. Blobs never change.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ecrctl.distribution import manifest as mt
from ecrctl.distribution.content import Manifest, sha256_digest
from ecrctl.errors import InvalidInput

DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
DOCKER_FOREIGN = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
OCI_NONDISTRIBUTABLE = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
FOREIGN = frozenset({DOCKER_FOREIGN, OCI_NONDISTRIBUTABLE})

TO_OCI = {
    mt.DOCKER_SCHEMA2: mt.OCI_MANIFEST,
    mt.DOCKER_LIST: mt.OCI_INDEX,
    DOCKER_CONFIG: OCI_CONFIG,
    DOCKER_LAYER: OCI_LAYER,
    DOCKER_FOREIGN: OCI_NONDISTRIBUTABLE,
}
TO_DOCKER = {new: old for old, new in TO_OCI.items()}
TARGETS = {"oci": TO_OCI, "docker": TO_DOCKER}
NAMES = {"oci": "OCI", "docker": "Docker"}

FORMATS = {
    mt.DOCKER_SCHEMA1_SIGNED: "schema 1",
    mt.DOCKER_SCHEMA1: "schema 1",
    mt.DOCKER_SCHEMA2: "schema 2",
    mt.DOCKER_LIST: "manifest list",
    mt.OCI_MANIFEST: "OCI manifest",
    mt.OCI_INDEX: "OCI index",
}

# The guide's table (Amazon ECR イメージマニフェストの変換), for pulls by tag:
# (format the client asks for, stored format) -> (format it receives, what ECR does).
# By digest ECR converts nothing: the client receives the stored format or fails.
BY_TAG: dict[tuple[str, str], tuple[str | None, str]] = {
    ("schema 1", "schema 1"): ("schema 1", "no conversion needed"),
    ("schema 1", "schema 2"): ("schema 1", "converted to schema 1"),
    ("schema 1", "OCI manifest"): ("schema 1", "converted to schema 1"),
    ("schema 2", "schema 1"): ("schema 1", "no conversion; the client falls back to schema 1"),
    ("schema 2", "schema 2"): ("schema 2", "no conversion needed"),
    ("schema 2", "OCI manifest"): ("schema 2", "converted to schema 2"),
    ("OCI manifest", "schema 1"): (None, "no conversion available"),
    ("OCI manifest", "schema 2"): ("OCI manifest", "converted to OCI"),
    ("OCI manifest", "OCI manifest"): ("OCI manifest", "no conversion needed"),
}
CLIENTS = ("schema 1", "schema 2", "OCI manifest")


def stored_format(media_type: str) -> str:
    """``schema 2``, ``manifest list``, ``OCI manifest``, ``OCI index``, ``schema 1``."""
    return FORMATS.get(media_type, media_type)


def by_tag(media_type: str) -> list[dict[str, Any]]:
    """What a client asking by tag for each format receives, from the guide's table.
    A list or index is outside the table: a client that accepts it receives it as stored."""
    stored = stored_format(media_type)
    rows = []
    for client in CLIENTS:
        receives, conversion = BY_TAG.get((client, stored), (None, "not in the guide's table"))
        if media_type in mt.LIST_TYPES:
            receives, conversion = None, "not in the guide's table (a list or index)"
        rows.append({"client": client, "receives": receives, "conversion": conversion})
    return rows


def by_digest(media_type: str) -> dict[str, Any]:
    """By digest ECR converts nothing: a client that does not accept the stored format fails."""
    stored = stored_format(media_type)
    return {"receives": stored, "conversion": "none: a client that does not accept it fails"}


# -- a JSON reader that keeps where each value stands in the text ---------------

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\.)*"')
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null")


@dataclass
class Node:
    """One JSON value and its span ``[start, end)`` in the text."""

    start: int
    end: int
    value: Any = None  # scalars
    members: dict[str, Node] = field(default_factory=dict)  # objects
    items: list[Node] = field(default_factory=list)  # arrays
    keys: dict[str, tuple[int, int]] = field(default_factory=dict)  # objects: key spans


def parse_spans(text: str) -> Node:
    """Parse a JSON document, keeping the span of every value."""
    try:
        node, end = _value(text, _skip(text, 0))
        if _skip(text, end) != len(text):
            raise ValueError("extra data after the document")
    except (ValueError, IndexError) as exc:
        raise InvalidInput(f"the manifest is not valid JSON: {exc}") from None
    return node


def _skip(text: str, pos: int) -> int:
    """The position of the next non-whitespace character."""
    found = _WS.match(text, pos)
    return found.end() if found else pos


def scanstring(text: str, pos: int) -> tuple[str, int]:
    """The JSON string opening just before ``pos``, and where it ends."""
    found = _STRING.match(text, pos - 1)
    if not found:
        raise ValueError(f"bad string at {pos - 1}")
    return str(json.loads(found.group())), found.end()


def _value(text: str, pos: int) -> tuple[Node, int]:
    char = text[pos]
    if char == '"':
        string, end = scanstring(text, pos + 1)
        return Node(pos, end, string), end
    if char in "{[":
        return _container(text, pos)
    found = _SCALAR.match(text, pos)
    if not found:
        raise ValueError(f"unexpected {char!r} at {pos}")
    return Node(pos, found.end(), json.loads(found.group())), found.end()


def _container(text: str, pos: int) -> tuple[Node, int]:
    node, close = Node(pos, pos), "}" if text[pos] == "{" else "]"
    pos = _skip(text, pos + 1)
    while text[pos] != close:
        if node.members or node.items:
            if text[pos] != ",":
                raise ValueError(f"expected ',' at {pos}")
            pos = _skip(text, pos + 1)
        if close == "}":
            if text[pos] != '"':
                raise ValueError(f"expected a key at {pos}")
            key, key_end = scanstring(text, pos + 1)
            node.keys[key] = (pos, key_end)
            pos = _skip(text, key_end)
            if text[pos] != ":":
                raise ValueError(f"expected ':' at {pos}")
            node.members[key], pos = _value(text, _skip(text, pos + 1))
        else:
            item, pos = _value(text, pos)
            node.items.append(item)
        pos = _skip(text, pos)
    node.end = pos + 1
    return node, pos + 1


# -- conversion -----------------------------------------------------------------


def convert_image(
    top: Manifest, children: list[tuple[str, Manifest]], fmt: str
) -> tuple[Manifest, list[tuple[str, Manifest]]]:
    """``top`` and its children (depth first, as the copier reads them) in ``fmt``
    (``oci`` or ``docker``): children first, each index rewritten with its
    children's new digests and sizes. A manifest already in ``fmt`` keeps its bytes."""
    done: dict[str, Manifest] = {}
    converted = []
    for platform, child in children:
        done[child.digest] = convert_manifest(child, fmt, done)
        converted.append((platform, done[child.digest]))
    return convert_manifest(top, fmt, done), converted


def convert_manifest(item: Manifest, fmt: str, children: dict[str, Manifest]) -> Manifest:
    """One manifest in ``fmt``; a list's children are looked up in ``children``
    (source digest -> converted manifest)."""
    if item.media_type in (mt.DOCKER_SCHEMA1_SIGNED, mt.DOCKER_SCHEMA1):
        raise InvalidInput(
            f"manifest {item.digest} is Docker schema 1, which cannot be converted "
            "(a signed one's signature covers its bytes)",
            hint="copy it without --format, or pull and push it with docker",
        )
    table = TARGETS[fmt]
    if item.media_type not in table and item.media_type not in table.values():
        raise InvalidInput(
            f"manifest {item.digest} has media type {item.media_type!r}, "
            f"which has no {NAMES[fmt]} form",
            hint="copy it without --format",
        )
    text = item.body.decode("utf-8")
    root = parse_spans(text)
    edits: list[tuple[int, int, str]] = []
    target = table.get(item.media_type, item.media_type)
    if fmt == "docker":
        _check_docker(item, root)
    if target != item.media_type:
        edits.append(_media_edit(text, root, target))
    if item.media_type in mt.LIST_TYPES:
        for entry in root.members.get("manifests", Node(0, 0)).items:
            edits.extend(_entry_edits(item, entry, children))
    else:
        edits.extend(_blob_edits(item, root, fmt))
    if not edits:
        return item
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    body = text.encode("utf-8")
    return Manifest(body, target, sha256_digest(body))


def _check_docker(item: Manifest, root: Node) -> None:
    """What Docker schema 2 and manifest lists cannot carry."""
    for key in ("subject", "artifactType"):
        if key in root.members:
            raise InvalidInput(
                f"manifest {item.digest} has a {key!r} (an OCI 1.1 artifact or referrer), "
                "which Docker schema 2 cannot carry",
                hint="copy it without --format docker",
            )


def _media_edit(text: str, root: Node, target: str) -> tuple[int, int, str]:
    """Replace the top-level ``mediaType``, or add it right after ``schemaVersion``
    (an OCI manifest may omit it; Docker's must have it), in the document's own style."""
    own = root.members.get("mediaType")
    if own is not None:
        return own.start, own.end, json.dumps(target)
    version = root.members.get("schemaVersion")
    if version is None:
        raise InvalidInput("the manifest has no schemaVersion and no mediaType")
    keys = list(root.keys)
    place = keys.index("schemaVersion")
    colon = text[root.keys["schemaVersion"][1] : version.start]
    if place + 1 < len(keys):  # the separator to the next member: ",\n   "
        sep = text[version.end : root.keys[keys[place + 1]][0]]
    elif place > 0:  # the last member: the separator before it
        sep = text[root.members[keys[place - 1]].end : root.keys["schemaVersion"][0]]
    else:
        sep = ","
    return version.end, version.end, f'{sep}"mediaType"{colon}{json.dumps(target)}'


def _entry_edits(item: Manifest, entry: Node, children: dict[str, Manifest]) -> list[Any]:
    digest = entry.members.get("digest")
    child = children.get(str(digest.value)) if digest else None
    if digest is None or child is None:
        raise InvalidInput(f"manifest {item.digest} names a child that was not read")
    if child.digest == digest.value:
        return []
    edits = [(digest.start, digest.end, json.dumps(child.digest))]
    for key, new in (("mediaType", json.dumps(child.media_type)), ("size", str(len(child.body)))):
        node = entry.members.get(key)
        if node is None:
            raise InvalidInput(f"manifest {item.digest}: the entry of {digest.value} has no {key}")
        edits.append((node.start, node.end, new))
    return edits


def _blob_edits(item: Manifest, root: Node, fmt: str) -> list[tuple[int, int, str]]:
    """The config's and the layers' media types in ``fmt``."""
    table, edits = TARGETS[fmt], []
    config = root.members.get("config", Node(0, 0))
    layers = root.members.get("layers", Node(0, 0)).items
    for role, node in [("config", config), *(("layer", layer) for layer in layers)]:
        media = node.members.get("mediaType")
        value = media.value if media else None
        digest = node.members["digest"].value if "digest" in node.members else "-"
        ok = _allowed(role, value, fmt)
        if value in FOREIGN and "urls" not in node.members:
            raise InvalidInput(f"foreign layer {digest} of {item.digest} has no urls")
        if not ok and value not in table:
            what = "an image config" if role == "config" else "a layer type"
            raise InvalidInput(
                f"the {role} {digest} of manifest {item.digest} has media type {value!r}, "
                f"not {what} that {NAMES[fmt]} images have",
                hint="copy it without --format",
            )
        if media is not None and not ok:
            edits.append((media.start, media.end, json.dumps(table[str(value)])))
    return edits


def _allowed(role: str, media: Any, fmt: str) -> bool:
    """Whether ``media`` is already right for a ``role`` in ``fmt``."""
    if role == "config":
        return bool(media == (OCI_CONFIG if fmt == "oci" else DOCKER_CONFIG))
    if fmt == "oci":
        return isinstance(media, str) and media.startswith("application/vnd.oci.image.layer.")
    return bool(media in (DOCKER_LAYER, DOCKER_FOREIGN))
