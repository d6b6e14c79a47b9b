"""The AWS calls around lifecycle policies: what moto cannot show (pagination,
the preview-in-progress error) through botocore's Stubber."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.stub import Stubber

from ecrctl.errors import Conflict, NotFound
from ecrctl.lifecycle import store
from ecrctl.lifecycle.images import Image
from ecrctl.lifecycle.remote import remote_preview
from ecrctl.translate import translate


def test_repository_images_follow_next_token(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    when = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    first = {"repositoryName": "app", "maxResults": 1000, "registryId": "210987654321"}
    stubber.add_response(
        "describe_images",
        {"imageDetails": [{"imageDigest": "sha256:a", "imagePushedAt": when}], "nextToken": "t"},
        first,
    )
    stubber.add_response(
        "describe_images",
        {"imageDetails": [{"imageDigest": "sha256:b", "imageTags": ["v1"], "imagePushedAt": when}]},
        {**first, "nextToken": "t"},
    )
    images = store.repository_images(client, "app", registry_id="210987654321")
    assert images == [
        Image("sha256:a", (), 1_700_000_000.0),
        Image("sha256:b", ("v1",), 1_700_000_000.0),
    ]


def test_a_preview_already_running_is_a_conflict_with_the_fix(
    stubbed: tuple[Any, Stubber],
) -> None:
    client, stubber = stubbed
    stubber.add_client_error(
        "start_lifecycle_policy_preview",
        "LifecyclePolicyPreviewInProgressException",
        "Previous lifecycle policy preview request has not completed",
    )
    with pytest.raises(Exception) as caught:
        remote_preview(client, "app", None)
    error = translate(caught.value)
    assert isinstance(error, Conflict)
    assert error.one_line() == (
        "Previous lifecycle policy preview request has not completed; wait a minute and retry, "
        "or preview locally (without --remote/--compare)"
    )


def test_missing_policy_is_not_found_naming_the_repository(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_client_error(
        "get_lifecycle_policy", "LifecyclePolicyNotFoundException", "no policy"
    )
    with pytest.raises(NotFound) as caught:
        store.get_lifecycle_policy(client, "team/app")
    assert caught.value.one_line() == (
        "repository 'team/app' has no lifecycle policy; "
        "create one: ecrctl policy lifecycle put team/app FILE"
    )
