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
from tests.image import graph_world as g

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


# -- the image graph -----------------------------------------------------------------


@pytest.fixture
def graph_repo(ecr: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[g.Scene, list[list[str]]]:
    ecr.create_repository(repositoryName="team/app")
    return g.build(ecr, "team/app"), g.enforce_manifest_lists(monkeypatch)


def test_ecr_refuses_a_child_an_index_still_references(
    ecr: Any, graph_repo: tuple[g.Scene, list[list[str]]]
) -> None:
    """What a single call of every digest meets (and what the passes below avoid)."""
    scene, _ = graph_repo
    ids = [{"imageDigest": d} for d in (scene.app, scene.amd, scene.attestation)]
    answer = ecr.batch_delete_image(repositoryName="team/app", imageIds=ids)
    assert {f["failureCode"] for f in answer["failures"]} == {"ImageReferencedByManifestList"}


def test_an_index_goes_with_its_referrers_and_children_in_passes(
    ecr: Any, graph_repo: tuple[g.Scene, list[list[str]]]
) -> None:
    scene, calls = graph_repo
    plan = images.plan_delete(ecr, "team/app", [parse_image_ref("app")])
    planned = [(i.digest, i.step, i.goes_with) for i in plan.items]
    assert planned[0] == (scene.signature, 0, scene.app)
    assert planned[1] == (scene.app, 1, "")
    assert sorted(planned[2:]) == sorted(
        [(scene.amd, 2, scene.app), (scene.attestation, 2, scene.app)]
    )
    assert images.execute_delete(ecr, plan) == 3
    assert [i.status for i in plan.items] == ["done"] * 4
    assert calls == [[scene.signature], ["app"], [p[0] for p in planned[2:]]]
    left = set(_tags(ecr, "team/app"))
    assert left == {scene.other, scene.other_amd, scene.arm, scene.cosign, scene.plain}
    assert plan.to_dict()["results"][0]["goesWith"] == scene.app


def test_both_indexes_take_the_child_they_share_and_the_cosign_signature(
    ecr: Any, graph_repo: tuple[g.Scene, list[list[str]]]
) -> None:
    scene, _ = graph_repo
    refs = [parse_image_ref(d) for d in (scene.app, scene.other)]
    plan = images.plan_delete(ecr, "team/app", refs)
    images.execute_delete(ecr, plan)
    assert [i.status for i in plan.items if i.status != "done"] == []
    assert set(_tags(ecr, "team/app")) == {scene.plain}


def test_untagged_leaves_the_children_and_referrers_of_images_that_stay(
    ecr: Any, graph_repo: tuple[g.Scene, list[list[str]]]
) -> None:
    scene, _ = graph_repo
    loose = s.put(ecr, "team/app", s.schema2("loose"), m.DOCKER_SCHEMA2)
    plan = images.plan_delete(ecr, "team/app", [], untagged=True)
    assert [i.digest for i in plan.items] == [loose]
    assert sorted(d for d, _ in plan.kept) == sorted(
        [scene.amd, scene.arm, scene.attestation, scene.other_amd, scene.signature]
    )
