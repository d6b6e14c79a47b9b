"""``ecrctl events`` through the real main() wrapper, over a trail's log files in
moto's S3 (in-process): the JSON, the table, what ``--all`` adds, the notes, the input
checks (exit 2 before any call) and control characters from a record kept off the
terminal."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.cli.events import printable
from ecrctl.events.changes import short
from tests.conftest import ACCOUNT, REGION, Runner
from tests.events import records as r
from tests.events.records import BUCKET, s3_fixture  # noqa: F401 - fixture


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
    ],
)
def test_bad_input_exits_2_before_any_call(cli: Runner, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_control_characters_from_a_record_never_reach_the_table(cli: Runner, s3: Any) -> None:
    hostile = r.put_image("team/app", "prod", 1, r.when(0), agent="evil\x1b[2J\x1b]0;pwned\x07")
    r.upload(s3, BUCKET, [hostile])
    result = cli("events", "--bucket", BUCKET)
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "evil\\x1b[2J\\x1b]0;pwned\\x07" in result.stdout
    data = cli("events", "--bucket", BUCKET, "-o", "json").json
    assert data["events"][0]["userAgent"] == "evil\x1b[2J\x1b]0;pwned\x07"  # JSON escapes it


def test_all_adds_reads_and_layer_uploads(cli: Runner, s3: Any) -> None:
    upload = r.record("InitiateLayerUpload", r.when(190), {"repositoryName": "team/app"})
    r.upload(s3, BUCKET, [*r.prod_story(), upload])
    args = ("events", "team/app", "--bucket", BUCKET, "-o", "json")
    changes = [e["eventName"] for e in cli(*args).json["events"]]
    everything = [e["eventName"] for e in cli(*args, "--all").json["events"]]
    assert "BatchGetImage" not in changes and "InitiateLayerUpload" not in changes
    assert everything[0] == "InitiateLayerUpload"
    assert everything.count("BatchGetImage") == 1
    assert len(everything) == len(changes) + 2


def test_no_events_says_so_after_the_note(cli: Runner, s3: Any) -> None:
    result = cli("events", "--bucket", BUCKET)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"no log files of account {ACCOUNT} in {REGION} for these days under "
        f"s3://{BUCKET}/AWSLogs/",
        "no events",
    ]


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        (None, "-"),
        ("", "-"),
        ("aws-cli/2.15.0 Python/3.11.6", "aws-cli/2.15.0 Python/3.11.6"),
        ("a\tb\nc", "a\\x09b\\x0ac"),
        ("\x7f\x9b", "\\x7f\\x9b"),  # DEL and the 8-bit CSI too
        ("héllo ✓", "héllo ✓"),
    ],
)
def test_cells_from_a_record(text: str | None, cell: str) -> None:
    assert printable(text) == cell
