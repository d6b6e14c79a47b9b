"""Image-by-image differences between two previews (local vs AWS's, or the
current policy vs another one)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ecrctl.lifecycle.engine import Preview
from ecrctl.lifecycle.images import iso
from ecrctl.lifecycle.rules import KEEP


@dataclass(frozen=True)
class ImageOutcome:
    """An image's fate in a preview: EXPIRE, TRANSITION or KEEP, and the acting rule."""

    type: str
    rule: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "appliedRulePriority": self.rule}

    def __str__(self) -> str:
        return self.type.lower() if self.rule is None else f"{self.type.lower()} (rule {self.rule})"


KEPT = ImageOutcome("KEEP")


@dataclass(frozen=True)
class Row:
    digest: str
    tags: tuple[str, ...]
    pushed_at: str | None


def outcomes_of_preview(preview: Preview) -> dict[str, ImageOutcome]:
    """Every image of a local preview, kept ones included."""
    return {
        f.image.digest: KEPT
        if f.action == KEEP or f.rule is None
        else ImageOutcome(f.action.upper(), f.rule.priority)
        for f in preview.fates
    }


def outcomes_of_results(preview_json: Mapping[str, Any]) -> dict[str, ImageOutcome]:
    """The affected images of a GetLifecyclePolicyPreview-shaped document."""
    return {
        r["imageDigest"]: ImageOutcome(str(r["action"]["type"]), r.get("appliedRulePriority"))
        for r in preview_json.get("previewResults", [])
    }


def rows_of_preview(preview: Preview) -> list[Row]:
    return [Row(f.image.digest, f.image.tags, iso(f.image.pushed_at)) for f in preview.fates]


def rows_of_results(preview_json: Mapping[str, Any]) -> list[Row]:
    return [
        Row(r["imageDigest"], tuple(r.get("imageTags", [])), r.get("imagePushedAt"))
        for r in preview_json.get("previewResults", [])
    ]


def changes(
    rows: Iterable[Row],
    before: Mapping[str, ImageOutcome],
    after: Mapping[str, ImageOutcome],
    *,
    names: tuple[str, str] = ("before", "after"),
) -> list[dict[str, Any]]:
    """One entry per image whose outcome differs, in the order of ``rows`` (first seen wins)."""
    seen: set[str] = set()
    out = []
    for row in rows:
        if row.digest in seen:
            continue
        seen.add(row.digest)
        a = before.get(row.digest, KEPT)
        b = after.get(row.digest, KEPT)
        if a != b:
            out.append(
                {
                    "imageDigest": row.digest,
                    "imageTags": list(row.tags),
                    "imagePushedAt": row.pushed_at,
                    names[0]: a.to_json(),
                    names[1]: b.to_json(),
                }
            )
    return out
