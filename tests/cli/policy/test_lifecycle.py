"""``ecrctl policy lifecycle`` through the real main() wrapper: moto's ECR for
get/put/delete/preview, botocore's Stubber for AWS's preview (moto lacks it)."""

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

from ecrctl.cli.render import Table
from tests.conftest import Result, Runner
from tests.lifecycle.guide import DAY, EXAMPLES, NOW
from tests.lifecycle.moto_images import load_into_moto

NOW_ISO = "2023-11-14T22:13:20Z"
MULTI = EXAMPLES[2]  # prod keep 1, beta keep 1: only A expires


def write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2))
    return str(path)


@pytest.fixture
def repo(ecr: Any) -> dict[str, Any]:
    """team/app in moto holding the guide's multi-rule example images (names -> digests)."""
    names = list(MULTI.images)
    pushed = load_into_moto(ecr, "team/app", list(MULTI.images.values()))
    return {name: image.digest for name, image in zip(names, pushed, strict=True)}


# -- validate ----------------------------------------------------------------------


def test_validate_valid_file(cli: Runner, tmp_path: Path) -> None:
    result = cli("policy", "lifecycle", "validate", write(tmp_path, "p.json", MULTI.policy))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "valid: 2 rule(s)\n", "")


def test_validate_reports_every_problem_on_its_own_line(cli: Runner, tmp_path: Path) -> None:
    policy = json.loads(json.dumps(EXAMPLES[7].policy))
    policy["rules"][1]["selection"]["countUnit"] = "day"
    policy["rules"][0]["selection"]["countNumber"] = 0
    result = cli("policy", "lifecycle", "validate", "-", input=json.dumps(policy))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "ecrctl: error: rules[0].selection.countNumber: must be an integer >= 1, not 0",
        'ecrctl: error: rules[1].selection.countUnit: must be "days", not "day"; use "days"',
    ]


def test_validate_json_lists_the_problems(cli: Runner) -> None:
    result = cli("policy", "lifecycle", "validate", "-", "-o", "json", input="{}" + " " * 100)
    assert result.exit_code == 2
    assert result.json == {
        "valid": False,
        "problems": [{"path": "rules", "message": "required: a non-empty list of rules"}],
    }


def test_validate_missing_file(cli: Runner, tmp_path: Path) -> None:
    result = cli("policy", "lifecycle", "validate", str(tmp_path / "nope.json"))
    assert result.exit_code == 2
    assert "policy file" in result.stderr and "does not exist" in result.stderr


# -- template ----------------------------------------------------------------------


def test_template_list(cli: Runner) -> None:
    table = cli("policy", "lifecycle", "template", "--list")
    assert table.exit_code == 0
    names = [line.split()[0] for line in table.stdout.splitlines()[2:]]
    assert names == [
        "expire-untagged",
        "keep-untagged",
        "keep-per-prefix",
        "expire-tagged-older",
        "keep-latest",
        "combined",
    ]
    data = cli("policy", "lifecycle", "template", "--list", "-o", "json").json
    assert data[0]["parameters"] == {"days": {"default": "14", "help": "age in days"}}


def test_template_prints_a_document_that_validates(cli: Runner) -> None:
    result = cli(
        "policy", "lifecycle", "template", "keep-per-prefix", "prefixes=prod,rc", "count=5"
    )
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert [r["selection"]["tagPrefixList"] for r in document["rules"]] == [["prod"], ["rc"]]
    check = cli("policy", "lifecycle", "validate", "-", input=result.stdout)
    assert check.exit_code == 0, check.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["keep-latest", "count"], "malformed template parameter 'count'; use KEY=VALUE"),
        (["keep-latest", "count=x"], "keep-latest: count='x' is not a whole number >= 1"),
        (["nope"], "no lifecycle template 'nope'"),
        (
            ["keep-per-prefix", "prefixes=" + ",".join(f"p{n}" for n in range(51))],
            "invalid policy from template keep-per-prefix: rules: 51 rules; "
            "a lifecycle policy has at most 50",
        ),
    ],
)
def test_template_errors(cli: Runner, args: list[str], message: str) -> None:
    result = cli("policy", "lifecycle", "template", *args)
    assert result.exit_code == 2
    assert message in result.stderr


