"""``ecrctl image delete`` through the real main() wrapper on moto's ECR: what was
deleted, confirmation for digests, untagged images and dry runs, bad input."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.distribution import manifest as m
from tests import image_samples as s
from tests.conftest import Runner
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
