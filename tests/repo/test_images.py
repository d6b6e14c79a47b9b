"""A repository's images through DescribeImages, against moto's ECR: every image, or
the tagged or untagged ones only (filtered again here, as moto ignores the filter);
pagination (which moto does not do) under botocore's Stubber."""

from __future__ import annotations

from typing import Any

from botocore.stub import Stubber

from ecrctl.repo.images import iter_image_details
from tests import image_samples as s
from tests.conftest import ACCOUNT


def test_every_image_or_only_the_tagged_or_untagged_ones(ecr: Any, repo: str) -> None:
    tagged = s.put(ecr, repo, s.schema2("t"), s.m.DOCKER_SCHEMA2, tag="v1")
    untagged = s.put(ecr, repo, s.schema2("u"), s.m.DOCKER_SCHEMA2)

    def digests(**kwargs: Any) -> set[str]:
        return {d["imageDigest"] for d in iter_image_details(ecr, repo, **kwargs)}

    assert digests() == {tagged, untagged}
    assert digests(tag_status="TAGGED") == {tagged}
    assert digests(tag_status="UNTAGGED") == {untagged}


def test_every_page_is_read_with_the_filter_and_registry(stubbed: tuple[Any, Stubber]) -> None:
    client, stub = stubbed
    first = {"imageDigest": "sha256:" + "a" * 64, "imageTags": ["v1"]}
    second = {"imageDigest": "sha256:" + "b" * 64, "imageTags": ["v2"]}
    asked = {
        "repositoryName": "app",
        "registryId": ACCOUNT,
        "filter": {"tagStatus": "TAGGED"},
        "maxResults": 1000,
    }
    stub.add_response("describe_images", {"imageDetails": [first], "nextToken": "n1"}, asked)
    stub.add_response("describe_images", {"imageDetails": [second]}, {**asked, "nextToken": "n1"})
    found = iter_image_details(client, "app", registry_id=ACCOUNT, tag_status="TAGGED")
    assert list(found) == [first, second]
