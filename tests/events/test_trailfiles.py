"""``ecrctl events`` and ``image history`` over a trail's log files in moto's S3
(in-process), with trails from moto's CloudTrail: the day folders a window touches,
organization folders, files read in parallel, and what a bad bucket or file says."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from ecrctl.events.changes import short
from tests.conftest import ACCOUNT, REGION, Runner
from tests.events import records as r

BUCKET = "trail-logs"


@pytest.fixture
def s3(moto: None) -> Any:
    client = boto3.client("s3", region_name=REGION)
    client.create_bucket(Bucket=BUCKET)
    return client


def test_events_of_a_repository_newest_first(cli: Runner, s3: Any) -> None:
    keys = r.upload(s3, BUCKET, r.prod_story())
    result = cli("events", "team/app", "--bucket", BUCKET, "-o", "json")
    assert result.exit_code == 0, result.stderr
    data = result.json
    assert data["source"] == {
        "kind": "trail-files",
        "trail": None,
        "bucket": BUCKET,
        "prefix": "",
        "account": ACCOUNT,
        "region": REGION,
        "files": len(keys),
    }
    names = [e["eventName"] for e in data["events"]]
    assert names == [
        "PutImage",
        "PutLifecyclePolicy",
        "BatchDeleteImage",
        "SetRepositoryPolicy",
        "PutImage",  # refused
        "PutImage",
        "PutImage",
        "PutImage",
        "PutImage",
        "CreateRepository",
    ]
    times = [e["eventTime"] for e in data["events"]]
    assert times == sorted(times, reverse=True)
    moved = data["events"][5]
    assert moved["changes"] == [
        {
            "action": "tag-moved",
            "imageTag": "prod",
            "imageDigest": r.digest(3),
            "previousDigest": r.digest(2),
            "value": None,
        }
    ]
    assert moved["principal"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/Deployer/ci"
    assert (moved["sourceIPAddress"], moved["userAgent"]) == ("203.0.113.12", r.CLI_UA)
    assert data["events"][4]["summary"] == "refused: ImageAlreadyExistsException"
    assert data["notes"] == []


def test_the_table_of_a_tag(cli: Runner, s3: Any) -> None:
    r.upload(s3, BUCKET, r.prod_story())
    result = cli("events", "team/app:v1", "--bucket", BUCKET)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["TIME", "EVENT", "REPOSITORY", "CHANGE"]
    assert len(lines) == 4  # header, rule, the push of v1, the repository's creation
    assert f"v1 -> {short(r.digest(3))}" in lines[2]
    assert "repository created" in lines[3]


def test_image_history_from_files(cli: Runner, s3: Any) -> None:
    r.upload(s3, BUCKET, r.prod_story())
    result = cli("image", "history", "team/app:prod", "--bucket", BUCKET, "-o", "json")
    assert result.exit_code == 0, result.stderr
    history = result.json["history"]
    assert [(h["imageDigest"], h["how"], h["endedBy"]) for h in history] == [
        (r.digest(1), "retag", None),
        (r.digest(3), "retag", "tag-deleted"),
        (r.digest(2), "push", "moved"),
        (r.digest(1), "push", "moved"),
    ]
    assert history[1]["to"] < history[0]["from"]  # deleted, then put back later
    assert history[2]["to"] == history[1]["from"]  # moved
    table = cli("image", "history", "team/app:prod", "--bucket", BUCKET)
    assert table.stdout.splitlines()[0].split() == [
        "FROM",
        "TO",
        "DIGEST",
        "HOW",
        "BY",
        "ENDED",
        "BY",
    ]
    assert len(table.stdout.splitlines()) == 6


OLD = datetime(2019, 4, 15, 16, 0, tzinfo=UTC)


def test_old_files_in_an_organization_folder_by_window(cli: Runner, s3: Any) -> None:
    april = [r.put_image("team/app", "prod", 1, r.when(0, base=OLD))]
    may = [r.put_image("team/app", "prod", 2, r.when(0, base=OLD.replace(month=5)))]
    for records in (april, may):
        for key in r.upload(s3, BUCKET, records, prefix="org"):
            moved = key.replace("AWSLogs/", "AWSLogs/o-exampleorg/")
            s3.copy_object(Bucket=BUCKET, Key=moved, CopySource={"Bucket": BUCKET, "Key": key})
            s3.delete_object(Bucket=BUCKET, Key=key)
    args = ["events", "--bucket", BUCKET, "--prefix", "org/", "-o", "json"]
    result = cli(*args, "--since", "2019-04-01", "--until", "2019-04-30")
    assert result.exit_code == 0, result.stderr
    assert result.json["source"]["files"] == 2  # May's folders are not listed
    assert [e["changes"][0]["imageDigest"] for e in result.json["events"]] == [r.digest(1)]
    everything = cli(*args, "--since", "2019-01-01")
    assert [e["changes"][0]["action"] for e in everything.json["events"]] == [
        "tag-moved",
        "tag-set",
    ]
    recent = cli(*args)
    assert recent.json["events"] == []
    assert recent.json["notes"][0].startswith(f"no log files of account {ACCOUNT} in {REGION}")


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


def test_a_missing_bucket_and_a_file_that_is_not_a_log(cli: Runner, s3: Any) -> None:
    missing = cli("events", "--bucket", "no-such-bucket")
    assert missing.exit_code == 1
    assert "bucket 'no-such-bucket' does not exist" in missing.stderr
    key = r.log_key(datetime.now(UTC))
    s3.put_object(Bucket=BUCKET, Key=key, Body=gzip.compress(b"[1, 2]"))
    broken = cli("events", "--bucket", BUCKET)
    assert broken.exit_code == 1
    assert broken.stderr == (
        f'ecrctl: error: s3://{BUCKET}/{key} has no "Records" list: not a CloudTrail log file\n'
    )
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"plain text")
    assert "is not a CloudTrail log file (gzip JSON)" in cli("events", "--bucket", BUCKET).stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["events", "--trail", "t", "--bucket", "b"], "give --trail or --bucket, not both"),
        (["events", "--prefix", "p"], "--prefix needs --bucket"),
        (["events", "--since", "last week"], "invalid --since 'last week'"),
        (["events", "--since", "1d", "--until", "2d"], "is after --until"),
        (["events", "Team/App"], "use lowercase"),
        (["events", "ghcr.io/team/app"], "names the registry host ghcr.io"),
        (["events", "team/app:v1@" + r.digest(1)], "both a tag and a digest"),
        (["image", "history", "team/app@" + r.digest(1)], "a history follows a tag"),
    ],
)
def test_bad_input_exits_2_before_any_call(cli: Runner, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_files_are_read_in_parallel(s3: Any) -> None:
    import threading
    import time

    from ecrctl.events.trailfiles import READERS, read_files

    keys = []
    for n in range(3 * READERS):
        key = r.log_key(r.when(n), n=n)
        s3.put_object(
            Bucket=BUCKET, Key=key, Body=r.log_file([r.put_image("a/b", "t", n, r.when(n))])
        )
        keys.append(key)
    lock = threading.Lock()
    state = {"now": 0, "most": 0}

    def started(**kwargs: Any) -> None:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.05)

    def finished(**kwargs: Any) -> None:
        with lock:
            state["now"] -= 1

    s3.meta.events.register("before-call.s3.GetObject", started)
    s3.meta.events.register("after-call.s3.GetObject", finished)
    seen: list[tuple[int, int]] = []
    records = list(read_files(s3, BUCKET, keys, on_file=lambda d, t: seen.append((d, t))))
    assert sorted(x["requestParameters"]["imageManifest"] for x in records) == sorted(
        r.manifest(n) for n in range(3 * READERS)
    )
    assert 1 < state["most"] <= READERS
    assert seen[-1] == (3 * READERS, 3 * READERS)


def test_control_characters_from_a_record_never_reach_the_table(cli: Runner, s3: Any) -> None:
    hostile = r.put_image("team/app", "prod", 1, r.when(0), agent="evil\x1b[2J\x1b]0;pwned\x07")
    r.upload(s3, BUCKET, [hostile])
    result = cli("events", "--bucket", BUCKET)
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "evil\\x1b[2J\\x1b]0;pwned\\x07" in result.stdout
    data = cli("events", "--bucket", BUCKET, "-o", "json").json
    assert data["events"][0]["userAgent"] == "evil\x1b[2J\x1b]0;pwned\x07"  # JSON escapes it
