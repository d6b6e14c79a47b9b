"""The usage scan as the commands show it: the revisions option, progress only on a
terminal, the scope and permission warnings, the preview's in-use JSON and summary,
and --fail-if-in-use."""

from __future__ import annotations

import io
import sys
from typing import Any

import click
import pytest
from click.testing import CliRunner

from ecrctl.cli import usage_view
from ecrctl.cli.app import App, Output
from ecrctl.errors import EcrctlError, InvalidInput
from ecrctl.usage.model import Gap, RepositoryUsage, Scope, Usage, Use, User
from tests.support.cli import Terminal

USED = "sha256:" + "1" * 64
FREE = "sha256:" + "2" * 64
SERVICE = User("ecs-service", "prod/web (web:3)", "arn:svc")
DENIED = Gap("ecs:ListClusters", "not authorized")


def _usage(*gaps: Gap) -> RepositoryUsage:
    found = RepositoryUsage("app", "123456789012", Usage(Scope("us-east-1", 5), gaps=list(gaps)))
    found.by_digest[USED] = [Use(SERVICE, "tag v1")]
    return found


def _command() -> click.Command:
    @click.command()
    @usage_view.usage_options
    def cmd(usage_scan: usage_view.UsageRequest) -> None:
        click.echo(repr(usage_scan))

    return cmd


def test_the_usage_options_come_as_one_request() -> None:
    cmd = _command()
    assert CliRunner().invoke(cmd, []).output == repr(usage_view.UsageRequest()) + "\n"
    given = [
        "--usage-revisions",
        "2",
        "--usage-regions",
        "us-east-1,eu-west-1",
        "--usage-regions",
        "eu-west-1, us-west-2",
        "--usage-role",
        "arn:aws:iam::210987654321:role/reader",
        "--usage-from",
        "-",
    ]
    expected = usage_view.UsageRequest(
        2,
        ("us-east-1", "eu-west-1", "us-west-2"),
        ("arn:aws:iam::210987654321:role/reader",),
        "-",
    )
    assert CliRunner().invoke(cmd, given).output == repr(expected) + "\n"
    options = usage_view.scan_options(usage_view.UsageRequest(2, ("eu-west-1",)))
    assert (options.revisions, options.regions, options.external) == (2, ("eu-west-1",), None)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--usage-revisions", "0"], "0 is not in the range x>=1"),
        (["--usage-regions", "US-EAST-1"], "invalid region 'US-EAST-1' (from --usage-regions)"),
        (["--usage-role", "arn:aws:iam::1:user/x"], "is not an IAM role ARN"),
    ],
)
def test_bad_usage_options_are_refused(args: list[str], message: str) -> None:
    result = CliRunner().invoke(_command(), args, standalone_mode=False, catch_exceptions=True)
    assert result.exception is not None
    assert message in str(getattr(result.exception, "message", result.exception))


def test_usage_from_is_read_and_refused_when_it_does_not_read(tmp_path: Any) -> None:
    good = tmp_path / "refs.txt"
    good.write_text("# in use elsewhere\n123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1\n")
    options = usage_view.scan_options(usage_view.UsageRequest(source=str(good)))
    assert options.external is not None and len(options.external.references) == 1
    bad = tmp_path / "bad.txt"
    bad.write_text("app:v1\nnot a reference\n")
    with pytest.raises(InvalidInput, match=r"bad\.txt line 2"):
        usage_view.scan_options(usage_view.UsageRequest(source=str(bad)))


@pytest.mark.parametrize(
    ("stream", "quiet", "drawn"),
    [(Terminal(), False, True), (io.StringIO(), False, False), (Terminal(), True, False)],
)
def test_progress_only_on_a_terminal_and_not_with_quiet(
    monkeypatch: pytest.MonkeyPatch, stream: io.StringIO, quiet: bool, drawn: bool
) -> None:
    monkeypatch.setattr(sys, "stderr", stream)
    with usage_view.scanning(App(out=Output(quiet=quiet))) as progress:
        if drawn:
            assert progress is not None
            progress("ECS services", 1, 4)
        else:
            assert progress is None
    assert ("scanning usage: ECS services" in stream.getvalue()) is drawn


def test_report_warns_per_gap_and_says_what_unknown_means(
    capsys: pytest.CaptureFixture[str],
) -> None:
    usage_view.report_scan(App(), _usage(DENIED))
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == (
        "ecrctl: warning: no permission for ecs:ListClusters: image usage is unknown "
        "(not authorized)"
    )
    assert lines[1].startswith("usage scanned: ")
    assert lines[2] == "images not found in use are shown as unknown, not as unused"
    usage_view.report_scan(App(out=Output(quiet=True)), _usage(DENIED), scope=False)
    assert capsys.readouterr().err.splitlines() == [lines[0]]  # warnings even with -q
    usage_view.report_scan(App(), _usage(), scope=False)
    assert capsys.readouterr().err == ""


def test_preview_results_are_marked_and_counted() -> None:
    data = {
        "previewResults": [{"imageDigest": USED}, {"imageDigest": FREE}],
        "summary": {"expiringImageTotalCount": 2},
    }
    marked = usage_view.mark_results(_usage(DENIED), data)
    assert marked["summary"] == data["summary"]
    assert [(r["imageDigest"], r["inUse"]) for r in marked["previewResults"]] == [
        (USED, True),
        (FREE, None),
    ]
    assert marked["usage"]["affectedInUse"] == 1
    assert marked["usage"]["affectedUnknown"] == 1
    assert marked["usage"]["missingPermissions"] == ["ecs:ListClusters"]
    assert marked["usage"]["complete"] is False


def test_the_summary_says_how_many_affected_are_in_use() -> None:
    assert usage_view.affected_text(_usage(), [USED, FREE]) == "; 1 of the 2 affected in use"
    assert usage_view.affected_text(_usage(DENIED), [USED, FREE]) == (
        "; 1 of the 2 affected in use, 1 unknown"
    )


def test_fail_if_in_use_for_used_then_for_unknown() -> None:
    with pytest.raises(EcrctlError) as used:
        usage_view.fail_if_in_use(_usage(DENIED), [USED, FREE])
    assert used.value.one_line() == (
        "1 image(s) the policy would expire or archive are in use; they are marked in the "
        "IN USE column; keep them with a rule, or stop using them"
    )
    with pytest.raises(EcrctlError) as unknown:
        usage_view.fail_if_in_use(_usage(DENIED), [FREE])
    assert unknown.value.one_line() == (
        "the usage of 1 image(s) the policy would expire is unknown; "
        "fix what the warnings above name (a permission, a region, a reference)"
    )
    usage_view.fail_if_in_use(_usage(), [FREE])  # not in use, and known: fine
