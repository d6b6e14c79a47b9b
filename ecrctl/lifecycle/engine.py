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

The image graph (:class:`ecrctl.image.graph.Graph`, when given) ties images
together afterwards. A child of an index that is kept is kept, and an untagged
OCI referrer whose subject is kept is kept: a real GetLifecyclePolicyPreview was
seen not to expire an index's untagged children on their own (observed, not
documented). An untagged child (or referrer) whose indexes (subject) all go, goes
with them (assumed). Tagged cosign signatures are ordinary tagged images to ECR.

The rules are compiled by :mod:`ecrctl.lifecycle.rules`; which images a rule
selects by tags is :mod:`ecrctl.lifecycle.tagindex`. Cost: the images are
sorted newest first once per storage class, then each rule costs O(k log k)
for its k matching images.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ecrctl.lifecycle.images import ARCHIVE, Image, iso
from ecrctl.lifecycle.rules import DAY, EXPIRE, KEEP, TRANSITION, Rule, compile_rules
from ecrctl.lifecycle.tagindex import TagIndex, candidates

if TYPE_CHECKING:
    from ecrctl.image.graph import Graph

HELD = "held"  # kept: its index (or subject) is kept
WITH = "with"  # acted on with its indexes (or subject)

__all__ = [
    "DAY",
    "EXPIRE",
    "KEEP",
    "TRANSITION",
    "Fate",
    "Preview",
    "Rule",
    "ago",
    "compile_rules",
    "preview",
]


@dataclass(slots=True)
class Fate:
    """What the policy does to one image, and why."""

    image: Image
    action: str = KEEP
    rule: Rule | None = None  # the first rule whose tag requirements the image matches
    rank: int = 0  # 1-based position among that rule's images, newest first
    of: int = 0  # how many images that rule selects by tags
    protected_from: Rule | None = None  # a later rule that would have acted on it
    tie: tuple[str, str, str] | None = None  # (HELD or WITH, "index" or "subject", digest)

    def reason(self, now: float) -> str:
        rule = self.rule
        if self.tie is not None:
            return _tied(self, self.tie)
        if rule is None:
            return "kept: no rule selects it"
        why = _why(self, rule, now)
        if self.action != KEEP:
            return f"{rule.label}: {why}"
        if self.protected_from is not None:
            return f"kept: matches {rule.name}'s tags, protected from {self.protected_from.name}"
        return f"kept: {rule.label}: {why}"


def _tied(fate: Fate, tie: tuple[str, str, str]) -> str:
    kind, what, digest = tie
    short = digest[:19]
    if kind == HELD and what == "index":
        return f"kept: a child of index {short}, which is kept (ECR keeps an index's children)"
    if kind == HELD:
        return f"kept: refers to {short}, which is kept (a referrer stays with its subject)"
    label = fate.rule.label if fate.rule else "its rule"
    return f"{label}: goes with its {what} {short}"


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


class Preview:
    """The fate of every image of a preview.

    Kept as parallel lists indexed like ``images`` (cheap for 100,000 images);
    :attr:`fates` builds the per-image objects, oldest first, when asked.
    """

    def __init__(self, now: float, rules: list[Rule], images: list[Image]) -> None:
        n = len(images)
        self.now = now
        self.rules = rules
        self.images = images
        self.action: list[str] = [KEEP] * n
        self.rule: list[Rule | None] = [None] * n
        self.rank: list[int] = [0] * n
        self.of: list[int] = [0] * n
        self.protected_from: list[Rule | None] = [None] * n
        self.tie: list[tuple[str, str, str] | None] = [None] * n
        # oldest first, ties by digest
        pushed = [image.pushed_at for image in images]
        if len(set(pushed)) == n:
            order = sorted(range(n), key=pushed.__getitem__)
        else:
            order = sorted(range(n), key=[image.digest for image in images].__getitem__)
            order.sort(key=pushed.__getitem__)
        self.order = order

    def fate(self, i: int) -> Fate:
        return Fate(
            self.images[i],
            self.action[i],
            self.rule[i],
            self.rank[i],
            self.of[i],
            self.protected_from[i],
            self.tie[i],
        )

    @property
    def fates(self) -> list[Fate]:
        return [self.fate(i) for i in self.order]

    def affected(self) -> list[Fate]:
        action = self.action
        return [self.fate(i) for i in self.order if action[i] != KEEP]

    def acted_on(self) -> Iterator[tuple[Image, str, Rule]]:
        """Each image the policy expires or transitions, with that action and the
        rule that chose it, oldest first (no per-image objects built)."""
        images, actions, rules = self.images, self.action, self.rule
        for i in self.order:
            kind = actions[i]
            if kind != KEEP:
                rule = rules[i]
                assert rule is not None
                yield images[i], kind, rule

    def counts(self) -> dict[str, int]:
        counts = {EXPIRE: 0, TRANSITION: 0, KEEP: 0}
        for action in self.action:
            counts[action] += 1
        return counts

    def to_json(self) -> dict[str, Any]:
        """The shape of GetLifecyclePolicyPreview's response: affected images, oldest first."""
        results = []
        for image, kind, rule in self.acted_on():
            action: dict[str, str] = {"type": kind.upper()}
            if kind == TRANSITION:
                action["targetStorageClass"] = str(rule.target_storage_class).upper()
            entry: dict[str, Any] = {
                "imageTags": list(image.tags),
                "imageDigest": image.digest,
                "imagePushedAt": iso(image.pushed_at),
                "action": action,
                "appliedRulePriority": rule.priority,
            }
            if image.storage_class == ARCHIVE:
                entry["storageClass"] = "ARCHIVE"
            results.append(entry)
        return {"previewResults": results, "summary": self.to_json_summary()}

    def to_json_summary(self) -> dict[str, Any]:
        counts = self.counts()
        summary: dict[str, Any] = {"expiringImageTotalCount": counts[EXPIRE]}
        if counts[TRANSITION]:
            summary["transitioningImageTotalCounts"] = [
                {"targetStorageClass": "ARCHIVE", "imageTotalCount": counts[TRANSITION]}
            ]
        return summary


