"""``ecrctl policy lifecycle preview`` through the real main() wrapper: moto's
ECR for the repository's images and policy, botocore's Stubber for AWS's
preview (moto lacks it), and the exact text of its tables."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from tests.conftest import Result, Runner
from tests.lifecycle.guide import DAY, EXAMPLES, MULTI, NOW
from tests.support.aws import app_with_ecr
from tests.support.files import write

NOW_ISO = "2023-11-14T22:13:20Z"
PREVIEW = ("policy", "lifecycle", "preview")


# -- preview ------------------------------------------------------------------------


def _rows(result: Result) -> list[list[str]]:
    lines = result.stdout.splitlines()
    return [[c.strip() for c in line.split("   ") if c.strip()] for line in lines[2:]]


def test_preview_table_explains_every_image(
    cli: Runner, multi_repo: dict[str, str], tmp_path: Path
) -> None:
    policy = write(tmp_path, "p.json", MULTI.policy)
    result = cli("policy", "lifecycle", "preview", "team/app", "--policy", policy, "--now", NOW_ISO)
    assert result.exit_code == 0, result.stderr
    rows = _rows(result)
    assert [(r[0], r[1], r[3], r[4], r[5]) for r in rows] == [
        (
            "beta-1, prod-1",
            multi_repo["A"][:19],
            "expire",
            "1",
            "rule 1 (Rule 1): 2nd newest of 2, keeps 1",
        ),
        (
            "beta-2, prod-2",
            multi_repo["B"][:19],
            "keep",
            "-",
            "kept: matches rule 1's tags, protected from rule 2",
        ),
        (
            "beta-3",
            multi_repo["C"][:19],
            "keep",
            "-",
            "kept: rule 2 (Rule 2): 1st newest of 3, keeps 1",
        ),
    ]
    assert result.stderr == ("3 image(s): 1 expire, 2 kept (now = 2023-11-14T22:13:20+00:00)\n")
    only = cli(
        *PREVIEW,
        "team/app",
        "--policy",
        policy,
        "--now",
        NOW_ISO,
        "--only-expiring",
    )
    assert [r[0] for r in _rows(only)] == ["beta-1, prod-1"]


def test_preview_json_is_the_get_lifecycle_policy_preview_shape(
    cli: Runner, multi_repo: dict[str, str], tmp_path: Path
) -> None:
    policy = write(tmp_path, "p.json", EXAMPLES[6].policy)
    result = cli(
        *PREVIEW,
        "team/app",
        "--policy",
        policy,
        "--now",
        NOW_ISO,
        "-o",
        "json",
    )
    assert result.json == {
        "previewResults": [
            {
                "imageTags": ["beta-1", "prod-1"],
                "imageDigest": multi_repo["A"],
                "imagePushedAt": "2023-11-04T22:13:20+00:00",
                "action": {"type": "EXPIRE"},
                "appliedRulePriority": 1,
            },
            {
                "imageTags": ["beta-2", "prod-2"],
                "imageDigest": multi_repo["B"],
                "imagePushedAt": "2023-11-05T22:13:20+00:00",
                "action": {"type": "EXPIRE"},
                "appliedRulePriority": 1,
            },
        ],
        "summary": {"expiringImageTotalCount": 2},
    }
    queried = cli(
        *PREVIEW,
        "team/app",
        "--policy",
        policy,
        "--now",
        NOW_ISO,
        "--query",
        "summary.expiringImageTotalCount",
    )
    assert queried.json == 2


def test_preview_uses_the_repository_policy_by_default(
    cli: Runner, ecr: Any, multi_repo: dict[str, str]
) -> None:
    ecr.put_lifecycle_policy(
        repositoryName="team/app", lifecyclePolicyText=json.dumps(EXAMPLES[3].policy)
    )
    result = cli("policy", "lifecycle", "preview", "team/app", "--now", NOW_ISO, "-o", "json")
    assert [r["imageDigest"] for r in result.json["previewResults"]] == [
        multi_repo["A"],
        multi_repo["B"],
    ]


def test_offline_preview_from_describe_images_output_matches_the_live_one(
    cli: Runner,
    ecr: Any,
    multi_repo: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    policy = write(tmp_path, "p.json", MULTI.policy)
    live = cli("policy", "lifecycle", "preview", "team/app", "--policy", policy, "--now", NOW_ISO)
    details = ecr.describe_images(repositoryName="team/app")["imageDetails"]
    images = write(
        tmp_path,
        "images.json",
        json.dumps({"imageDetails": details}, default=lambda d: d.isoformat()),
    )
    # no AWS call at all: any request would go to a closed port and fail
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:9")
    offline = cli(
        "policy", "lifecycle", "preview", "--policy", policy, "--images", images, "--now", NOW_ISO
    )
    assert offline.exit_code == 0, offline.stderr
    assert offline.stdout == live.stdout


def test_preview_age_rules_count_from_now(cli: Runner, tmp_path: Path) -> None:
    images = write(
        tmp_path,
        "i.json",
        {
            "imageDetails": [
                {"imageDigest": "sha256:" + "1" * 64, "imagePushedAt": NOW - 20 * DAY},
                {"imageDigest": "sha256:" + "2" * 64, "imagePushedAt": str(NOW - 10 * DAY)},
            ]
        },
    )
    policy = write(tmp_path, "p.json", EXAMPLES[0].policy)  # untagged older than 14 days

    def expiring(now: str) -> list[str]:
        out = cli(
            *PREVIEW,
            "--policy",
            policy,
            "--images",
            images,
            "--now",
            now,
            "-o",
            "json",
        )
        assert out.exit_code == 0, out.stderr
        return [r["imageDigest"][7] for r in out.json["previewResults"]]

    assert expiring(NOW_ISO) == ["1"]
    assert expiring("2023-11-19T22:13:21Z") == ["1", "2"]
    assert expiring("2023-11-01T00:00:00+00:00") == []
    rows = _rows(
        cli(
            *PREVIEW,
            "--policy",
            policy,
            "--images",
            images,
            "--now",
            NOW_ISO,
        )
    )
    assert rows[0][5] == "rule 1 (Rule 1): older than 14 days (pushed 20 days ago)"


def test_preview_diff_lists_changed_images(
    cli: Runner, multi_repo: dict[str, str], tmp_path: Path
) -> None:
    before = write(tmp_path, "a.json", EXAMPLES[2].policy)  # only A expires
    after = write(tmp_path, "b.json", EXAMPLES[3].policy)  # A and B expire
    args = ["policy", "lifecycle", "preview", "team/app", "--policy", before, "--diff", after]
    args += ["--now", NOW_ISO]
    result = cli(*args, "-o", "json")
    assert result.json["changes"] == [
        {
            "imageDigest": multi_repo["B"],
            "imageTags": ["beta-2", "prod-2"],
            "imagePushedAt": "2023-11-05T22:13:20+00:00",
            "before": {"type": "KEEP", "appliedRulePriority": None},
            "after": {"type": "EXPIRE", "appliedRulePriority": 1},
        }
    ]
    assert result.json["summary"] == {
        "before": {"expiringImageTotalCount": 1},
        "after": {"expiringImageTotalCount": 2},
    }
    table = cli(*args)
    assert _rows(table) == [
        [
            "beta-2, prod-2",
            multi_repo["B"][:19],
            "2023-11-05 22:13",
            "keep",
            "expire (rule 1)",
            "rule 1 (Rule 1): 2nd newest of 3, keeps 1",
        ]
    ]
    assert table.stderr == f"1 image(s) change fate under {after}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "nothing to preview: give a REPOSITORY, or both --policy FILE and --images FILE"),
        (["--policy", "p.json"], "nothing to preview"),
        (["app", "--remote", "--compare"], "--remote, --compare and --diff exclude each other"),
        (["app", "--remote", "--images", "i.json"], "--images cannot be used with --remote"),
        (["--compare"], "--remote and --compare need a REPOSITORY"),
        (["app", "--policy", "-", "--images", "-"], "only one of --policy, --images and --diff"),
        (["app", "--now", "tomorrow"], "--now 'tomorrow' is not a time"),
        (["app", "--compare", "--now", NOW_ISO], "--now cannot be used with --remote or --compare"),
        (["Bad/App"], "invalid repository name 'Bad/App'"),
    ],
)
def test_preview_usage_errors(cli: Runner, args: list[str], message: str) -> None:
    result = cli("policy", "lifecycle", "preview", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_preview_invalid_policy_file(cli: Runner, tmp_path: Path) -> None:
    images = write(tmp_path, "i.json", {"imageDetails": []})
    result = cli(
        *PREVIEW,
        "--policy",
        "-",
        "--images",
        images,
        input='{"rules": 1}' + " " * 100,
    )
    assert result.exit_code == 2
    assert "rules: must be a non-empty list of rules" in result.stderr


# -- AWS's preview (Stubber) ---------------------------------------------------------


def _detail(name: str, tags: list[str], days: float) -> dict[str, Any]:
    image = MULTI.images[name]
    return {
        "imageDigest": image.digest,
        "imageTags": tags,
        "imagePushedAt": datetime.fromtimestamp(NOW - days * DAY, UTC),
    }


def _remote_result(name: str, priority: int) -> dict[str, Any]:
    image = MULTI.images[name]
    return {
        "imageTags": list(image.tags),
        "imageDigest": image.digest,
        "imagePushedAt": datetime.fromtimestamp(image.pushed_at, UTC),
        "action": {"type": "EXPIRE"},
        "appliedRulePriority": priority,
    }


def _stub_remote(stubber: Stubber, text: str | None, results: list[dict[str, Any]]) -> None:
    start: dict[str, Any] = {"repositoryName": "team/app"}
    if text is not None:
        start["lifecyclePolicyText"] = text
    stubber.add_response("start_lifecycle_policy_preview", {"status": "IN_PROGRESS"}, start)
    stubber.add_response(
        "get_lifecycle_policy_preview",
        {
            "status": "COMPLETE",
            "previewResults": results,
            "summary": {"expiringImageTotalCount": len(results)},
        },
        {"repositoryName": "team/app", "maxResults": 100},
    )


def against_stubbed_ecr(cli: Runner, client: Any, *args: str, policy: str | None = None) -> Result:
    """``policy lifecycle preview team/app ARGS`` with the stubbed ECR client; ``policy``,
    when given, read from stdin."""
    given = ("--policy", "-") if policy is not None else ()
    return cli(*PREVIEW, "team/app", *given, *args, input=policy, app=app_with_ecr(client))


def test_remote_preview_prints_aws_results(cli: Runner, stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    text = json.dumps(MULTI.policy)
    _stub_remote(stubber, text, [_remote_result("A", 1)])
    result = against_stubbed_ecr(cli, client, "--remote", "-o", "json", policy=text)
    assert result.exit_code == 0, result.stderr
    assert result.json["previewResults"][0]["imageDigest"] == MULTI.images["A"].digest
    assert "waiting for AWS's lifecycle policy preview of team/app" in result.stderr


def _stub_images(stubber: Stubber) -> None:
    stubber.add_response(
        "describe_images",
        {
            "imageDetails": [
                _detail("A", ["beta-1", "prod-1"], 10),
                _detail("B", ["beta-2", "prod-2"], 9),
                _detail("C", ["beta-3"], 8),
            ]
        },
        {"repositoryName": "team/app", "maxResults": 1000},
    )


def test_compare_agreeing_previews_exit_0(cli: Runner, stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    text = json.dumps(MULTI.policy)
    _stub_images(stubber)
    _stub_remote(stubber, text, [_remote_result("A", 1)])
    result = against_stubbed_ecr(cli, client, "--compare", policy=text)
    assert result.exit_code == 0, result.stderr
    assert "the local preview and AWS's agree: 3 image(s): 1 expire, 2 kept" in result.stderr


def test_compare_lists_every_disagreement_and_exits_1(
    cli: Runner, stubbed: tuple[Any, Stubber]
) -> None:
    client, stubber = stubbed
    text = json.dumps(MULTI.policy)
    stubber.add_response(
        "get_lifecycle_policy",
        {"repositoryName": "team/app", "lifecyclePolicyText": text},
        {"repositoryName": "team/app"},
    )
    _stub_images(stubber)
    # an emulator with OR matching and no protection would expire B under rule 2
    _stub_remote(stubber, None, [_remote_result("A", 1), _remote_result("B", 2)])
    result = against_stubbed_ecr(cli, client, "--compare", "-o", "json")
    assert result.exit_code == 1
    assert result.json["differences"] == [
        {
            "imageDigest": MULTI.images["B"].digest,
            "imageTags": ["beta-2", "prod-2"],
            "imagePushedAt": "2023-11-05T22:13:20+00:00",
            "local": {"type": "KEEP", "appliedRulePriority": None},
            "remote": {"type": "EXPIRE", "appliedRulePriority": 2},
        }
    ]
    assert result.stderr.endswith(
        "ecrctl: error: the local preview and AWS's disagree on 1 image(s); "
        "the images are listed above\n"
    )


# -- rendering ------------------------------------------------------------------------


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """PUSHED printed in UTC and COLUMNS fixed, so that tables are exact text."""
    import os
    import time

    before = os.environ.get("TZ")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    if before is None:
        monkeypatch.delenv("TZ")
    else:
        monkeypatch.setenv("TZ", before)
    time.tzset()


def _untagged(count: int) -> dict[str, Any]:
    """``count`` untagged images pushed 20 days before NOW, then an hour apart backwards."""
    details = [
        {"imageDigest": f"sha256:{i:012d}" + "0" * 52, "imagePushedAt": NOW - 20 * DAY - i * 3600}
        for i in range(count)
    ]
    return {"imageDetails": details}


HEADER = (
    "TAGS         DIGEST                PUSHED             FATE     RULE   "
    "WHY                                                     \n"
    "─────────────────────────────────────────────────────────────────────"
    "─────────────────────────────────────────────────────────\n"
)


def _preview_untagged(cli: Runner, tmp_path: Path, count: int) -> Result:
    images = write(tmp_path, "i.json", _untagged(count))
    policy = write(tmp_path, "p.json", EXAMPLES[0].policy)  # untagged older than 14 days
    args = ["--policy", policy, "--images", images, "--now", NOW_ISO]
    result = cli("policy", "lifecycle", "preview", *args)
    assert result.exit_code == 0, result.stderr
    return result


def test_preview_prints_this_table(cli: Runner, tmp_path: Path, utc: None) -> None:
    result = _preview_untagged(cli, tmp_path, 3)
    assert result.stdout == HEADER + (
        "<untagged>   sha256:000000000002   2023-10-25 20:13   expire   1      "
        "rule 1 (Rule 1): older than 14 days (pushed 20 days ago)\n"
        "<untagged>   sha256:000000000001   2023-10-25 21:13   expire   1      "
        "rule 1 (Rule 1): older than 14 days (pushed 20 days ago)\n"
        "<untagged>   sha256:000000000000   2023-10-25 22:13   expire   1      "
        "rule 1 (Rule 1): older than 14 days (pushed 20 days ago)\n"
    )
    assert result.stderr == "3 image(s): 3 expire, 0 kept (now = 2023-11-14T22:13:20+00:00)\n"


def test_long_tables_are_laid_out_like_short_ones(cli: Runner, tmp_path: Path, utc: None) -> None:
    """Over 1,000 rows the table is written without rich, in the same layout."""
    lines = _preview_untagged(cli, tmp_path, 1001).stdout.splitlines(keepends=True)
    assert len(lines) == 2 + 1001
    assert "".join(lines[:2]) == HEADER
    assert "".join([*lines[2:4], lines[-1]]) == (
        "<untagged>   sha256:000000001000   2023-09-14 06:13   expire   1      "
        "rule 1 (Rule 1): older than 14 days (pushed 61 days ago)\n"
        "<untagged>   sha256:000000000999   2023-09-14 07:13   expire   1      "
        "rule 1 (Rule 1): older than 14 days (pushed 61 days ago)\n"
        "<untagged>   sha256:000000000000   2023-10-25 22:13   expire   1      "
        "rule 1 (Rule 1): older than 14 days (pushed 20 days ago)\n"
    )


def test_a_preview_of_no_images_prints_the_header_and_its_rule(
    cli: Runner, tmp_path: Path, utc: None
) -> None:
    result = _preview_untagged(cli, tmp_path, 0)
    assert result.stdout == (
        "TAGS   DIGEST   PUSHED   FATE   RULE   WHY\n──────────────────────────────────────────\n"
    )


@pytest.mark.parametrize(
    ("table", "text"),
    [
        (
            {
                "columns": ["TAGS", "DIGEST", "WHY"],
                "rows": [["a, b", "0123", "kept: x"], ["<untagged>", "", "y"]],
            },
            "TAGS         DIGEST   WHY    \n"
            "─────────────────────────────\n"
            "a, b         0123     kept: x\n"
            "<untagged>            y      \n",
        ),
        (
            {"columns": ["TAGS", "FATE"], "rows": []},
            "TAGS   FATE\n───────────\n",
        ),
        (
            {
                "columns": ["N", "NAME"],
                "rows": [["1", "a"], ["200", "bb"]],
                "justify": {"N": "right"},
            },
            "  N   NAME\n──────────\n  1   a   \n200   bb  \n",
        ),
    ],
)
def test_the_plain_layout_is_what_rich_prints_without_a_terminal(
    table: dict[str, Any], text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ecrctl.cli.app import App
    from ecrctl.cli.render import Table, plain_table_text, print_table

    monkeypatch.setenv("COLUMNS", "200")
    built = Table(**table)
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    print_table(App(), built)  # a few rows: drawn by rich
    assert out.getvalue() == text
    assert plain_table_text(built) == text


def test_the_plain_layout_keeps_the_title_and_stops_at_a_short_row() -> None:
    from ecrctl.cli.render import Table, plain_table_text

    table = Table(
        ["NAME", "SIZE", "NOTE"],
        [["a", "10", "x"], ["bbb", "2"]],
        title="for me",
        justify={"SIZE": "right"},
    )
    assert plain_table_text(table) == (
        "for me\nNAME   SIZE   NOTE\n──────────────────\na        10   x   \nbbb       2\n"
    )


def test_pushed_column_is_fmt_time_of_the_push(
    cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from ecrctl.cli.render import fmt_time

    monkeypatch.setenv("TZ", "Asia/Kathmandu")  # +05:45: a time zone off the hour
    time.tzset()
    try:
        pushed = NOW - 3 * DAY + 59
        images = write(
            tmp_path,
            "i.json",
            {"imageDetails": [{"imageDigest": "sha256:" + "1" * 64, "imagePushedAt": pushed}]},
        )
        policy = write(tmp_path, "p.json", EXAMPLES[0].policy)
        rows = _rows(cli("policy", "lifecycle", "preview", "--policy", policy, "--images", images))
        assert rows[0][2] == fmt_time(datetime.fromtimestamp(pushed, UTC))
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_preview_leaves_the_garbage_collector_as_it_was(cli: Runner, tmp_path: Path) -> None:
    import gc

    images = write(tmp_path, "i.json", {"imageDetails": []})
    policy = write(tmp_path, "p.json", EXAMPLES[0].policy)
    assert gc.isenabled()
    result = cli("policy", "lifecycle", "preview", "--policy", policy, "--images", images)
    assert result.exit_code == 0
    assert result.stderr.startswith("0 image(s): 0 expire, 0 kept")
    assert gc.isenabled()


# -- the image graph ------------------------------------------------------------------


def test_the_why_column_says_an_untagged_child_stays_with_its_index(
    cli: Runner, ecr: Any, tmp_path: Path
) -> None:
    from tests.image import graph_world as g

    ecr.create_repository(repositoryName="team/app")
    scene = g.build(ecr, "team/app")
    policy = EXAMPLES[0].policy  # untagged images older than 14 days expire
    result = cli(
        *PREVIEW,
        "team/app",
        "--policy",
        write(tmp_path, "p.json", policy),
        "--now",
        "2100-01-01T00:00:00Z",
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    amd = next(line for line in lines if scene.amd[7:19] in line)
    assert f"kept: a child of index {scene.app[7:19]}" in amd.replace("sha256:", "")
    loose = next(line for line in lines if scene.signature[7:19] in line)
    assert "kept: refers to" in loose
    assert "0 expire" in result.stderr
