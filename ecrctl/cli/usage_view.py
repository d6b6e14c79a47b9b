"""The usage scan as the commands show it: the ``--usage-*`` options (one
decorator, one ``usage_scan`` argument), progress on a terminal's stderr (nothing
when piped or with -q), the scope notice printed with every answer, one warning
per reason usage is unknown and per runner whose image is gone, the lifecycle
preview's in-use JSON, summary and ``--fail-if-in-use``, and ``image delete``'s
refusal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from ecrctl.cli.app import App
from ecrctl.cli.options import number_option, options_as_one
from ecrctl.cli.render import notice, warn

if TYPE_CHECKING:
    from ecrctl.usage.calls import Progress
    from ecrctl.usage.model import RepositoryUsage
    from ecrctl.usage.scan import UsageOptions


@dataclass(frozen=True)
class UsageRequest:
    """The ``--usage-*`` options as given."""

    revisions: int = 5
    regions: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    source: str | None = None  # --usage-from FILE|-


def _regions(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> Any:
    from ecrctl.aws.regions import check_region

    found: list[str] = []
    for value in values:
        for region in filter(None, (part.strip() for part in value.split(","))):
            if check_region(region, "--usage-regions") not in found:
                found.append(region)
    return tuple(found)


def _roles(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> Any:
    from ecrctl.usage.targets import role_account

    for value in values:
        role_account(value)
    return values


OPTIONS = (
    number_option(
        "--usage-revisions",
        "N",
        1,
        5,
        "The usage scan reads the newest N revisions of each task-definition family.",
    ),
    click.option(
        "--usage-regions",
        metavar="REGION[,REGION...]",
        multiple=True,
        callback=_regions,
        help="Regions the usage scan covers (default: the registry's and its replicas').",
    ),
    click.option(
        "--usage-role",
        "usage_roles",
        metavar="ARN",
        multiple=True,
        callback=_roles,
        help="Also scan the account of this IAM role (assumed with STS; repeatable).",
    ),
    click.option(
        "--usage-from",
        metavar="FILE|-",
        help="Image references in use elsewhere: one a line, or kubectl get pods -A -o json.",
    ),
)


def _usage_request(
    usage_revisions: int,
    usage_regions: tuple[str, ...],
    usage_roles: tuple[str, ...],
    usage_from: str | None,
) -> UsageRequest:
    return UsageRequest(usage_revisions, usage_regions, usage_roles, usage_from)


usage_options = options_as_one("usage_scan", _usage_request, *OPTIONS)
"""The ``--usage-*`` options, passed to the command as one ``usage_scan``."""


def scan_options(request: UsageRequest) -> UsageOptions:
    """The scan's options; ``--usage-from`` read and parsed (exit 2 when it does not read)."""
    from ecrctl.cli.common import read_source
    from ecrctl.usage.scan import UsageOptions

    external = None
    if request.source is not None:
        from ecrctl.usage.external import parse_external

        text = read_source(request.source, what="--usage-from file")
        external = parse_external(text, request.source)
    return UsageOptions(
        revisions=request.revisions,
        regions=request.regions,
        roles=request.roles,
        external=external,
    )


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
    """A warning per reason usage is unknown and per runner whose image is gone, and
    the scope on stderr (notices)."""
    for gap in usage.causes:
        warn(app, gap.warning())
    for missing in usage.missing:
        warn(app, missing.warning())
    if scope:
        report_scope(app, usage)
    if not usage.complete:
        notice(app, "images not found in use are shown as unknown, not as unused")


def scan(
    app: App, repository: str, request: UsageRequest, *, scope: bool = True
) -> RepositoryUsage:
    """The usage of ``repository``'s images, with progress and the report (the
    scope too, unless the caller prints it with its answer: :func:`report_scope`)."""
    from ecrctl.usage.scan import repository_usage

    options = scan_options(request)
    with scanning(app) as progress:
        found = repository_usage(app.aws, repository, options, progress)
    report_scan(app, found, scope=scope)
    return found


def report_scope(app: App, usage: RepositoryUsage) -> None:
    """The scan's scope as notices: ``usage scanned: ...``, one line per place."""
    for line in usage.usage.scan_scope.lines():
        notice(app, f"usage scanned: {line}")


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
            hint="fix what the warnings above name (a permission, a region, a reference)",
        )


# -- image delete's refusal --------------------------------------------------------


def guard(
    app: App,
    repository: str,
    targets: Any,
    request: UsageRequest,
    linked: dict[str, list[str]] | None = None,
) -> RepositoryUsage:
    """Refuse (exit 1, naming the users) to delete images or tags in use, or
    anything while usage is unknown (each reason a warning first, the scope just
    before the refusal). The caller prints the scope with its answer."""
    from ecrctl.errors import Conflict
    from ecrctl.usage.guard import check_delete

    usage = scan(app, repository, request, scope=False)
    usage.linked = dict(linked or {})
    try:
        check_delete(usage, targets)
    except Conflict:
        report_scope(app, usage)
        raise
    return usage
