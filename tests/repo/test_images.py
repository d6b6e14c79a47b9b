"""A repository's images through DescribeImages: every one, the tagged or the
untagged ones, against moto's ECR (which ignores the tagStatus filter, so the filter
is applied again) and botocore's Stubber (the filter and the pages sent)."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.distribution import manifest as m
from ecrctl.repo.images import TagStatus, iter_image_details
from tests import image_samples as s
from tests.conftest import ACCOUNT


@pytest.fixture
def repo(ecr: Any) -> dict[str, str]:
    """team/app: an image tagged v1 and latest, one tagged t, one untagged (name -> digest)."""
    ecr.create_repository(repositoryName="team/app")
    one = s.put(ecr, "team/app", s.schema2("one"), m.DOCKER_SCHEMA2, tag="v1")
    s.put(ecr, "team/app", s.schema2("one"), m.DOCKER_SCHEMA2, tag="latest")
    two = s.put(ecr, "team/app", s.schema2("two"), m.DOCKER_SCHEMA2, tag="t")
    bare = s.put(ecr, "team/app", s.schema2("bare"), m.DOCKER_SCHEMA2)
    return {"one": one, "two": two, "bare": bare}


@pytest.mark.parametrize(
    ("status", "expected"),
    [("ANY", ["bare", "one", "two"]), ("TAGGED", ["one", "two"]), ("UNTAGGED", ["bare"])],
)
def test_by_tag_status(
    ecr: Any, repo: dict[str, str], status: TagStatus, expected: list[str]
) -> None:
    names = {digest: name for name, digest in repo.items()}
    found = iter_image_details(ecr, "team/app", tag_status=status, registry_id=ACCOUNT)
    assert sorted(names[d["imageDigest"]] for d in found) == expected


def test_an_images_tags_come_with_it(ecr: Any, repo: dict[str, str]) -> None:
    details = {d["imageDigest"]: d for d in iter_image_details(ecr, "team/app")}
    assert sorted(details[repo["one"]]["imageTags"]) == ["latest", "v1"]
    assert details[repo["bare"]].get("imageTags", []) == []


def test_an_empty_repository(ecr: Any) -> None:
    ecr.create_repository(repositoryName="empty")
    assert list(iter_image_details(ecr, "empty")) == []


def test_the_filter_and_every_page_sent(stubbed: tuple[Any, Any]) -> None:
    client, stub = stubbed
    first = {"imageDigest": "sha256:" + "1" * 64, "imageTags": ["v1"]}
    second = {"imageDigest": "sha256:" + "2" * 64, "imageTags": ["v2"]}
    asked = {"repositoryName": "team/app", "filter": {"tagStatus": "TAGGED"}, "maxResults": 1000}
    stub.add_response("describe_images", {"imageDetails": [first], "nextToken": "n"}, asked)
    stub.add_response("describe_images", {"imageDetails": [second]}, {**asked, "nextToken": "n"})
    assert list(iter_image_details(client, "team/app", tag_status="TAGGED")) == [first, second]


def test_any_sends_no_filter(stubbed: tuple[Any, Any]) -> None:
    client, stub = stubbed
    asked = {"repositoryName": "team/app", "registryId": ACCOUNT, "maxResults": 1000}
    stub.add_response("describe_images", {"imageDetails": []}, asked)
    assert list(iter_image_details(client, "team/app", registry_id=ACCOUNT)) == []
