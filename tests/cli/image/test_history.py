"""``ecrctl image history REPO:TAG``: over a trail's log files in moto's S3 through
the real main() wrapper, and as the installed ``ecrctl`` over CloudTrail's event history
(the loopback stand-in for LookupEvents, tests/events/lookup_server.py): the JSON, the
table, the 90 days' note, and what it refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner
from tests.events import records as r
from tests.events.lookup_server import LookupEvents, ecrctl, serving
from tests.events.records import BUCKET, s3_fixture  # noqa: F401 - fixture


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


def test_the_tag_defaults_to_latest_and_no_change_says_so(cli: Runner, s3: Any) -> None:
    r.upload(s3, BUCKET, [r.put_image("team/app", "latest", 4, r.when(0))])
    found = cli("image", "history", "team/app", "--bucket", BUCKET, "-o", "json").json
    assert (found["repositoryName"], found["imageTag"]) == ("team/app", "latest")
    assert [h["imageDigest"] for h in found["history"]] == [r.digest(4)]
    empty = cli("image", "history", "team/app:prod", "--bucket", BUCKET)
    assert empty.exit_code == 0, empty.stderr
    assert empty.stdout == ""
    assert empty.stderr == "no change of team/app:prod in this window\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["team/app@" + r.digest(1)], "a history follows a tag"),
        (["team/app:prod", "--trail", "t", "--bucket", "b"], "give --trail or --bucket, not both"),
        (["team/app:prod", "--prefix", "p"], "--prefix needs --bucket"),
        (["team/app:prod", "--until", "tomorrow"], "invalid --until 'tomorrow'"),
        (["ghcr.io/team/app:prod"], "names the registry host ghcr.io"),
    ],
)
def test_bad_input_exits_2_before_any_call(cli: Runner, args: list[str], message: str) -> None:
    result = cli("image", "history", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_digest_names_the_command_that_shows_it(cli: Runner) -> None:
    reference = "team/app@" + r.digest(1)
    result = cli("image", "history", reference)
    assert result.stderr == (
        f"ecrctl: error: {reference!r} names a digest; a history follows a tag; "
        f"give team/app:TAG, or see the digest's events: ecrctl events {reference}\n"
    )
