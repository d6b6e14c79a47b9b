"""The time window of an events query: ``--since`` and ``--until`` as durations
(``90m``, ``12h``, ``7d``, ``2w``: that long before now) or ISO 8601 dates and times
(``2024-05-01``, ``2024-05-01T12:00``, ``2024-05-01T12:00:00Z``, with an offset or
without one, which means UTC). Pure: ``now`` is given."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ecrctl.errors import InvalidInput

DEFAULT_DAYS = 90  # CloudTrail's event history keeps 90 days
_DURATION = re.compile(r"(?P<count>\d{1,6})(?P<unit>[smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_FORMS = "a duration (30m, 12h, 7d, 2w) or an ISO date (2024-05-01, 2024-05-01T12:00:00Z)"


@dataclass(frozen=True)
class Window:
    """From ``since`` to ``until``, both aware UTC datetimes."""

    since: datetime
    until: datetime

    def holds(self, moment: datetime) -> bool:
        return self.since <= moment <= self.until

    def to_json(self) -> dict[str, str]:
        return {"since": cloudtrail_time(self.since), "until": cloudtrail_time(self.until)}


def cloudtrail_time(moment: datetime) -> str:
    """``2024-05-01T12:00:00Z``: CloudTrail's own form of a time."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_bound(text: str, now: datetime, *, option: str) -> datetime:
    """One ``--since``/``--until`` value as an aware UTC datetime."""
    value = text.strip()
    duration = _DURATION.fullmatch(value)
    if duration:
        span = timedelta(**{_UNITS[duration["unit"]]: int(duration["count"])})
        return now - span
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"invalid {option} {text!r}", hint=f"give {_FORMS}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def window(since: str | None, until: str | None, now: datetime) -> Window:
    """The window ``--since``/``--until`` name; by default the last 90 days up to ``now``."""
    start = (
        parse_bound(since, now, option="--since") if since else now - timedelta(days=DEFAULT_DAYS)
    )
    end = parse_bound(until, now, option="--until") if until else now
    if start > end:
        raise InvalidInput(
            f"--since {cloudtrail_time(start)} is after --until {cloudtrail_time(end)}",
            hint="give an earlier --since or a later --until",
        )
    return Window(start, end)
