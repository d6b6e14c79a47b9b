"""Manifests of every media type ECR stores, written with uneven whitespace so
that any re-encoding would change their digest, and a helper that puts one into
moto and checks that its digest is sha256 of the exact bytes."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ecrctl.distribution import manifest as m


def sha(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _dump(document: dict[str, Any]) -> str:
    # indent 3 and a trailing newline: not what json.dumps gives by default
    return json.dumps(document, indent=3) + "\n"


def schema2(seed: str = "a", layer_sizes: tuple[int, ...] = (1000, 2048)) -> str:
    return _dump(
        {
            "schemaVersion": 2,
            "mediaType": m.DOCKER_SCHEMA2,
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 1470,
                "digest": sha(f"config-{seed}"),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": size,
                    "digest": sha(f"layer-{seed}-{i}"),
                }
                for i, size in enumerate(layer_sizes)
            ],
        }
    )


def oci_manifest(seed: str = "o") -> str:
    """An OCI image manifest WITHOUT a top-level mediaType (allowed by the spec)."""
    return _dump(
        {
            "schemaVersion": 2,
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "size": 700,
                "digest": sha(f"oci-config-{seed}"),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "size": 4096,
                    "digest": sha(f"oci-layer-{seed}"),
                }
            ],
            "annotations": {"org.opencontainers.image.source": "https://example.com/app"},
        }
    )


# the smallest schema 2 manifest: no layers, a 2-byte config (``{}``), compact JSON
EMPTY_SCHEMA2 = json.dumps(
    {
        "schemaVersion": 2,
        "mediaType": m.DOCKER_SCHEMA2,
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 2,
            "digest": "sha256:" + "c" * 64,
        },
        "layers": [],
    }
)

PLATFORMS = [
    {"architecture": "amd64", "os": "linux"},
    {"architecture": "arm64", "os": "linux", "variant": "v8"},
]


def manifest_list(children: list[str]) -> str:
    return _dump(
        {
            "schemaVersion": 2,
            "mediaType": m.DOCKER_LIST,
            "manifests": [
                {
                    "mediaType": m.DOCKER_SCHEMA2,
                    "size": len(child.encode()),
                    "digest": sha(child),
                    "platform": platform,
                }
                for child, platform in zip(children, PLATFORMS, strict=False)
            ],
        }
    )


def oci_index(children: list[str]) -> str:
    return _dump(
        {
            "schemaVersion": 2,
            "mediaType": m.OCI_INDEX,
            "manifests": [
                {
                    "mediaType": m.OCI_MANIFEST,
                    "size": len(child.encode()),
                    "digest": sha(child),
                    "platform": platform,
                }
                for child, platform in zip(children, PLATFORMS, strict=False)
            ],
        }
    )


def put(ecr: Any, repository: str, text: str, media_type: str, tag: str | None = None) -> str:
    """PutImage ``text`` (untagged without ``tag``); returns the digest after
    checking it is sha256 of the manifest bytes."""
    kwargs: dict[str, Any] = {
        "repositoryName": repository,
        "imageManifest": text,
        "imageManifestMediaType": media_type,
    }
    if tag:
        kwargs["imageTag"] = tag
    digest: str = ecr.put_image(**kwargs)["image"]["imageId"]["imageDigest"]
    assert digest == sha(text)
    return digest


def put_every_type(ecr: Any, repository: str) -> dict[str, tuple[str, str, str]]:
    """One image of each kind, tagged by kind: kind -> (tag, digest, manifest text)."""
    amd, arm = schema2("amd"), schema2("arm", (512,))
    oamd, oarm = oci_manifest("amd"), oci_manifest("arm")
    for child in (amd, arm):
        put(ecr, repository, child, m.DOCKER_SCHEMA2)
    for child in (oamd, oarm):
        put(ecr, repository, child, m.OCI_MANIFEST)
    samples = {
        "schema2": (schema2(), m.DOCKER_SCHEMA2),
        "oci": (oci_manifest(), m.OCI_MANIFEST),
        "list": (manifest_list([amd, arm]), m.DOCKER_LIST),
        "index": (oci_index([oamd, oarm]), m.OCI_INDEX),
    }
    return {
        kind: (kind, put(ecr, repository, text, media_type, tag=kind), text)
        for kind, (text, media_type) in samples.items()
    }