# -- put / get / delete ---------------------------------------------------------------


def test_put_refuses_without_yes_when_nobody_can_answer(
    cli: Runner, ecr: Any, repo: dict[str, str], tmp_path: Path
) -> None:
    result = cli("policy", "lifecycle", "put", "team/app", write(tmp_path, "p.json", MULTI.policy))
    assert result.exit_code == 2
    assert "pass --yes" in result.stderr
    with pytest.raises(ecr.exceptions.LifecyclePolicyNotFoundException):
        ecr.get_lifecycle_policy(repositoryName="team/app")


def test_put_with_yes_reports_the_effect_and_stores_the_text(
    cli: Runner, ecr: Any, repo: dict[str, str], tmp_path: Path
) -> None:
    text = json.dumps(EXAMPLES[6].policy)  # keep 1 image of any kind: 2 of 3 expire now
    result = cli("policy", "lifecycle", "put", "team/app", "-", "--yes", input=text)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "team/app: 2 of 3 image(s) would expire within 24 hours of applying this policy\n"
    )
    assert result.stdout == (
        "lifecycle policy set on team/app: 1 rule(s); 2 of 3 image(s) would expire\n"
    )
    stored = ecr.get_lifecycle_policy(repositoryName="team/app")["lifecyclePolicyText"]
    assert json.loads(stored) == EXAMPLES[6].policy


def test_put_invalid_policy_changes_nothing(cli: Runner, ecr: Any, repo: dict[str, str]) -> None:
    bad = json.loads(json.dumps(EXAMPLES[0].policy))
    bad["rules"][0]["selection"]["countUnit"] = "day"
    result = cli("policy", "lifecycle", "put", "team/app", "-", "--yes", input=json.dumps(bad))
    assert result.exit_code == 2
    assert result.stderr == (
        "ecrctl: error: invalid lifecycle policy from stdin: rules[0].selection.countUnit: "
        'must be "days", not "day"; use "days"\n'
    )
    with pytest.raises(ecr.exceptions.LifecyclePolicyNotFoundException):
        ecr.get_lifecycle_policy(repositoryName="team/app")


def test_put_into_a_missing_repository(cli: Runner, ecr: Any, tmp_path: Path) -> None:
    result = cli(
        "policy", "lifecycle", "put", "nope/app", write(tmp_path, "p.json", MULTI.policy), "--yes"
    )
    assert result.exit_code == 1
    assert "nope/app" in result.stderr and "Traceback" not in result.stderr


