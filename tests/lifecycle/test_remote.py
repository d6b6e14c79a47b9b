"""AWS's own preview through botocore's Stubber (moto does not implement it),
with a fake clock: no test waits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.stub import Stubber

from ecrctl.errors import ServiceError
from ecrctl.lifecycle.remote import remote_preview

REPO = "team/app"
POLICY = '{"rules": []}' + " " * 100
PUSHED = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


class Clock:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _result(digest: str, priority: int, when: datetime = PUSHED, **action: str) -> dict[str, Any]:
    return {
        "imageTags": ["v1"],
        "imageDigest": digest,
        "imagePushedAt": when,
        "action": {"type": "EXPIRE", **action},
        "appliedRulePriority": priority,
    }


def _start(stubber: Stubber, text: str | None = POLICY) -> None:
    params: dict[str, Any] = {"repositoryName": REPO}
    if text is not None:
        params["lifecyclePolicyText"] = text
    stubber.add_response(
        "start_lifecycle_policy_preview",
        {"repositoryName": REPO, "status": "IN_PROGRESS"},
        params,
    )


def _get(stubber: Stubber, response: dict[str, Any], token: str | None = None) -> None:
    params: dict[str, Any] = {"repositoryName": REPO, "maxResults": 100}
    if token:
        params["nextToken"] = token
    stubber.add_response("get_lifecycle_policy_preview", response, params)


def test_polls_until_complete_then_follows_pages(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    clock = Clock()
    _start(stubber)
    _get(stubber, {"status": "IN_PROGRESS"})
    _get(stubber, {"status": "IN_PROGRESS"})
    later = datetime(2023, 11, 15, tzinfo=UTC)
    _get(
        stubber,
        {
            "status": "COMPLETE",
            "previewResults": [_result("sha256:new", 2, later)],
            "summary": {"expiringImageTotalCount": 2},
            "nextToken": "t1",
        },
    )
    _get(stubber, {"status": "COMPLETE", "previewResults": [_result("sha256:old", 1)]}, "t1")
    waited: list[float] = []
    data = remote_preview(
        client, REPO, POLICY, sleep=clock.sleep, clock=clock, on_wait=waited.append
    )
    assert clock.sleeps == [5.0, 5.0]
    assert waited == [0.0, 5.0]
    assert data == {
        "previewResults": [
            {
                "imageTags": ["v1"],
                "imageDigest": "sha256:old",
                "imagePushedAt": "2023-11-14T22:13:20+00:00",
                "action": {"type": "EXPIRE"},
                "appliedRulePriority": 1,
            },
            {
                "imageTags": ["v1"],
                "imageDigest": "sha256:new",
                "imagePushedAt": "2023-11-15T00:00:00+00:00",
                "action": {"type": "EXPIRE"},
                "appliedRulePriority": 2,
            },
        ],
        "summary": {"expiringImageTotalCount": 2},
    }


def test_without_a_policy_previews_the_repository_policy(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    _start(stubber, None)
    _get(
        stubber,
        {
            "status": "COMPLETE",
            "previewResults": [
                _result("sha256:a", 1, type="TRANSITION", targetStorageClass="ARCHIVE")
            ],
            "summary": {
                "expiringImageTotalCount": 0,
                "transitioningImageTotalCounts": [
                    {"targetStorageClass": "ARCHIVE", "imageTotalCount": 1}
                ],
            },
        },
    )
    data = remote_preview(client, REPO, None)
    assert data["previewResults"][0]["action"] == {
        "type": "TRANSITION",
        "targetStorageClass": "ARCHIVE",
    }
    assert data["summary"]["transitioningImageTotalCounts"] == [
        {"targetStorageClass": "ARCHIVE", "imageTotalCount": 1}
    ]


def test_times_out_with_the_fix(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    clock = Clock()
    _start(stubber)
    for _ in range(3):
        _get(stubber, {"status": "IN_PROGRESS"})
    with pytest.raises(ServiceError) as caught:
        remote_preview(client, REPO, POLICY, timeout=12, sleep=clock.sleep, clock=clock)
    assert clock.sleeps == [5.0, 5.0]
    assert caught.value.one_line() == (
        "AWS's lifecycle policy preview for 'team/app' did not complete within 12 s "
        "(status IN_PROGRESS); retry with a larger --timeout, or use the local preview"
    )


@pytest.mark.parametrize("status", ["FAILED", "EXPIRED"])
def test_failed_or_expired_preview_is_an_error(stubbed: tuple[Any, Stubber], status: str) -> None:
    client, stubber = stubbed
    _start(stubber)
    _get(stubber, {"status": status})
    with pytest.raises(ServiceError, match=f"ended with status {status}"):
        remote_preview(client, REPO, POLICY)
