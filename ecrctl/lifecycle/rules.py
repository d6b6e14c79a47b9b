"""Lifecycle rules as the engine applies them: a validated policy document
compiled into :class:`Rule` values in ascending ``rulePriority``, and the
names of the three fates an image can have."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ecrctl.lifecycle.images import STANDARD

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
