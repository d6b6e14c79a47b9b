"""``ecrctl image delete`` through the real main() wrapper on moto's ECR: what was
deleted, confirmation for digests, untagged images and dry runs, bad input, and the
image graph (children and referrers go with their image; an in-use child keeps it)."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.distribution import manifest as m
from tests import image_samples as s
from tests.conftest import ACCOUNT, REGION, Runner
from tests.image import graph_world as g
from tests.support.cli import one_line_error

DIGEST = "sha256:" + "ab" * 32


def test_delete_by_tag_says_what_happened(cli: Runner, ecr: Any, repo: str) -> None:
    s.put(ecr, repo, s.schema2("a"), m.DOCKER_SCHEMA2, tag="v1")
    ecr.put_image(
        repositoryName=repo,
        imageManifest=s.schema2("a"),
        imageTag="latest",
        imageManifestMediaType=m.DOCKER_SCHEMA2,
    )
    s.put(ecr, repo, s.schema2("b"), m.DOCKER_SCHEMA2, tag="old")
    result = cli("image", "delete", repo, "v1", "old")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any("v1" in ln and "tag removed" in ln for ln in lines)
    assert any("old" in ln and "image deleted" in ln for ln in lines)
    assert len(ecr.describe_images(repositoryName=repo)["imageDetails"]) == 1


def test_delete_by_digest_needs_confirmation(cli: Runner, ecr: Any, repo: str) -> None:
    digest = s.put(ecr, repo, s.schema2(), m.DOCKER_SCHEMA2, tag="v1")
    refused = cli("image", "delete", repo, digest)
    one_line_error(refused, 2, "pass --yes")
    assert len(ecr.describe_images(repositoryName=repo)["imageDetails"]) == 1
    done = cli("image", "delete", repo, digest, "--yes", "-o", "json")
    assert done.exit_code == 0, done.stderr
    item = done.json["results"][0]
    assert item["action"] == "IMAGE_DELETED" and item["tagsRemoved"] == ["v1"]
    assert item["imageId"]["imageDigest"] == digest == s.sha(s.schema2())
    assert ecr.describe_images(repositoryName=repo)["imageDetails"] == []


def test_delete_untagged_and_dry_run(cli: Runner, ecr: Any, repo: str) -> None:
    s.put(ecr, repo, s.schema2("keep"), m.DOCKER_SCHEMA2, tag="keep")
    for n in range(150):
        s.put(ecr, repo, s.schema2(f"u{n}"), m.DOCKER_SCHEMA2)
    dry = cli("image", "delete", repo, "--untagged", "--dry-run", "-o", "json")
    assert dry.exit_code == 0 and len(dry.json["results"]) == 150
    assert dry.json["batchDeleteImageCalls"] == 0
    assert len(ecr.describe_images(repositoryName=repo)["imageDetails"]) == 151
    done = cli("image", "delete", repo, "--untagged", "--yes", "-o", "json")
    assert done.exit_code == 0, done.stderr
    assert done.json["batchDeleteImageCalls"] == 2  # more than 100 ids: two batches
    left = ecr.describe_images(repositoryName=repo)["imageDetails"]
    assert [d["imageTags"] for d in left] == [["keep"]]


@pytest.mark.parametrize(
    ("refs", "code", "message"),
    [
        (["v1", "nope"], 1, "no image with tag nope"),
        (["v1", DIGEST, "--yes"], 1, f"no image with digest {DIGEST}"),
        (["v1", "sha256:zz"], 2, "invalid image digest"),
        (["v1:x"], 2, "only sha256 digests"),
        ([], 2, "nothing to delete"),
    ],
)
def test_delete_bad_input_deletes_nothing(
    cli: Runner, ecr: Any, repo: str, refs: list[str], code: int, message: str
) -> None:
    s.put(ecr, repo, s.schema2(), m.DOCKER_SCHEMA2, tag="v1")
    one_line_error(cli("image", "delete", repo, *refs), code, message)
    assert len(ecr.describe_images(repositoryName=repo)["imageDetails"]) == 1


def test_delete_unknown_repository(cli: Runner, ecr: Any) -> None:
    one_line_error(cli("image", "delete", "nope", "v1"), 1, "nope")


# -- the image graph -----------------------------------------------------------------


def test_an_index_goes_with_its_children_and_referrers(
    cli: Runner, ecr: Any, repo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = g.build(ecr, repo)
    g.enforce_manifest_lists(monkeypatch)
    refused = cli("image", "delete", repo, "app")  # by tag, yet images go by digest
    one_line_error(refused, 2, "pass --yes")
    done = cli("image", "delete", repo, "app", "--yes")
    assert done.exit_code == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if "image deleted with" in line]
    assert len(rows) == 3 and all(scene.app[7:19] in row for row in rows)
    left = {d["imageDigest"] for d in ecr.describe_images(repositoryName=repo)["imageDetails"]}
    assert scene.arm in left and scene.amd not in left and scene.signature not in left


def test_an_image_in_use_through_its_child_keeps_its_index(
    cli: Runner, ecr: Any, repo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A task pinned to one platform's manifest: the index is in use too."""
    import boto3

    scene = g.build(ecr, repo)
    ecs = boto3.client("ecs", region_name=REGION)
    host = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
    ecs.register_task_definition(
        family="web",
        containerDefinitions=[{"name": "a", "image": f"{host}/{repo}@{scene.amd}", "memory": 64}],
    )
    refused = cli("image", "delete", repo, "app", "--yes")
    assert refused.exit_code == 1
    last = refused.stderr.splitlines()[-1]
    assert f"{repo}:app is used by task definition web:1 [digest]" in last
    assert f"{repo}@{scene.amd} is used by task definition web:1 [digest]" in last
    other = cli("image", "delete", repo, "other", "--yes", "--dry-run")
    assert other.exit_code == 0, other.stderr  # arm, which both share, stays with app