def test_get_prints_rules_in_priority_order_and_json_as_stored(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(repositoryName="app")
    reversed_rules = {"rules": list(reversed(MULTI.policy["rules"]))}
    ecr.put_lifecycle_policy(repositoryName="app", lifecyclePolicyText=json.dumps(reversed_rules))
    text = cli("policy", "lifecycle", "get", "app")
    assert text.exit_code == 0
    assert json.loads(text.stdout) == MULTI.policy
    assert text.stdout.startswith('{\n  "rules": [\n    {\n      "rulePriority": 1,')
    assert cli("policy", "lifecycle", "get", "app", "-o", "json").json == reversed_rules


def test_get_without_policy(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(repositoryName="app")
    result = cli("policy", "lifecycle", "get", "app")
    assert result.exit_code == 1
    assert result.stderr == (
        "ecrctl: error: repository 'app' has no lifecycle policy; "
        "create one: ecrctl policy lifecycle put app FILE\n"
    )


def test_delete(cli: Runner, ecr: Any) -> None:
    ecr.create_repository(repositoryName="app")
    ecr.put_lifecycle_policy(repositoryName="app", lifecyclePolicyText=json.dumps(MULTI.policy))
    refused = cli("policy", "lifecycle", "delete", "app")
    assert refused.exit_code == 2
    ecr.get_lifecycle_policy(repositoryName="app")  # still there
    done = cli("policy", "lifecycle", "delete", "app", "--yes")
    assert (done.exit_code, done.stdout) == (0, "deleted the lifecycle policy of app\n")
    with pytest.raises(ecr.exceptions.LifecyclePolicyNotFoundException):
        ecr.get_lifecycle_policy(repositoryName="app")
    again = cli("policy", "lifecycle", "delete", "app", "--yes")
    assert again.exit_code == 1
    assert "has no lifecycle policy to delete" in again.stderr


# -- preview ------------------------------------------------------------------------


def _rows(result: Result) -> list[list[str]]:
    lines = result.stdout.splitlines()
    return [[c.strip() for c in line.split("   ") if c.strip()] for line in lines[2:]]


def test_preview_table_explains_every_image(
    cli: Runner, repo: dict[str, str], tmp_path: Path
) -> None:
    policy = write(tmp_path, "p.json", MULTI.policy)
    result = cli("policy", "lifecycle", "preview", "team/app", "--policy", policy, "--now", NOW_ISO)
    assert result.exit_code == 0, result.stderr
    rows = _rows(result)
    assert [(r[0], r[1], r[3], r[4], r[5]) for r in rows] == [
        (
            "beta-1, prod-1",
            repo["A"].split(":")[1][:12],
            "expire",
            "1",
            "rule 1 (Rule 1): 2nd newest of 2, keeps 1",
        ),
        (
            "beta-2, prod-2",
            repo["B"].split(":")[1][:12],
            "keep",
            "-",
            "kept: matches rule 1's tags, protected from rule 2",
        ),
        (
            "beta-3",
            repo["C"].split(":")[1][:12],
            "keep",
            "-",
            "kept: rule 2 (Rule 2): 1st newest of 3, keeps 1",
        ),
    ]
    assert result.stderr == ("3 image(s): 1 expire, 2 kept (now = 2023-11-14T22:13:20+00:00)\n")
    only = cli(
        "policy",
        "lifecycle",
        "preview",
        "team/app",
        "--policy",
        policy,
        "--now",
        NOW_ISO,
        "--only-expiring",
    )
    assert [r[0] for r in _rows(only)] == ["beta-1, prod-1"]


def test_preview_json_is_the_get_lifecycle_policy_preview_shape(
    cli: Runner, repo: dict[str, str], tmp_path: Path
) -> None:
    policy = write(tmp_path, "p.json", EXAMPLES[6].policy)
    result = cli(
        "policy",
        "lifecycle",
        "preview",
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
                "imageDigest": repo["A"],
                "imagePushedAt": "2023-11-04T22:13:20+00:00",
                "action": {"type": "EXPIRE"},
                "appliedRulePriority": 1,
            },
            {
                "imageTags": ["beta-2", "prod-2"],
                "imageDigest": repo["B"],
                "imagePushedAt": "2023-11-05T22:13:20+00:00",
                "action": {"type": "EXPIRE"},
                "appliedRulePriority": 1,
            },
        ],
        "summary": {"expiringImageTotalCount": 2},
    }
    queried = cli(
        "policy",
        "lifecycle",
        "preview",
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
    cli: Runner, ecr: Any, repo: dict[str, str]
) -> None:
    ecr.put_lifecycle_policy(
        repositoryName="team/app", lifecyclePolicyText=json.dumps(EXAMPLES[3].policy)
    )
    result = cli("policy", "lifecycle", "preview", "team/app", "--now", NOW_ISO, "-o", "json")
    assert [r["imageDigest"] for r in result.json["previewResults"]] == [repo["A"], repo["B"]]


