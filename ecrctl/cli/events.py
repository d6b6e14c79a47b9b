"""``ecrctl events [REPO[:TAG|@DIGEST]]``: ECR's history from CloudTrail, newest
first. Parses, calls :func:`ecrctl.events.query.find_events`, renders. The source
options (``--since``, ``--until``, ``--trail``, ``--bucket``, ``--prefix``) and the
progress line are shared with ``image history``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ecrctl.cli.app import App
from ecrctl.cli.common import command, pass_app
from ecrctl.cli.examples import examples
from ecrctl.cli.render import Table, console, emit, notice

if TYPE_CHECKING:
    from ecrctl.distribution.reference import ImageReference
    from ecrctl.events.sources import Progress, Source
    from ecrctl.events.window import Window

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES = "Exit codes: 0 ok (also when no event matched), 1 failed, 2 bad input."

# flag, metavar, help of every option that says where and when events are read
_SOURCES = (
    (
        "--since",
        "WHEN",
        "From this time: a duration before now (30m, 12h, 7d, 2w) or an ISO date "
        "(2024-05-01, 2024-05-01T12:00:00Z). Default: 90 days ago.",
    ),
    ("--until", "WHEN", "Up to this time (same forms). Default: now."),
    (
        "--trail",
        "NAME",
        "Read this trail's log files in S3 (any age) instead of CloudTrail's "
        "event history (90 days).",
    ),
    ("--bucket", "BUCKET", "Read the trail log files in this bucket."),
    ("--prefix", "PREFIX", "With --bucket: the key prefix before AWSLogs/."),
)
_SOURCE_OPTIONS = tuple(click.option(flag, metavar=m, help=h) for flag, m, h in _SOURCES)


def source_options(function: F) -> F:
    """``--since``, ``--until``, ``--trail``, ``--bucket``, ``--prefix``."""
    for option in reversed(_SOURCE_OPTIONS):
        function = option(function)
    return function


def make_source(trail: str | None, bucket: str | None, prefix: str | None) -> Source:
    from ecrctl.events.sources import Source

    if trail and bucket:
        raise click.UsageError("give --trail or --bucket, not both")
    if prefix is not None and not bucket:
        raise click.UsageError("--prefix needs --bucket (a trail names its own prefix)")
    return Source(trail=trail, bucket=bucket, prefix=prefix or "")


def make_window(since: str | None, until: str | None) -> tuple[Window, datetime]:
    from ecrctl.events.window import window

    now = datetime.now(UTC)
    return window(since, until, now), now


def parse_target(text: str) -> ImageReference:
    """``REPO[:TAG|@DIGEST]`` in the caller's registry (no host: --region and
    --registry-id say which registry)."""
    from ecrctl.distribution.reference import parse_reference
    from ecrctl.errors import InvalidInput

    found = parse_reference(text).for_ecr()
    if found.host is not None:
        raise InvalidInput(
            f"{text!r} names the registry host {found.host}",
            hint="give REPO[:TAG|@DIGEST] and choose the registry with --region/--registry-id",
        )
    return found


@contextmanager
def reading(app: App) -> Iterator[Progress | None]:
    """A status line on a terminal's stderr while events are read; else nothing."""
    if app.out.quiet or not sys.stderr.isatty():
        yield None
        return
    with console(app, stderr=True).status("reading CloudTrail") as status:

        def progress(what: str, done: int, total: int | None) -> None:
            count = f"{done} of {total}" if total is not None else f"{done} pages"
            status.update(f"reading CloudTrail: {what}, {count}")

        yield progress


def show_notes(app: App, data: dict[str, Any]) -> None:
    if not app.out.json:
        for note in data["notes"]:
            notice(app, note)


def printable(text: str | None) -> str:
    """A cell from a record: ``-`` for nothing; control characters escaped (a caller
    chooses its user agent, and a table may reach a terminal)."""
    if not text:
        return "-"
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def _table(data: dict[str, Any]) -> Table:
    from ecrctl.cli.render import fmt_time
    from ecrctl.events.model import event_time

    rows = [
        [
            fmt_time(event_time(e["eventTime"])),
            *map(printable, [e["eventName"], e["repositoryName"], e["summary"]]),
            *map(printable, [e["principal"], e["sourceIPAddress"], e["userAgent"]]),
        ]
        for e in data["events"]
    ]
    columns = ["TIME", "EVENT", "REPOSITORY", "CHANGE", "PRINCIPAL", "SOURCE IP", "USER AGENT"]
    return Table(columns, rows, empty="no events")


@command("events", epilog=examples("events", EXIT_CODES))
@click.argument("reference", metavar="[REPO[:TAG|@DIGEST]]", required=False)
@source_options
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Also reads (BatchGetImage, GetAuthorizationToken, ...) and layer uploads.",
)
@pass_app
def events(
    app: App,
    reference: str | None,
    since: str | None,
    until: str | None,
    trail: str | None,
    bucket: str | None,
    prefix: str | None,
    everything: bool,
) -> None:
    """Show who changed what in ECR, and when, from CloudTrail.

    The ECR events of the registry, a repository (REPO), a tag (REPO:TAG) or a
    digest (REPO@DIGEST), newest first: time, event, principal, source IP, user
    agent and what changed (a tag moved from one digest to another, an image
    deleted, a policy replaced, a repository created or deleted). Read from
    CloudTrail's event history (LookupEvents: the last 90 days, two requests a
    second), or with --trail/--bucket from a trail's log files in S3, any age.
    Without --all, only calls that change something.
    """
    from ecrctl.events.query import Reading, Selector, find_events

    target = parse_target(reference) if reference else None
    source = make_source(trail, bucket, prefix)
    window, now = make_window(since, until)
    selector = Selector(
        repository=target.repository if target else None,
        tag=target.tag if target else None,
        digest=target.digest if target else None,
        registry_id=app.registry_id,
        everything=everything,
    )
    with reading(app) as progress:
        data = find_events(app.aws, selector, Reading(window, source, now, progress))
    show_notes(app, data)
    emit(app, data, table=lambda: _table(data))