def preview(
    policy: Mapping[str, Any], images: Iterable[Image], now: float, graph: Graph | None = None
) -> Preview:
    """Apply a validated ``policy`` to ``images`` at time ``now`` (epoch seconds), then
    tie the images of ``graph`` together (see the module's docstring)."""
    rules = compile_rules(policy)
    listed = list(images)
    result = Preview(now, rules, listed)
    # newest first; ties keep the digest order of ``result.order`` (a stable sort)
    newest_first = sorted(result.order, key=[-image.pushed_at for image in listed].__getitem__)
    classes = {image.storage_class for image in listed}
    for storage_class in sorted(classes):
        ordered = (
            newest_first
            if len(classes) == 1
            else [i for i in newest_first if listed[i].storage_class == storage_class]
        )
        class_rules = [r for r in rules if r.storage_class == storage_class]
        if class_rules:
            _evaluate(class_rules, listed, ordered, result, now)
    if graph is not None and (graph.children or graph.subjects):
        _tie(result, graph)
    return result


def _tie(result: Preview, graph: Graph) -> None:
    """Children and untagged referrers: kept while what holds them is kept, acted on
    with it when all of it goes. Repeated for indexes inside indexes."""
    where = {image.digest: i for i, image in enumerate(result.images)}
    for _ in range(8):
        changed = False
        for i, image in enumerate(result.images):
            parents = [where[p] for p in graph.parents(image.digest) if p in where]
            subject = graph.subjects.get(image.digest)
            what = "index"
            if not parents and subject in where and not image.tags:
                parents, what = [where[str(subject)]], "subject"
            if parents:
                changed |= _tie_one(result, i, parents, what)
        if not changed:
            return


def _tie_one(result: Preview, i: int, holders: list[int], what: str) -> bool:
    actions = result.action
    kept = [h for h in holders if actions[h] == KEEP]
    if kept:
        tie = (HELD, what, result.images[kept[0]].digest)
        if actions[i] == KEEP and result.tie[i] == tie:
            return False
        actions[i], result.tie[i] = KEEP, tie
        return True
    current = result.tie[i]
    if result.images[i].tags or (current is not None and current[0] == WITH):
        return False
    if actions[i] != KEEP and current is None:  # its own rule acts on it
        return False
    first = holders[0]
    actions[i], result.rule[i] = actions[first], result.rule[first]
    result.tie[i] = (WITH, what, result.images[first].digest)
    return True


def _selected(rule: Rule, images: Sequence[Image], candidates: list[int], now: float) -> list[bool]:
    """For each candidate (newest first): does the rule's count act on it?"""
    total = len(candidates)
    threshold = now - rule.count_number * DAY
    count_type = rule.count_type
    if count_type == "imageCountMoreThan":
        kept = min(rule.count_number, total)
        return [False] * kept + [True] * (total - kept)
    if count_type == "sinceImagePushed":
        return [images[i].pushed_at < threshold for i in candidates]
    if count_type == "sinceImagePulled":
        return [
            (image.pushed_at if image.last_pulled_at is None else image.last_pulled_at) < threshold
            for image in (images[i] for i in candidates)
        ]
    return [
        image.archived_at is not None and image.archived_at < threshold
        for image in (images[i] for i in candidates)
    ]


def _evaluate(
    rules: Sequence[Rule],
    images: Sequence[Image],
    ordered: list[int],
    result: Preview,
    now: float,
) -> None:
    tagged = any(r.tag_status == "tagged" for r in rules)
    index = TagIndex(images, ordered) if tagged else None
    actions, owners, ranks, totals = result.action, result.rule, result.rank, result.of
    protected = result.protected_from
    for rule in rules:
        chosen = candidates(rule, images, ordered, index)
        total = len(chosen)
        selected = _selected(rule, images, chosen, now)
        act = rule.action
        for rank, (i, hit) in enumerate(zip(chosen, selected, strict=True), start=1):
            if owners[i] is None:
                owners[i] = rule
                ranks[i] = rank
                totals[i] = total
                if hit:
                    actions[i] = act
            elif hit and protected[i] is None and actions[i] == KEEP:
                protected[i] = rule
