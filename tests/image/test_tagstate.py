"""What a repository says about its tags, against moto's ECR: which image each tag
points at (from each image's own tag list, in batches of 100), and whether the
repository's tag mutability, exclusion filters included, lets a tag move."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.distribution import manifest as m
from ecrctl.image.tagstate import Mutability, tag_digests
from tests import image_samples as s


def test_each_tag_points_at_the_image_that_carries_it(ecr: Any, repo: str) -> None:
    first = s.put(ecr, repo, s.schema2("first"), m.DOCKER_SCHEMA2, tag="v1")
    s.put(ecr, repo, s.schema2("first"), m.DOCKER_SCHEMA2, tag="stable")
    second = s.put(ecr, repo, s.schema2("second"), m.DOCKER_SCHEMA2, tag="v2")
    found = tag_digests(ecr, repo, ["stable", "v1", "v2", "missing"])
    assert found == {"v1": first, "stable": first, "v2": second}


def test_more_tags_than_one_call_takes_are_asked_in_batches(ecr: Any, repo: str) -> None:
    digest = s.put(ecr, repo, s.schema2(), m.DOCKER_SCHEMA2, tag="t0")
    tags = [f"t{i}" for i in range(130)]
    for tag in tags[1:]:
        s.put(ecr, repo, s.schema2(), m.DOCKER_SCHEMA2, tag=tag)
    assert tag_digests(ecr, repo, [*tags, "t999"]) == dict.fromkeys(tags, digest)


def test_no_tag_of_an_empty_repository_points_anywhere(ecr: Any, repo: str) -> None:
    assert tag_digests(ecr, repo, ["latest"]) == {}


@pytest.mark.parametrize(
    ("mode", "filters", "pinned", "free", "why"),
    [
        ("MUTABLE", [], [], ["v1", "latest"], None),
        ("IMMUTABLE", [], ["v1", "latest"], [], "is IMMUTABLE: its tags cannot be moved"),
        (
            "IMMUTABLE_WITH_EXCLUSION",
            ["latest", "dev-*"],
            ["v1", "prod"],
            ["latest", "dev-7", "dev-"],
            "matches none of its exclusion filters",
        ),
        (
            "MUTABLE_WITH_EXCLUSION",
            ["release-*"],
            ["release-1", "release-"],
            ["v1", "latest", "my-release-1"],
            "matches one of its exclusion filters",
        ),
    ],
)
def test_mutability_pins_the_tags_its_setting_names(
    ecr: Any, mode: str, filters: list[str], pinned: list[str], free: list[str], why: str | None
) -> None:
    extra: dict[str, Any] = {}
    if filters:
        extra["imageTagMutabilityExclusionFilters"] = [
            {"filterType": "WILDCARD", "filter": f} for f in filters
        ]
    ecr.create_repository(repositoryName="team/app", imageTagMutability=mode, **extra)
    mutability = Mutability(ecr, "team/app", None)
    assert mutability.mode == mode
    assert [t for t in pinned + free if mutability.pinned(t)] == pinned
    if why is not None:
        assert why in mutability.why_pinned(pinned[0])
        assert mutability.why_pinned(pinned[0]).startswith(f"repository 'team/app' is {mode}")


def test_a_refusal_under_a_mutable_setting_says_it_may_have_changed(ecr: Any, repo: str) -> None:
    assert Mutability(ecr, repo, None).why_pinned("v1") == (
        "ECR refused to move it although repository 'team/app' is MUTABLE (changed meanwhile?)"
    )


def test_the_repository_is_read_once(ecr: Any, repo: str) -> None:
    mutability = Mutability(ecr, repo, None)
    assert mutability.mode == "MUTABLE"
    ecr.put_image_tag_mutability(repositoryName=repo, imageTagMutability="IMMUTABLE")
    assert mutability.mode == "MUTABLE"  # what was read first stays
    assert not mutability.pinned("v1")
    assert Mutability(ecr, repo, None).pinned("v1")
