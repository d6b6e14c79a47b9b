"""Image references, listing, show and delete against moto's ECR (digests fixed
to sha256 of the manifest bytes), and Stubber for what moto cannot do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from ecrctl.distribution import manifest as m
from ecrctl.distribution.reference import parse_image_ref
from ecrctl.errors import InvalidInput, NotFound
from ecrctl.image import query as images
from tests import image_samples as s
from tests.conftest import REGION

DIGEST = "sha256:" + "ab" * 32


# -- list ----------------------------------------------------------------------------


def _age(ecr: Any, repository: str, digest: str, days: int) -> None:
    from moto.ecr.models import ecr_backends

    from tests.conftest import ACCOUNT

    for image in ecr_backends[ACCOUNT][REGION].repositories[repository].images:
        if image.image_digest == digest:
            image.image_pushed_at = int((datetime.now(UTC) - timedelta(days=days)).timestamp())


def test_list_filters_sorts_and_limits(ecr: Any, repo: str) -> None:
    small = s.put(ecr, repo, s.schema2("small", (10,)), m.DOCKER_SCHEMA2, tag="b-small")
    big = s.put(ecr, repo, s.schema2("big", (10_000_000,)), m.DOCKER_SCHEMA2, tag="a-big")
    loose = s.put(ecr, repo, s.schema2("loose", (500,)), m.DOCKER_SCHEMA2)
    _age(ecr, repo, small, 1)
    _age(ecr, repo, big, 3)
    _age(ecr, repo, loose, 2)

    by_push = images.list_images(ecr, repo)
    assert [d["imageDigest"] for d in by_push] == [small, loose, big]
    assert [d["imageDigest"] for d in images.list_images(ecr, repo, sort="size")] == [
        big,
        loose,
        small,
    ]
    assert [d["imageDigest"] for d in images.list_images(ecr, repo, sort="tag")] == [
        big,
        small,
        loose,
    ]
    assert [d["imageDigest"] for d in images.list_images(ecr, repo, tag_status="UNTAGGED")] == [
        loose
    ]
    tagged = images.list_images(ecr, repo, tag_status="TAGGED", limit=1)
    assert [d["imageDigest"] for d in tagged] == [small]
    for detail in by_push:
        stored = ecr.batch_get_image(
            repositoryName=repo, imageIds=[{"imageDigest": detail["imageDigest"]}]
        )
        assert detail["imageDigest"] == s.sha(stored["images"][0]["imageManifest"])
    assert by_push[-1]["imageSizeInBytes"] == 10_000_000 + 1470


def test_list_unknown_repository(ecr: Any) -> None:
    with pytest.raises(Exception, match="RepositoryNotFoundException"):
        images.list_images(ecr, "nope")


def test_list_follows_next_token_with_max_results_1000() -> None:
    client = boto3.client("ecr", region_name=REGION)
    pushed = datetime(2024, 1, 1, tzinfo=UTC)

    def detail(n: int) -> dict[str, Any]:
        return {
            "imageDigest": "sha256:" + f"{n:064x}",
            "imagePushedAt": pushed + timedelta(minutes=n),
            "imageTags": [f"t{n}"],
        }

    with Stubber(client) as stub:
        stub.add_response(
            "describe_images",
            {"imageDetails": [detail(i) for i in range(3)], "nextToken": "page-2"},
            {"repositoryName": "app", "maxResults": 1000},
        )
        stub.add_response(
            "describe_images",
            {"imageDetails": [detail(i) for i in range(3, 5)]},
            {"repositoryName": "app", "maxResults": 1000, "nextToken": "page-2"},
        )
        found = images.list_images(client, "app")  # type: ignore[arg-type]
        stub.assert_no_pending_responses()
    assert [d["imageTags"][0] for d in found] == ["t4", "t3", "t2", "t1", "t0"]


def test_tag_status_filter_is_sent_and_applied() -> None:
    client = boto3.client("ecr", region_name=REGION)
    details = [{"imageDigest": DIGEST, "imageTags": ["x"]}, {"imageDigest": "sha256:" + "cd" * 32}]
    with Stubber(client) as stub:
        stub.add_response(
            "describe_images",
            {"imageDetails": details},
            {
                "repositoryName": "app",
                "maxResults": 1000,
                "filter": {"tagStatus": "UNTAGGED"},
                "registryId": "111122223333",
            },
        )
        found = images.list_images(
            client,
            "app",
            tag_status="UNTAGGED",  # type: ignore[arg-type]
            registry_id="111122223333",
        )
    assert [d["imageDigest"] for d in found] == ["sha256:" + "cd" * 32]


def test_limit_must_be_positive(ecr: Any, repo: str) -> None:
    with pytest.raises(InvalidInput, match="--limit 0"):
        images.list_images(ecr, repo, limit=0)


# -- show ----------------------------------------------------------------------------

EXPECTED_TYPES = {
    "schema2": m.DOCKER_SCHEMA2,
    "oci": m.OCI_MANIFEST,
    "list": m.DOCKER_LIST,
    "index": m.OCI_INDEX,
}


@pytest.mark.parametrize("kind", list(EXPECTED_TYPES))
@pytest.mark.parametrize("by", ["tag", "digest"])
def test_show_every_media_type(ecr: Any, repo: str, kind: str, by: str) -> None:
    samples = s.put_every_type(ecr, repo)
    tag, digest, text = samples[kind]
    ref = parse_image_ref(tag if by == "tag" else digest)
    info = images.show_image(ecr, repo, ref)
    assert info["imageManifest"] == text  # exactly as stored
    assert info["manifestDigest"] == digest == s.sha(text)
    assert info["imageDetail"]["imageDigest"] == digest
    assert info["manifest"]["mediaType"] == EXPECTED_TYPES[kind]
    assert info["imageManifestMediaType"] == EXPECTED_TYPES[kind]
    if kind in {"list", "index"}:
        platforms = [c["platform"]["architecture"] for c in info["manifest"]["manifests"]]
        assert platforms == ["amd64", "arm64"]
        children = [c["digest"] for c in info["manifest"]["manifests"]]
        assert all(images.describe_image(ecr, repo, images.ImageRef(digest=c)) for c in children)
    else:
        assert info["manifest"]["config"]["digest"].startswith("sha256:")
        assert all(layer["size"] > 0 for layer in info["manifest"]["layers"])


def test_show_unknown_tag_and_digest(ecr: Any, repo: str) -> None:
    s.put(ecr, repo, s.schema2(), m.DOCKER_SCHEMA2, tag="v1")
    with pytest.raises(NotFound, match="no image with tag v2 in repository 'team/app'"):
        images.show_image(ecr, repo, parse_image_ref("v2"))
    with pytest.raises(NotFound, match=f"no image with digest {DIGEST}"):
        images.show_image(ecr, repo, parse_image_ref(DIGEST))


def test_stored_manifest_asks_for_every_media_type() -> None:
    client = boto3.client("ecr", region_name=REGION)
    text = s.oci_index([s.oci_manifest()])
    with Stubber(client) as stub:
        stub.add_response(
            "batch_get_image",
            {
                "images": [
                    {
                        "imageId": {"imageDigest": s.sha(text)},
                        "imageManifest": text,
                        "imageManifestMediaType": m.OCI_INDEX,
                    }
                ],
                "failures": [],
            },
            {
                "repositoryName": "app",
                "imageIds": [{"imageDigest": s.sha(text)}],
                "acceptedMediaTypes": m.ACCEPTED_MEDIA_TYPES,
            },
        )
        stored = images.stored_manifest(client, "app", s.sha(text))  # type: ignore[arg-type]
    assert stored.manifest == text and stored.media_type == m.OCI_INDEX
