"""Where ``events`` and ``image history`` read records from: CloudTrail's event
history through the loopback stand-in for LookupEvents (tests/events/lookup_server.py),
clipped to its 90 days with a note, and a trail's log files in moto's S3 (in-process),
found by the trail's name or by bucket and prefix, for the registry's account."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.events.changes import short
from ecrctl.events.sources import Source, from_files, from_history
from ecrctl.events.window import Window, cloudtrail_time
from tests.conftest import ACCOUNT, REGION, Runner
from tests.events import records as r
from tests.events.lookup_server import LookupEvents, ecrctl, serving
from tests.events.records import BUCKET, s3_fixture  # noqa: F401 - fixture

OTHER = "210987654321"


@pytest.mark.parametrize(
    ("source", "files"),
    [
        (Source(), False),
        (Source(prefix="ecr"), False),
        (Source(trail="main"), True),
        (Source(bucket=BUCKET, prefix="ecr"), True),
    ],
)
def test_a_trail_or_a_bucket_means_files(source: Source, files: bool) -> None:
    assert source.files is files


def test_the_event_history_clipped_to_its_90_days(monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    seen: list[tuple[str, int, int | None]] = []
    story = r.prod_story()
    state = LookupEvents(story, page=5)
    with serving(state) as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDTRAIL", url)
        records, described, notes = from_history(
            Aws(AwsSettings()),
            Window(now - timedelta(days=200), now),
            now,
            lambda what, done, total: seen.append((what, done, total)),
        )
    assert described == {"kind": "event-history", "region": REGION}
    assert sorted(x["eventID"] for x in records) == sorted(x["eventID"] for x in story)
    start = cloudtrail_time(now - timedelta(90))
    assert notes == [
        f"CloudTrail's event history keeps 90 days: events before {start} "
        "are only in a trail's log files (--trail NAME, or --bucket BUCKET)"
    ]
    first = state.requests[0].body
    assert datetime.fromtimestamp(first["StartTime"], UTC) == now - timedelta(days=90)
    assert datetime.fromtimestamp(first["EndTime"], UTC) == now
    assert seen == [("5 events", 1, None), ("10 events", 2, None), ("13 events", 3, None)]


def test_within_the_90_days_no_note_and_older_no_call(monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    state = LookupEvents(r.prod_story(), page=50)
    with serving(state) as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDTRAIL", url)
        recent = from_history(Aws(AwsSettings()), Window(now - timedelta(days=30), now), now, None)
        old = Window(now - timedelta(days=300), now - timedelta(days=91))
        older = from_history(Aws(AwsSettings()), old, now, None)
    assert (len(recent[0]), recent[2]) == (len(r.prod_story()), [])
    assert older[0] == [] and len(older[2]) == 1
    assert len(state.requests) == 1  # the recent window's


def test_a_buckets_files_for_the_callers_account(s3: Any) -> None:
    keys = r.upload(s3, BUCKET, r.prod_story(), prefix="ecr")
    now = datetime.now(UTC)
    seen: list[tuple[str, int, int | None]] = []
    records, described, notes = from_files(
        Aws(AwsSettings()),
        Window(now - timedelta(days=30), now),
        Source(bucket=BUCKET, prefix="ecr/"),
        lambda what, done, total: seen.append((what, done, total)),
    )
    assert described == {
        "kind": "trail-files",
        "trail": None,
        "bucket": BUCKET,
        "prefix": "ecr/",
        "account": ACCOUNT,  # STS's caller
        "region": REGION,
        "files": len(keys),
    }
    assert notes == []
    assert len(records) == len(r.prod_story())  # another service's records left out
    assert seen[-1] == ("log files", len(keys), len(keys))


def test_the_registry_id_chooses_the_accounts_files(s3: Any) -> None:
    r.upload(s3, BUCKET, r.prod_story())
    at = r.when(0)
    theirs = r.put_image("their/app", "v1", 7, at)
    key = r.log_key(at, account=OTHER)
    s3.put_object(Bucket=BUCKET, Key=key, Body=r.log_file([theirs]))
    now = datetime.now(UTC)
    records, described, _ = from_files(
        Aws(AwsSettings(registry_id=OTHER)),
        Window(now - timedelta(days=30), now),
        Source(bucket=BUCKET),
        None,
    )
    assert (described["account"], described["files"]) == (OTHER, 1)
    assert [x["eventID"] for x in records] == [theirs["eventID"]]


def test_no_files_for_these_days_is_a_note(s3: Any) -> None:
    now = datetime.now(UTC)
    _, described, notes = from_files(
        Aws(AwsSettings()), Window(now - timedelta(days=1), now), Source(bucket=BUCKET), None
    )
    assert described["files"] == 0
    assert notes == [
        f"no log files of account {ACCOUNT} in {REGION} for these days under s3://{BUCKET}/AWSLogs/"
    ]


def test_trail_names_its_bucket_and_prefix(cli: Runner, s3: Any) -> None:
    r.upload(s3, BUCKET, r.prod_story(), prefix="ecr")
    cloudtrail = boto3.client("cloudtrail", region_name=REGION)
    cloudtrail.create_trail(Name="main", S3BucketName=BUCKET, S3KeyPrefix="ecr")
    result = cli("events", "team/app@" + r.digest(2), "--trail", "main", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["source"]["trail"] == "main"
    assert result.json["source"]["prefix"] == "ecr"
    assert [e["summary"] for e in result.json["events"]][:2] == [
        f"prod moved {short(r.digest(2))} -> {short(r.digest(3))}",
        f"prod moved {short(r.digest(1))} -> {short(r.digest(2))}",
    ]
    missing = cli("events", "--trail", "nope")
    assert missing.exit_code == 1
    assert missing.stderr == (
        f"ecrctl: error: no trail named 'nope' in {REGION} (trails there: main); "
        "give a trail's name or ARN, or --bucket and --prefix\n"
    )


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
