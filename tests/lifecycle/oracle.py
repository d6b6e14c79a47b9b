"""A deliberately naive lifecycle evaluator, written straight from the user
guide's evaluation rules with no indexing or sorting tricks: the reference
the fast engine is checked against in property tests."""

from __future__ import annotations

import re
from typing import Any

from ecrctl.lifecycle.images import Image

DAY = 86_400.0


def _tag_match(selection: dict[str, Any], tags: tuple[str, ...]) -> bool:
    status = selection["tagStatus"]
    if status == "any":
        return True
    if status == "untagged":
        return not tags
    if not tags:
        return False
    if "tagPrefixList" in selection:
        return all(any(t.startswith(p) for t in tags) for p in selection["tagPrefixList"])
    patterns = [
        re.compile("^" + ".*".join(re.escape(x) for x in p.split("*")) + "$", re.S)
        for p in selection["tagPatternList"]
    ]
    return all(any(rx.match(t) for t in tags) for rx in patterns)


def evaluate(policy: dict[str, Any], images: list[Image], now: float) -> dict[str, tuple[str, int]]:
    """digest -> (action, rule priority) for every image some rule acts on."""
    marked: dict[str, tuple[str, int]] = {}
    rules = sorted(policy["rules"], key=lambda r: r["rulePriority"])
    for storage in {"standard", "archive"}:
        pool = [i for i in images if i.storage_class == storage]
        matched_before: set[str] = set()
        for rule in rules:
            sel = rule["selection"]
            if sel.get("storageClass", "standard") != storage:
                continue
            chosen = [i for i in pool if _tag_match(sel, i.tags)]
            chosen.sort(key=lambda i: (-i.pushed_at, i.digest))
            limit = now - sel["countNumber"] * DAY
            for rank, image in enumerate(chosen):
                kind = sel["countType"]
                if kind == "imageCountMoreThan":
                    hit = rank >= sel["countNumber"]
                elif kind == "sinceImagePushed":
                    hit = image.pushed_at < limit
                elif kind == "sinceImagePulled":
                    last = image.last_pulled_at
                    hit = (image.pushed_at if last is None else last) < limit
                else:
                    hit = image.archived_at is not None and image.archived_at < limit
                if hit and image.digest not in marked and image.digest not in matched_before:
                    marked[image.digest] = (rule["action"]["type"], rule["rulePriority"])
            matched_before.update(i.digest for i in chosen)
    return marked
