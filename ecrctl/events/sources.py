"""The two places ECR's records are read from, through the one client factory:
CloudTrail's event history (LookupEvents in the command's region, clipped to its 90
days, with a note saying so) and a trail's log files in S3 (the trail's bucket and
prefix from DescribeTrails, or ``--bucket``/``--prefix``; the files of the registry's
account, ``--registry-id`` else the caller's, in the command's region)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ecrctl.events import lookup, trailfiles
from ecrctl.events.window import Window, cloudtrail_time

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws

Progress = Callable[[str, int, int | None], None]  # what, done, total (None: unknown)
Read = tuple[list[dict[str, Any]], dict[str, Any], list[str]]  # records, source, notes


@dataclass(frozen=True)
class Source:
    """Where the events come from: the event history, or a trail's files (``trail``,
    or ``bucket`` with ``prefix``)."""

    trail: str | None = None
    bucket: str | None = None
    prefix: str = ""

    @property
    def files(self) -> bool:
        return bool(self.trail or self.bucket)


def from_history(aws: Aws, window: Window, now: datetime, progress: Progress | None) -> Read:
    """The ECR records of CloudTrail's event history within ``window``."""
    region = aws.region
    described: dict[str, Any] = {"kind": "event-history", "region": region}
    start = max(window.since, lookup.oldest(now))
    notes = []
    if window.since < start:
        notes.append(
            f"CloudTrail's event history keeps 90 days: events before {cloudtrail_time(start)} are "
            "only in a trail's log files (--trail NAME, or --bucket BUCKET)"
        )
    if start > window.until:
        return [], described, notes

    def on_page(pages: int, events: int) -> None:
        if progress is not None:
            progress(f"{events} events", pages, None)

    client = aws.client("cloudtrail")
    records = list(lookup.lookup_records(client, Window(start, window.until), on_page=on_page))
    return records, described, notes


def _location(aws: Aws, source: Source) -> trailfiles.Location:
    if source.trail:
        from ecrctl.errors import NotFound
        from ecrctl.events.trails import find_trail

        trail = find_trail(aws.client("cloudtrail"), source.trail, aws.region)
        bucket = trail.get("S3BucketName")
        if not bucket:
            raise NotFound(f"trail {source.trail!r} delivers no log files to S3")
        return trailfiles.Location(str(bucket), str(trail.get("S3KeyPrefix") or ""))
    return trailfiles.Location(str(source.bucket), source.prefix)


def from_files(aws: Aws, window: Window, source: Source, progress: Progress | None) -> Read:
    """The ECR records of a trail's log files for the days ``window`` touches."""
    where = _location(aws, source)
    region = aws.region
    account = aws.registry_id or str(aws.sts.get_caller_identity()["Account"])
    s3 = aws.client("s3")
    roots = trailfiles.region_roots(s3, where, account, region)
    keys = trailfiles.log_files(s3, where, roots, window)
    described: dict[str, Any] = {
        "kind": "trail-files",
        "trail": source.trail,
        "bucket": where.bucket,
        "prefix": where.prefix,
        "account": account,
        "region": region,
        "files": len(keys),
    }
    notes = []
    if not keys:
        notes.append(
            f"no log files of account {account} in {region} for these days under "
            f"{where.url(where.logs)}"
        )

    def on_file(done: int, total: int) -> None:
        if progress is not None:
            progress("log files", done, total)

    records = list(trailfiles.read_files(s3, where.bucket, keys, on_file=on_file))
    return records, described, notes
