"""Images as the lifecycle engine sees them, loaded from DescribeImages
results or from the JSON that ``aws ecr describe-images`` prints.

Times are kept as float epoch seconds (UTC): comparisons are cheap and a
100,000-image repository loads in a fraction of a second.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ecrctl.errors import InvalidInput

STANDARD = "standard"
ARCHIVE = "archive"


@dataclass(frozen=True, slots=True)
class Image:
    """One image: what lifecycle rules look at."""

    digest: str
    tags: tuple[str, ...]
    pushed_at: float
    last_pulled_at: float | None = None
    archived_at: float | None = None
    storage_class: str = STANDARD

    @property
    def short_digest(self) -> str:
        return self.digest.split(":", 1)[-1][:12]


def parse_time(value: Any, where: str) -> float:
    """Epoch seconds from a datetime, epoch seconds (number or string) or ISO 8601."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        stamp: float = value.timestamp()
        return stamp
    if isinstance(value, bool):
        raise InvalidInput(f"{where}: {value!r} is not a time", hint=_TIME_HINT)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return float(text)
        except ValueError:
            pass
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidInput(f"{where}: {value!r} is not a time", hint=_TIME_HINT) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.timestamp()
    raise InvalidInput(f"{where}: {value!r} is not a time", hint=_TIME_HINT)


_TIME_HINT = "give ISO 8601 (2024-05-01T12:00:00Z) or epoch seconds"


def iso(epoch: float) -> str:
    """ISO 8601 in UTC, as ecrctl prints times in JSON."""
    return datetime.fromtimestamp(epoch, UTC).isoformat()


def from_details(
    details: Iterable[Mapping[str, Any]], *, source: str = "imageDetails"
) -> list[Image]:
    """Images from DescribeImages ``imageDetails`` entries (API or CLI JSON)."""
    images: list[Image] = []
    seen: dict[str, int] = {}
    for index, detail in enumerate(details):
        where = f"{source}[{index}]"
        if not isinstance(detail, Mapping):
            raise InvalidInput(f"{where}: expected an object, got {type(detail).__name__}")
        digest = detail.get("imageDigest")
        if not isinstance(digest, str) or not digest:
            raise InvalidInput(f"{where}.imageDigest: missing", hint="every image needs its digest")
        if digest in seen:
            raise InvalidInput(
                f"{where}.imageDigest: {digest} is also {source}[{seen[digest]}]",
                hint="list every image once",
            )
        seen[digest] = index
        tags = detail.get("imageTags") or ()
        if not isinstance(tags, list | tuple) or not all(isinstance(t, str) for t in tags):
            raise InvalidInput(f"{where}.imageTags: expected a list of strings")
        if "imagePushedAt" not in detail:
            raise InvalidInput(f"{where}.imagePushedAt: missing", hint=_TIME_HINT)
        pushed = parse_time(detail["imagePushedAt"], f"{where}.imagePushedAt")
        pulled = detail.get("lastRecordedPullTime")
        archived = detail.get("lastArchivedAt")
        status = detail.get("imageStatus")
        images.append(
            Image(
                digest,
                tuple(tags),
                pushed,
                None if pulled is None else parse_time(pulled, f"{where}.lastRecordedPullTime"),
                None if archived is None else parse_time(archived, f"{where}.lastArchivedAt"),
                ARCHIVE if status == "ARCHIVED" else STANDARD,
            )
        )
    return images


def load_images_json(text: str, *, name: str = "images file") -> list[Image]:
    """Images from ``{"imageDetails": [...]}`` (the output of ``aws ecr describe-images``)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("imageDetails"), list):
        raise InvalidInput(
            f'{name} has no "imageDetails" list',
            hint="save it with: aws ecr describe-images --repository-name REPO > images.json",
        )
    return from_details(document["imageDetails"])
