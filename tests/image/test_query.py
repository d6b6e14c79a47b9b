"""Image references, listing, show and delete against moto's ECR (digests fixed
to sha256 of the manifest bytes), and Stubber for what moto cannot do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from ecrctl.errors import InvalidInput, NotFound
from ecrctl.image import query as images
from ecrctl.registry import manifest as m
from tests import image_samples as s
from tests.conftest import REGION


@pytest.fixture
def repo(ecr: Any) -> str:
    ecr.create_repository(repositoryName="team/app")
    return "team/app"


# -- references ---------------------------------------------------------------------

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("text", "tag", "digest"),
    [
        ("v1.2.0", "v1.2.0", None),
        ("latest", "latest", None),
        ("a" * 300, "a" * 300, None),
        (DIGEST, None, DIGEST),
        ("@" + DIGEST, None, DIGEST),
    ],
)
def test_parse_ref(text: str, tag: str | None, digest: str | None) -> None:
    ref = images.parse_ref(text)
    assert (ref.tag, ref.digest) == (tag, digest)
    assert ref.image_id == ({"imageDigest": digest} if digest else {"imageTag": tag})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sha256:abc", "invalid image digest 'sha256:abc'"),
        ("sha256:" + "AB" * 32, "invalid image digest"),
        ("md5:" + "a" * 32, "only sha256 digests"),
        ("sha256", "only sha256 digests"),
        (".hidden", "invalid image tag '.hidden'"),
        ("-x", "invalid image tag"),
        ("a b", "invalid image tag"),
        ("a" * 301, "invalid image tag"),
    ],
)
def test_parse_ref_rejects(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        images.parse_ref(text)


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
    ref = images.parse_ref(tag if by == "tag" else digest)
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
        images.show_image(ecr, repo, images.parse_ref("v2"))
    with pytest.raises(NotFound, match=f"no image with digest {DIGEST}"):
        images.show_image(ecr, repo, images.parse_ref(DIGEST))


def test_get_manifest_asks_for_every_media_type() -> None:
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
        stored = images.get_manifest(client, "app", s.sha(text))  # type: ignore[arg-type]
    assert stored.manifest == text and stored.media_type == m.OCI_INDEX


# -- delete --------------------------------------------------------------------------


def _tags(ecr: Any, repo: str) -> dict[str, list[str]]:
    return {
        d["imageDigest"]: sorted(d.get("imageTags", []))
        for d in ecr.describe_images(repositoryName=repo)["imageDetails"]
    }


def test_delete_by_tag_says_tag_removed_or_image_deleted(ecr: Any, repo: str) -> None:
    shared = s.put(ecr, repo, s.schema2("shared"), m.DOCKER_SCHEMA2, tag="v1")
    ecr.put_image(
        repositoryName=repo,
        imageManifest=s.schema2("shared"),
        imageTag="latest",
        imageManifestMediaType=m.DOCKER_SCHEMA2,
    )
    lone = s.put(ecr, repo, s.schema2("lone"), m.DOCKER_SCHEMA2, tag="old")

    plan = images.plan_delete(ecr, repo, [images.parse_ref("v1"), images.parse_ref("old")])
    assert [(i.image_id, i.action) for i in plan.items] == [
        ({"imageTag": "v1"}, images.TAG_REMOVED),
        ({"imageTag": "old"}, images.IMAGE_DELETED),
    ]
    assert images.execute_delete(ecr, plan) == 1
    assert [i.status for i in plan.items] == ["done", "done"]
    assert _tags(ecr, repo) == {shared: ["latest"]}
    assert lone not in _tags(ecr, repo)


def test_deleting_every_tag_of_an_image_deletes_it_once(ecr: Any, repo: str) -> None:
    digest = s.put(ecr, repo, s.schema2("all"), m.DOCKER_SCHEMA2, tag="latest")
    for tag in ("v1", "stable"):
        ecr.put_image(
            repositoryName=repo,
            imageManifest=s.schema2("all"),
            imageTag=tag,
            imageManifestMediaType=m.DOCKER_SCHEMA2,
        )
    refs = [images.parse_ref(t) for t in ("stable", "v1", "latest")]
    plan = images.plan_delete(ecr, repo, refs)
    assert [(i.image_id["imageTag"], i.action, i.tags_lost) for i in plan.items] == [
        ("stable", images.TAG_REMOVED, ["stable"]),
        ("v1", images.TAG_REMOVED, ["v1"]),
        ("latest", images.IMAGE_DELETED, ["stable", "v1", "latest"]),
    ]
    images.execute_delete(ecr, plan)
    assert digest not in _tags(ecr, repo)


def test_delete_by_digest_lists_the_tags_lost(ecr: Any, repo: str) -> None:
    digest = s.put(ecr, repo, s.schema2(), m.DOCKER_SCHEMA2, tag="v1")
    ecr.put_image(
        repositoryName=repo,
        imageManifest=s.schema2(),
        imageTag="prod",
        imageManifestMediaType=m.DOCKER_SCHEMA2,
    )
    plan = images.plan_delete(ecr, repo, [images.parse_ref(digest), images.parse_ref("prod")])
    assert len(plan.items) == 1  # the tag goes with the digest: sent once
    assert plan.by_digest[0].tags_lost == ["prod", "v1"]
    images.execute_delete(ecr, plan)
    assert _tags(ecr, repo) == {}


def test_delete_untagged_in_batches_of_100(ecr: Any, repo: str) -> None:
    keep = s.put(ecr, repo, s.schema2("keep"), m.DOCKER_SCHEMA2, tag="keep")
    for n in range(230):
        s.put(ecr, repo, s.schema2(f"u{n}", (n + 1,)), m.DOCKER_SCHEMA2)
    calls: list[int] = []
    ecr.meta.events.register(
        "before-parameter-build.ecr.BatchDeleteImage",
        lambda params, **_: calls.append(len(params["imageIds"])),
    )
    plan = images.plan_delete(ecr, repo, [], untagged=True)
    assert len(plan.items) == 230
    assert images.execute_delete(ecr, plan) == 3
    assert calls == [100, 100, 30]
    assert all(i.status == "done" for i in plan.items)
    assert _tags(ecr, repo) == {keep: ["keep"]}


def test_delete_unknown_refs_delete_nothing(ecr: Any, repo: str) -> None:
    s.put(ecr, repo, s.schema2(), m.DOCKER_SCHEMA2, tag="v1")
    with pytest.raises(NotFound, match="no image with tag nope"):
        images.plan_delete(ecr, repo, [images.parse_ref("v1"), images.parse_ref("nope")])
    with pytest.raises(NotFound, match=f"no image with digest {DIGEST}"):
        images.plan_delete(ecr, repo, [images.parse_ref(DIGEST)])
    with pytest.raises(InvalidInput, match="nothing to delete"):
        images.plan_delete(ecr, repo, [])
    assert len(_tags(ecr, repo)) == 1


def test_delete_reports_per_id_failures() -> None:
    """A child of a manifest list cannot be deleted: ECR answers with a failure
    for that id only (moto does not model this)."""
    client = boto3.client("ecr", region_name=REGION)
    child, other = "sha256:" + "11" * 32, "sha256:" + "22" * 32
    plan = images.DeletePlan(
        "app",
        [
            images.DeleteItem({"imageDigest": child}, child, images.IMAGE_DELETED),
            images.DeleteItem({"imageTag": "v2"}, other, images.IMAGE_DELETED, ["v2"]),
        ],
    )
    reason = "Requested image referenced by manifest list: [sha256:" + "33" * 32 + "]"
    with Stubber(client) as stub:
        stub.add_response(
            "batch_delete_image",
            {
                "imageIds": [{"imageTag": "v2", "imageDigest": other}],
                "failures": [
                    {
                        "imageId": {"imageDigest": child},
                        "failureCode": "ImageReferencedByManifestList",
                        "failureReason": reason,
                    }
                ],
            },
            {"repositoryName": "app", "imageIds": [{"imageDigest": child}, {"imageTag": "v2"}]},
        )
        assert images.execute_delete(client, plan) == 1  # type: ignore[arg-type]
    assert [i.status for i in plan.items] == ["failed", "done"]
    assert plan.failed[0].failure_code == "ImageReferencedByManifestList"
    assert plan.to_dict()["results"][0]["failureReason"] == reason
