"""``ecrctl events`` below the command: the ECR events of some records, oldest first
and each once, what each changed, the Selector that keeps a repository's, a tag's or a
digest's, and the whole query over a trail's log files in moto's S3 (in-process)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.events.changes import Change
from ecrctl.events.query import (
    Found,
    Reading,
    Selector,
    changes_of,
    collect,
    find_events,
    ordered,
)
from ecrctl.events.sources import Source
from ecrctl.events.window import Window
from tests.events import records as r
from tests.events.records import BUCKET, s3_fixture  # noqa: F401 - fixture


def test_selectors_pick_a_tag_a_digest_or_everything() -> None:
    pairs = list(changes_of(ordered(r.prod_story())))

    def names(selector: Selector) -> list[str]:
        return [e.name for e, c in pairs if selector.matches(e, c)]

    assert names(Selector("team/app", tag="v1")) == ["CreateRepository", "PutImage"]
    by_digest = names(Selector("team/app", digest=r.digest(3)))
    assert by_digest == ["CreateRepository", "PutImage", "PutImage", "PutImage", "BatchDeleteImage"]
    assert "BatchGetImage" not in names(Selector("team/app"))
    assert "BatchGetImage" in names(Selector("team/app", everything=True))
    assert "GetAuthorizationToken" in names(Selector(everything=True))
    assert len(names(Selector())) == len(names(Selector("team/app"))) + 1  # team/other's


def test_the_registry_selects_too() -> None:
    mine = r.put_image("team/app", "prod", 1, r.when(0))
    theirs = r.put_image("team/app", "prod", 2, r.when(1))
    theirs["requestParameters"]["registryId"] = theirs["recipientAccountId"] = "210987654321"
    unknown = r.put_image("team/app", "prod", 3, r.when(2))
    del unknown["requestParameters"]["registryId"], unknown["recipientAccountId"]
    pairs = list(changes_of(ordered([mine, theirs, unknown])))
    selector = Selector(registry_id=mine["recipientAccountId"])
    kept = [e.request["imageManifest"] for e, c in pairs if selector.matches(e, c)]
    assert kept == [r.manifest(1), r.manifest(3)]  # an event of no known registry stays


def test_records_become_events_oldest_first_each_once() -> None:
    put, created = r.put_image("a/b", "t", 1, r.when(5)), r.create_repository("a/b", r.when(1))
    loose = r.put_image("a/b", "u", 2, r.when(3))
    loose["eventID"] = ""
    other = r.record("RunInstances", r.when(0), {}, source="ec2.amazonaws.com")
    events = ordered([put, other, created, dict(put), loose])
    assert [(e.name, e.event_id) for e in events] == [
        ("CreateRepository", created["eventID"]),
        ("PutImage", ""),  # no id: kept, but cannot be told apart from a copy
        ("PutImage", put["eventID"]),  # the copy with the same id: once
    ]


def test_what_an_event_found_says() -> None:
    (pair,) = changes_of(ordered([r.put_image("a/b", "t", 1, r.when(0))]))
    found = Found(*pair)
    assert found.summary == f"t -> {r.digest(1)[:19]}"
    data = found.to_json()
    assert data["changes"] == [Change("tag-set", "t", r.digest(1)).to_json()]
    assert (data["summary"], data["eventName"], data["repositoryName"]) == (
        found.summary,
        "PutImage",
        "a/b",
    )
    refused = r.put_image("a/b", "t", 1, r.when(1), error="ImageTagAlreadyExistsException")
    (refusal,) = changes_of(ordered([refused]))
    assert Found(*refusal).summary == "refused: ImageTagAlreadyExistsException"
    both = Found(refusal[0], [Change("repository-created"), Change("lifecycle-policy-set")])
    assert both.summary == "refused: ImageTagAlreadyExistsException"  # a failure says only that
    assert Found(pair[0], [Change("a-b"), Change("c")]).summary == "a b; c"


def test_collect_keeps_the_window_only(s3: Any) -> None:
    base = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(5)
    story = [r.put_image("a/b", "t", n, base + timedelta(hours=n)) for n in range(4)]
    r.upload(s3, BUCKET, story)
    window = Window(base + timedelta(minutes=30), base + timedelta(hours=2))
    collected = collect(Aws(AwsSettings()), Reading(window, Source(bucket=BUCKET), base))
    assert [e.request["imageManifest"] for e in collected.events] == [r.manifest(1), r.manifest(2)]
    assert collected.source["files"] == 2  # the day's files are read, the window kept
    assert (collected.window, collected.notes) == (window, [])


def test_find_events_newest_first_as_json(s3: Any) -> None:
    r.upload(s3, BUCKET, r.prod_story())
    now = datetime.now(UTC)
    window = Window(now - timedelta(days=30), now)
    reading = Reading(window, Source(bucket=BUCKET), now)
    found = find_events(Aws(AwsSettings()), Selector("team/app", tag="v1"), reading)
    assert set(found) == {"source", "since", "until", "notes", "events"}
    assert (found["since"], found["until"]) == (
        window.to_json()["since"],
        window.to_json()["until"],
    )
    assert [e["eventName"] for e in found["events"]] == ["PutImage", "CreateRepository"]
    assert found["events"][0]["changes"][0]["imageTag"] == "v1"
