"""The usage scan as the commands show it: the revisions option, progress only on a
terminal, the scope and permission warnings, the preview's in-use JSON and summary,
and --fail-if-in-use."""

from __future__ import annotations

import io
import sys

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


def test_the_revisions_option_defaults_to_5_and_takes_a_count() -> None:
    @click.command()
    @usage_view.revisions_option
    def cmd(usage_revisions: int) -> None:
        click.echo(usage_revisions)

    assert CliRunner().invoke(cmd, []).output == "5\n"
    assert CliRunner().invoke(cmd, ["--usage-revisions", "2"]).output == "2\n"
    assert CliRunner().invoke(cmd, ["--usage-revisions", "0"]).exit_code == 2
    assert usage_view.scan_options(3).revisions == 3
    with pytest.raises(InvalidInput):
        usage_view.scan_options(0)


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
        "grant the permissions named in the warnings above"
    )
    usage_view.fail_if_in_use(_usage(), [FREE])  # not in use, and known: fine
