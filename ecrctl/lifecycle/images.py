"""Images as the lifecycle engine sees them, loaded from DescribeImages
results or from the JSON that ``aws ecr describe-images`` prints.

Times are kept as float epoch seconds (UTC): comparisons are cheap and a
100,000-image repository loads in a fraction of a second.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from ecrctl import jsonstrict
from ecrctl.errors import InvalidInput

STANDARD = "standard"
ARCHIVE = "archive"


class Image(NamedTuple):
    """One image: what lifecycle rules look at (a tuple: 100,000 of them load fast)."""

    digest: str
    tags: tuple[str, ...]
    pushed_at: float
    last_pulled_at: float | None = None
    archived_at: float | None = None
    storage_class: str = STANDARD

    @property
    def short_digest(self) -> str:
        """``sha256:`` and the first 12 hex digits: the short form every table uses."""
        return self.digest[:19] if self.digest.startswith("sha256:") else self.digest


def parse_time(value: Any, where: str) -> float:
    """Epoch seconds from a datetime, epoch seconds (number or string) or ISO 8601."""
    kind = type(value)
    if kind is float or kind is int:
        return float(value)
    if kind is str:
        text = value.strip()
        try:
            if "-" in text[1:] or ":" in text or "T" in text:
                parsed = datetime.fromisoformat(text)
                if parsed.tzinfo is None:
                    parsed = parsed.replace(tzinfo=UTC)
                stamp: float = parsed.timestamp()
                return stamp
            return float(text)
        except ValueError:
            pass
    elif isinstance(value, datetime):
        moment: datetime = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.timestamp()
    raise InvalidInput(f"{where}: {value!r} is not a time", hint=_TIME_HINT)


_TIME_HINT = "give ISO 8601 (2024-05-01T12:00:00Z) or epoch seconds"


_DATES: dict[int, str] = {}


def iso(epoch: float) -> str:
    """ISO 8601 in UTC: the text of ``datetime.fromtimestamp(epoch, UTC).isoformat()``.

    Computed by hand (dates cached per day): previews print up to 100,000 of these.
    """
    frac, whole = math.modf(epoch)
    micro = round(frac * 1e6)
    seconds = int(whole)
    if micro >= 1_000_000:
        seconds, micro = seconds + 1, micro - 1_000_000
    elif micro < 0:
        seconds, micro = seconds - 1, micro + 1_000_000
    day, rest = divmod(seconds, 86_400)
    date = _DATES.get(day)
    if date is None:
        date = _DATES[day] = (_EPOCH + timedelta(days=day)).strftime("%Y-%m-%dT")
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if micro:
        return f"{date}{hours:02d}:{minutes:02d}:{secs:02d}.{micro:06d}+00:00"
    return f"{date}{hours:02d}:{minutes:02d}:{secs:02d}+00:00"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def from_details(
    details: Iterable[Mapping[str, Any]], *, source: str = "imageDetails"
) -> list[Image]:
    """Images from DescribeImages ``imageDetails`` entries (API or CLI JSON)."""
    images: list[Image] = []
    seen: dict[str, int] = {}
    append = images.append
    for index, detail in enumerate(details):
        if type(detail) is not dict and not isinstance(detail, Mapping):
            raise InvalidInput(
                f"{source}[{index}]: expected an object, got {type(detail).__name__}"
            )
        digest = detail.get("imageDigest")
        if type(digest) is not str or not digest:
            raise InvalidInput(
                f"{source}[{index}].imageDigest: missing", hint="every image needs its digest"
            )
        if seen.setdefault(digest, index) != index:
            raise InvalidInput(
                f"{source}[{index}].imageDigest: {digest} is also {source}[{seen[digest]}]",
                hint="list every image once",
            )
        tags = detail.get("imageTags") or ()
        if type(tags) is not list and type(tags) is not tuple:
            raise InvalidInput(f"{source}[{index}].imageTags: expected a list of strings")
        try:
            "".join(tags)  # fails unless every tag is a string
        except TypeError:
            raise InvalidInput(f"{source}[{index}].imageTags: expected a list of strings") from None
        pushed = detail.get("imagePushedAt")
        if pushed is None:
            raise InvalidInput(f"{source}[{index}].imagePushedAt: missing", hint=_TIME_HINT)
        pulled = detail.get("lastRecordedPullTime")
        archived = detail.get("lastArchivedAt")
        append(
            Image(
                digest,
                tuple(tags),
                parse_time(pushed, f"{source}[{index}].imagePushedAt"),
                None
                if pulled is None
                else parse_time(pulled, f"{source}[{index}].lastRecordedPullTime"),
                None
                if archived is None
                else parse_time(archived, f"{source}[{index}].lastArchivedAt"),
                ARCHIVE if detail.get("imageStatus") == "ARCHIVED" else STANDARD,
            )
        )
    return images


def load_images_json(text: str, *, name: str = "images file") -> list[Image]:
    """Images from ``{"imageDetails": [...]}`` (the output of ``aws ecr describe-images``)."""
    try:
        document = jsonstrict.loads(text, max_int=2**63 - 1)
    except jsonstrict.JsonProblem as exc:
        raise InvalidInput(f"{name} is not valid JSON ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("imageDetails"), list):
        raise InvalidInput(
            f'{name} has no "imageDetails" list',
            hint="save it with: aws ecr describe-images --repository-name REPO > images.json",
        )
    return from_details(document["imageDetails"])
