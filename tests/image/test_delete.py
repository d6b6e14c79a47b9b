"""Deleting tags and images: the plan, the batches, the per-item report."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from ecrctl.distribution import manifest as m
from ecrctl.distribution.reference import parse_image_ref
from ecrctl.errors import InvalidInput, NotFound
from ecrctl.image import delete as images
from tests import image_samples as s
from tests.conftest import REGION

DIGEST = "sha256:" + "ab" * 32


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

    plan = images.plan_delete(ecr, repo, [parse_image_ref("v1"), parse_image_ref("old")])
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
    refs = [parse_image_ref(t) for t in ("stable", "v1", "latest")]
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
    plan = images.plan_delete(ecr, repo, [parse_image_ref(digest), parse_image_ref("prod")])
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
        images.plan_delete(ecr, repo, [parse_image_ref("v1"), parse_image_ref("nope")])
    with pytest.raises(NotFound, match=f"no image with digest {DIGEST}"):
        images.plan_delete(ecr, repo, [parse_image_ref(DIGEST)])
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
            images.delete_item({"imageDigest": child}, child, images.IMAGE_DELETED, []),
            images.delete_item({"imageTag": "v2"}, other, images.IMAGE_DELETED, ["v2"]),
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
