"""Reading manifests of every format for ``image show``."""

from __future__ import annotations

import hashlib
import json

import pytest

from ecrctl.distribution import manifest as m
from ecrctl.errors import ServiceError
from tests import image_samples as s


def test_accepted_media_types_cover_every_stored_format() -> None:
    assert set(m.ACCEPTED_MEDIA_TYPES) == {
        "application/vnd.docker.distribution.manifest.v1+prettyjws",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
    }


@pytest.mark.parametrize("text", [s.schema2(), s.oci_manifest(), "{ }", '{"a":  "é"}'])
def test_digest_is_sha256_of_the_exact_bytes(text: str) -> None:
    assert m.digest_of(text) == "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert m.digest_of(text) != m.digest_of(json.dumps(json.loads(text)))  # whitespace counts


@pytest.mark.parametrize(
    ("document", "declared", "expected"),
    [
        ({"mediaType": m.DOCKER_SCHEMA2}, None, m.DOCKER_SCHEMA2),
        ({"mediaType": m.DOCKER_SCHEMA2}, m.OCI_MANIFEST, m.DOCKER_SCHEMA2),
        ({"schemaVersion": 2, "config": {}}, m.OCI_MANIFEST, m.OCI_MANIFEST),
        ({"schemaVersion": 2, "config": {}}, None, m.OCI_MANIFEST),
        ({"schemaVersion": 2, "manifests": []}, None, m.OCI_INDEX),
        ({"schemaVersion": 1, "signatures": []}, None, m.DOCKER_SCHEMA1_SIGNED),
        ({"schemaVersion": 1}, None, m.DOCKER_SCHEMA1),
        ({"schemaVersion": 2, "config": {}}, m.DOCKER_SCHEMA2, m.DOCKER_SCHEMA2),
    ],
)
def test_detect_media_type(
    document: dict[str, object], declared: str | None, expected: str
) -> None:
    assert m.detect_media_type(document, declared) == expected


def test_schema2_config_and_layers_with_sizes() -> None:
    info = m.parse_manifest(s.schema2("x", (10, 20, 30)))
    assert info.mediaType == m.DOCKER_SCHEMA2
    assert info.config is not None and info.config.digest == s.sha("config-x")
    assert [layer.size for layer in info.layers] == [10, 20, 30]
    assert [layer.digest for layer in info.layers] == [s.sha(f"layer-x-{i}") for i in range(3)]
    assert info.layers_size == 60
    assert not info.is_list
    assert "manifests" not in info.to_dict()


def test_oci_manifest_without_media_type() -> None:
    info = m.parse_manifest(s.oci_manifest("y"))
    assert info.mediaType == m.OCI_MANIFEST
    assert info.config is not None and info.config.digest == s.sha("oci-config-y")
    assert [(layer.digest, layer.size) for layer in info.layers] == [(s.sha("oci-layer-y"), 4096)]


@pytest.mark.parametrize(
    ("build", "media_type"), [(s.manifest_list, m.DOCKER_LIST), (s.oci_index, m.OCI_INDEX)]
)
def test_lists_show_their_platforms(build: object, media_type: str) -> None:
    children = [s.schema2("1"), s.schema2("2")]
    info = m.parse_manifest(build(children))  # type: ignore[operator]
    assert info.mediaType == media_type and info.is_list
    assert [c.digest for c in info.manifests] == [s.sha(c) for c in children]
    assert [m.platform_text(c.platform) for c in info.manifests] == [
        "linux/amd64",
        "linux/arm64/v8",
    ]
    data = info.to_dict()
    assert "layers" not in data and "config" not in data
    assert data["manifests"][1]["platform"]["variant"] == "v8"


def test_schema1_layers_oldest_first_without_sizes() -> None:
    text = json.dumps(
        {
            "schemaVersion": 1,
            "name": "app",
            "tag": "v1",
            "fsLayers": [{"blobSum": "sha256:new"}, {"blobSum": "sha256:old"}],
            "signatures": [{}],
        }
    )
    info = m.parse_manifest(text)
    assert info.mediaType == m.DOCKER_SCHEMA1_SIGNED
    assert [layer.digest for layer in info.layers] == ["sha256:old", "sha256:new"]
    assert info.config is None


@pytest.mark.parametrize("text", ["not json", "[1, 2]"])
def test_a_broken_manifest_is_a_service_error(text: str) -> None:
    with pytest.raises(ServiceError, match="manifest"):
        m.parse_manifest(text)


def test_platform_text_without_platform() -> None:
    assert m.platform_text(None) == "-"
