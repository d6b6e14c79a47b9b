"""The offline lifecycle preview: ECR's evaluation rules as a pure function of
(policy, images, now).

The rules, as the user guide states them:

* rules apply in ascending ``rulePriority``, each to the images of its
  storage class (``standard`` unless the rule says ``archive``);
* an image is expired (or transitioned) by at most one rule;
* an image that matches the tag requirements of a rule is never acted on by a
  lower-priority rule, but lower-priority rules still count it;
* a tagged rule selects an image when EVERY entry of its ``tagPrefixList``
  (prefix) or ``tagPatternList`` (``*`` = any run of characters, whole-tag
  match) matches at least one of the image's tags;
* ``imageCountMoreThan`` sorts the rule's images newest first by push time and
  acts on every image past ``countNumber``; the age types act on images whose
  time is more than ``countNumber`` days before ``now``.

Together these mean an image's fate is decided by the FIRST rule (of its
storage class) whose tag requirements it matches; that rule's count still
includes images claimed earlier.

Cost: the images are sorted newest first once per storage class; tags are
sorted once so that a prefix (or a pattern's literal head) is a binary-search
range. Each rule then costs O(k log k) for its k matching images.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ecrctl.lifecycle.images import ARCHIVE, STANDARD, Image, iso

DAY = 86_400.0

EXPIRE = "expire"
TRANSITION = "transition"
KEEP = "keep"


@dataclass(frozen=True, slots=True)
class Rule:
    priority: int
    description: str
    tag_status: str
    prefixes: tuple[str, ...]
    patterns: tuple[str, ...]
    storage_class: str
    count_type: str
    count_number: int
    action: str
    target_storage_class: str | None

    @property
    def name(self) -> str:
        return f"rule {self.priority}"

    @property
    def label(self) -> str:
        return f"{self.name} ({self.description})" if self.description else self.name


def compile_rules(policy: Mapping[str, Any]) -> list[Rule]:
    """The rules of a (validated) policy document, in ascending priority."""
    rules = []
    for raw in policy["rules"]:
        sel = raw["selection"]
        action = raw["action"]
        rules.append(
            Rule(
                priority=int(raw["rulePriority"]),
                description=str(raw.get("description") or ""),
                tag_status=sel["tagStatus"],
                prefixes=tuple(sel.get("tagPrefixList") or ()),
                patterns=tuple(sel.get("tagPatternList") or ()),
                storage_class=sel.get("storageClass", STANDARD),
                count_type=sel["countType"],
                count_number=int(sel["countNumber"]),
                action=action["type"],
                target_storage_class=action.get("targetStorageClass"),
            )
        )
    return sorted(rules, key=lambda r: r.priority)


@dataclass(slots=True)
class Fate:
    """What the policy does to one image, and why."""

    image: Image
    action: str = KEEP
    rule: Rule | None = None  # the first rule whose tag requirements the image matches
    rank: int = 0  # 1-based position among that rule's images, newest first
    of: int = 0  # how many images that rule selects by tags
    protected_from: Rule | None = None  # a later rule that would have acted on it

    def reason(self, now: float) -> str:
        rule = self.rule
        if rule is None:
            return "kept: no rule selects it"
        why = _why(self, rule, now)
        if self.action != KEEP:
            return f"{rule.label}: {why}"
        if self.protected_from is not None:
            return f"kept: matches {rule.name}'s tags, protected from {self.protected_from.name}"
        return f"kept: {rule.label}: {why}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ago(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds >= DAY:
        days = int(seconds // DAY)
        return f"{days} day{'s' if days != 1 else ''} ago"
    hours = int(seconds // 3600)
    if hours:
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    minutes = int(seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''} ago"


def _why(fate: Fate, rule: Rule, now: float) -> str:
    n = rule.count_number
    days = f"{n} day{'s' if n != 1 else ''}"
    image = fate.image
    acted = fate.action != KEEP
    if rule.count_type == "imageCountMoreThan":
        return f"{_ordinal(fate.rank)} newest of {fate.of}, keeps {n}"
    if rule.count_type == "sinceImagePushed":
        state = "older than" if acted else "not older than"
        return f"{state} {days} (pushed {ago(now - image.pushed_at)})"
    if rule.count_type == "sinceImagePulled":
        state = "not pulled for more than" if acted else "pulled within"
        if image.last_pulled_at is None:
            return f"{state} {days} (never pulled; pushed {ago(now - image.pushed_at)})"
        return f"{state} {days} (last pulled {ago(now - image.last_pulled_at)})"
    if image.archived_at is None:
        return "no archive time recorded"
    state = "archived more than" if acted else "archived within"
    return f"{state} {days} ago (archived {ago(now - image.archived_at)})"


@dataclass
class Preview:
    """The fate of every image; ``fates`` is in push order, oldest first."""

    now: float
    rules: list[Rule]
    fates: list[Fate] = field(default_factory=list)

    def affected(self) -> list[Fate]:
        return [f for f in self.fates if f.action != KEEP]

    def counts(self) -> dict[str, int]:
        counts = {EXPIRE: 0, TRANSITION: 0, KEEP: 0}
        for fate in self.fates:
            counts[fate.action] += 1
        return counts

    def to_json(self) -> dict[str, Any]:
        """The shape of GetLifecyclePolicyPreview's response: affected images, oldest first."""
        results = []
        transitioning = 0
        for fate in self.fates:
            if fate.action == KEEP:
                continue
            assert fate.rule is not None
            action: dict[str, str] = {"type": fate.action.upper()}
            if fate.action == TRANSITION:
                transitioning += 1
                action["targetStorageClass"] = str(fate.rule.target_storage_class).upper()
            entry: dict[str, Any] = {
                "imageTags": list(fate.image.tags),
                "imageDigest": fate.image.digest,
                "imagePushedAt": iso(fate.image.pushed_at),
                "action": action,
                "appliedRulePriority": fate.rule.priority,
            }
            if fate.image.storage_class == ARCHIVE:
                entry["storageClass"] = "ARCHIVE"
            results.append(entry)
        summary: dict[str, Any] = {"expiringImageTotalCount": len(results) - transitioning}
        if transitioning:
            summary["transitioningImageTotalCounts"] = [
                {"targetStorageClass": "ARCHIVE", "imageTotalCount": transitioning}
            ]
        return {"previewResults": results, "summary": summary}


