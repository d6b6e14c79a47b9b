"""Lifecycle policy documents for the tests: a valid two-rule base, the edits that break
it one way at a time, the archive rule several modules evaluate, and a one-rule policy
that expires all untagged images but the newest."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

Edit = Callable[[dict[str, Any]], Any]

BASE: dict[str, Any] = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "keep prod",
            "selection": {
                "tagStatus": "tagged",
                "tagPrefixList": ["prod"],
                "countType": "imageCountMoreThan",
                "countNumber": 3,
            },
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 14,
            },
            "action": {"type": "expire"},
        },
    ]
}

ANY_LAST = {
    "rulePriority": 3,
    "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1},
    "action": {"type": "expire"},
}


UNTAGGED_BEYOND_ONE: dict[str, Any] = {
    "rules": [
        {
            "rulePriority": 1,
            "selection": {
                "tagStatus": "untagged",
                "countType": "imageCountMoreThan",
                "countNumber": 1,
            },
            "action": {"type": "expire"},
        }
    ]
}


def doc(edit: Edit) -> dict[str, Any]:
    """A copy of :data:`BASE` with ``edit`` applied."""
    document = copy.deepcopy(BASE)
    edit(document)
    return document


def sel(i: int, **changes: Any) -> Edit:
    """Set (or, with None, remove) keys of rule ``i``'s selection."""

    def edit(d: dict[str, Any]) -> None:
        for key, value in changes.items():
            if value is None:
                d["rules"][i]["selection"].pop(key, None)
            else:
                d["rules"][i]["selection"][key] = value

    return edit


def rule_set(i: int, key: str, value: Any) -> Edit:
    """Set (or, with None, remove) one key of rule ``i``."""

    def edit(d: dict[str, Any]) -> None:
        if value is None:
            d["rules"][i].pop(key)
        else:
            d["rules"][i][key] = value

    return edit


def add_rule(rule: dict[str, Any]) -> Edit:
    return lambda d: d["rules"].append(rule)


def archive_expire(priority: int = 1, days: int = 90) -> dict[str, Any]:
    """A rule expiring every archived image ``days`` after its transition."""
    return {
        "rulePriority": priority,
        "selection": {
            "tagStatus": "any",
            "storageClass": "archive",
            "countType": "sinceImageTransitioned",
            "countUnit": "days",
            "countNumber": days,
        },
        "action": {"type": "expire"},
    }
