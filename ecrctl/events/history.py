"""A tag's history: when ``REPO:TAG`` pointed at which digest, reconstructed from
the PutImage events that set it (``requestParameters.imageTag`` and the digest of
``responseElements.image.imageId``, else of the request's manifest) and the
BatchDeleteImage and DeleteRepository events that removed it.

Each period says how it began: ``retag`` when an earlier event of the window put the
digest in the repository, ``push`` when none did (a retag of an image older than the
window reads as a push), and how it ended (``null`` while the tag still points there,
as far as the window shows).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ecrctl.events.changes import Change, Tracker
from ecrctl.events.model import Event, put_image_digest
from ecrctl.events.query import Reading, collect
from ecrctl.events.window import cloudtrail_time

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws

_ENDINGS = {"tag-deleted", "image-deleted", "repository-deleted"}


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end`` (``None``: still), ``tag`` pointed at ``digest``."""

    digest: str | None
    start: datetime
    how: str
    event: Event
    end: datetime | None = None
    ended_by: str | None = None
    ending: Event | None = None

    def to_json(self) -> dict[str, Any]:
        ending = self.ending
        return {
            "imageDigest": self.digest,
            "from": cloudtrail_time(self.start),
            "to": cloudtrail_time(self.end) if self.end else None,
            "how": self.how,
            "principal": self.event.principal,
            "eventId": self.event.event_id,
            "endedBy": self.ended_by,
            "endedByPrincipal": ending.principal if ending else None,
            "endedByEventId": ending.event_id if ending else None,
        }


def _ending(changes: list[Change], tag: str) -> str | None:
    for change in changes:
        if change.action == "repository-deleted":
            return change.action
        if change.action in _ENDINGS and change.tag == tag:
            return change.action
    return None


def _elsewhere(event: Event, registry_id: str | None) -> bool:
    return bool(registry_id and event.registry_id and event.registry_id != registry_id)


def tag_history(
    events: list[Event], repository: str, tag: str, *, registry_id: str | None = None
) -> list[Period]:
    """The periods of ``repository:tag`` that ``events`` (oldest first) show, newest
    first."""
    tracker = Tracker()
    periods: list[Period] = []
    for event in events:
        digest = put_image_digest(event) if event.name == "PutImage" else None
        seen = digest is not None and tracker.known(event, digest)
        changes = tracker.apply(event)
        if event.repository != repository or _elsewhere(event, registry_id):
            continue
        current = periods[-1] if periods and periods[-1].end is None else None
        ended = _ending(changes, tag)
        if ended and current is not None:
            periods[-1] = replace(current, end=event.time, ended_by=ended, ending=event)
            continue
        put = next((c for c in changes if c.tag == tag and c.action.startswith("tag-")), None)
        if put is None or put.action == "tag-deleted":
            continue
        if current is not None and current.digest == put.digest:
            continue  # put again where it already pointed: nothing moved
        if current is not None:
            periods[-1] = replace(current, end=event.time, ended_by="moved", ending=event)
        periods.append(Period(put.digest, event.time, "retag" if seen else "push", event))
    periods.reverse()
    return periods


def image_history(aws: Aws, repository: str, tag: str, reading: Reading) -> dict[str, Any]:
    """``ecrctl image history REPO:TAG``, as the JSON docs/output.md shows."""
    collected = collect(aws, reading)
    periods = tag_history(collected.events, repository, tag, registry_id=aws.registry_id)
    return {
        "repositoryName": repository,
        "imageTag": tag,
        **collected.about(),
        "history": [p.to_json() for p in periods],
    }
