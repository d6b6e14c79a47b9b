"""A trail's log files in S3, any age: ``[PREFIX/]AWSLogs/[ORG/]ACCOUNT/CloudTrail/
REGION/YYYY/MM/DD/*.json.gz``, each gzip JSON ``{"Records": [...]}``.

The year, month and day folders are listed level by level (ListObjectsV2 with a
delimiter), keeping only those the window touches (a day more on each side: CloudTrail
delivers a file up to about 15 minutes after its events), then the files of each day;
the files are read in parallel, each within a size cap.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ecrctl.aws.access import error_code, pages
from ecrctl.errors import NotFound, ServiceError
from ecrctl.events.model import ECR_SOURCE
from ecrctl.events.window import Window

READERS = 8  # files read at once (botocore keeps 10 connections per client)
MAX_GZIP_BYTES = 64 * 1024 * 1024  # one log file as stored
MAX_JSON_BYTES = 512 * 1024 * 1024  # and unpacked

OnFile = Callable[[int, int], None]  # files read, files in all


@dataclass(frozen=True)
class Location:
    """Where a trail writes: the bucket, the key prefix before ``AWSLogs/``."""

    bucket: str
    prefix: str = ""

    @property
    def logs(self) -> str:
        prefix = self.prefix.strip("/")
        return f"{prefix}/AWSLogs/" if prefix else "AWSLogs/"

    def url(self, key: str = "") -> str:
        return f"s3://{self.bucket}/{key}"


def _folders(s3: Any, bucket: str, prefix: str) -> list[str]:
    """The "folders" right under ``prefix`` (CommonPrefixes)."""
    found: list[str] = []
    try:
        for page in pages(s3, "list_objects_v2", Bucket=bucket, Prefix=prefix, Delimiter="/"):
            found += [str(p["Prefix"]) for p in page.get("CommonPrefixes") or []]
    except Exception as exc:
        if error_code(exc) == "NoSuchBucket":
            raise NotFound(
                f"bucket {bucket!r} does not exist",
                hint="check --bucket, or the trail's bucket (aws cloudtrail describe-trails)",
            ) from None
        raise
    return found


def region_roots(s3: Any, where: Location, account: str, region: str) -> list[str]:
    """``.../AWSLogs/ACCOUNT/CloudTrail/REGION/``, and the same under each
    organization folder (``AWSLogs/o-.../ACCOUNT/``) that holds the account."""
    roots = []
    for folder in _folders(s3, where.bucket, where.logs):
        name = folder[len(where.logs) :].strip("/")
        if name == account:
            roots.append(f"{folder}CloudTrail/{region}/")
        elif name.startswith("o-"):
            roots += [
                f"{inner}CloudTrail/{region}/"
                for inner in _folders(s3, where.bucket, folder)
                if inner.rstrip("/").endswith(f"/{account}")
            ]
    return roots


def _days(s3: Any, bucket: str, root: str, first: date, last: date) -> list[str]:
    """The day folders under ``root`` from ``first`` to ``last``."""
    found = []
    for year in _folders(s3, bucket, root):
        y = _number(year)
        if y is None or not first.year <= y <= last.year:
            continue
        for month in _folders(s3, bucket, year):
            m = _number(month)
            if m is None or not (first.year, first.month) <= (y, m) <= (last.year, last.month):
                continue
            for day in _folders(s3, bucket, month):
                d = _number(day)
                if d is not None and _within(y, m, d, first, last):
                    found.append(day)
    return found


def _number(folder: str) -> int | None:
    part = folder.rstrip("/").rpartition("/")[2]
    return int(part) if part.isdigit() else None


def _within(y: int, m: int, d: int, first: date, last: date) -> bool:
    try:
        return first <= date(y, m, d) <= last
    except ValueError:
        return False


def log_files(s3: Any, where: Location, roots: list[str], window: Window) -> list[str]:
    """The keys of the ``.json.gz`` files of the days ``window`` touches, oldest first."""
    first = (window.since - timedelta(days=1)).date()
    last = (window.until + timedelta(days=1)).date()
    keys: list[str] = []
    for root in roots:
        for day in _days(s3, where.bucket, root, first, last):
            for page in pages(s3, "list_objects_v2", Bucket=where.bucket, Prefix=day):
                keys += [
                    str(o["Key"])
                    for o in page.get("Contents") or []
                    if o["Key"].endswith(".json.gz")
                ]
    return sorted(keys)


def read_file(s3: Any, bucket: str, key: str) -> list[dict[str, Any]]:
    """The ECR records of one log file."""
    body = s3.get_object(Bucket=bucket, Key=key)["Body"]
    try:
        packed = body.read(MAX_GZIP_BYTES + 1)
    finally:
        body.close()
    if len(packed) > MAX_GZIP_BYTES:
        raise ServiceError(f"s3://{bucket}/{key} is over {MAX_GZIP_BYTES} bytes: not a log file")
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(packed)) as unpacked:
            text = unpacked.read(MAX_JSON_BYTES + 1)
        if len(text) > MAX_JSON_BYTES:
            raise ServiceError(f"s3://{bucket}/{key} unpacks to over {MAX_JSON_BYTES} bytes")
        document = json.loads(text)
    except (OSError, EOFError, ValueError) as exc:
        raise ServiceError(
            f"s3://{bucket}/{key} is not a CloudTrail log file (gzip JSON): {exc}"
        ) from None
    records = document.get("Records") if isinstance(document, dict) else None
    if not isinstance(records, list):
        raise ServiceError(f's3://{bucket}/{key} has no "Records" list: not a CloudTrail log file')
    return [r for r in records if isinstance(r, dict) and r.get("eventSource") == ECR_SOURCE]


def read_files(
    s3: Any, bucket: str, keys: list[str], *, on_file: OnFile | None = None
) -> Iterator[dict[str, Any]]:
    """The ECR records of every file of ``keys``, read ``READERS`` at a time (in the
    order the files finish)."""
    pool = ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="trail file")
    waiting: set[Future[list[dict[str, Any]]]] = set()
    queue = iter(keys)
    done = 0
    try:
        for first in queue:
            waiting.add(pool.submit(read_file, s3, bucket, first))
            if len(waiting) >= 2 * READERS:
                break
        while waiting:
            finished, waiting = wait(waiting, return_when=FIRST_COMPLETED)
            for future in finished:
                yield from future.result()
                done += 1
                if on_file is not None:
                    on_file(done, len(keys))
                key = next(queue, None)
                if key is not None:
                    waiting.add(pool.submit(read_file, s3, bucket, key))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
