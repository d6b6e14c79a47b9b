"""Selecting images by their tags: prefixes and patterns through the sorted tag index,
shared tags, and the order of what a rule selects."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.lifecycle.images import Image
from ecrctl.lifecycle.rules import compile_rules
from ecrctl.lifecycle.tagindex import TagIndex, candidates
from tests.lifecycle.guide import image, rule

# newest first: the engine orders images by push time, newest at position 0
IMAGES = [
    image("old", ["prod", "v1"], 30),
    image("mid", ["prod-2", "v2-rc"], 20),
    image("new", ["production", "v3"], 10),
    image("bare", [], 5),
    image("odd", ["xprod", "v\n4"], 1),
]
NAMES = ["old", "mid", "new", "bare", "odd"]
ORDERED = [4, 3, 2, 1, 0]  # positions of IMAGES, newest first


@pytest.fixture
def index() -> TagIndex:
    return TagIndex(IMAGES, ORDERED)


@pytest.mark.parametrize(
    ("prefix", "positions"),
    [("prod", {2, 3, 4}), ("prod-", {3}), ("v", {0, 2, 3, 4}), ("", {0, 2, 3, 4}), ("z", set())],
)
def test_prefix_answers_newest_first_positions(
    index: TagIndex, prefix: str, positions: set[int]
) -> None:
    assert index.prefix(prefix) == positions


@pytest.mark.parametrize(
    ("pattern", "positions"),
    [
        ("prod", {4}),  # no wildcard: the whole tag
        ("prod*", {2, 3, 4}),
        ("*prod", {0, 4}),
        ("v*-rc", {3}),
        ("v*", {0, 2, 3, 4}),
        ("v*4", {0}),  # a wildcard matches a newline too
        ("*", {0, 2, 3, 4}),
        ("p.od", set()),  # regex characters are literal
    ],
)
def test_pattern_matches_whole_tags(index: TagIndex, pattern: str, positions: set[int]) -> None:
    assert index.pattern(pattern) == positions


def test_answers_are_cached_per_prefix_and_pattern(index: TagIndex) -> None:
    assert index.prefix("prod") is index.prefix("prod")
    assert index.pattern("prod") is not index.prefix("prod")


def test_a_tag_on_two_images_selects_both() -> None:
    images = [image("a", ["latest", "x"], 2), image("b", ["latest"], 1)]
    index = TagIndex(images, [1, 0])
    assert index.shared
    assert index.pattern("latest") == {0, 1}
    assert TagIndex(IMAGES, ORDERED).shared is False


def test_an_index_over_some_images_maps_only_those() -> None:
    index = TagIndex(IMAGES, [2, 0])
    assert index.tags == ["prod", "production", "v1", "v3"]
    assert index.prefix("prod") == {0, 1}


def _rule(**selection: Any) -> Any:
    raw = rule(1, selection.pop("tagStatus"), "imageCountMoreThan", 1)
    raw["selection"].update(selection)
    return compile_rules({"rules": [raw]})[0]


@pytest.mark.parametrize(
    ("selection", "selected"),
    [
        ({"tagStatus": "any"}, ["odd", "bare", "new", "mid", "old"]),
        ({"tagStatus": "untagged"}, ["bare"]),
        ({"tagStatus": "tagged", "tagPrefixList": ["prod"]}, ["new", "mid", "old"]),
        ({"tagStatus": "tagged", "tagPrefixList": ["prod-", "v"]}, ["mid"]),
        ({"tagStatus": "tagged", "tagPatternList": ["*prod", "v*"]}, ["odd", "old"]),
        ({"tagStatus": "tagged", "tagPatternList": ["nothing*"]}, []),
    ],
)
def test_candidates_need_every_list_entry_to_match_some_tag(
    selection: dict[str, Any], selected: list[str]
) -> None:
    found = candidates(_rule(**selection), IMAGES, ORDERED, TagIndex(IMAGES, ORDERED))
    assert [NAMES[i] for i in found] == selected


def test_candidates_without_tags_need_no_index() -> None:
    images: list[Image] = [image("a", [], 1)]
    assert candidates(_rule(tagStatus="untagged"), images, [0], None) == [0]
