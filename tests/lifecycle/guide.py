"""The user guide's lifecycle examples ("Examples of lifecycle policies") as data: the
repository contents, the policy text exactly as printed (with ``"day"`` fixed
to ``"days"`` where the guide has it wrong), and the result the guide states."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecrctl.lifecycle.images import Image
from tests.image_samples import sha

NOW = 1_700_000_000.0  # 2023-11-14T22:13:20Z
DAY = 86_400.0


def image(name: str, tags: list[str], days_ago: float) -> Image:
    return Image(sha(name), tuple(tags), NOW - days_ago * DAY)


def rule(
    priority: int,
    tag_status: str,
    count_type: str,
    count: int,
    prefixes: list[str] | None = None,
) -> dict[str, Any]:
    selection: dict[str, Any] = {"tagStatus": tag_status}
    if prefixes is not None:
        selection["tagPrefixList"] = prefixes
    selection["countType"] = count_type
    if count_type == "sinceImagePushed":
        selection["countUnit"] = "days"
    selection["countNumber"] = count
    return {
        "rulePriority": priority,
        "description": f"Rule {priority}",
        "selection": selection,
        "action": {"type": "expire"},
    }


@dataclass(frozen=True)
class Example:
    title: str
    images: dict[str, Image]
    policy: dict[str, Any]
    expired: dict[str, int]  # image name -> the rule priority that expires it


def _images(*entries: tuple[str, list[str], float]) -> dict[str, Image]:
    return {name: image(name, tags, days) for name, tags, days in entries}


_AB = _images(("A", ["beta-1", "prod-1"], 10), ("B", ["beta-2", "prod-2"], 9), ("C", ["beta-3"], 8))

EXAMPLES = [
    Example(
        "1 age: untagged older than 14 days",
        _images(("old", [], 20), ("older", [], 15), ("fresh", [], 13), ("tagged", ["v1"], 30)),
        {"rules": [rule(1, "untagged", "sinceImagePushed", 14)]},
        {"old": 1, "older": 1},
    ),
    Example(
        "2 count: keep one untagged image",
        _images(("u1", [], 3), ("u2", [], 2), ("u3", [], 1), ("t", ["v1"], 5)),
        {"rules": [rule(1, "untagged", "imageCountMoreThan", 1)]},
        {"u1": 1, "u2": 1},
    ),
    Example(
        "3 multiple rules A: prod then beta",
        _AB,
        {
            "rules": [
                rule(1, "tagged", "imageCountMoreThan", 1, ["prod"]),
                rule(2, "tagged", "imageCountMoreThan", 1, ["beta"]),
            ]
        },
        {"A": 1},
    ),
    Example(
        "4 multiple rules B: beta then prod",
        _AB,
        {
            "rules": [
                rule(1, "tagged", "imageCountMoreThan", 1, ["beta"]),
                rule(2, "tagged", "imageCountMoreThan", 1, ["prod"]),
            ]
        },
        {"A": 1, "B": 1},
    ),
    Example(
        "5 several prefixes in one rule, by age",
        _images(
            ("A", ["alpha-1"], 12),
            ("B", ["beta-1"], 11),
            ("C", ["alpha-2", "beta-2"], 10),
            ("D", ["alpha-3"], 4),
            ("E", ["beta-3"], 3),
            ("F", ["alpha-4", "beta-4"], 2),
        ),
        {"rules": [rule(1, "tagged", "sinceImagePushed", 5, ["alpha", "beta"])]},
        {"C": 1},
    ),
    Example(
        "6 several prefixes in one rule, by count",
        _images(
            ("A", ["alpha-1", "beta-1", "gamma-1"], 10),
            ("B", ["alpha-2", "beta-2"], 9),
            ("C", ["alpha-3", "beta-3", "gamma-2"], 8),
        ),
        {"rules": [rule(1, "tagged", "imageCountMoreThan", 1, ["alpha", "beta"])]},
        {"A": 1, "B": 1},
    ),
    Example(
        "7 any: keep one image",
        _images(("A", ["alpha-1"], 4), ("B", ["beta-1"], 3), ("C", [], 2), ("D", ["alpha-2"], 1)),
        {"rules": [rule(1, "any", "imageCountMoreThan", 1)]},
        {"A": 1, "B": 1, "C": 1},
    ),
    Example(
        # The guide lists D and E as "1 day ago"; its result needs E newer than D and
        # not older than one day: E is 1 day minus a minute old.
        "8 all rule types combined",
        _images(
            ("A", ["alpha-", "beta-1", "-1"], 4),
            ("B", [], 3),
            ("C", ["alpha-2"], 2),
            ("D", ["git hash"], 1),
            ("E", [], 1 - 1 / 1440),
        ),
        {
            "rules": [
                rule(1, "tagged", "imageCountMoreThan", 1, ["alpha"]),
                rule(2, "untagged", "sinceImagePushed", 1),
                rule(3, "any", "imageCountMoreThan", 1),
            ]
        },
        {"A": 1, "B": 2, "D": 3},
    ),
]

MULTI = EXAMPLES[2]  # prod keep 1, beta keep 1: only A expires
