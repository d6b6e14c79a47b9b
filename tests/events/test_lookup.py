"""CloudTrail's event history read page by page: the installed ``ecrctl events`` against
a loopback stand-in for LookupEvents (tests/events/lookup_server.py: moto has no
LookupEvents, it answers HTTP 500), with CloudTrail's wire protocol and answers shaped as
the AWS API reference shows: paging by NextToken, two requests a second at most,
ThrottlingException asked again; and the record of an event without its JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from ecrctl.events import model
from ecrctl.events.lookup import record_of
from tests.events import records as r
from tests.events.lookup_server import LookupEvents, ecrctl, serving
from tests.events.records import GUIDE_PUT_IMAGE

PACE = 0.5 - 0.05  # LookupEvents' two requests a second, less the clocks' slack


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


def test_a_lookup_event_without_its_json_keeps_its_own_fields() -> None:
    event = {
        "EventId": "e1",
        "EventName": "DeleteRepository",
        "EventTime": 1_700_000_000.0,
        "EventSource": "ecr.amazonaws.com",
        "Username": "Mary_Major",
        "Resources": [{"ResourceType": "AWS::ECR::Repository", "ResourceName": "team/app"}],
        "CloudTrailEvent": "{not json",
    }
    found = model.from_record(record_of(event))
    assert found is not None
    assert (found.name, found.principal, found.event_id) == ("DeleteRepository", "Mary_Major", "e1")
    assert found.time == datetime.fromtimestamp(1_700_000_000, UTC)
    whole = record_of({**event, "CloudTrailEvent": json.dumps(GUIDE_PUT_IMAGE)})
    assert whole == GUIDE_PUT_IMAGE