def preview(policy: Mapping[str, Any], images: Iterable[Image], now: float) -> Preview:
    """Apply a validated ``policy`` to ``images`` at time ``now`` (epoch seconds)."""
    rules = compile_rules(policy)
    result = Preview(now, rules)
    by_class: dict[str, list[Image]] = {}
    for image in images:
        by_class.setdefault(image.storage_class, []).append(image)
    for storage_class, members in by_class.items():
        ordered = sorted(members, key=_newest_first)
        fates = [Fate(image) for image in ordered]
        _evaluate([r for r in rules if r.storage_class == storage_class], ordered, fates, now)
        result.fates.extend(fates)
    result.fates.sort(key=lambda f: (f.image.pushed_at, f.image.digest))
    return result


def _newest_first(image: Image) -> tuple[float, str]:
    return (-image.pushed_at, image.digest)


class _TagIndex:
    """Every (tag, image position) pair, sorted by tag, for range lookups."""

    def __init__(self, ordered: Sequence[Image]) -> None:
        pairs = sorted((tag, pos) for pos, image in enumerate(ordered) for tag in image.tags)
        self.tags = [tag for tag, _ in pairs]
        self.positions = [pos for _, pos in pairs]
        self._cache: dict[tuple[bool, str], set[int]] = {}

    def _range(self, prefix: str) -> tuple[int, int]:
        if not prefix:
            return 0, len(self.tags)
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return bisect_left(self.tags, prefix), bisect_left(self.tags, upper)

    def prefix(self, prefix: str) -> set[int]:
        key = (False, prefix)
        if key not in self._cache:
            lo, hi = self._range(prefix)
            self._cache[key] = set(self.positions[lo:hi])
        return self._cache[key]

    def pattern(self, pattern: str) -> set[int]:
        key = (True, pattern)
        if key not in self._cache:
            head = pattern.split("*", 1)[0]
            lo, hi = self._range(head)
            if "*" not in pattern:
                lo, hi = bisect_left(self.tags, pattern), bisect_right(self.tags, pattern)
                found = set(self.positions[lo:hi])
            else:
                regex = re.compile(".*".join(re.escape(p) for p in pattern.split("*")), re.DOTALL)
                match = regex.fullmatch
                tags, positions = self.tags, self.positions
                found = {positions[i] for i in range(lo, hi) if match(tags[i])}
            self._cache[key] = found
        return self._cache[key]


def _candidates(rule: Rule, ordered: Sequence[Image], index: _TagIndex | None) -> list[int]:
    """Positions (newest first) of the images the rule selects by their tags."""
    if rule.tag_status == "any":
        return list(range(len(ordered)))
    if rule.tag_status == "untagged":
        return [pos for pos, image in enumerate(ordered) if not image.tags]
    assert index is not None
    sets = [index.prefix(p) for p in rule.prefixes] or [index.pattern(p) for p in rule.patterns]
    sets.sort(key=len)
    found = set(sets[0])
    for other in sets[1:]:
        found &= other
    return sorted(found)


def _evaluate(
    rules: Sequence[Rule], ordered: Sequence[Image], fates: list[Fate], now: float
) -> None:
    index = _TagIndex(ordered) if any(r.tag_status == "tagged" for r in rules) else None
    for rule in rules:
        candidates = _candidates(rule, ordered, index)
        total = len(candidates)
        threshold = now - rule.count_number * DAY
        count_type = rule.count_type
        if count_type == "imageCountMoreThan":
            cut = rule.count_number
        elif count_type == "sinceImagePushed":
            # newest first: the images pushed before the threshold are a suffix
            cut = bisect_right(candidates, -threshold, key=lambda p: -ordered[p].pushed_at)
        else:
            cut = -1
        for rank, pos in enumerate(candidates):
            if cut >= 0:
                selected = rank >= cut
            elif count_type == "sinceImagePulled":
                image = ordered[pos]
                last = image.last_pulled_at
                selected = (image.pushed_at if last is None else last) < threshold
            else:
                archived = ordered[pos].archived_at
                selected = archived is not None and archived < threshold
            fate = fates[pos]
            if fate.rule is None:
                fate.rule = rule
                fate.rank = rank + 1
                fate.of = total
                if selected:
                    fate.action = rule.action
            elif selected and fate.action == KEEP and fate.protected_from is None:
                fate.protected_from = rule
