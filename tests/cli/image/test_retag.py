"""``ecrctl image retag`` through the real main() wrapper on moto's ECR: each tag
reported, immutable conflicts, bad input changing nothing, dry runs."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.distribution import manifest as m
from tests import image_samples as s
from tests.conftest import Runner
from tests.support.cli import one_line_error

DIGEST = "sha256:" + "ab" * 32


def test_retag_reports_each_tag(cli: Runner, ecr: Any, repo: str) -> None:
    _, digest, text = s.put_every_type(ecr, repo)["index"]
    result = cli("image", "retag", repo, "index", "v2", "index", f"{repo}:v3")
    assert result.exit_code == 0, result.stderr
    assert "v2" in result.stdout and "created" in result.stdout
    assert "unchanged" in result.stdout
    assert f"{repo}@{digest}: 2 of 3 tagged, 1 unchanged (already this image)" in result.stderr
    for tag in ("v2", "v3"):
        stored = ecr.batch_get_image(repositoryName=repo, imageIds=[{"imageTag": tag}])
        assert stored["images"][0]["imageManifest"] == text
        assert stored["images"][0]["imageId"]["imageDigest"] == digest == s.sha(text)


def test_retag_immutable_conflict_exit_1_others_done(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(repositoryName="locked", imageTagMutability="IMMUTABLE")
    s.put(ecr, "locked", s.schema2("one"), m.DOCKER_SCHEMA2, tag="v1")
    s.put(ecr, "locked", s.schema2("two"), m.DOCKER_SCHEMA2, tag="prod")
    result = cli("image", "retag", "locked", "v1", "prod", "next", "-o", "json")
    assert result.exit_code == 1
    statuses = {t["imageTag"]: t["status"] for t in result.json["tags"]}
    assert statuses == {"prod": "failed", "next": "created"}
    assert "1 of 2 tagged, 1 failed" in result.stderr
    assert "tag 'prod' already points at sha256:" in result.stderr
    assert "repository 'locked' is IMMUTABLE" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["v1", "other/app:v2"], "cannot retag into another repository ('other/app'"),
        (["v1", "bad tag"], "invalid image tag 'bad tag'"),
        (["sha256:12", "v2"], "invalid image digest"),
    ],
)
def test_retag_bad_input_changes_nothing(
    cli: Runner, ecr: Any, repo: str, args: list[str], message: str
) -> None:
    s.put(ecr, repo, s.schema2(), m.DOCKER_SCHEMA2, tag="v1")
    one_line_error(cli("image", "retag", repo, *args), 2, message)
    assert len(ecr.list_images(repositoryName=repo)["imageIds"]) == 1


def test_retag_dry_run(cli: Runner, ecr: Any, repo: str) -> None:
    s.put(ecr, repo, s.schema2(), m.DOCKER_SCHEMA2, tag="v1")
    result = cli("image", "retag", repo, "v1", "v2", "--dry-run")
    assert result.exit_code == 0
    assert "would be created" in result.stdout
    assert len(ecr.list_images(repositoryName=repo)["imageIds"]) == 1


def test_retag_unknown_source(cli: Runner, repo: str) -> None:
    one_line_error(cli("image", "retag", repo, "v1", "v2"), 1, "no image with tag v1")
