"""The usage scan as the commands show it: the ``--usage-revisions`` option,
progress on a terminal's stderr (nothing when piped or with -q), the scope
notice, one warning per permission the scan lacked, the lifecycle preview's
in-use JSON, summary and ``--fail-if-in-use``, and ``image delete``'s refusal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ecrctl.cli.app import App
from ecrctl.cli.render import notice, warn

if TYPE_CHECKING:
    from ecrctl.usage.calls import Progress
    from ecrctl.usage.model import RepositoryUsage
    from ecrctl.usage.scan import ScanOptions

F = TypeVar("F", bound=Callable[..., Any])


def revisions_option(function: F) -> F:
    """``--usage-revisions N``: how many newest revisions of each task-definition family."""
    decorated: F = click.option(
        "--usage-revisions",
        "usage_revisions",
        metavar="N",
        type=click.IntRange(min=1),
        default=5,
        show_default=True,
        help="The usage scan reads the newest N revisions of each task-definition family.",
    )(function)
    return decorated


def scan_options(revisions: int) -> ScanOptions:
    from ecrctl.usage.scan import ScanOptions

    return ScanOptions(revisions=revisions)


@contextmanager
def scanning(app: App) -> Iterator[Progress | None]:
    """A progress bar on a terminal's stderr while the scan runs; else nothing."""
    if app.out.quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ecrctl.cli.render import console

    bar = Progress(
        TextColumn("scanning usage: {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console(app, stderr=True),
        transient=True,
    )
    task = bar.add_task("ECS", total=None)

    def advance(what: str, done: int, total: int) -> None:
        bar.update(task, description=what, completed=done, total=total)

    with bar:
        yield advance


def report_scan(app: App, usage: RepositoryUsage, *, scope: bool = True) -> None:
    """A warning per missing permission, and the scope on stderr (a notice)."""
    for gap in usage.usage.gaps:
        warn(app, gap.warning())
    if scope:
        notice(app, f"usage scanned: {usage.usage.scope.text()}")
    if not usage.complete:
        notice(app, "images not found in use are shown as unknown, not as unused")


def scan(app: App, repository: str, revisions: int) -> RepositoryUsage:
    """The usage of ``repository``'s images, with progress and the report."""
    from ecrctl.usage.scan import repository_usage

    with scanning(app) as progress:
        found = repository_usage(app.aws, repository, scan_options(revisions), progress)
    report_scan(app, found)
    return found


# -- the lifecycle preview's --in-use -----------------------------------------------


def mark_results(usage: RepositoryUsage, data: dict[str, Any]) -> dict[str, Any]:
    """A preview's JSON with ``inUse``/``inUseBy`` on each result and ``usage`` added."""
    from ecrctl.usage.guard import annotate, in_use_counts

    results = annotate(usage, data.get("previewResults") or [])
    counts = in_use_counts(usage, (r["imageDigest"] for r in results))
    scan = usage.to_json()
    scan["affectedInUse"] = counts["in use"]
    scan["affectedUnknown"] = counts["unknown"]
    return {**data, "previewResults": results, "usage": scan}


def affected_text(usage: RepositoryUsage, digests: list[str]) -> str:
    """``; 2 of them in use`` (and how many unknown) for the summary line."""
    from ecrctl.usage.guard import in_use_counts

    counts = in_use_counts(usage, digests)
    text = f"; {counts['in use']} of the {len(digests)} affected in use"
    if counts["unknown"]:
        text += f", {counts['unknown']} unknown"
    return text


def fail_if_in_use(usage: RepositoryUsage, digests: list[str]) -> None:
    """Exit 1 when an image the policy affects is in use, or its usage is unknown."""
    from ecrctl.errors import EcrctlError
    from ecrctl.usage.guard import in_use_counts

    counts = in_use_counts(usage, digests)
    if counts["in use"]:
        raise EcrctlError(
            f"{counts['in use']} image(s) the policy would expire or archive are in use",
            hint="they are marked in the IN USE column; keep them with a rule, or stop using them",
        )
    if counts["unknown"]:
        raise EcrctlError(
            f"the usage of {counts['unknown']} image(s) the policy would expire is unknown",
            hint="grant the permissions named in the warnings above",
        )


# -- image delete's refusal --------------------------------------------------------


def guard(app: App, repository: str, targets: Any, revisions: int) -> None:
    """Refuse (exit 1, naming the users) to delete images or tags in use; warn
    when the scan lacked a permission (the deletion then goes ahead)."""
    from ecrctl.usage.guard import guard_delete

    with scanning(app) as progress:
        found = guard_delete(app.aws, repository, targets, scan_options(revisions), progress)
    report_scan(app, found, scope=False)
