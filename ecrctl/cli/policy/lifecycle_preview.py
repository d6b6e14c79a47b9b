"""``ecrctl policy lifecycle preview``: its options, one call to the preview
workflow (:func:`ecrctl.lifecycle.preview.run_preview`), and the tables, JSON
and notices it prints for each kind of result."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import EcrctlCommand, pass_app, read_source
from ecrctl.cli.examples import examples
from ecrctl.cli.options import file_option, number_option
from ecrctl.cli.paramtypes import REPOSITORY
from ecrctl.cli.render import Table, emit, fmt_digest, fmt_time, notice, plain_table_text
from ecrctl.cli.usage_view import UsageRequest, usage_options
from ecrctl.errors import EcrctlError

if TYPE_CHECKING:
    from ecrctl.lifecycle.engine import Fate, Preview
    from ecrctl.lifecycle.preview import Comparison, Diff, OnWait, PreviewResult
    from ecrctl.usage.model import RepositoryUsage

PLAIN_ABOVE = 1000  # rows; rich needs about half a millisecond per row


@click.command("preview", cls=EcrctlCommand, epilog=examples("policy lifecycle preview"))
@click.argument("repository", required=False, type=REPOSITORY)
@click.argument("policy_file", required=False, metavar="[FILE|-]")
@file_option("--policy", "policy_source", "Policy to preview (default: the repository's own).")
@file_option(
    "--images",
    "images_source",
    "describe-images JSON to use instead of the repository (no AWS call).",
)
@click.option(
    "--now",
    "now_value",
    metavar="TIMESTAMP",
    help="ISO 8601 time the age rules count from (default: now).",
)
@click.option("--only-expiring", is_flag=True, help="Hide the images the policy keeps.")
@click.option("--remote", is_flag=True, help="Run AWS's own preview instead (slow, no reasons).")
@click.option(
    "--compare",
    is_flag=True,
    help="Run both previews; list every image they disagree on (exit 1 if any).",
)
@click.option(
    "--diff",
    "other_source",
    metavar="OTHER_FILE",
    help="List the images whose fate changes under OTHER_FILE instead.",
)
@number_option(
    "--timeout", "SECONDS", 0, 300.0, "Seconds to wait for AWS's preview (--remote, --compare)."
)
@click.option("--in-use", is_flag=True, help="Mark the images ECS or Lambda use (a usage scan).")
@click.option(
    "--fail-if-in-use",
    is_flag=True,
    help="Exit 1 if an image the policy affects is in use or of unknown use (implies --in-use).",
)
@usage_options
@pass_app
def preview(
    app: App,
    repository: str | None,
    policy_file: str | None,
    policy_source: str | None,
    images_source: str | None,
    now_value: str | None,
    only_expiring: bool,
    remote: bool,
    compare: bool,
    other_source: str | None,
    timeout: float,
    in_use: bool,
    fail_if_in_use: bool,
    usage_scan: UsageRequest,
) -> None:
    """Show what a lifecycle policy does to each image, and why, with ECR's rules.

    The images come from REPOSITORY (DescribeImages) or --images FILE; the
    policy from FILE (as put takes it; --policy FILE too) or the repository.
    -o json prints GetLifecyclePolicyPreview's shape: the affected images, oldest first.
    """
    from ecrctl.cli.policy_style import one_policy_file
    from ecrctl.cli.usage_view import scan

    policy_source = one_policy_file(policy_file, policy_source)
    from ecrctl.lifecycle.preview import PreviewIO, PreviewRequest, no_cyclic_gc, run_preview

    request = PreviewRequest(
        repository,
        policy_source,
        images_source,
        now_value,
        remote,
        compare,
        other_source,
        timeout,
        in_use or fail_if_in_use,
    )
    io = PreviewIO(
        read=lambda source, what: read_source(source, what=what),
        ecr=lambda: app.ecr,
        registry_id=app.settings.registry_id,
        waiting=lambda name, seconds: _waiting(app, name, seconds),
        usage=lambda name: scan(app, name, usage_scan),
    )
    with no_cyclic_gc():  # rendering 100,000 rows builds as many small objects again
        _render(app, run_preview(request, io), only_expiring, fail_if_in_use)


@contextmanager
def _waiting(app: App, repository: str, timeout: float) -> Iterator[OnWait | None]:
    """A notice (no terminal, or -q) or a spinner on stderr while AWS previews."""
    from ecrctl.lifecycle.remote import POLL_SECONDS

    if not sys.stderr.isatty() or app.out.quiet:
        notice(
            app,
            f"waiting for AWS's lifecycle policy preview of {repository} "
            f"(polling every {POLL_SECONDS:g} s, timeout {timeout:g} s)",
        )
        yield None
        return
    from ecrctl.cli.render import console

    label = f"AWS is previewing the lifecycle policy of {repository}"
    with console(app, stderr=True).status(label) as status:
        yield lambda waited: status.update(f"{label} ({waited:.0f} s)")


def _render(app: App, result: PreviewResult, only_expiring: bool, fail_if_in_use: bool) -> None:
    from ecrctl.cli import usage_view
    from ecrctl.lifecycle.preview import Comparison, Diff, RemotePreview

    if isinstance(result, Comparison):
        _render_comparison(app, result)
        return
    if isinstance(result, Diff):
        _render_diff(app, result)
        return
    usage = result.usage
    if isinstance(result, RemotePreview):
        data = result.results
        affected = [str(r["imageDigest"]) for r in data["previewResults"]]
        shown = (lambda: usage_view.mark_results(usage, data)) if usage else (lambda: data)
        _show(app, shown, lambda: _results_table(data, usage))
        if usage is not None:
            notice(
                app,
                f"{len(affected)} image(s) affected" + usage_view.affected_text(usage, affected),
            )
    else:
        affected = [fate.image.digest for fate in result.preview.affected()]
        _render_local(app, result.preview, only_expiring, usage)
    if usage is not None and fail_if_in_use:
        usage_view.fail_if_in_use(usage, affected)


def _render_local(
    app: App, result: Preview, only_expiring: bool, usage: RepositoryUsage | None
) -> None:
    from ecrctl.cli import usage_view

    summary = _summary(result.counts(), result.now)
    if usage is not None:
        summary += usage_view.affected_text(usage, [f.image.digest for f in result.affected()])
        _show(
            app,
            lambda: usage_view.mark_results(usage, result.to_json()),
            lambda: _fate_table(result, only_expiring, usage),
        )
    elif app.out.output == "json" and not app.out.query:
        from ecrctl.lifecycle.jsontext import preview_text

        sys.stdout.write(preview_text(result) + "\n")
    else:
        _show(app, result.to_json, lambda: _fate_table(result, only_expiring))
    notice(app, summary)


def _render_comparison(app: App, result: Comparison) -> None:
    differences = result.differences
    _show(app, result.to_json, lambda: _changes_table(differences, ("LOCAL", "AWS")))
    if differences:
        raise EcrctlError(
            f"the local preview and AWS's disagree on {len(differences)} image(s)",
            hint="the images are listed above",
        )
    local = result.local
    notice(app, f"the local preview and AWS's agree: {_summary(local.counts(), local.now)}")


def _render_diff(app: App, result: Diff) -> None:
    def table() -> Table:
        return _changes_table(result.changes, ("BEFORE", "AFTER"), result.reasons())

    _show(app, result.to_json, table)
    notice(app, f"{len(result.changes)} image(s) change fate under {result.other}")


def _show(app: App, data: Callable[[], Any], table: Callable[[], Table]) -> None:
    """emit(), with long tables printed as plain aligned text."""
    if app.out.output == "json" or app.out.query:
        emit(app, data())
        return
    built = table()
    if len(built.rows) <= PLAIN_ABOVE:
        emit(app, None, table=built)
    else:
        sys.stdout.write(plain_table_text(built))


def _summary(counts: dict[str, int], now: float) -> str:
    from ecrctl.lifecycle.images import iso

    total = sum(counts.values())
    text = f"{total} image(s): {counts['expire']} expire"
    if counts["transition"]:
        text += f", {counts['transition']} transition to archive"
    return text + f", {counts['keep']} kept (now = {iso(now)})"


# -- tables -----------------------------------------------------------------------


def _tags(tags: Any) -> str:
    return ", ".join(tags) if tags else "<untagged>"


def _local_minute(epoch: float) -> str:
    """What fmt_time prints, straight from epoch seconds (100,000 rows to format)."""
    import time

    return time.strftime("%Y-%m-%d %H:%M", time.localtime(epoch))


def _dt(value: str | None) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value) if value else None


def _short(digest: str) -> str:
    return fmt_digest(digest)


def _fate_table(
    result: Preview, only_expiring: bool, usage: RepositoryUsage | None = None
) -> Table:
    now = result.now
    rows = []
    fates: list[Fate] = result.affected() if only_expiring else result.fates
    for fate in fates:
        image = fate.image
        rows.append(
            [
                _tags(image.tags),
                image.short_digest,
                _local_minute(image.pushed_at),
                fate.action,
                str(fate.rule.priority) if fate.rule and fate.action != "keep" else "-",
                fate.reason(now),
            ]
        )
        if usage is not None:
            rows[-1].insert(4, usage.users_text(image.digest))
    columns = ["TAGS", "DIGEST", "PUSHED", "FATE", "RULE", "WHY"]
    return Table(columns if usage is None else _with_in_use(columns), rows)


def _with_in_use(columns: list[str]) -> list[str]:
    return [*columns[:4], "IN USE", *columns[4:]]


def _results_table(data: dict[str, Any], usage: RepositoryUsage | None = None) -> Table:
    rows = [
        [
            _tags(r["imageTags"]),
            _short(r["imageDigest"]),
            fmt_time(_dt(r["imagePushedAt"])),
            str(r["action"]["type"]).lower(),
            str(r["appliedRulePriority"]),
        ]
        for r in data["previewResults"]
    ]
    columns = ["TAGS", "DIGEST", "PUSHED", "FATE", "RULE"]
    if usage is None:
        return Table(columns, rows)
    for row, r in zip(rows, data["previewResults"], strict=True):
        row.insert(4, usage.users_text(str(r["imageDigest"])))
    return Table(_with_in_use(columns), rows)


def _changes_table(
    changes: list[dict[str, Any]], names: tuple[str, str], reasons: dict[str, str] | None = None
) -> Table:
    fixed = {"imageDigest", "imageTags", "imagePushedAt"}
    keys = [key for key in changes[0] if key not in fixed] if changes else []

    def outcome(value: dict[str, Any]) -> str:
        kind = str(value["type"]).lower()
        rule = value.get("appliedRulePriority")
        return kind if rule is None else f"{kind} (rule {rule})"

    rows = []
    for change in changes:
        row = [
            _tags(change["imageTags"]),
            _short(change["imageDigest"]),
            fmt_time(_dt(change["imagePushedAt"])),
            outcome(change[keys[0]]),
            outcome(change[keys[1]]),
        ]
        if reasons is not None:
            row.append(reasons.get(change["imageDigest"], ""))
        rows.append(row)
    columns = ["TAGS", "DIGEST", "PUSHED", *names]
    if reasons is not None:
        columns.append("WHY (AFTER)")
    return Table(columns, rows)
