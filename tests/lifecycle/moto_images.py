"""Putting images with chosen push times into moto's in-process ECR."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ecrctl.lifecycle.images import Image
from tests.conftest import ACCOUNT, REGION


def manifest(seed: str) -> str:
    config = "sha256:" + hashlib.sha256(seed.encode()).hexdigest()
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 100,
                "digest": config,
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": 1000,
                    "digest": "sha256:" + "a" * 64,
                }
            ],
        }
    )


def load_into_moto(ecr: Any, repository: str, images: list[Image]) -> list[Image]:
    """Push ``images`` (one manifest each, every tag) and set their push and pull times.

    Returns the images as moto holds them (digests are the manifests' sha256).
    """
    from moto.ecr.models import ecr_backends

    ecr.create_repository(repositoryName=repository)
    pushed = []
    for n, image in enumerate(images):
        text = manifest(f"{repository}-{n}")
        if image.tags:
            for tag in image.tags:
                ecr.put_image(repositoryName=repository, imageManifest=text, imageTag=tag)
        else:
            ecr.put_image(repositoryName=repository, imageManifest=text)
        digest = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
        pushed.append(image._replace(digest=digest, pushed_at=float(int(image.pushed_at))))
    by_digest = {i.digest: i for i in pushed}
    for stored in ecr_backends[ACCOUNT][REGION].repositories[repository].images:
        wanted = by_digest[stored.get_image_digest()]
        stored.image_pushed_at = int(wanted.pushed_at)
    return pushed
