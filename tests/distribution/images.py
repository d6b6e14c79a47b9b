"""Images written straight into a Docker Registry v2 server through its HTTP
API (no docker): random layers, a config, and single-platform, OCI index and
Docker manifest-list manifests with uneven whitespace (a re-encoding would show)."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

import requests

from ecrctl.distribution import manifest as m

OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass
class Pushed:
    repository: str
    tag: str
    digest: str
    body: bytes
    blobs: dict[str, int] = field(default_factory=dict)  # every blob: digest -> size
    children: list[str] = field(default_factory=list)


class Registry:
    """One docker-registry on loopback and the password of its user AWS."""

    def __init__(self, host: str, password: str) -> None:
        self.host = host
        self.session = requests.Session()
        self.session.auth = ("AWS", password)

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def put_blob(self, repository: str, data: bytes) -> str:
        d = digest(data)
        if self.session.head(self.url(f"/v2/{repository}/blobs/{d}")).status_code == 200:
            return d
        start = self.session.post(self.url(f"/v2/{repository}/blobs/uploads/"))
        assert start.status_code == 202, start.text
        location = start.headers["Location"]
        sep = "&" if "?" in location else "?"
        done = self.session.put(f"{location}{sep}digest={d}", data=data)
        assert done.status_code == 201, done.text
        return d

    def put_manifest(self, repository: str, ref: str, body: bytes, media_type: str) -> str:
        answer = self.session.put(
            self.url(f"/v2/{repository}/manifests/{ref}"),
            data=body,
            headers={"Content-Type": media_type},
        )
        assert answer.status_code == 201, answer.text
        return digest(body)

    def manifest(self, repository: str, ref: str) -> requests.Response:
        return self.session.get(
            self.url(f"/v2/{repository}/manifests/{ref}"),
            headers={"Accept": ", ".join(m.ACCEPTED_MEDIA_TYPES)},
        )

    def tags(self, repository: str) -> list[str]:
        answer = self.session.get(self.url(f"/v2/{repository}/tags/list"))
        if answer.status_code == 404:
            return []
        return sorted(answer.json().get("tags") or [])

    def has_blob(self, repository: str, d: str) -> bool:
        return self.session.head(self.url(f"/v2/{repository}/blobs/{d}")).status_code == 200

    # -- images --------------------------------------------------------------

    def push_image(
        self,
        repository: str,
        tag: str | None,
        layers: list[bytes] | None = None,
        *,
        oci: bool = False,
        platform: tuple[str, str] = ("linux", "amd64"),
        config_extra: dict[str, Any] | None = None,
        diff_ids: list[str] | None = None,
    ) -> Pushed:
        """``diff_ids``: digests of the uncompressed layers, when they are real
        gzip'd tars (the docker engine checks them); else the layers' own."""
        layers = layers if layers is not None else [os.urandom(3000), os.urandom(5000)]
        config = json.dumps(
            {
                "architecture": platform[1],
                "os": platform[0],
                "created": "2026-01-02T03:04:05Z",
                "config": {"Env": ["PATH=/bin"], "Cmd": ["sh"], **(config_extra or {})},
                "rootfs": {"type": "layers", "diff_ids": diff_ids or [digest(x) for x in layers]},
                "history": [{"created_by": f"layer {i}"} for i in range(len(layers))],
            }
        ).encode()
        blobs = {self.put_blob(repository, config): len(config)}
        descs = []
        for layer in layers:
            blobs[self.put_blob(repository, layer)] = len(layer)
            descs.append(
                {
                    "mediaType": OCI_LAYER if oci else DOCKER_LAYER,
                    "size": len(layer),
                    "digest": digest(layer),
                }
            )
        media = m.OCI_MANIFEST if oci else m.DOCKER_SCHEMA2
        document = {
            "schemaVersion": 2,
            "mediaType": media,
            "config": {
                "mediaType": OCI_CONFIG if oci else DOCKER_CONFIG,
                "size": len(config),
                "digest": digest(config),
            },
            "layers": descs,
        }
        body = (json.dumps(document, indent=3) + "\n").encode()
        ref = tag or digest(body)
        self.put_manifest(repository, ref, body, media)
        return Pushed(repository, ref, digest(body), body, blobs)

    def push_index(self, repository: str, tag: str, *, oci: bool = True) -> Pushed:
        """An index (OCI) or manifest list (Docker) of linux/amd64 and linux/arm64/v8."""
        children = [
            self.push_image(repository, None, oci=oci, platform=("linux", "amd64")),
            self.push_image(repository, None, oci=oci, platform=("linux", "arm64")),
        ]
        platforms = [
            {"architecture": "amd64", "os": "linux"},
            {"architecture": "arm64", "os": "linux", "variant": "v8"},
        ]
        media = m.OCI_INDEX if oci else m.DOCKER_LIST
        child_type = m.OCI_MANIFEST if oci else m.DOCKER_SCHEMA2
        document = {
            "schemaVersion": 2,
            "mediaType": media,
            "manifests": [
                {"mediaType": child_type, "size": len(c.body), "digest": c.digest, "platform": p}
                for c, p in zip(children, platforms, strict=True)
            ],
        }
        body = (json.dumps(document, indent=2) + "\n\n").encode()
        self.put_manifest(repository, tag, body, media)
        blobs: dict[str, int] = {}
        for child in children:
            blobs.update(child.blobs)
        return Pushed(repository, tag, digest(body), body, blobs, [c.digest for c in children])
