"""What a repository says about tags: which image each tag points at, from each
image's own tag list (moto answers BatchGetImage by tag with another tag of the
image, as some ECR-compatible servers do), asked 100 ids at a time; and whether the
mutability setting, with its exclusion filters, lets a tag move. Against moto's ECR
(in-process) and botocore's Stubber (the batches sent, an answer without the setting)."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.distribution import manifest as m
from ecrctl.image.query import GET_BATCH
from ecrctl.image.tagstate import Mutability, tag_digests
from tests import image_samples as s
from tests.conftest import ACCOUNT


@pytest.fixture
def repo(ecr: Any) -> dict[str, str]:
    """team/app: image one tagged v1, stable and latest; image two tagged prod."""
    ecr.create_repository(repositoryName="team/app")
    one = s.put(ecr, "team/app", s.schema2("one"), m.DOCKER_SCHEMA2, tag="v1")
    for tag in ("stable", "latest"):
        s.put(ecr, "team/app", s.schema2("one"), m.DOCKER_SCHEMA2, tag=tag)
    two = s.put(ecr, "team/app", s.schema2("two"), m.DOCKER_SCHEMA2, tag="prod")
    return {"one": one, "two": two}


def test_each_tag_and_its_digest(ecr: Any, repo: dict[str, str]) -> None:
    asked = ["latest", "prod", "nope", "stable"]
    assert tag_digests(ecr, "team/app", asked, registry_id=ACCOUNT) == {
        "latest": repo["one"],
        "stable": repo["one"],
        "prod": repo["two"],
    }  # a tag that does not exist is left out
    assert tag_digests(ecr, "team/app", ["nope"]) == {}
    assert tag_digests(ecr, "team/app", []) == {}


def test_only_the_tags_asked_about(ecr: Any, repo: dict[str, str]) -> None:
    # the image's other tags (v1, stable) are in its tag list, but were not asked about
    assert tag_digests(ecr, "team/app", ["latest"]) == {"latest": repo["one"]}


def test_a_hundred_ids_at_a_time(stubbed: tuple[Any, Any]) -> None:
    client, stub = stubbed
    tags = [f"t{n:03d}" for n in range(GET_BATCH + 50)]
    digest = {t: "sha256:" + f"{n:064x}" for n, t in enumerate(tags)}
    for start in (0, GET_BATCH):
        chunk = tags[start : start + GET_BATCH]
        stub.add_response(
            "batch_get_image",
            {"images": [{"imageId": {"imageDigest": digest[t], "imageTag": t}} for t in chunk]},
            {
                "repositoryName": "app",
                "imageIds": [{"imageTag": t} for t in chunk],
                "acceptedMediaTypes": m.ACCEPTED_MEDIA_TYPES,
            },
        )
    ordered = sorted(digest.values())
    by_digest = {d: t for t, d in digest.items()}
    for start in (0, GET_BATCH):
        chunk = ordered[start : start + GET_BATCH]
        stub.add_response(
            "describe_images",
            {"imageDetails": [{"imageDigest": d, "imageTags": [by_digest[d]]} for d in chunk]},
            {"repositoryName": "app", "imageIds": [{"imageDigest": d} for d in chunk]},
        )
    assert tag_digests(client, "app", tags) == digest


def set_mutability(ecr: Any, mode: str, *filters: str) -> Mutability:
    ecr.create_repository(repositoryName="app")
    extra: dict[str, Any] = {}
    if filters:
        extra["imageTagMutabilityExclusionFilters"] = [
            {"filterType": "WILDCARD", "filter": f} for f in filters
        ]
    ecr.put_image_tag_mutability(repositoryName="app", imageTagMutability=mode, **extra)
    return Mutability(ecr, "app", None)


@pytest.mark.parametrize(
    ("mode", "filters", "tag", "pinned"),
    [
        ("MUTABLE", (), "latest", False),
        ("IMMUTABLE", (), "latest", True),
        ("IMMUTABLE_WITH_EXCLUSION", ("latest", "dev-*"), "latest", False),
        ("IMMUTABLE_WITH_EXCLUSION", ("latest", "dev-*"), "dev-42", False),
        ("IMMUTABLE_WITH_EXCLUSION", ("latest", "dev-*"), "v1.0", True),
        ("IMMUTABLE_WITH_EXCLUSION", ("latest",), "latest-1", True),  # the whole tag
        ("IMMUTABLE_WITH_EXCLUSION", ("*.0",), "v1.0", False),
        ("IMMUTABLE_WITH_EXCLUSION", ("*.0",), "v1x0", True),  # a dot is a dot
        ("MUTABLE_WITH_EXCLUSION", ("release-*",), "release-3", True),
        ("MUTABLE_WITH_EXCLUSION", ("release-*",), "latest", False),
        ("MUTABLE_WITH_EXCLUSION", ("v*-rc*",), "v2-rc1", True),
    ],
)
def test_whether_a_tag_is_pinned(
    ecr: Any, mode: str, filters: tuple[str, ...], tag: str, pinned: bool
) -> None:
    mutability = set_mutability(ecr, mode, *filters)
    assert mutability.mode == mode
    assert mutability.pinned(tag) is pinned


@pytest.mark.parametrize(
    ("mode", "filters", "why"),
    [
        ("IMMUTABLE", (), "repository 'app' is IMMUTABLE: its tags cannot be moved"),
        (
            "IMMUTABLE_WITH_EXCLUSION",
            ("latest",),
            "repository 'app' is IMMUTABLE_WITH_EXCLUSION: 'v1' matches none of its "
            "exclusion filters, so it cannot be moved",
        ),
        (
            "MUTABLE_WITH_EXCLUSION",
            ("v*",),
            "repository 'app' is MUTABLE_WITH_EXCLUSION: 'v1' matches one of its "
            "exclusion filters, so it cannot be moved",
        ),
        (
            "MUTABLE",
            (),
            "ECR refused to move it although repository 'app' is MUTABLE (changed meanwhile?)",
        ),
    ],
)
def test_why_a_tag_is_pinned(ecr: Any, mode: str, filters: tuple[str, ...], why: str) -> None:
    assert set_mutability(ecr, mode, *filters).why_pinned("v1") == why


def test_the_setting_is_read_once(stubbed: tuple[Any, Any]) -> None:
    """An answer without the setting (an older one, or an emulator's) is MUTABLE."""
    client, stub = stubbed
    stub.add_response(
        "describe_repositories",
        {"repositories": [{"repositoryName": "app"}]},
        {"repositoryNames": ["app"], "registryId": ACCOUNT},
    )
    mutability = Mutability(client, "app", ACCOUNT)
    assert mutability.mode == "MUTABLE"
    assert not mutability.pinned("latest") and not mutability.pinned("v1")
    assert mutability.why_pinned("v1").endswith("is MUTABLE (changed meanwhile?)")