def test_offline_preview_from_describe_images_output_matches_the_live_one(
    cli: Runner, ecr: Any, repo: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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
            "policy",
            "lifecycle",
            "preview",
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
            "policy",
            "lifecycle",
            "preview",
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
    cli: Runner, repo: dict[str, str], tmp_path: Path
) -> None:
    before = write(tmp_path, "a.json", EXAMPLES[2].policy)  # only A expires
    after = write(tmp_path, "b.json", EXAMPLES[3].policy)  # A and B expire
    args = ["policy", "lifecycle", "preview", "team/app", "--policy", before, "--diff", after]
    args += ["--now", NOW_ISO]
    result = cli(*args, "-o", "json")
    assert result.json["changes"] == [
        {
            "imageDigest": repo["B"],
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
            repo["B"][7:19],
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
        "policy",
        "lifecycle",
        "preview",
        "--policy",
        "-",
        "--images",
        images,
        input='{"rules": 1}' + " " * 100,
    )
    assert result.exit_code == 2
    assert "rules: must be a non-empty list of rules" in result.stderr


# -- AWS's preview (Stubber) ---------------------------------------------------------


@pytest.fixture
def stubbed() -> Iterator[tuple[Any, Stubber]]:
    import boto3

    client = boto3.client("ecr", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def run_with(client: Any, *args: str, stdin: str = "") -> Result:
    """main()'s run() with an App whose ECR client is ``client``."""
    from ecrctl.cli.app import App
    from ecrctl.cli.main import run

    app = App()
    app.aws.__dict__["ecr"] = client  # the cached client the commands use
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        code = run(list(args), app)
    finally:
        sys.stdin, sys.stdout, sys.stderr = old
    return Result(code, out.getvalue(), err.getvalue())


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


def test_remote_preview_prints_aws_results(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    text = json.dumps(MULTI.policy)
    _stub_remote(stubber, text, [_remote_result("A", 1)])
    result = run_with(
        client,
        "policy",
        "lifecycle",
        "preview",
        "team/app",
        "--policy",
        "-",
        "--remote",
        "-o",
        "json",
        stdin=text,
    )
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


def test_compare_agreeing_previews_exit_0(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    text = json.dumps(MULTI.policy)
    _stub_images(stubber)
    _stub_remote(stubber, text, [_remote_result("A", 1)])
    result = run_with(
        client,
        "policy",
        "lifecycle",
        "preview",
        "team/app",
        "--policy",
        "-",
        "--compare",
        stdin=text,
    )
    assert result.exit_code == 0, result.stderr
    assert "the local preview and AWS's agree: 3 image(s): 1 expire, 2 kept" in result.stderr


def test_compare_lists_every_disagreement_and_exits_1(stubbed: tuple[Any, Stubber]) -> None:
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
    result = run_with(
        client,
        "policy",
        "lifecycle",
        "preview",
        "team/app",
        "--compare",
        "-o",
        "json",
    )
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


def test_long_tables_are_printed_like_rich_prints_short_ones() -> None:
    from ecrctl.cli.app import App
    from ecrctl.cli.policy.lifecycle import plain_table
    from ecrctl.cli.render import print_table

    table = Table(["TAGS", "DIGEST", "WHY"], [["a, b", "0123", "kept: x"], ["<untagged>", "", "y"]])
    out = io.StringIO()
    old, sys.stdout = sys.stdout, out
    try:
        print_table(App(), table)
    finally:
        sys.stdout = old
    assert plain_table(table) == out.getvalue()


def test_every_lifecycle_command_has_help_and_an_example(cli: Runner) -> None:
    for command in ("get", "put", "delete", "validate", "template", "preview"):
        result = cli("policy", "lifecycle", command, "--help")
        assert result.exit_code == 0
        assert "Example" in result.stdout, command


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


def test_plain_table_of_no_rows_matches_rich() -> None:
    from ecrctl.cli.app import App
    from ecrctl.cli.policy.lifecycle import plain_table
    from ecrctl.cli.render import print_table

    table = Table(["TAGS", "FATE"], [])
    out = io.StringIO()
    old, sys.stdout = sys.stdout, out
    try:
        print_table(App(), table)
    finally:
        sys.stdout = old
    assert plain_table(table) == out.getvalue()


def test_preview_leaves_the_garbage_collector_as_it_was(cli: Runner, tmp_path: Path) -> None:
    import gc

    images = write(tmp_path, "i.json", {"imageDetails": []})
    policy = write(tmp_path, "p.json", EXAMPLES[0].policy)
    assert gc.isenabled()
    result = cli("policy", "lifecycle", "preview", "--policy", policy, "--images", images)
    assert result.exit_code == 0
    assert result.stderr.startswith("0 image(s): 0 expire, 0 kept")
    assert gc.isenabled()
