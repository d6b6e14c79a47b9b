"""``ecrctl events``: the ECR events of a registry, a repository, a tag or a digest,
newest first, each with what it changed; from CloudTrail's event history (the last 90
days) or from a trail's log files in S3 (any age).

:func:`collect` reads every ECR event of the window, oldest first, from one
:class:`Source`; :func:`find_events` says what each changed and keeps those the
:class:`Selector` asks for.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ecrctl.events.changes import Change, Tracker
from ecrctl.events.model import LAYER_UPLOADS, Event, from_record, image_ids, put_image_digest
from ecrctl.events.sources import Progress, Source, from_files, from_history
from ecrctl.events.window import Window, cloudtrail_time

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws


@dataclass(frozen=True)
class Selector:
    """Which events: of one repository, tag or digest; reads and layer uploads too
    with ``everything``."""

    repository: str | None = None
    tag: str | None = None
    digest: str | None = None
    registry_id: str | None = None
    everything: bool = False

    def matches(self, event: Event, changes: list[Change]) -> bool:
        if not self.everything and (event.read_only or event.name in LAYER_UPLOADS):
            return False
        if self.registry_id and event.registry_id not in (None, self.registry_id):
            return False
        if self.repository is None:
            return True
        if event.repository != self.repository:
            return False
        if event.name in {"CreateRepository", "DeleteRepository"}:
            return True
        if self.tag is not None:
            return self.tag in _tags(event, changes)
        if self.digest is not None:
            return self.digest in _digests(event, changes)
        return True


def _tags(event: Event, changes: list[Change]) -> set[str]:
    named = {c.tag for c in changes if c.tag}
    named |= {tag for tag, _ in image_ids(event.request.get("imageIds")) if tag}
    tag = event.request.get("imageTag")
    return named | ({str(tag)} if tag else set())


def _digests(event: Event, changes: list[Change]) -> set[str]:
    named = {d for c in changes for d in (c.digest, c.previous_digest) if d}
    named |= {d for _, d in image_ids(event.request.get("imageIds")) if d}
    digest = put_image_digest(event) if event.name == "PutImage" else None
    return named | ({digest} if digest else set())


@dataclass
class Collected:
    """Every ECR event read, oldest first, with where they came from."""

    events: list[Event]
    source: dict[str, Any]
    window: Window
    notes: list[str] = field(default_factory=list)

    def about(self) -> dict[str, Any]:
        """Where and when the events were read, as every answer built on them says."""
        window = self.window
        return {
            "source": self.source,
            "since": cloudtrail_time(window.since),
            "until": cloudtrail_time(window.until),
            "notes": self.notes,
        }


@dataclass(frozen=True)
class Found:
    """One event and what it changed."""

    event: Event
    changes: list[Change]

    @property
    def summary(self) -> str:
        if self.event.failed:
            return f"refused: {self.event.error_code}"
        return "; ".join(change.text() for change in self.changes)

    def to_json(self) -> dict[str, Any]:
        return {
            **self.event.base_json(),
            "changes": [c.to_json() for c in self.changes],
            "summary": self.summary,
        }


def ordered(records: Iterable[dict[str, Any]]) -> list[Event]:
    """The ECR events of ``records``, oldest first, each once (by event id)."""
    seen: dict[str, Event] = {}
    loose: list[Event] = []
    for record in records:
        event = from_record(record)
        if event is None:
            continue
        if event.event_id:
            seen.setdefault(event.event_id, event)
        else:
            loose.append(event)
    return sorted([*seen.values(), *loose], key=lambda e: (e.time, e.event_id))


@dataclass(frozen=True)
class Reading:
    """What every answer built on :func:`collect` reads: the events of ``window`` from
    ``source`` as of ``now`` (the event history reaches 90 days before it), telling
    ``progress`` how far it is."""

    window: Window
    source: Source
    now: datetime
    progress: Progress | None = None


def collect(aws: Aws, reading: Reading) -> Collected:
    """Every ECR event of the reading's window from its source, oldest first."""
    window, source, progress = reading.window, reading.source, reading.progress
    if source.files:
        records, described, notes = from_files(aws, window, source, progress)
    else:
        records, described, notes = from_history(aws, window, reading.now, progress)
    events = [e for e in ordered(records) if window.holds(e.time)]
    return Collected(events, described, window, notes)


def changes_of(events: Iterable[Event]) -> Iterator[tuple[Event, list[Change]]]:
    """Each event (oldest first) with what it changed."""
    tracker = Tracker()
    for event in events:
        yield event, tracker.apply(event)


def find_events(aws: Aws, selector: Selector, reading: Reading) -> dict[str, Any]:
    """``ecrctl events``: the events ``selector`` asks for, newest first, as the
    JSON docs/output.md shows."""
    collected = collect(aws, reading)
    found = [Found(e, c) for e, c in changes_of(collected.events) if selector.matches(e, c)]
    found.reverse()
    return {**collected.about(), "events": [f.to_json() for f in found]}
