"""A trail's log files in moto's S3 (in-process), read by ``ecrctl events``: the day
folders a window touches, organization folders, files read in parallel, and what a bad
bucket or file says."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from typing import Any

from tests.conftest import ACCOUNT, REGION, Runner
from tests.events import records as r
from tests.events.records import BUCKET, s3_fixture  # noqa: F401 - fixture

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
