"""Manifest conversion as a pure function: each direction, lists and indexes with
their children, the refusals, the no-op, and every unrelated byte kept."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from ecrctl.distribution import convert as cv
from ecrctl.distribution import manifest as mt
from ecrctl.distribution.content import Manifest
from ecrctl.errors import InvalidInput

CONFIG = "sha256:" + "c" * 64
LAYER = "sha256:" + "1" * 64
FOREIGN = "sha256:" + "f" * 64


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def manifest(text: str, media: str) -> Manifest:
    body = text.encode()
    return Manifest(body, media, sha(body))


DOCKER_TEXT = (
    '{\n   "schemaVersion": 2,\n   "mediaType": "' + mt.DOCKER_SCHEMA2 + '",\n'
    '   "config": {"mediaType": "'
    + cv.DOCKER_CONFIG
    + '", "size": 7, "digest": "'
    + CONFIG
    + '"},\n'
    '   "layers": [\n      {"mediaType": "' + cv.DOCKER_LAYER + '",  "size": 30, '
    '"digest": "' + LAYER + '", "annotations": {"x": "\\u00e9"}},\n'
    '      {"mediaType": "' + cv.DOCKER_FOREIGN + '", "size": 9, "digest": "' + FOREIGN + '", '
    '"urls": ["https://example.com/f"]}\n   ],\n   "zzz": [1.5e3, null, true]\n}\n'
)
OCI_TEXT = (
    DOCKER_TEXT.replace(mt.DOCKER_SCHEMA2, mt.OCI_MANIFEST)
    .replace(cv.DOCKER_CONFIG, cv.OCI_CONFIG)
    .replace(cv.DOCKER_FOREIGN, cv.OCI_NONDISTRIBUTABLE)
    .replace(cv.DOCKER_LAYER, cv.OCI_LAYER)
)


def one(item: Manifest, fmt: str) -> Manifest:
    top, children = cv.convert_image(item, [], fmt)
    assert children == []
    return top


@pytest.mark.parametrize(
    ("text", "media", "fmt", "expected", "expected_media"),
    [
        (DOCKER_TEXT, mt.DOCKER_SCHEMA2, "oci", OCI_TEXT, mt.OCI_MANIFEST),
        (OCI_TEXT, mt.OCI_MANIFEST, "docker", DOCKER_TEXT, mt.DOCKER_SCHEMA2),
        (DOCKER_TEXT, mt.DOCKER_SCHEMA2, "docker", DOCKER_TEXT, mt.DOCKER_SCHEMA2),
        (OCI_TEXT, mt.OCI_MANIFEST, "oci", OCI_TEXT, mt.OCI_MANIFEST),
    ],
    ids=["docker-to-oci", "oci-to-docker", "docker-no-op", "oci-no-op"],
)
def test_image_manifest(
    text: str, media: str, fmt: str, expected: str, expected_media: str
) -> None:
    source = manifest(text, media)
    converted = one(source, fmt)
    assert converted.body == expected.encode()  # every other byte, key order, escapes kept
    assert converted.media_type == expected_media
    assert converted.digest == sha(expected.encode())
    if text == expected:
        assert converted is source


def test_oci_manifest_without_media_type_gets_one_in_its_style() -> None:
    text = OCI_TEXT.replace('   "mediaType": "' + mt.OCI_MANIFEST + '",\n', "")
    assert "manifest.v1" not in text
    converted = one(manifest(text, mt.OCI_MANIFEST), "docker")
    assert converted.body.decode() == DOCKER_TEXT
    compact = json.dumps({"config": {}, "schemaVersion": 2}, separators=(",", ":"))
    spot = cv._media_edit(compact, cv.parse_spans(compact), mt.DOCKER_SCHEMA2)
    assert spot[2] == ',"mediaType":"' + mt.DOCKER_SCHEMA2 + '"'


def index_text(media: str, entries: list[Manifest], spacing: str = "  ") -> str:
    platforms = ["amd64", "arm64"]
    rows = [
        '{"mediaType": "' + e.media_type + f'", "digest": "{e.digest}", "size": {len(e.body)}, '
        '"platform": {"architecture": "' + p + '", "os": "linux"}}'
        for e, p in zip(entries, platforms, strict=True)
    ]
    return (
        '{\n' + spacing + '"schemaVersion": 2,\n' + spacing + '"mediaType": "' + media + '",\n'
        + spacing + '"manifests": [\n    ' + ",\n    ".join(rows) + "\n  ],\n"
        + spacing + '"annotations": {"org.opencontainers.image.ref.name": "1.0"}\n}'
    )  # fmt: skip


@pytest.mark.parametrize(
    ("source_types", "target_types", "fmt"),
    [
        ((mt.DOCKER_LIST, mt.DOCKER_SCHEMA2), (mt.OCI_INDEX, mt.OCI_MANIFEST), "oci"),
        ((mt.OCI_INDEX, mt.OCI_MANIFEST), (mt.DOCKER_LIST, mt.DOCKER_SCHEMA2), "docker"),
    ],
)
def test_list_and_index_with_children(
    source_types: tuple[str, str], target_types: tuple[str, str], fmt: str
) -> None:
    source_text = DOCKER_TEXT if fmt == "oci" else OCI_TEXT
    target_text = OCI_TEXT if fmt == "oci" else DOCKER_TEXT
    kids = [manifest(source_text.replace("30", str(30 + n)), source_types[1]) for n in (1, 2)]
    top = manifest(index_text(source_types[0], kids), source_types[0])
    new_top, new_kids = cv.convert_image(top, [("linux/amd64", kids[0]), ("", kids[1])], fmt)
    expected_kids = [
        manifest(target_text.replace("30", str(30 + n)), target_types[1]) for n in (1, 2)
    ]
    assert [(p, k.body, k.media_type) for p, k in new_kids] == [
        ("linux/amd64", expected_kids[0].body, target_types[1]),
        ("", expected_kids[1].body, target_types[1]),
    ]
    expected = index_text(target_types[0], expected_kids).encode()
    assert new_top.body == expected
    assert (new_top.media_type, new_top.digest) == (target_types[0], sha(expected))
    again, _ = cv.convert_image(new_top, new_kids, fmt)
    assert again is new_top  # already in the asked format: a no-op


def test_an_index_in_the_format_follows_a_converted_child() -> None:
    kids = [manifest(DOCKER_TEXT, mt.DOCKER_SCHEMA2), manifest(OCI_TEXT, mt.OCI_MANIFEST)]
    top = manifest(index_text(mt.OCI_INDEX, kids), mt.OCI_INDEX)
    new_top, new_kids = cv.convert_image(top, [("", k) for k in kids], "oci")
    assert new_kids[1][1] is kids[1]
    assert new_top.media_type == mt.OCI_INDEX
    assert new_top.body == index_text(mt.OCI_INDEX, [m for _, m in new_kids]).encode()


def with_field(text: str, extra: str) -> str:
    return text.replace('"zzz"', extra + ', "zzz"')


@pytest.mark.parametrize(
    ("text", "media", "fmt", "message"),
    [
        ('{"schemaVersion": 1, "signatures": []}', mt.DOCKER_SCHEMA1_SIGNED, "oci", "schema 1"),
        ('{"schemaVersion": 1}', mt.DOCKER_SCHEMA1, "docker", "schema 1"),
        (with_field(OCI_TEXT, '"subject": {}'), mt.OCI_MANIFEST, "docker", "'subject'"),
        (with_field(OCI_TEXT, '"artifactType": "a/b"'), mt.OCI_MANIFEST, "docker", "artifactType"),
        (
            OCI_TEXT.replace(cv.OCI_CONFIG, "application/vnd.cncf.helm.config.v1+json"),
            mt.OCI_MANIFEST,
            "docker",
            "not an image config",
        ),
        (
            OCI_TEXT.replace(cv.OCI_LAYER, "application/vnd.oci.image.layer.v1.tar+zstd"),
            mt.OCI_MANIFEST,
            "docker",
            "not a layer type",
        ),
        (
            DOCKER_TEXT.replace(cv.DOCKER_CONFIG, "application/vnd.docker.plugin.v1+json"),
            mt.DOCKER_SCHEMA2,
            "oci",
            "not an image config",
        ),
        (
            DOCKER_TEXT.replace(', \n"urls": ["https://example.com/f"]', "").replace(
                ', "urls": ["https://example.com/f"]', ""
            ),
            mt.DOCKER_SCHEMA2,
            "oci",
            "has no urls",
        ),
        ('{"mediaType": "application/x-other"}', "application/x-other", "oci", "no OCI form"),
        ('{"schemaVersion": 2, ', mt.OCI_MANIFEST, "docker", "not valid JSON"),
    ],
)
def test_refusals(text: str, media: str, fmt: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        one(manifest(text, media), fmt)
    assert "\n" not in str(caught.value)


def test_an_index_with_a_subject_is_not_made_a_list() -> None:
    kid = manifest(OCI_TEXT, mt.OCI_MANIFEST)
    text = index_text(mt.OCI_INDEX, [kid, kid]).replace(
        '"annotations"', '"subject": {"digest": "' + kid.digest + '"}, "annotations"'
    )
    with pytest.raises(InvalidInput, match="'subject'"):
        cv.convert_image(manifest(text, mt.OCI_INDEX), [("", kid)], "docker")


@pytest.mark.parametrize(
    ("media", "stored", "expected"),
    [
        (
            mt.DOCKER_SCHEMA2,
            "schema 2",
            [("schema 1", "converted to schema 1"), ("schema 2", "no conversion needed"),
             ("OCI manifest", "converted to OCI")],
        ),
        (
            mt.OCI_MANIFEST,
            "OCI manifest",
            [("schema 1", "converted to schema 1"), ("schema 2", "converted to schema 2"),
             ("OCI manifest", "no conversion needed")],
        ),
        (
            mt.DOCKER_SCHEMA1_SIGNED,
            "schema 1",
            [("schema 1", "no conversion needed"),
             ("schema 1", "no conversion; the client falls back to schema 1"),
             (None, "no conversion available")],
        ),
    ],
)  # fmt: skip
def test_the_guides_table(media: str, stored: str, expected: list[tuple[Any, str]]) -> None:
    assert cv.stored_format(media) == stored
    assert [(r["receives"], r["conversion"]) for r in cv.by_tag(media)] == expected
    assert [r["client"] for r in cv.by_tag(media)] == ["schema 1", "schema 2", "OCI manifest"]


@pytest.mark.parametrize(
    ("media", "stored"), [(mt.DOCKER_LIST, "manifest list"), (mt.OCI_INDEX, "OCI index")]
)
def test_lists_are_outside_the_table(media: str, stored: str) -> None:
    assert cv.stored_format(media) == stored
    assert all(r["receives"] is None for r in cv.by_tag(media))
