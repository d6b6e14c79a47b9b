"""ECR Public's images (list, delete by digest), against botocore's Stubber (moto has
no ecr-public): batches of 100, failures as answered, and no tag-only delete."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.stub import Stubber

from ecrctl.distribution.reference import parse_image_ref
from ecrctl.errors import InvalidInput
from ecrctl.public import images
from tests.public.conftest import NOW


def test_delete_sends_digests_100_per_call_and_reports_failures(
    stubbed: tuple[Any, Stubber],
) -> None:
    client, stub = stubbed
    digests = [f"sha256:{i:064x}" for i in range(150)]
    first = [{"imageDigest": d} for d in digests[:100]]
    rest = [{"imageDigest": d} for d in digests[100:]]
    stub.add_response(
        "batch_delete_image", {"imageIds": first}, {"repositoryName": "app", "imageIds": first}
    )
    failure = {"imageId": rest[0], "failureCode": "ImageNotFound", "failureReason": "gone"}
    stub.add_response(
        "batch_delete_image",
        {"imageIds": rest[1:], "failures": [failure]},
        {"repositoryName": "app", "imageIds": rest},
    )
    result = images.delete_images(client, "app", [parse_image_ref(d) for d in digests])
    assert len(result.deleted) == 149
    assert result.failures == [failure]


def test_a_tag_is_refused_before_any_call(stubbed: tuple[Any, Stubber]) -> None:
    client, _ = stubbed  # no response queued: any call would fail the test
    refs = [parse_image_ref("sha256:" + "a" * 64), parse_image_ref("v1")]
    with pytest.raises(InvalidInput, match="ECR Public has no tag-only delete") as caught:
        images.delete_images(client, "app", refs)
    assert "'v1'" in str(caught.value)


def test_list_images_is_newest_first(stubbed: tuple[Any, Stubber]) -> None:
    client, stub = stubbed
    old = {"imageDigest": "sha256:" + "a" * 64, "imagePushedAt": datetime(2025, 1, 1, tzinfo=UTC)}
    new = {"imageDigest": "sha256:" + "b" * 64, "imagePushedAt": NOW}
    stub.add_response(
        "describe_images",
        {"imageDetails": [old, new]},
        {"repositoryName": "app", "maxResults": 1000},
    )
    assert images.list_images(client, "app") == [new, old]
