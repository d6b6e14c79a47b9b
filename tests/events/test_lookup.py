"""``ecrctl events`` and ``image history`` from CloudTrail's event history, run as the
installed ``ecrctl`` against a loopback stand-in for LookupEvents
(tests/events/lookup_server.py: moto has no LookupEvents, it answers HTTP 500), with
CloudTrail's wire protocol and answers shaped as the AWS API reference shows: paging by
NextToken, two requests a second at most, ThrottlingException asked again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.events import records as r
from tests.events.lookup_server import LookupEvents, serving

BIN = Path(sys.executable).parent
PACE = 0.5 - 0.05  # LookupEvents' two requests a second, less the clocks' slack


def ecrctl(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_ENDPOINT_URL_CLOUDTRAIL": url}
    return subprocess.run(
        [str(BIN / "ecrctl"), *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_paged_paced_and_throttled(tmp_path: Path) -> None:
    # the second and third requests are throttled: botocore asks again once
    # (ECRCTL_MAX_ATTEMPTS=2), then ecrctl backs off and asks for that page again
    state = LookupEvents(r.prod_story(), page=4, throttle={1, 2})
    with serving(state) as url:
        result = ecrctl(url, "events", "team/app", "-o", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source"] == {"kind": "event-history", "region": "us-east-1"}
    assert [e["eventName"] for e in data["events"]] == [
        "PutImage",
        "PutLifecyclePolicy",
        "BatchDeleteImage",
        "SetRepositoryPolicy",
        "PutImage",
        "PutImage",
        "PutImage",
        "PutImage",
        "PutImage",
        "CreateRepository",
    ]
    assert data["events"][5]["changes"][0]["previousDigest"] == r.digest(2)
    kinds = [request.answer for request in state.requests]
    assert kinds == ["page", "ThrottlingException", "ThrottlingException", "page", "page", "page"]
    tokens = [request.body.get("NextToken") for request in state.requests]
    assert tokens == [None, "token-4", "token-4", "token-4", "token-8", "token-12"]
    assert all(request.body["MaxResults"] == 50 for request in state.requests)
    gaps = state.gaps()
    assert min(gaps) >= PACE, gaps  # botocore's own retry was paced too
    assert gaps[2] >= 1.0, gaps  # ecrctl's backoff after botocore gave up


def test_image_history_and_the_90_days(tmp_path: Path) -> None:
    state = LookupEvents(r.prod_story(), page=50)
    with serving(state) as url:
        result = ecrctl(url, "image", "history", "team/app:prod", "--since", "200d")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[-1] for line in lines[2:]] == ["-", "tag-deleted", "moved", "moved"]
    assert [line.split()[-3] for line in lines[2:]] == ["retag", "retag", "push", "push"]
    assert result.stderr.startswith("CloudTrail's event history keeps 90 days: events before ")
    start = datetime.fromtimestamp(state.requests[0].body["StartTime"], UTC)
    assert abs(start - (datetime.now(UTC) - timedelta(days=90))) < timedelta(minutes=5)


def test_a_window_older_than_90_days_asks_nothing(tmp_path: Path) -> None:
    state = LookupEvents(r.prod_story())
    with serving(state) as url:
        result = ecrctl(
            url, "events", "--since", "2019-01-01", "--until", "2019-02-01", "-o", "json"
        )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["events"] == [] and state.requests == []
    assert "--trail NAME" in data["notes"][0]
    assert result.stderr == ""  # notes are in the JSON, not repeated on stderr
