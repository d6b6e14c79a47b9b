"""An image graph in moto's ECR for the graph, delete and preview tests: multi-arch
indexes with their children (one child shared by two indexes), an OCI referrer by
``subject``, a cosign signature by tag; and ECR's refusal of a child an index still
references, which moto does not make (``ImageReferencedByManifestList``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from ecrctl.distribution import manifest as m
from tests import image_samples as s


def referrer(subject_text: str, seed: str, media: str = m.OCI_MANIFEST) -> str:
    """An OCI 1.1 artifact (a signature) whose ``subject`` is ``subject_text``."""
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": m.OCI_MANIFEST,
            "artifactType": "application/vnd.dev.sigstore.bundle.v0.3+json",
            "config": {
                "mediaType": "application/vnd.oci.empty.v1+json",
                "digest": s.sha("empty"),
                "size": 2,
            },
            "layers": [
                {
                    "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
                    "digest": s.sha(f"sig-{seed}"),
                    "size": 900,
                }
            ],
            "subject": {
                "mediaType": media,
                "digest": s.sha(subject_text),
                "size": len(subject_text),
            },
        },
        indent=2,
    )


@dataclass
class Scene:
    app: str  # index tagged app: amd and arm children, and an attestation child
    amd: str
    arm: str
    attestation: str
    other: str  # index tagged other: its own amd child, and arm (shared with app)
    other_amd: str
    signature: str  # OCI referrer of app, untagged
    cosign: str  # cosign signature of other: tagged sha256-<hex>.sig
    plain: str  # a plain tagged image


def build(ecr: Any, repository: str) -> Scene:
    amd, arm, attest = s.oci_manifest("amd"), s.oci_manifest("arm"), s.oci_manifest("attest")
    other_amd = s.oci_manifest("other-amd")
    for child in (amd, arm, attest, other_amd):
        s.put(ecr, repository, child, m.OCI_MANIFEST)
    app = s.oci_index([amd, arm])
    app = app.replace('"manifests": [', '"manifests": [' + _descriptor(attest) + ",", 1)
    other = s.oci_index([other_amd, arm])
    s.put(ecr, repository, app, m.OCI_INDEX, tag="app")
    s.put(ecr, repository, other, m.OCI_INDEX, tag="other")
    signature = s.put(ecr, repository, referrer(app, "app", m.OCI_INDEX), m.OCI_MANIFEST)
    cosign_text = referrer(other, "other", m.OCI_INDEX)
    cosign_tag = s.sha(other).replace(":", "-") + ".sig"
    cosign = s.put(ecr, repository, cosign_text, m.OCI_MANIFEST, tag=cosign_tag)
    plain = s.put(ecr, repository, s.schema2("plain"), m.DOCKER_SCHEMA2, tag="plain")
    return Scene(
        s.sha(app),
        s.sha(amd),
        s.sha(arm),
        s.sha(attest),
        s.sha(other),
        s.sha(other_amd),
        signature,
        cosign,
        plain,
    )


def _descriptor(text: str) -> str:
    return json.dumps({"mediaType": m.OCI_MANIFEST, "size": len(text), "digest": s.sha(text)})


def enforce_manifest_lists(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """moto's BatchDeleteImage (in-process) refusing, as ECR does, an image that an
    index in the repository references (before the call); every call's ids, in order."""
    from moto.ecr.models import ECRBackend

    original = ECRBackend.batch_delete_image
    calls: list[list[str]] = []

    def enforcing(
        self: Any, repository_name: str, registry_id: str | None = None, image_ids: Any = None
    ) -> dict[str, Any]:
        repository = self._get_repository(repository_name, registry_id)
        by_tag = {t: i.get_image_digest() for i in repository.images for t in i.image_tags}
        referenced: dict[str, str] = {}
        for image in repository.images:
            for child in json.loads(image.image_manifest).get("manifests") or []:
                referenced.setdefault(child["digest"], image.get_image_digest())
        allowed, refused = [], []
        for image_id in image_ids or []:
            digest = image_id.get("imageDigest") or by_tag.get(image_id.get("imageTag"))
            (refused if digest in referenced else allowed).append(image_id)
        calls.append([i.get("imageDigest") or i.get("imageTag") for i in image_ids or []])
        answer = original(self, repository_name, registry_id, allowed) if allowed else None
        answer = answer or {"imageIds": [], "failures": []}
        answer["failures"] += [
            {
                "imageId": image_id,
                "failureCode": "ImageReferencedByManifestList",
                "failureReason": "Requested image referenced by manifest list: "
                f"[{referenced[image_id.get('imageDigest') or by_tag[image_id['imageTag']]]}]",
            }
            for image_id in refused
        ]
        return answer

    monkeypatch.setattr(ECRBackend, "batch_delete_image", enforcing)
    return calls
