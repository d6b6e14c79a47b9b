"""Which images a rule selects by their tags: ``tagStatus`` any / untagged, or
every entry of ``tagPrefixList`` / ``tagPatternList`` matching some tag.

The distinct tags are sorted once per storage class, so that a prefix (or a
pattern's literal head) is a binary-search range; each rule then costs
O(k log k) for its k matching images.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

from ecrctl.lifecycle.images import Image
from ecrctl.lifecycle.rules import Rule


class TagIndex:
    """The distinct tags, sorted, each with the positions of the images carrying it.

    A tag names one image of a repository, so the map is usually tag -> one
    position; a hand-made images file may repeat a tag, then tag -> tuple.
    """

    def __init__(self, images: Sequence[Image], ordered: Sequence[int]) -> None:
        # Built in input order (memory order), then mapped to newest-first positions.
        position = dict(zip(ordered, range(len(ordered)), strict=True))
        members = sorted(ordered) if len(ordered) != len(images) else range(len(images))
        owner: dict[str, Any] = {tag: i for i in members for tag in images[i].tags}
        self.shared = sum(len(images[i].tags) for i in members) != len(owner)
        if self.shared:
            owner = {}
            for i in members:
                for tag in images[i].tags:
                    owner[tag] = (*owner.get(tag, ()), i)
        self.owner = owner
        self.position = position
        self.tags = sorted(owner)
        self._cache: dict[tuple[bool, str], set[int]] = {}

    def _positions(self, tags: Iterable[str]) -> set[int]:
        found = map(self.owner.__getitem__, tags)
        indexes = chain.from_iterable(found) if self.shared else found
        return set(map(self.position.__getitem__, indexes))

    def _range(self, prefix: str) -> tuple[int, int]:
        if not prefix:
            return 0, len(self.tags)
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return bisect_left(self.tags, prefix), bisect_left(self.tags, upper)

    def prefix(self, prefix: str) -> set[int]:
        key = (False, prefix)
        if key not in self._cache:
            lo, hi = self._range(prefix)
            self._cache[key] = self._positions(self.tags[lo:hi])
        return self._cache[key]

    def pattern(self, pattern: str) -> set[int]:
        key = (True, pattern)
        if key not in self._cache:
            if "*" not in pattern:
                found = self._positions([pattern] if pattern in self.owner else [])
            else:
                lo, hi = self._range(pattern.split("*", 1)[0])
                regex = re.compile(".*".join(re.escape(p) for p in pattern.split("*")), re.DOTALL)
                found = self._positions(filter(regex.fullmatch, self.tags[lo:hi]))
            self._cache[key] = found
        return self._cache[key]


def candidates(
    rule: Rule, images: Sequence[Image], ordered: list[int], index: TagIndex | None
) -> list[int]:
    """The images the rule selects by their tags, newest first."""
    if rule.tag_status == "any":
        return ordered
    if rule.tag_status == "untagged":
        return [i for i in ordered if not images[i].tags]
    assert index is not None
    sets = [index.prefix(p) for p in rule.prefixes] or [index.pattern(p) for p in rule.patterns]
    sets.sort(key=len)
    found = set(sets[0])
    for other in sets[1:]:
        found &= other
    return [ordered[pos] for pos in sorted(found)]
