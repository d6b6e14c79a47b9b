"""CloudTrail's event history: LookupEvents for ``eventSource`` ``ecr.amazonaws.com``,
newest first, 50 events a page, at most the last 90 days.

LookupEvents allows two requests per second per account and region. :class:`Pacer`
holds every request (botocore's own retries included: it runs on botocore's
``before-send`` event) at least half a second after the one before, and a page that is
still throttled after botocore's retries is asked again, with the same ``NextToken``,
after a backoff (1, 2, 4, 8, 16 s). The pages are read one by one with their token,
not through botocore's paginator, so that a throttled page can be asked again.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from ecrctl.aws.access import error_code
from ecrctl.aws.errors import THROTTLING_CODES
from ecrctl.events.model import ECR_SOURCE
from ecrctl.events.window import Window

PAGE_SIZE = 50  # LookupEvents' maximum
INTERVAL = 0.5  # seconds between requests: two per second per account and region
RETRIES = 5  # asking a throttled page again, after botocore's own attempts
BACKOFF = 1.0  # seconds before the first new ask; doubled each time
BACKOFF_CAP = 16.0
HISTORY = timedelta(days=90)  # what the event history keeps

OnPage = Callable[[int, int], None]  # pages read, events read


class Pacer:
    """At most one request per ``interval`` seconds, for botocore's ``before-send``."""

    def __init__(
        self,
        interval: float = INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self._next = float("-inf")
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Return when the next request may go out."""
        with self._lock:
            delay = self._next - self.clock()
            if delay > 0:
                self.sleep(delay)
            self._next = self.clock() + self.interval

    def __call__(self, **kwargs: Any) -> None:
        self.wait()  # None: botocore sends the request


def oldest(now: datetime) -> datetime:
    """The oldest time LookupEvents answers for."""
    return now - HISTORY


def lookup_records(
    client: Any, window: Window, *, on_page: OnPage | None = None
) -> Iterator[dict[str, Any]]:
    """Every ECR record of ``window``, as CloudTrail wrote it (the ``CloudTrailEvent``
    of each event), newest first."""
    client.meta.events.register("before-send.cloudtrail.LookupEvents", Pacer())
    request: dict[str, Any] = {
        "LookupAttributes": [{"AttributeKey": "EventSource", "AttributeValue": ECR_SOURCE}],
        "StartTime": window.since,
        "EndTime": window.until,
        "MaxResults": PAGE_SIZE,
    }
    pages = events = 0
    while True:
        page = _page(client, request)
        pages += 1
        for event in page.get("Events") or []:
            events += 1
            yield record_of(event)
        if on_page is not None:
            on_page(pages, events)
        token = page.get("NextToken")
        if not token:
            return
        request["NextToken"] = token


def _page(client: Any, request: dict[str, Any]) -> Any:
    attempt = 0
    while True:
        try:
            return client.lookup_events(**request)
        except Exception as exc:
            if error_code(exc) not in THROTTLING_CODES or attempt >= RETRIES:
                raise
        time.sleep(min(BACKOFF_CAP, BACKOFF * 2**attempt))
        attempt += 1


def record_of(event: dict[str, Any]) -> dict[str, Any]:
    """The CloudTrail record of one LookupEvents event: its ``CloudTrailEvent`` JSON,
    else the event's own fields in a record's names."""
    text = event.get("CloudTrailEvent")
    if isinstance(text, str):
        try:
            record = json.loads(text)
        except ValueError:
            record = None
        if isinstance(record, dict):
            return record
    return {
        "eventID": event.get("EventId"),
        "eventName": event.get("EventName"),
        "eventTime": event.get("EventTime"),
        "eventSource": event.get("EventSource"),
        "readOnly": event.get("ReadOnly"),
        "userIdentity": {"userName": event.get("Username")},
        "resources": [
            {"ARN": r.get("ResourceName"), "type": r.get("ResourceType")}
            for r in event.get("Resources") or []
        ],
    }
